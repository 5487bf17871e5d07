"""Accuracy of the landmarks and the angles computed from them (the issue's acceptance tests).

(a) Synthetic ground truth: one real frame of a standing person, moved by known translations
    and, separately, rotated by known angles about a known point. The hip centre must follow
    the translation and the trunk inclination must change by exactly the rotation.
(b) A multi-view reference: the Pose2Sim balancing trial, triangulated from four calibrated
    cameras, projected into camera 1 and compared with what kinesense finds in camera 1's video:
    2D trunk inclination (target: mean absolute error < 5 degrees) and knee angles.

Angles are computed with :mod:`kinesense.signal.geometry` on pixel coordinates (that is part of
what is validated); the references are computed here from the known transforms and from the
calibration, never from the code under test. Run with ``pytest -s`` to see the figures.
"""

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from kinesense.arrays import FloatArray
from kinesense.capture.extract import extract_video
from kinesense.capture.video import VideoFile
from kinesense.landmarks import OPENPOSE_BODY_25B
from kinesense.series import PoseSeries
from kinesense.signal.geometry import joint_angle_deg, midpoint, signed_inclination_2d_deg
from tests.capture.clips import rotated, rotation_matrix, translated, write_mp4v
from tests.conftest import shared_file


def _px(series: PoseSeries, name: str) -> FloatArray:
    return series.image_point_px(name)


def _hip_centre(series: PoseSeries) -> FloatArray:
    return midpoint(_px(series, "left_hip"), _px(series, "right_hip"))


def _trunk_inclination_deg(series: PoseSeries) -> FloatArray:
    """Signed 2D inclination of mid-hip -> mid-shoulder (positive: leaning to the image right)."""
    shoulders = midpoint(_px(series, "left_shoulder"), _px(series, "right_shoulder"))
    return signed_inclination_2d_deg(_hip_centre(series), shoulders)


# =================================================================================================
# (a) synthetic ground truth
# =================================================================================================

BASE_FRAME = 100
"""Frame of sports2d_walk_side.mp4 used as the picture: she is mid-stride, side on, fully in view
(landmarks x 0.40-0.48, y 0.39-0.86 of the frame), in front of a plain wall."""

CROP_X0 = 203
"""Left edge of the 720 x 720 window cut around her (her centre is at x ~563 px of 1280)."""

CROP_SIZE = 720

HOLD_FRAMES = 8
"""Untransformed frames at the start of each clip: the reference position and inclination."""

ROTATION_CENTRE_PX = (360.0, 450.0)
"""Known point the picture is rotated about: near her hips, in window coordinates."""

# Translation: 8 still frames, then 60 frames of a smooth 2D path (80 px sideways, 30 px up and
# down at twice the rate), peak speed 8.4 px a frame: a brisk but plausible movement at 30 fps.
_k = np.arange(60)
SHIFTS_PX = np.vstack(
    [
        np.zeros((HOLD_FRAMES, 2)),
        np.column_stack([80.0 * np.sin(2 * np.pi * _k / 60), 30.0 * np.sin(4 * np.pi * _k / 60)]),
    ]
)

# Rotation (counter-clockwise on screen, degrees): holds at 0, +10, +20, +10, 0, -10, -20, -10, 0
# joined by ramps of 10 degrees over 8 frames (37.5 deg/s, an ordinary trunk sway speed).
_KEYFRAMES = [
    (0, 0), (HOLD_FRAMES - 1, 0), (15, 10), (20, 10), (28, 20), (34, 20), (42, 10), (47, 10),
    (55, 0), (60, 0), (68, -10), (73, -10), (81, -20), (87, -20), (95, -10), (100, -10),
    (108, 0), (112, 0),
]  # fmt: skip
ANGLES_DEG = np.interp(np.arange(113), *zip(*_KEYFRAMES, strict=True))

TRANSLATION_MAX_ERROR = 0.02
"""Mean hip-centre error allowed, as a fraction of body height (the issue's criterion)."""

ROTATION_MAX_ERROR_DEG = 2.0
"""Mean trunk-inclination error allowed, in degrees."""


@dataclass(frozen=True)
class SyntheticRun:
    """Extracted series of the translation and rotation clips, and the body height in pixels."""

    translation: PoseSeries
    rotation: PoseSeries
    body_height_px: float


def _body_height_px(series: PoseSeries, frames: slice) -> float:
    """Median vertical extent (pixels) of the visible landmarks, nose to heel."""
    xy = series.image_xyz[frames, :, :2] * np.array(series.provenance.resolution)
    seen = series.visibility[frames] >= 0.5
    return float(np.median([np.ptp(xy[k, seen[k], 1]) for k in range(len(xy))]))


@pytest.fixture(scope="module")
def synthetic(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> SyntheticRun:
    path = shared_file(shared_data, "video/sports2d_walk_side.mp4")
    with VideoFile(path) as video:
        frame = next(video.frames(BASE_FRAME, BASE_FRAME + 1)).rgb
    base = np.ascontiguousarray(frame[:CROP_SIZE, CROP_X0 : CROP_X0 + CROP_SIZE])
    folder = tmp_path_factory.mktemp("synthetic")
    moved = write_mp4v(
        folder / "translation.mp4", [translated(base, dx, dy) for dx, dy in SHIFTS_PX]
    )
    turned = write_mp4v(
        folder / "rotation.mp4", [rotated(base, a, ROTATION_CENTRE_PX) for a in ANGLES_DEG]
    )
    translation = extract_video(moved).series
    rotation = extract_video(turned).series
    height = _body_height_px(translation, slice(0, HOLD_FRAMES))
    return SyntheticRun(translation, rotation, height)


def test_rotation_helper_matches_opencv() -> None:
    """The ground-truth matrix (built in clips.py from first principles) is OpenCV's."""
    import cv2

    for angle in (-20.0, 10.0, 33.0):
        expected = cv2.getRotationMatrix2D(ROTATION_CENTRE_PX, angle, 1.0)
        np.testing.assert_allclose(rotation_matrix(angle, ROTATION_CENTRE_PX), expected, atol=1e-12)
    # Counter-clockwise on screen: a point right of the centre moves up (y decreases).
    right_of_centre = np.array([ROTATION_CENTRE_PX[0] + 100.0, ROTATION_CENTRE_PX[1], 1.0])
    assert (rotation_matrix(10.0, ROTATION_CENTRE_PX) @ right_of_centre)[1] < ROTATION_CENTRE_PX[1]


@pytest.mark.slow
def test_synthetic_clips_are_detected_with_confidence(synthetic: SyntheticRun) -> None:
    for series, frames in ((synthetic.translation, 68), (synthetic.rotation, 113)):
        assert len(series) == frames
        assert series.n_detected == frames
        trunk = [
            series.index_of(n) for n in ("left_hip", "right_hip", "left_shoulder", "right_shoulder")
        ]
        assert series.visibility[:HOLD_FRAMES][:, trunk].mean() > 0.8
    assert 250 < synthetic.body_height_px < 400  # she is ~47 % of the 720 px frame height


@pytest.mark.slow
def test_hip_centre_follows_known_translation(synthetic: SyntheticRun) -> None:
    hip = _hip_centre(synthetic.translation)
    reference = np.median(hip[:HOLD_FRAMES], axis=0)
    error = np.linalg.norm(hip - reference - SHIFTS_PX, axis=1)
    per_axis = np.abs(hip - reference - SHIFTS_PX).mean(axis=0)
    height = synthetic.body_height_px
    print(
        f"\ntranslation: hip-centre error mean {error.mean():.2f} px "
        f"({100 * error.mean() / height:.2f} % of {height:.0f} px body height), "
        f"max {error.max():.2f} px; mean abs x {per_axis[0]:.2f} px, y {per_axis[1]:.2f} px"
    )
    assert error.mean() < TRANSLATION_MAX_ERROR * height
    # The path is followed, not merely stayed near: it spans 160 x 60 px.
    assert np.ptp(hip[:, 0]) > 140


@pytest.mark.slow
def test_trunk_inclination_ignores_translation(synthetic: SyntheticRun) -> None:
    inclination = _trunk_inclination_deg(synthetic.translation)
    change = inclination - np.median(inclination[:HOLD_FRAMES])
    print(f"\ntranslation: trunk inclination change mean abs {np.abs(change).mean():.2f} deg")
    assert np.abs(change).mean() < ROTATION_MAX_ERROR_DEG


@pytest.mark.slow
def test_trunk_inclination_follows_known_rotation(synthetic: SyntheticRun) -> None:
    inclination = _trunk_inclination_deg(synthetic.rotation)
    change = inclination - np.median(inclination[:HOLD_FRAMES])
    # The picture turns counter-clockwise on screen by +angle; signed inclination counts
    # clockwise (leaning to the image right) as positive: it must change by -angle.
    error = change + ANGLES_DEG
    held = np.isin(ANGLES_DEG, [-20, -10, 10, 20])
    print(
        f"\nrotation: trunk inclination error mean abs {np.abs(error).mean():.2f} deg, "
        f"max {np.abs(error).max():.2f} deg, bias {error.mean():+.2f} deg; "
        f"at the held angles +-10/+-20: mean abs {np.abs(error[held]).mean():.2f} deg"
    )
    assert np.abs(error).mean() < ROTATION_MAX_ERROR_DEG
    for angle in (-20, -10, 10, 20):
        at_angle = np.isclose(ANGLES_DEG, angle)
        assert np.median(change[at_angle]) == pytest.approx(-angle, abs=ROTATION_MAX_ERROR_DEG)


@pytest.mark.slow
def test_hip_centre_follows_known_rotation(synthetic: SyntheticRun) -> None:
    hip = _hip_centre(synthetic.rotation)
    reference = np.append(np.median(hip[:HOLD_FRAMES], axis=0), 1.0)
    expected = np.array([rotation_matrix(a, ROTATION_CENTRE_PX) @ reference for a in ANGLES_DEG])
    error = np.linalg.norm(hip - expected, axis=1)
    height = synthetic.body_height_px
    print(
        f"\nrotation: hip-centre error mean {error.mean():.2f} px "
        f"({100 * error.mean() / height:.2f} % of body height)"
    )
    assert error.mean() < TRANSLATION_MAX_ERROR * height


# =================================================================================================
# (b) Pose2Sim multi-view reference
# =================================================================================================

CAMERA = "int_cam01_img"
FRAME_RATE_HZ = 60.0
TRUNK_MAX_MAE_DEG = 5.0
"""The issue's target for 2D trunk inclination against a reference."""

KNEE_MAX_MAE_DEG = 15.0
"""Bound for the knee angle, wider than the trunk's on purpose. The two systems place the hip
differently: BlazePose's hip landmarks and the hips that OpenPose (BODY_25B) detects and
Pose2Sim triangulates sit 25-40 px apart here (median, printed by the test) on a thigh ~205 px
long in the image, which alone turns the thigh by up to atan(40 / 205) ~ 11 degrees (measured
MAE: left 11.5, right 6.8 degrees with the full model). The trunk uses the mid-hip, where the
left and right offsets partly cancel; the knee uses one hip each."""

REFERENCE_LANDMARKS = (
    "left_hip", "right_hip", "left_shoulder", "right_shoulder",
    "left_knee", "right_knee", "left_ankle", "right_ankle",
)  # fmt: skip

OPENPOSE_NAMES = {
    "left_hip": "LHip", "right_hip": "RHip", "left_shoulder": "LShoulder",
    "right_shoulder": "RShoulder", "left_knee": "LKnee", "right_knee": "RKnee",
    "left_ankle": "LAnkle", "right_ankle": "RAnkle",
}  # fmt: skip


def _read_trc(path: Path) -> tuple[FloatArray, dict[str, FloatArray]]:
    """Times and 3D positions (metres, file frame) of the reference landmarks."""
    from kinesense.capture.readers.trc import read_trc

    series = read_trc(path)
    assert series.frame_rate_hz == FRAME_RATE_HZ
    return series.time_s, {name: series.world_point(name) for name in REFERENCE_LANDMARKS}


def _project(
    points_trc: FloatArray,
    camera: dict[str, object],
    *,
    axes: tuple[int, int, int] = (2, 0, 1),
    camera_to_world: bool = False,
) -> FloatArray:
    """Project (N, 3) TRC points into a camera's image (pixels).

    The calibration's ``rotation`` (a Rodrigues vector) and ``translation`` take world points
    into the camera frame (x_cam = R x_world + t, OpenCV's convention for ``projectPoints``),
    with the world axes ordered (Z, X, Y) of the TRC's (X, Y, Z) (data README). ``axes`` and
    ``camera_to_world`` give the wrong readings, to show that the checks below tell them apart.
    """
    import cv2

    rvec = np.array(camera["rotation"], dtype=np.float64)
    tvec = np.array(camera["translation"], dtype=np.float64)
    if camera_to_world:
        rotation, _ = cv2.Rodrigues(rvec)
        rvec, tvec = -rvec, -rotation.T @ tvec
    world = np.ascontiguousarray(points_trc[:, list(axes)], dtype=np.float64)
    image, _ = cv2.projectPoints(
        world,
        rvec,
        tvec,
        np.array(camera["matrix"], dtype=np.float64),
        np.array(camera["distortions"], dtype=np.float64),
    )
    return np.asarray(image[:, 0, :], dtype=np.float64)


@dataclass(frozen=True)
class Pose2SimReference:
    """The reference landmarks projected into camera 1, in pixels, one row per video frame."""

    trc_time_s: FloatArray
    camera: dict[str, object]
    points_m: dict[str, FloatArray]
    points_px: dict[str, FloatArray]


@pytest.fixture(scope="module")
def reference(shared_data: Path) -> Pose2SimReference:
    trc = shared_file(shared_data, "keypoints/pose2sim_balancing_3d.trc")
    calibration = shared_file(shared_data, "keypoints/pose2sim_calibration.toml")
    with calibration.open("rb") as handle:
        camera = tomllib.load(handle)[CAMERA]
    times, points = _read_trc(trc)
    projected = {n: _project(p, camera) for n, p in points.items()}
    return Pose2SimReference(times, camera, points, projected)


def _openpose_people(folder: Path, frame: int) -> list[FloatArray]:
    """(25, 3) x, y, confidence of each person OpenPose found in one frame (BODY_25B)."""
    data = json.loads((folder / f"cam01.{frame:04d}.json").read_text())
    return [
        np.array(p["pose_keypoints_2d"], dtype=np.float64).reshape(25, 3) for p in data["people"]
    ]


def test_calibration_puts_the_person_in_front_of_camera_1(reference: Pose2SimReference) -> None:
    """Read as world -> camera, the calibration puts the hips 3-4 m in front of the camera
    (|translation| is 3.1 m) and every reference point inside the 1080 x 1920 picture."""
    import cv2

    rotation, _ = cv2.Rodrigues(np.array(reference.camera["rotation"], dtype=np.float64))
    np.testing.assert_allclose(rotation @ rotation.T, np.eye(3), atol=1e-9)
    translation = np.array(reference.camera["translation"], dtype=np.float64)
    hips = midpoint(reference.points_m["left_hip"], reference.points_m["right_hip"])[:, [2, 0, 1]]
    depth = (hips @ rotation.T + translation)[:, 2]
    assert np.all((depth > 2.5) & (depth < 4.5))
    for points in reference.points_px.values():
        assert np.all((points[:, 0] > 0) & (points[:, 0] < 1080))
        assert np.all((points[:, 1] > 0) & (points[:, 1] < 1920))


def test_trc_times_and_frames_line_up_with_the_video(reference: Pose2SimReference) -> None:
    """The TRC has 100 rows at 60 Hz; its times start at 1/60 s (Pose2Sim numbers frames from 1)
    while the video's first frame is at 0 s: row k is video frame k."""
    times = reference.trc_time_s
    assert len(times) == 100
    np.testing.assert_allclose(times, (np.arange(100) + 1) / FRAME_RATE_HZ, atol=1e-9)


def _gaps_to_openpose(folder: Path, projected_px: dict[str, FloatArray]) -> FloatArray:
    """Pixel distances between projected reference points and camera 1's OpenPose keypoints
    (confidence > 0.3), for the OpenPose person nearest the projection in each frame."""
    distances = []
    for frame in range(100):
        projected = np.array([projected_px[n][frame] for n in REFERENCE_LANDMARKS])
        per_person = []
        for keypoints in _openpose_people(folder, frame):
            rows = [
                keypoints[OPENPOSE_BODY_25B.index(OPENPOSE_NAMES[n])] for n in REFERENCE_LANDMARKS
            ]
            found = np.array(rows)
            confident = found[:, 2] > 0.3
            if np.count_nonzero(confident) >= 4:
                per_person.append(
                    np.linalg.norm(found[confident, :2] - projected[confident], axis=1)
                )
        assert per_person, f"frame {frame}: no OpenPose person with 4 confident keypoints"
        distances.append(min(per_person, key=lambda gaps: float(np.median(gaps))))
    return np.concatenate(distances)


def test_projection_lands_on_the_person_openpose_found(
    reference: Pose2SimReference, shared_data: Path
) -> None:
    """Independent check of the projection: camera 1's own OpenPose keypoints (the 2D input
    that Pose2Sim triangulated) lie within a few tens of pixels of the projected reference."""
    folder = shared_file(shared_data, "keypoints/pose2sim_balancing_cam01_openpose")
    gaps = _gaps_to_openpose(folder, reference.points_px)
    print(
        f"\nprojected reference vs camera-1 OpenPose: median {np.median(gaps):.1f} px, "
        f"90th percentile {np.percentile(gaps, 90):.1f} px"
    )
    assert np.median(gaps) < 30.0
    assert np.percentile(gaps, 90) < 60.0
    # The check can fail: the wrong axis order, or the extrinsics read as camera -> world,
    # put the reference hundreds of pixels away from the person.
    for wrong in ({"axes": (0, 1, 2)}, {"camera_to_world": True}):
        projected = {
            n: _project(p, reference.camera, **wrong)  # type: ignore[arg-type]
            for n, p in reference.points_m.items()
        }
        assert np.median(_gaps_to_openpose(folder, projected)) > 100.0, wrong


@pytest.fixture(scope="module", params=["full", "lite"])
def balancing(request: pytest.FixtureRequest, shared_data: Path) -> PoseSeries:
    video = shared_file(shared_data, "video/pose2sim_balancing_cam01.mp4")
    return extract_video(video, model=request.param).series


def _mae(ours: FloatArray, theirs: FloatArray) -> float:
    both = np.isfinite(ours) & np.isfinite(theirs)
    assert np.count_nonzero(both) >= 90
    return float(np.mean(np.abs(ours[both] - theirs[both])))


@pytest.mark.slow
def test_video_frames_match_the_reference_frames(balancing: PoseSeries) -> None:
    assert len(balancing) == 100
    np.testing.assert_allclose(balancing.time_s, np.arange(100) / FRAME_RATE_HZ, atol=1e-6)
    assert balancing.n_detected == 100
    assert balancing.provenance.resolution == (1080, 1920)


@pytest.mark.slow
def test_trunk_inclination_against_pose2sim(
    balancing: PoseSeries, reference: Pose2SimReference
) -> None:
    ref = reference.points_px
    theirs = signed_inclination_2d_deg(
        midpoint(ref["left_hip"], ref["right_hip"]),
        midpoint(ref["left_shoulder"], ref["right_shoulder"]),
    )
    ours = _trunk_inclination_deg(balancing)
    mae = _mae(ours, theirs)
    print(
        f"\n{balancing.provenance.model}: trunk inclination MAE {mae:.2f} deg "
        f"(bias {np.nanmean(ours - theirs):+.2f} deg; reference spans "
        f"{np.min(theirs):.0f} to {np.max(theirs):.0f} deg)"
    )
    # The trunk really moves (a weak test would pass on a still subject).
    assert np.ptp(theirs) > 20
    assert mae < TRUNK_MAX_MAE_DEG


@pytest.mark.slow
@pytest.mark.parametrize("side", ["left", "right"])
def test_knee_angle_against_pose2sim(
    balancing: PoseSeries, reference: Pose2SimReference, side: str
) -> None:
    ref = reference.points_px
    hip, knee, ankle = f"{side}_hip", f"{side}_knee", f"{side}_ankle"
    theirs = joint_angle_deg(ref[hip], ref[knee], ref[ankle])
    ours = joint_angle_deg(_px(balancing, hip), _px(balancing, knee), _px(balancing, ankle))
    mae = _mae(ours, theirs)
    hip_offset = float(np.median(np.linalg.norm(_px(balancing, hip) - ref[hip], axis=1)))
    thigh = float(np.median(np.linalg.norm(ref[hip] - ref[knee], axis=1)))
    print(
        f"\n{balancing.provenance.model}: {side} knee angle MAE {mae:.2f} deg "
        f"(bias {np.nanmean(ours - theirs):+.2f} deg); {side} hip {hip_offset:.0f} px from the "
        f"reference hip on a {thigh:.0f} px thigh "
        f"(~{np.degrees(np.arctan2(hip_offset, thigh)):.0f} deg)"
    )
    assert np.ptp(theirs) > 20  # the knees bend and straighten during the trial
    assert mae < KNEE_MAX_MAE_DEG
