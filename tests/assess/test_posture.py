"""Posture angles: stick figures with hand-computed geometry, view checks, and a real photo."""

import math
from pathlib import Path

import numpy as np
import pytest

from kinesense.assess.catalogue_movement import PostureInputs
from kinesense.assess.norms import load_norms
from kinesense.assess.posture import assess_posture
from kinesense.assess.posture_measures import (
    craniovertebral_angle_deg,
    knee_frontal_angle_deg,
    obliquity_deg,
)
from kinesense.capture.photo import pose_from_image
from kinesense.errors import InputFileError
from kinesense.landmarks import LANDMARK_INDEX
from kinesense.series import PoseSeries
from tests.assess.synthetic_pose import pose_series, repeat, standing_front, standing_side
from tests.conftest import shared_file

IDX = LANDMARK_INDEX


def polar(
    origin: np.ndarray, length: float, from_vertical_deg: float, forward: float
) -> np.ndarray:
    """A point ``length`` px from ``origin``, ``from_vertical_deg`` forward of straight up."""
    a = math.radians(from_vertical_deg)
    return origin + np.array([forward * length * math.sin(a), -length * math.cos(a)])


def side_figure(
    facing: str,
    *,
    ear_forward_deg: float = 0.0,
    trunk_deg: float = 0.0,
    eye_down_deg: float = 0.0,
    knee_back_px: float = 0.0,
) -> np.ndarray:
    """A side-view figure with the ear, trunk, eyes and knee placed at known angles."""
    f = 1.0 if facing == "right" else -1.0
    fig = standing_side(facing)
    for side in ("left", "right"):
        hip = fig[IDX[f"{side}_hip"]]
        shoulder = polar(hip, 250.0, trunk_deg, f)
        fig[IDX[f"{side}_shoulder"]] = shoulder
        ear = polar(shoulder, 105.0, ear_forward_deg, f)
        fig[IDX[f"{side}_ear"]] = ear
        a = math.radians(eye_down_deg)
        fig[IDX[f"{side}_eye"]] = ear + np.array([f * 45.0 * math.cos(a), 45.0 * math.sin(a)])
        fig[IDX[f"{side}_knee"], 0] -= f * knee_back_px
    return fig


@pytest.mark.parametrize("facing", ["right", "left"])
def test_side_view_angles_match_the_construction(facing: str) -> None:
    fig = side_figure(facing, ear_forward_deg=30.0, trunk_deg=10.0, eye_down_deg=15.0)
    fig[IDX["left_knee"], 0] -= (1.0 if facing == "right" else -1.0) * 20.0  # knee 20 px back
    result = assess_posture(pose_series(repeat(fig, 1), camera_view="left-side"))
    assert result.usable
    m = result.metrics
    # ear 30 deg forward of vertical above the shoulder: CVA = 90 - 30
    assert m["craniovertebral_angle_deg"] == pytest.approx(60.0, abs=0.01)
    assert m["trunk_inclination_deg"] == pytest.approx(10.0, abs=0.01)
    assert m["head_tilt_deg"] == pytest.approx(15.0, abs=0.01)
    # hip (x, 500), knee 20 px behind at y 710, ankle (x, 920): bend = 2 atan(20 / 210)
    assert m["knee_hyperextension_deg"] == pytest.approx(
        2 * math.degrees(math.atan(20 / 210)), abs=0.01
    )
    assert "shoulder_obliquity_deg" in result.quality["not_measured"]


def test_a_bent_knee_and_a_backward_lean_are_negative() -> None:
    fig = side_figure("right", trunk_deg=-8.0)
    fig[IDX["right_knee"], 0] += 30.0  # the near side in a right-side view; knee ahead: bent
    result = assess_posture(pose_series(repeat(fig, 1), camera_view="right-side"))
    assert result.metrics["trunk_inclination_deg"] == pytest.approx(-8.0, abs=0.01)
    assert result.metrics["knee_hyperextension_deg"] == pytest.approx(
        -2 * math.degrees(math.atan(30 / 210)), abs=0.01
    )


def tilted_front(shoulder_deg: float, pelvis_deg: float, back: bool = False) -> np.ndarray:
    """Front figure with the shoulder and hip lines tilted (person's left up = positive)."""
    fig = standing_front()
    for joint, deg, half in (("shoulder", shoulder_deg, 100.0), ("hip", pelvis_deg, 70.0)):
        centre = (fig[IDX[f"left_{joint}"]] + fig[IDX[f"right_{joint}"]]) / 2
        a = math.radians(deg)
        offset = np.array([half * math.cos(a), -half * math.sin(a)])
        if back:  # seen from behind, the person's left is on the image left
            offset[0] = -offset[0]
        fig[IDX[f"left_{joint}"]] = centre + offset
        fig[IDX[f"right_{joint}"]] = centre - offset
    return fig


@pytest.mark.parametrize(("view", "back"), [("front", False), ("back", True)])
def test_obliquities_from_the_front_and_the_back(view: str, back: bool) -> None:
    fig = tilted_front(4.0, -2.5, back=back)
    result = assess_posture(pose_series(repeat(fig, 1), camera_view=view))
    assert result.metrics["shoulder_obliquity_deg"] == pytest.approx(4.0, abs=0.01)
    assert result.metrics["pelvic_obliquity_deg"] == pytest.approx(-2.5, abs=0.01)
    assert "craniovertebral_angle_deg" in result.quality["not_measured"]
    assert "side view" in result.quality["not_measured"]["craniovertebral_angle_deg"]


def test_knee_valgus_and_varus_in_the_front_view() -> None:
    fig = standing_front()
    fig[IDX["left_knee"], 0] -= 25.0  # left leg on the image right: medial is image left
    fig[IDX["right_knee"], 0] -= 25.0  # right leg: medial is image right, so this is lateral
    result = assess_posture(pose_series(repeat(fig, 1), camera_view="front"))
    expected = 2 * math.degrees(math.atan(25 / 210))
    assert result.metrics["left_knee_frontal_angle_deg"] == pytest.approx(expected, abs=0.01)
    assert result.metrics["right_knee_frontal_angle_deg"] == pytest.approx(-expected, abs=0.01)


def test_formulas_by_hand() -> None:
    c7 = np.array([[0.0, 0.0]])
    assert craniovertebral_angle_deg(c7, np.array([[1.0, -1.0]]), 1.0)[0] == pytest.approx(45.0)
    assert craniovertebral_angle_deg(c7, np.array([[-1.0, -1.0]]), -1.0)[0] == pytest.approx(45.0)
    assert craniovertebral_angle_deg(c7, np.array([[-1.0, -1.0]]), 1.0)[0] == pytest.approx(135.0)
    left, right = np.array([[10.0, 0.0]]), np.array([[0.0, 10.0]])
    assert obliquity_deg(left, right)[0] == pytest.approx(45.0)
    straight = knee_frontal_angle_deg(
        np.array([0.0, 0.0]), np.array([0.0, 5.0]), np.array([0.0, 10.0]), np.array([5.0, 0.0])
    )
    assert straight == pytest.approx(0.0)


def test_video_median_and_spread() -> None:
    rng = np.random.default_rng(3)
    frames = repeat(side_figure("right", ear_forward_deg=30.0, trunk_deg=5.0), 150)
    frames += rng.normal(0.0, 1.0, frames.shape)
    result = assess_posture(pose_series(frames, camera_view="left-side"))
    assert result.metrics["craniovertebral_angle_deg"] == pytest.approx(60.0, abs=0.6)
    assert result.metrics["trunk_inclination_deg"] == pytest.approx(5.0, abs=0.3)
    spread = result.quality["spread_iqr_deg"]
    assert 0 < spread["craniovertebral_angle_deg"] < 2.0
    assert result.quality["frames_used"]["trunk_inclination_deg"] == 150


def test_invisible_landmarks_are_not_measured_with_the_reason() -> None:
    fig = side_figure("right")
    visibility = np.full((1, 33), 0.95)
    visibility[0, IDX["left_ear"]] = 0.2
    result = assess_posture(
        pose_series(repeat(fig, 1), camera_view="left-side", visibility=visibility)
    )
    assert "craniovertebral_angle_deg" not in result.metrics
    assert "left_ear" in result.quality["not_measured"]["craniovertebral_angle_deg"]
    assert "trunk_inclination_deg" in result.metrics


def test_wrong_views_and_no_person_are_unusable() -> None:
    fig = repeat(standing_front(), 1)
    assert "oblique" in assess_posture(pose_series(fig, camera_view="oblique")).reasons[0]
    nobody = PoseSeries.empty_frames(np.zeros(1))
    assert not assess_posture(nobody).usable


def test_unknown_view_is_classified_from_the_landmarks() -> None:
    result = assess_posture(pose_series(repeat(tilted_front(3.0, 0.0), 1)))
    assert result.conditions["view"] == "front"
    assert result.metrics["shoulder_obliquity_deg"] == pytest.approx(3.0, abs=0.01)


def test_plot_data_names_the_points_and_lines() -> None:
    fig = side_figure("right", ear_forward_deg=30.0)
    result = assess_posture(
        pose_series(repeat(fig, 1), camera_view="left-side"), image_path="p.jpg"
    )
    plot = result.plot_data
    assert plot["image_path"] == "p.jpg"
    assert plot["view"] == "left-side"
    assert plot["landmarks_px"]["left_ear"] == pytest.approx(list(fig[IDX["left_ear"]]), abs=0.01)
    labels = [line["label"] for line in plot["lines"]]
    assert "CVA* 60°" in labels
    for line in plot["lines"]:
        assert line["from"] in plot["landmarks_px"]
        assert isinstance(line["to"], list) or line["to"] in plot["landmarks_px"]


def test_cva_norms_file_and_the_approximation_note() -> None:
    row = load_norms("posture_craniovertebral_angle").lookup()
    assert row is not None
    assert row.mean == 50.58
    assert row.low == 50.0
    result = assess_posture(pose_series(repeat(side_figure("right"), 1), camera_view="left-side"))
    assert result.norms == ()  # the approximation is not comparable with the threshold
    assert any("not compared" in note for note in result.notes)


def test_a_file_that_is_not_an_image_is_a_user_error(tmp_path: Path) -> None:
    bad = tmp_path / "photo.jpg"
    bad.write_text("not a picture")
    with pytest.raises(InputFileError):
        pose_from_image(bad)
    with pytest.raises(InputFileError):
        pose_from_image(tmp_path / "missing.jpg")


# --- real recording: one frame of an older woman walking, side view, as a photo -------------


@pytest.fixture(scope="module")
def walking_photo(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    import cv2

    from kinesense.capture.video import VideoFile

    path = shared_file(shared_data, "video/sports2d_walk_side.mp4")
    with VideoFile(path) as video:
        frame = next(video.frames(100, 101, exact_seek=True))  # 3.3 s: mid-gym, side on
    photo = tmp_path_factory.mktemp("posture") / "walking.png"
    cv2.imwrite(str(photo), cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2BGR))
    return photo


@pytest.mark.slow
def test_walking_photo_gives_plausible_side_view_angles(walking_photo: Path) -> None:
    series = pose_from_image(walking_photo)
    assert series.provenance.camera_view in ("left-side", "right-side")
    assert series.provenance.resolution == (1280, 720)
    result = assess_posture(series, image_path=str(walking_photo))
    assert result.usable
    # walking upright: the trunk within 15 deg of vertical; ear above and ahead of the shoulder
    assert -15.0 < result.metrics["trunk_inclination_deg"] < 15.0
    assert 30.0 < result.metrics["craniovertebral_angle_deg"] < 110.0
    assert abs(result.metrics["head_tilt_deg"]) < 45.0
    assert result.plot_data["image_path"] == str(walking_photo)


# --- implausible landmarks and body positions (issues 9 and 10) -------------------------------


@pytest.fixture(scope="module")
def balancing_side(shared_data: Path) -> PoseSeries:
    """Pose2Sim's balancing man (3-D keypoints) filmed from his left side by a virtual camera,
    with the view recorded as the extractor records it."""
    from kinesense.capture.readers import read_trc
    from kinesense.series import Provenance
    from tests.assess.virtual_camera import SIZE, filmed

    trc = read_trc(shared_file(shared_data, "keypoints/pose2sim_balancing_3d.trc"))
    side = filmed(trc, 90.0)
    view = Provenance(source="pose2sim", reader="extract", resolution=SIZE, camera_view="left-side")
    return side.replace(provenance=view)


def _collapsed(series: PoseSeries, frames: slice) -> PoseSeries:
    """``series`` with every landmark of ``frames`` moved to the frame's mean landmark."""
    image = np.array(series.image_xyz)
    point = np.nanmean(image[frames], axis=1, keepdims=True)
    image[frames] = np.where(np.isfinite(image[frames]), point, np.nan)
    return series.replace(image_xyz=image)


def test_landmarks_collapsed_to_a_point_are_refused_not_measured_as_zero(
    balancing_side: PoseSeries,
) -> None:
    from kinesense.services.assessments import run_assessment

    real = run_assessment("posture", PostureInputs(balancing_side))
    assert real.usable
    assert abs(real.metrics["trunk_inclination_deg"]) > 5.0
    collapsed = run_assessment("posture", PostureInputs(_collapsed(balancing_side, slice(None))))
    assert not collapsed.usable
    assert "do not span a body" in collapsed.reasons[0]
    assert collapsed.metrics == {}


def test_frames_with_collapsed_landmarks_are_left_out(balancing_side: PoseSeries) -> None:
    half = assess_posture(_collapsed(balancing_side, slice(50, None)))
    first_half = assess_posture(balancing_side.take(slice(0, 50)))
    assert half.usable
    assert half.metrics == first_half.metrics
    assert any("50 frame(s) left out" in note for note in half.notes)


def test_posture_of_a_person_lying_down_is_refused(shared_data: Path) -> None:
    """Issue 10: a person lying down got a standing trunk inclination of 84.7 deg. The real
    balancing man turned 90 deg about his left-right axis and filmed from his left side."""
    from kinesense.capture.readers import read_trc
    from kinesense.services.assessments import run_assessment
    from tests.assess.virtual_camera import filmed, rotated

    trc = read_trc(shared_file(shared_data, "keypoints/pose2sim_balancing_3d.trc"))
    lying = filmed(rotated(trc, 90.0), 90.0, body=trc)
    assert assess_posture(lying).usable  # the angles alone would be measured
    result = run_assessment("posture", PostureInputs(lying))
    assert not result.usable
    assert result.reasons[0].startswith("the person is lying")
    assert result.reasons[0].endswith("this needs the person standing")
    assert result.metrics == {}
