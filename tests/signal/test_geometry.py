"""Angles on hand-made triangles and known rotations; invariance under rigid motions."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.spatial.transform import Rotation

from kinesense.signal.geometry import (
    angle_between_deg,
    joint_angle_deg,
    midpoint,
    segment_inclination_deg,
    signed_inclination_2d_deg,
)


def test_angle_between_basic_directions() -> None:
    assert angle_between_deg([1, 0], [0, 1]) == pytest.approx(90.0)
    assert angle_between_deg([1, 0, 0], [1, 0, 0]) == 0.0
    assert angle_between_deg([1, 0, 0], [-2, 0, 0]) == pytest.approx(180.0)
    assert angle_between_deg([1, 1], [1, 0]) == pytest.approx(45.0)


def test_joint_angles_of_a_3_4_5_triangle() -> None:
    a, b, c = np.array([3.0, 0.0]), np.array([0.0, 0.0]), np.array([0.0, 4.0])
    assert joint_angle_deg(a, b, c) == pytest.approx(90.0)
    # at a: opposite side 4, adjacent 3 -> atan(4/3); at c: atan(3/4)
    assert joint_angle_deg(b, a, c) == pytest.approx(math.degrees(math.atan2(4, 3)))
    assert joint_angle_deg(a, c, b) == pytest.approx(36.86989764584402)
    total = joint_angle_deg(b, a, c) + joint_angle_deg(a, b, c) + joint_angle_deg(a, c, b)
    assert total == pytest.approx(180.0)


def test_straight_joint_is_180_and_folded_joint_is_0() -> None:
    hip, knee, ankle = np.array([0, 1.0, 0]), np.array([0, 0.5, 0]), np.array([0, 0.0, 0])
    assert joint_angle_deg(hip, knee, ankle) == pytest.approx(180.0)
    assert joint_angle_deg(hip, knee, hip) == 0.0


def test_tiny_angles_are_accurate() -> None:
    # arccos(dot) would return exactly 0 here
    angle = angle_between_deg([1.0, 0.0, 0.0], [1.0, 1e-9, 0.0])
    assert angle == pytest.approx(math.degrees(1e-9), rel=1e-6)
    near_straight = angle_between_deg([1.0, 0.0], [-1.0, 1e-9])
    assert 180.0 - near_straight == pytest.approx(math.degrees(1e-9), rel=1e-6)


def test_nan_and_zero_length_give_nan() -> None:
    assert np.isnan(angle_between_deg([np.nan, 0, 0], [1, 0, 0]))
    assert np.isnan(angle_between_deg([0, 0, 0], [1, 0, 0]))
    assert np.isnan(joint_angle_deg([1, 0], [1, 0], [0, 1]))


def test_broadcasting_over_time_and_landmarks() -> None:
    u = np.zeros((5, 4, 3))
    u[..., 0] = 1.0
    v = np.array([0.0, 1.0, 0.0])
    out = angle_between_deg(u, v)
    assert out.shape == (5, 4)
    np.testing.assert_allclose(out, 90.0)


def test_mixed_dimensions_are_refused() -> None:
    with pytest.raises(ValueError, match="2 or 3 coordinates"):
        angle_between_deg([1, 0], [1, 0, 0])
    with pytest.raises(ValueError, match="2 or 3 coordinates"):
        angle_between_deg([1, 0, 0, 0], [1, 0, 0, 0])


@pytest.mark.parametrize("tilt_deg", [0.0, 10.0, 45.0, 90.0, 135.0, 180.0])
def test_inclination_of_a_segment_rotated_from_vertical(tilt_deg: float) -> None:
    up = np.array([0.0, -1.0, 0.0])  # MediaPipe world: y down
    distal = np.array([0.1, 0.2, 0.3])
    upright = np.array([0.0, -0.45, 0.0])  # proximal straight above distal
    rotation = Rotation.from_rotvec(np.radians(tilt_deg) * np.array([0.0, 0.0, 1.0]))
    proximal = distal + rotation.apply(upright)
    assert segment_inclination_deg(proximal, distal, up) == pytest.approx(tilt_deg, abs=1e-9)


def test_inclination_ignores_the_length_of_up_and_sways_the_same_both_ways() -> None:
    distal = np.zeros((2, 3))
    proximal = np.array([[0.1, 1.0, 0.0], [-0.1, 1.0, 0.0]])
    out = segment_inclination_deg(proximal, distal, [0.0, 9.81, 0.0])
    np.testing.assert_allclose(out, math.degrees(math.atan2(0.1, 1.0)))


@pytest.mark.parametrize(
    ("dx", "dy", "expected"),
    [
        (0.0, -1.0, 0.0),  # upper straight above lower (y is down)
        (1.0, -1.0, 45.0),  # leaning to the image right
        (-1.0, -1.0, -45.0),  # leaning to the image left
        (1.0, 0.0, 90.0),
        (-1.0, 0.0, -90.0),
        (1.0, 1.0, 135.0),
        (0.0, 1.0, 180.0),  # upside down
    ],
)
def test_signed_image_inclination_sign_convention(dx: float, dy: float, expected: float) -> None:
    lower = np.array([320.0, 400.0, 0.5])  # a third coordinate is ignored
    upper = lower + np.array([dx, dy, 99.0]) * 50
    assert signed_inclination_2d_deg(lower, upper) == pytest.approx(expected)


def test_signed_image_inclination_of_coincident_points_is_nan() -> None:
    assert np.isnan(signed_inclination_2d_deg([1.0, 2.0], [1.0, 2.0]))


def test_midpoint() -> None:
    np.testing.assert_array_equal(midpoint([0, 0, 0], [2, 4, 6]), [1, 2, 3])
    assert np.isnan(midpoint([np.nan, 0], [1, 1])[0])


coordinate = st.floats(min_value=-10, max_value=10, allow_nan=False)
point3 = st.tuples(coordinate, coordinate, coordinate).map(np.array)
quaternion = st.tuples(*[st.floats(-1, 1)] * 4).filter(lambda q: np.linalg.norm(q) > 0.1)


@settings(max_examples=100, deadline=None)
@given(a=point3, b=point3, c=point3, q=quaternion, shift=point3)
def test_joint_angle_is_invariant_under_rotation_and_translation(
    a: np.ndarray, b: np.ndarray, c: np.ndarray, q: tuple[float, ...], shift: np.ndarray
) -> None:
    assume(np.linalg.norm(a - b) > 1e-2 and np.linalg.norm(c - b) > 1e-2)
    rotation = Rotation.from_quat(q)
    moved = [rotation.apply(p) + shift for p in (a, b, c)]
    assert joint_angle_deg(*moved) == pytest.approx(joint_angle_deg(a, b, c), abs=1e-6)
    assert joint_angle_deg(a, b, c) == pytest.approx(joint_angle_deg(c, b, a), abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(a=point3, b=point3, c=point3)
def test_joint_angle_agrees_with_the_law_of_cosines(
    a: np.ndarray, b: np.ndarray, c: np.ndarray
) -> None:
    ab, cb, ac = np.linalg.norm(a - b), np.linalg.norm(c - b), np.linalg.norm(a - c)
    assume(ab > 1e-1 and cb > 1e-1)
    cosine = np.clip((ab**2 + cb**2 - ac**2) / (2 * ab * cb), -1, 1)
    assume(abs(cosine) < 0.999)  # arccos is itself inaccurate near 0 and 180 degrees
    assert joint_angle_deg(a, b, c) == pytest.approx(math.degrees(math.acos(cosine)), abs=1e-6)
