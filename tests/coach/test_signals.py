"""Tracked quantities against hand computations on poses built with known geometry."""

import math

import numpy as np
import pytest

from kinesense.coach.signals import SignalTracker, compute_quantities, mirror_name
from kinesense.exercises import load_exercise
from kinesense.exercises.schema import VIRTUAL_POINTS, Tracked
from kinesense.landmarks import LANDMARK_INDEX as IDX
from kinesense.signal.geometry import joint_angle_deg, signed_inclination_2d_deg
from tests.coach import synthetic as syn
from tests.coach.real_poses import clip_series, pixels

W, H = syn.RESOLUTION


def normalised(points_px: np.ndarray) -> np.ndarray:
    xyz = np.zeros((33, 3))
    xyz[:, :2] = points_px / np.array([W, H])
    return xyz


def quantities(
    points_px: np.ndarray, *tracked: Tracked, mirrored: bool = False
) -> dict[str, float | None]:
    vis = np.ones(33)
    return compute_quantities(tracked, normalised(points_px), vis, (W, H), mirrored=mirrored)


def test_joint_angle_in_pixels_matches_the_construction() -> None:
    p = syn.standing()
    syn.set_joint_angle(p, "left_hip", "left_knee", "left_ankle", 360 - 73.0)
    knee = Tracked(name="knee", kind="joint_angle", points=("left_hip", "left_knee", "left_ankle"))
    assert quantities(p, knee)["knee"] == pytest.approx(73.0, abs=1e-9)


def test_normalised_coordinates_would_distort_the_angle() -> None:
    # 45 degrees in pixels on a 16:9 frame is not 45 degrees in normalised units
    p = syn.standing()
    syn.set_joint_angle(p, "left_hip", "left_knee", "left_ankle", 360 - 45.0)
    knee = Tracked(name="knee", kind="joint_angle", points=("left_hip", "left_knee", "left_ankle"))
    vis = np.ones(33)
    stretched = compute_quantities((knee,), normalised(p), vis, None)["knee"]
    assert stretched is not None
    assert abs(stretched - 45.0) > 10


def test_signed_inclination_and_its_mirror() -> None:
    p = syn.standing()
    syn.tilt_trunk(p, 12.0)  # shoulders to the image right
    trunk = Tracked(name="trunk", kind="segment_inclination", points=("mid_hip", "mid_shoulder"))
    assert quantities(p, trunk)["trunk"] == pytest.approx(12.0, abs=1e-9)
    assert quantities(p, trunk, mirrored=True)["trunk"] == pytest.approx(-12.0, abs=1e-9)
    absolute = Tracked(
        name="trunk", kind="segment_inclination", points=("mid_hip", "mid_shoulder"), absolute=True
    )
    syn.tilt_trunk(p, -12.0)
    assert quantities(p, absolute)["trunk"] == pytest.approx(12.0, abs=1e-9)


def test_distance_and_height_difference_in_torso_lengths() -> None:
    p = syn.standing()  # torso 200 px; ankles 80 px apart; raise the right ankle by 50 px
    p[IDX["right_ankle"], 1] -= 50.0
    gap = Tracked(name="gap", kind="distance", points=("left_ankle", "right_ankle"))
    lift = Tracked(name="lift", kind="height_difference", points=("right_ankle", "left_ankle"))
    q = quantities(p, gap, lift)
    assert syn.torso_px(p) == 200.0
    assert q["gap"] == pytest.approx(math.hypot(80.0, 50.0) / 200.0, rel=1e-12)
    assert q["lift"] == pytest.approx(0.25, rel=1e-12)
    # mirrored: the left ankle is now the lifted one, which is 0.25 lower
    assert quantities(p, lift, mirrored=True)["lift"] == pytest.approx(-0.25, rel=1e-12)


def test_low_visibility_gives_none_and_landmark_visible_a_fraction() -> None:
    p = syn.standing()
    vis = np.ones(33)
    vis[IDX["left_ankle"]] = 0.2
    knee = Tracked(name="knee", kind="joint_angle", points=("left_hip", "left_knee", "left_ankle"))
    seen = Tracked(
        name="seen", kind="landmark_visible", points=("left_ankle", "left_knee", "nose", "left_hip")
    )
    gap = Tracked(name="gap", kind="distance", points=("left_knee", "right_knee"))
    q = compute_quantities((knee, seen, gap), normalised(p), vis, (W, H))
    assert q["knee"] is None
    assert q["seen"] == 0.75
    assert q["gap"] == pytest.approx(0.4)
    vis[IDX["left_shoulder"]] = 0.0  # no torso length: lengths are unknown
    q = compute_quantities((gap,), normalised(p), vis, (W, H))
    assert q["gap"] is None


def test_mirror_name() -> None:
    assert mirror_name("left_knee") == "right_knee"
    assert mirror_name("right_hip") == "left_hip"
    assert mirror_name("mid_hip") == "mid_hip"


def test_tracker_smooths_noise_and_settles_on_a_constant() -> None:
    exercise = load_exercise("squat")
    tracker = SignalTracker(exercise)
    rng = np.random.default_rng(1)
    p = syn.standing()
    syn.set_joint_angle(p, "left_hip", "left_knee", "left_ankle", 360 - 120.0)
    raw: list[float] = []
    smooth: list[float] = []
    for i in range(300):
        noisy = p + rng.normal(0, 3.0, p.shape)
        values = tracker.update(i / 30, normalised(noisy), np.ones(33), (W, H))
        raw.append(float(tracker.raw["knee_angle_deg"] or np.nan))
        smooth.append(float(values["knee_angle_deg"] or np.nan))
    assert np.std(smooth[100:]) < np.std(raw[100:]) / 2
    assert np.mean(smooth[100:]) == pytest.approx(120.0, abs=1.0)
    values = tracker.update(10.1, None, None)
    assert values["knee_angle_deg"] is None


def _reference_points(px: np.ndarray, name: str) -> np.ndarray:
    """(N, 2) pixel positions of a landmark or a virtual midpoint over a whole recording."""
    if name in VIRTUAL_POINTS:
        a, b = VIRTUAL_POINTS[name]
        return (px[:, IDX[a]] + px[:, IDX[b]]) / 2.0
    return px[:, IDX[name]]


def _reference_visibility(vis: np.ndarray, name: str) -> np.ndarray:
    if name in VIRTUAL_POINTS:
        a, b = VIRTUAL_POINTS[name]
        return np.minimum(vis[:, IDX[a]], vis[:, IDX[b]])
    return vis[:, IDX[name]]


@pytest.mark.parametrize("mirrored", [False, True])
def test_angles_on_a_real_recording_equal_the_geometry_functions_to_the_last_bit(
    mirrored: bool,
) -> None:
    # The tracker computes one frame on plain floats; the vectorised geometry functions over
    # the whole recording must give the very same numbers (the results are golden-tested).
    series = clip_series("walk")
    px, vis = pixels(series), np.where(series.detected[:, None], series.visibility, 0.0)
    by_name = {
        t.name: t
        for exercise in ("squat", "bird_dog", "cat_camel", "clock_reach")
        for t in load_exercise(exercise).tracked
        if t.kind in ("joint_angle", "segment_inclination")
    }
    tracked = list(by_name.values())
    assert {t.kind for t in tracked} == {"joint_angle", "segment_inclination"}
    expected = {}
    for t in tracked:
        names = [mirror_name(p) if mirrored else p for p in t.points]
        points = [_reference_points(px, p) for p in names]
        if t.kind == "joint_angle":
            value = joint_angle_deg(*points)
        else:
            value = (-1.0 if mirrored else 1.0) * signed_inclination_2d_deg(*points)
        value = np.abs(value) if t.absolute else value
        seen = np.all([_reference_visibility(vis, p) >= 0.5 for p in names], axis=0)
        expected[t.name] = np.where(seen, value, np.nan)
    resolution = series.provenance.resolution
    checked = 0
    for i in range(0, len(series.time_s), 3):
        got = compute_quantities(
            tracked, series.image_xyz[i], vis[i], resolution, mirrored=mirrored
        )
        for name, value in got.items():
            want = float(expected[name][i])
            assert (value is None and want != want) or value == want, (i, name, value, want)
            checked += value is not None
    assert checked > 100
