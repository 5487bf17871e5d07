"""Head angles from a pose matrix: the convention, its inverse, relative rotations, jitter."""

import numpy as np
import pytest

from kinesense.signal.head_pose import (
    angles_from_rotation,
    frame_jitter_deg,
    head_angles_deg,
    matrix_from_column_major,
    mean_orientation_deg,
    relative_angles_deg,
    rotation_from_angles,
)


def rz(deg: float) -> np.ndarray:
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def test_angles_round_trip_through_the_matrix() -> None:
    rng = np.random.default_rng(4)
    angles = rng.uniform([-80, -60, -80], [80, 60, 80], size=(200, 3))
    assert np.allclose(angles_from_rotation(rotation_from_angles(angles)), angles, atol=1e-9)


def test_the_signs_of_the_convention() -> None:
    # Yaw: the face's forward axis (+z) turns towards +x, the image right (person's left).
    assert (rotation_from_angles(np.array([30.0, 0, 0])) @ [0, 0, 1])[0] > 0
    # Pitch: the forward axis turns down (-y).
    assert (rotation_from_angles(np.array([0, 30.0, 0])) @ [0, 0, 1])[1] < 0
    # Roll: the top of the head (+y) tilts towards -x, the image left (person's right).
    assert (rotation_from_angles(np.array([0, 0, 30.0])) @ [0, 1, 0])[0] < 0


def test_a_scaled_matrix_and_the_browser_layout_give_the_same_angles() -> None:
    matrix = np.eye(4)
    matrix[:3, :3] = 1.7 * rotation_from_angles(np.array([12.0, -5.0, 3.0]))
    matrix[:3, 3] = [1.0, 2.0, -60.0]
    assert np.allclose(head_angles_deg(matrix), [12.0, -5.0, 3.0])
    column_major = matrix.T.reshape(-1).tolist()
    assert np.allclose(matrix_from_column_major(column_major), matrix)
    with pytest.raises(ValueError, match="16 finite numbers"):
        matrix_from_column_major([0.0] * 15)


def test_relative_rotation_about_the_line_of_sight_is_pure_roll() -> None:
    """A head pitched 16 deg (as the face model reads a frontal face) and then rotated in the
    image plane by 10 deg: absolute roll reads 10.4 deg, the relative rotation exactly 10."""
    start = np.array([2.0, 16.0, -3.0])
    tilted = angles_from_rotation(rz(10.0) @ rotation_from_angles(start))
    assert abs(tilted[2] - start[2] - 10.0) > 0.3
    assert np.allclose(relative_angles_deg(tilted, start), [0.0, 0.0, 10.0], atol=1e-9)
    assert np.all(np.isnan(relative_angles_deg(np.full(3, np.nan), start)))


def test_mean_orientation_and_jitter() -> None:
    rows = np.array([[1.0, 2.0, 3.0], [1.2, 2.0, 2.8], [np.nan] * 3])
    assert np.allclose(mean_orientation_deg(rows), [1.1, 2.0, 2.9], atol=0.01)
    rng = np.random.default_rng(1)
    noise = rng.normal(0.0, 0.3, 5000)
    assert frame_jitter_deg(noise) == pytest.approx(0.3, rel=0.05)
    assert np.isnan(frame_jitter_deg(np.array([1.0, 2.0])))
