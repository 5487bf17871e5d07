"""Virtual cameras: exact projection of known points, camera placement per view, BlazePose-like
visibility (hidden far side, out of frame, missing), and views the view classifier agrees with."""

from pathlib import Path

import numpy as np
import pytest

from kinesense.capture.readers.uiprmd import read_uiprmd, uiprmd_file
from kinesense.capture.view import classify_view
from kinesense.errors import InvalidValueError, SeriesError
from kinesense.landmarks import BLAZEPOSE_LANDMARKS, LANDMARK_INDEX
from kinesense.series import PoseSeries
from kinesense.signal.projection import (
    HIDDEN_VISIBILITY,
    OUT_OF_FRAME_VISIBILITY,
    SEEN_VISIBILITY,
    VIEW_AZIMUTH_DEG,
    _segment_distance,
    film,
    hidden_landmarks,
    look_at,
    project_pose,
    virtual_camera,
)
from tests.conftest import shared_file

N = len(BLAZEPOSE_LANDMARKS)


def standing_person(frames: int = 2) -> PoseSeries:
    """A stick figure facing +z, y up, x to its left (the UI-PRMD axes), metres."""
    points = {
        "left_shoulder": (0.18, 1.45, 0.0),
        "right_shoulder": (-0.18, 1.45, 0.0),
        "left_elbow": (0.20, 1.15, 0.0),
        "right_elbow": (-0.20, 1.15, 0.0),
        "left_wrist": (0.21, 0.90, 0.02),
        "right_wrist": (-0.21, 0.90, 0.02),
        "left_hip": (0.09, 0.95, 0.0),
        "right_hip": (-0.09, 0.95, 0.0),
        "left_knee": (0.10, 0.52, 0.02),
        "right_knee": (-0.10, 0.52, 0.02),
        "left_ankle": (0.10, 0.09, 0.0),
        "right_ankle": (-0.10, 0.09, 0.0),
    }
    world = np.full((frames, N, 3), np.nan)
    visibility = np.zeros((frames, N))
    for name, xyz in points.items():
        world[:, LANDMARK_INDEX[name]] = xyz
        visibility[:, LANDMARK_INDEX[name]] = 1.0
    return PoseSeries(
        time_s=np.arange(frames) / 30.0,
        image_xyz=np.full_like(world, np.nan),
        world_xyz_m=world,
        visibility=visibility,
        detected=np.ones(frames, dtype=bool),
        frame_rate_hz=30.0,
        world_up=(0.0, 1.0, 0.0),
    )


def vis(series: PoseSeries, name: str) -> float:
    return float(series.visibility[0, LANDMARK_INDEX[name]])


def test_known_points_project_exactly() -> None:
    camera = look_at(np.array([0.0, 1.0, -3.0]), np.array([0.0, 1.0, 0.0]), np.array([0, 1, 0]))
    points = np.array([[0.0, 1.0, 0.0], [0.3, 1.2, 0.0], [-0.6, 0.4, 3.0]])
    projected = camera.project(points)
    # facing +z with y up, world +x is the image left; 1000 px focal length, 1280 x 720
    np.testing.assert_allclose(projected[0], [640.0, 360.0, 3.0])
    np.testing.assert_allclose(projected[1], [640 - 1000 * 0.3 / 3, 360 - 1000 * 0.2 / 3, 3.0])
    np.testing.assert_allclose(projected[2], [640 + 1000 * 0.6 / 6, 360 + 1000 * 0.6 / 6, 6.0])
    np.testing.assert_allclose(camera.rotation @ camera.rotation.T, np.eye(3), atol=1e-12)


def test_cameras_stand_three_metres_away_at_hip_height() -> None:
    person = standing_person()
    hip = np.array([0.0, 0.95, 0.0])
    expected = {
        "front": [0, 0.95, 3],
        "left-side": [3, 0.95, 0],
        "right-side": [-3, 0.95, 0],
        "back": [0, 0.95, -3],
    }
    for view, position in expected.items():
        camera = virtual_camera(person, view)
        np.testing.assert_allclose(camera.position_m, position, atol=1e-12)
        np.testing.assert_allclose(camera.project(hip[None])[0, :2], [640, 360], atol=1e-9)
    oblique = virtual_camera(person, "oblique", distance_m=2.0).position_m
    np.testing.assert_allclose(oblique, [np.sqrt(2), 0.95, np.sqrt(2)], atol=1e-12)
    front_right = virtual_camera(person, "oblique", distance_m=2.0, azimuth_deg=-45).position_m
    np.testing.assert_allclose(front_right, [-np.sqrt(2), 0.95, np.sqrt(2)], atol=1e-12)


def test_front_view_mirrors_and_side_views_hide_the_far_side() -> None:
    person = standing_person()
    front = film(person, "front")
    assert front.image_point("left_shoulder")[0, 0] > front.image_point("right_shoulder")[0, 0]
    assert all(vis(front, n) == SEEN_VISIBILITY for n in ("left_knee", "right_knee"))
    left = film(person, "left-side")
    for far in ("right_hip", "right_knee", "right_ankle", "right_shoulder"):
        assert vis(left, far) == HIDDEN_VISIBILITY, far
    for near in ("left_hip", "left_knee", "left_ankle", "left_shoulder", "left_wrist"):
        assert vis(left, near) == SEEN_VISIBILITY, near
    assert left.image_xyz[0, LANDMARK_INDEX["left_hip"], 2] < 0  # nearer than the mid-hip
    right = film(person, "right-side")
    assert vis(right, "left_knee") == HIDDEN_VISIBILITY
    assert vis(right, "right_knee") == SEEN_VISIBILITY
    assert right.provenance.camera_view == "right-side"
    assert right.provenance.resolution == (1280, 720)


def test_world_landmarks_follow_mediapipe() -> None:
    series = film(standing_person(), "front")
    assert series.world_up == (0.0, -1.0, 0.0)
    mid_hip = (series.world_point("left_hip") + series.world_point("right_hip")) / 2
    np.testing.assert_allclose(mid_hip, 0.0, atol=1e-12)
    np.testing.assert_allclose(series.world_point("left_shoulder")[0], [0.18, -0.5, 0.0])


def test_out_of_frame_and_missing_landmarks() -> None:
    person = standing_person()
    close = film(person, "front", distance_m=0.8)  # too close: the feet leave the picture
    assert vis(close, "left_ankle") == OUT_OF_FRAME_VISIBILITY
    assert close.image_point("left_ankle")[0, 1] > 1.0
    assert vis(close, "nose") == 0.0
    assert np.isnan(close.image_point("nose")).all()


def test_views_agree_with_the_view_classifier() -> None:
    person = standing_person()
    for view in ("front", "back", "left-side", "right-side", "oblique"):
        series = film(person, view)
        assert classify_view(series.image_xyz, series.visibility, (1280, 720)) == view


def test_bad_views_and_people_without_a_trunk() -> None:
    with pytest.raises(InvalidValueError, match="view must be one of"):
        virtual_camera(standing_person(), "above")
    empty = PoseSeries.empty_frames(np.arange(3) / 30.0)
    with pytest.raises(SeriesError, match="hips or the shoulders"):
        virtual_camera(empty, "front")
    assert set(VIEW_AZIMUTH_DEG) == {"front", "back", "left-side", "right-side", "oblique"}


def test_segment_distance_matches_brute_force() -> None:
    rng = np.random.default_rng(7)
    p0, p1, q0, q1 = (rng.normal(size=(60, 3)) for _ in range(4))
    q1[:5] = q0[:5]  # degenerate second segments (points)
    distance, s = _segment_distance(p0, p1, q0, q1)
    grid = np.linspace(0, 1, 301)
    along_p = p0[:, None] + grid[None, :, None] * (p1 - p0)[:, None]
    along_q = q0[:, None] + grid[None, :, None] * (q1 - q0)[:, None]
    brute = np.linalg.norm(along_p[:, :, None] - along_q[:, None, :], axis=-1).min(axis=(1, 2))
    assert np.all(distance <= brute + 1e-12)
    np.testing.assert_allclose(distance, brute, atol=1e-2)
    closest = p0 + s[:, None] * (p1 - p0)
    assert np.all((s >= 0) & (s <= 1))
    assert np.all(np.linalg.norm(closest - q0, axis=1) + 1e-9 >= distance)


def test_a_real_side_view_squat_hides_the_far_leg(shared_data: Path) -> None:
    path = shared_file(shared_data, str(uiprmd_file("ui-prmd", 1, 1, 1)))
    series = read_uiprmd(path)
    camera = virtual_camera(series, "left-side")
    hidden = hidden_landmarks(series, camera)
    assert hidden[:, LANDMARK_INDEX["right_knee"]].mean() > 0.9
    assert hidden[:, LANDMARK_INDEX["right_hip"]].mean() > 0.9
    assert not hidden[:, LANDMARK_INDEX["left_knee"]].any()
    front = project_pose(series, virtual_camera(series, "front"), camera_view="front")
    knees = [LANDMARK_INDEX["left_knee"], LANDMARK_INDEX["right_knee"]]
    assert (front.visibility[:, knees] == SEEN_VISIBILITY).all()
    assert classify_view(front.image_xyz, front.visibility, (1280, 720)) == "front"
