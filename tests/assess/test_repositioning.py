"""Joint position sense: error scores, trial detection, IMU and video pipelines, quality gates."""

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kinesense.assess.catalogue_movement import RepositioningInputs
from kinesense.assess.registry import get_assessment
from kinesense.assess.repositioning import (
    RepositioningParameters,
    assess_repositioning,
    repositioning_errors,
)
from kinesense.assess.result import AssessmentResult
from kinesense.capture.readers import read_imu_csv
from kinesense.landmarks import BLAZEPOSE_LANDMARKS
from kinesense.series import MotionSeries, PoseSeries, Provenance
from kinesense.signal.holds import find_holds
from kinesense.signal.reposition_trials import detect_trials
from tests.assess.test_orientation import (
    FLEXION_AXIS,
    RATE_HZ,
    TILTED_MOUNT,
    axis_angle_matrix,
    neutral_profile,
    synthetic_imu,
    trials_profile,
)
from tests.conftest import shared_file

REPRODUCED = [28.0, 33.0, 31.0, 26.0, 35.0, 30.5]
TARGET = 30.0


def _expected(errors: list[float]) -> tuple[float, float, float]:
    """AE, CE, VE written out from their definitions (Schmidt & Lee)."""
    n = len(errors)
    ae = sum(abs(e) for e in errors) / n
    ce = sum(errors) / n
    ve = (sum((e - ce) ** 2 for e in errors) / n) ** 0.5
    return ae, ce, ve


# ------------------------------------------------------------------------------------------------
# Error scores
# ------------------------------------------------------------------------------------------------


def test_errors_by_hand() -> None:
    # e = 2, -1, 3, 0, -2, 4: AE = 12/6 = 2; CE = 6/6 = 1;
    # VE = sqrt((1 + 4 + 4 + 1 + 9 + 9) / 6) = sqrt(28/6) = 2.1602...
    ae, ce, ve = repositioning_errors([2, -1, 3, 0, -2, 4])
    assert ae == pytest.approx(2.0)
    assert ce == pytest.approx(1.0)
    assert ve == pytest.approx(2.160246899, abs=1e-9)


def test_errors_need_a_trial() -> None:
    with pytest.raises(ValueError, match="at least one"):
        repositioning_errors([])


# ------------------------------------------------------------------------------------------------
# Trial detection on angle series
# ------------------------------------------------------------------------------------------------


def test_holds_are_found_and_exclude_a_slow_drift() -> None:
    t = np.arange(0, 6, 0.01)
    angle = np.where(t < 2, 0.0, np.where(t < 4, 10.0, 10.0 - 2.0 * (t - 4)))  # 2 deg/s drift
    holds = find_holds(t, angle)
    # the still start, the hold at 10 deg; the slow 2 deg/s creep is cut by the 1 deg band
    assert any(abs(float(np.mean(angle[a:b])) - 10.0) < 0.2 for a, b in holds)
    assert all(np.ptp(angle[a:b]) < 3.5 for a, b in holds)


def test_target_trials_with_demonstration() -> None:
    profile = trials_profile(REPRODUCED, demonstration=TARGET)
    found = detect_trials(profile.time_s, profile.angle_deg, task="target")
    assert found.demonstrated_target_deg == pytest.approx(TARGET, abs=0.01)
    assert [t.reproduced_deg for t in found.trials] == pytest.approx(REPRODUCED, abs=0.02)
    assert [t.error_deg for t in found.trials] == pytest.approx(
        [r - TARGET for r in REPRODUCED], abs=0.02
    )
    # each trial's hold lies inside the trial and lasts about the 2 s held
    for trial in found.trials:
        assert trial.start_s < trial.hold_start_s < trial.hold_end_s <= trial.end_s
        assert trial.hold_end_s - trial.hold_start_s > 1.5


def test_given_target_without_demonstration() -> None:
    profile = trials_profile(REPRODUCED)
    found = detect_trials(
        profile.time_s, profile.angle_deg, task="target", target_deg=TARGET, demonstration=False
    )
    assert [t.error_deg for t in found.trials] == pytest.approx(
        [r - TARGET for r in REPRODUCED], abs=0.02
    )


def test_trial_detection_under_noise_and_sway() -> None:
    profile = trials_profile(REPRODUCED, demonstration=TARGET)
    rng = np.random.default_rng(3)
    noisy = (
        profile.angle_deg
        + rng.normal(0, 0.3, profile.angle_deg.size)  # measurement noise
        + 0.3 * np.sin(2 * np.pi * 0.3 * profile.time_s)  # slow postural sway
    )
    found = detect_trials(profile.time_s, noisy, task="target")
    assert len(found.trials) == 6
    ae, ce, ve = repositioning_errors([t.error_deg for t in found.trials])
    exp_ae, exp_ce, exp_ve = _expected([r - TARGET for r in REPRODUCED])
    assert ae == pytest.approx(exp_ae, abs=0.3)
    assert ce == pytest.approx(exp_ce, abs=0.3)
    assert ve == pytest.approx(exp_ve, abs=0.3)


def test_neutral_trials_sign_undershoot_positive() -> None:
    excursions = [60, -60, 60, -60, 60, -60]
    returns = [3.0, -2.0, -4.0, 5.0, 1.0, -3.0]
    profile = neutral_profile(excursions, returns)
    found = detect_trials(profile.time_s, profile.angle_deg, task="neutral")
    errors = [t.error_deg for t in found.trials]
    # stopped short on the side moved to = positive; went past neutral = negative
    # within 0.05 deg: the slow put-back after each hold is partly inside the still band
    assert errors == pytest.approx([3.0, 2.0, -4.0, -5.0, 1.0, 3.0], abs=0.05)
    assert all(t.target_deg == 0.0 for t in found.trials)


def test_movement_without_holds_gives_no_trials() -> None:
    t = np.arange(0, 30, 0.01)
    angle = 20 * (1 - np.cos(2 * np.pi * t / 3)) / 2  # continuous oscillation, never still
    found = detect_trials(t, angle, task="target")
    assert found.trials == ()
    assert found.excursions_without_hold == found.excursions > 5


# ------------------------------------------------------------------------------------------------
# IMU pipeline
# ------------------------------------------------------------------------------------------------


def _trunk_imu(**kwargs: Any) -> MotionSeries:
    profile = trials_profile(kwargs.pop("reproduced", REPRODUCED), demonstration=TARGET)
    options = {
        "body_axis": FLEXION_AXIS,
        "mount": TILTED_MOUNT,
        "acc_noise": 0.05,
        "gyr_noise_deg_s": 0.3,
        "bias_deg_s": (0.6, -0.4, 0.5),
    }
    return synthetic_imu(profile, **(options | kwargs))


def test_imu_trunk_errors_recovered_within_0_1_deg() -> None:
    result = assess_repositioning(_trunk_imu(), joint="trunk")
    assert result.usable, result.reasons
    ae, ce, ve = _expected([r - TARGET for r in REPRODUCED])
    print(
        f"\nsynthetic trunk IMU: AE {result.metrics['absolute_error_deg']:.3f} (true {ae:.3f}), "
        f"CE {result.metrics['constant_error_deg']:.3f} ({ce:.3f}), "
        f"VE {result.metrics['variable_error_deg']:.3f} ({ve:.3f})"
    )
    assert result.metrics["absolute_error_deg"] == pytest.approx(ae, abs=0.1)
    assert result.metrics["constant_error_deg"] == pytest.approx(ce, abs=0.1)
    assert result.metrics["variable_error_deg"] == pytest.approx(ve, abs=0.1)
    assert result.metrics["target_deg"] == pytest.approx(TARGET, rel=0.01)
    assert result.metrics["trials"] == 6
    for i, reproduced in enumerate(REPRODUCED, start=1):
        assert result.metrics[f"trial_{i}_error_deg"] == pytest.approx(reproduced - TARGET, abs=0.1)
    trials = result.plot_data["trials"]
    assert len(trials) == 6
    assert set(trials[0]) >= {"target_deg", "reproduced_deg", "error_deg", "start_s", "end_s"}
    assert len(result.plot_data["time_s"]) == len(result.plot_data["angle_deg"])
    assert "Madgwick" in " ".join(result.notes)
    assert result.norms == ()  # no validated trunk cut-off: figures in the notes, no verdict
    assert "2.8 deg" in " ".join(result.notes)
    assert result.protocol.startswith("Trunk repositioning")
    assert AssessmentResult.from_json(result.to_json()).metrics == result.metrics


def test_imu_given_target_counts_the_error_from_it() -> None:
    result = assess_repositioning(_trunk_imu(), joint="trunk", target_deg=32.0)
    assert result.metrics["constant_error_deg"] == pytest.approx(
        np.mean(REPRODUCED) - 32.0, abs=0.1
    )


def test_imu_neck_rotation_to_neutral_against_the_4_5_deg_threshold() -> None:
    excursions = [60, -60, 60, -60, 60, -60]
    returns = [6.0, -5.0, 7.0, -4.0, 6.0, -6.0]  # all short of neutral: AE = CE = 5.667
    profile = neutral_profile(excursions, returns)
    mount = axis_angle_matrix((0.0, 1.0, 0.0), np.radians(15.0))[0]
    motion = synthetic_imu(profile, yaw=True, mount=mount, bias_deg_s=(0.3, -0.5, 0.4))
    result = assess_repositioning(motion.replace(placement="head"), joint="neck", axis="rotation")
    assert result.usable, result.reasons
    assert result.metrics["absolute_error_deg"] == pytest.approx(34 / 6, abs=0.1)
    assert result.metrics["constant_error_deg"] == pytest.approx(34 / 6, abs=0.1)
    assert result.norms[0].verdict == "above"
    assert result.norms[0].high == 4.5
    assert "Revel" in result.norms[0].source
    assert result.quality["yaw_drift_deg"] < 0.5
    assert result.conditions["task"] == "neutral"


def test_imu_neck_within_threshold() -> None:
    profile = neutral_profile([40, -40, 40, -40, 40, -40], [2.0, -1.0, 1.0, 2.0, -2.0, 0.5])
    motion = synthetic_imu(profile, yaw=True)
    result = assess_repositioning(motion, joint="neck", axis="rotation")
    assert result.metrics["absolute_error_deg"] == pytest.approx(8.5 / 6, abs=0.1)
    assert result.norms[0].verdict == "within"


def test_imu_neck_flexion_uses_inclination() -> None:
    profile = neutral_profile([35, -30, 35, -30, 35, -30], [3.0, -3.0, 3.0, -3.0, 3.0, -3.0])
    motion = synthetic_imu(profile, body_axis=FLEXION_AXIS, mount=TILTED_MOUNT, acc_noise=0.05)
    result = assess_repositioning(motion, joint="neck", axis="flexion")
    assert result.usable, result.reasons
    assert result.metrics["absolute_error_deg"] == pytest.approx(3.0, abs=0.1)
    assert result.metrics["variable_error_deg"] == pytest.approx(0.0, abs=0.1)


# ------------------------------------------------------------------------------------------------
# Quality gates: a poor recording gives a reason, not a number
# ------------------------------------------------------------------------------------------------


def _reason(result: AssessmentResult) -> str:
    assert not result.usable
    assert not result.metrics
    return " ".join(result.reasons)


def test_unusable_when_too_short() -> None:
    motion = _trunk_imu().slice_time(0, 8.0)
    assert "too short" in _reason(assess_repositioning(motion, joint="trunk"))


def test_unusable_without_still_start() -> None:
    motion = _trunk_imu().slice_time(3.3, None)
    assert "no still neutral posture" in _reason(assess_repositioning(motion, joint="trunk"))


def test_unusable_with_fewer_trials_says_how_many() -> None:
    motion = _trunk_imu(reproduced=REPRODUCED[:4])
    assert "found 4 of the 6 trials" in _reason(assess_repositioning(motion, joint="trunk"))
    assert assess_repositioning(
        motion, joint="trunk", params=RepositioningParameters(trials=4)
    ).usable


def test_unusable_without_holds() -> None:
    t = np.arange(0, 30, 1 / RATE_HZ)
    moving = t >= 2.0
    angle = np.where(moving, 20 * (1 - np.cos(2 * np.pi * (t - 2) / 3)) / 2, 0.0)
    rate = np.where(moving, 20 * np.pi / 3 * np.sin(2 * np.pi * (t - 2) / 3), 0.0)
    from tests.assess.test_orientation import Profile

    motion = synthetic_imu(Profile(t, angle, rate), body_axis=FLEXION_AXIS, mount=TILTED_MOUNT)
    assert "no hold detected" in _reason(assess_repositioning(motion, joint="trunk"))


def test_unusable_when_gyroscope_noisy() -> None:
    motion = _trunk_imu(gyr_noise_deg_s=5.0)
    assert "too noisy" in _reason(assess_repositioning(motion, joint="trunk"))


def test_unusable_when_saturated() -> None:
    motion = _trunk_imu()
    gyr = np.array(motion.gyr_rad_s)
    gyr[1000:1010, 0] = 8.7  # stuck at +500 deg/s
    assert "saturated" in _reason(
        assess_repositioning(motion.replace(gyr_rad_s=gyr), joint="trunk")
    )


def test_unusable_when_heading_drifts() -> None:
    profile = neutral_profile([60, -60, 60, -60, 60, -60], [2.0, -2.0, 2.0, -2.0, 2.0, -2.0])
    motion = synthetic_imu(profile, yaw=True)
    gyr = np.array(motion.gyr_rad_s)
    gyr[motion.time_s > 3.0, 2] += np.radians(0.3)  # bias appears after the rest: 0.3 deg/s
    result = assess_repositioning(motion.replace(gyr_rad_s=gyr), joint="neck", axis="rotation")
    assert "heading drift" in _reason(result)
    assert result.quality["yaw_drift_deg_s"] == pytest.approx(0.3, rel=0.1)


def test_invalid_options_raise() -> None:
    motion = _trunk_imu()
    with pytest.raises(ValueError, match="joint"):
        assess_repositioning(motion, joint="knee")
    with pytest.raises(ValueError, match="target task only"):
        assess_repositioning(motion, joint="neck", task="neutral", target_deg=30)
    with pytest.raises(ValueError, match="needs the target angle"):
        assess_repositioning(motion, joint="trunk", demonstration=False)


# ------------------------------------------------------------------------------------------------
# Video: synthetic side-view landmarks with a known trunk (and head) angle
# ------------------------------------------------------------------------------------------------

RESOLUTION = (1000, 1000)


def synthetic_side_pose(
    trunk_deg: np.ndarray,
    time_s: np.ndarray,
    *,
    neck_deg: np.ndarray | None = None,
    view: str = "left-side",
    visibility: float = 0.95,
) -> PoseSeries:
    """Side-view landmarks in pixels: hips fixed, shoulders 300 px away at ``trunk_deg`` from
    vertical (towards the image right), ears 100 px from the shoulders at trunk + neck angle."""
    n, names = time_s.size, BLAZEPOSE_LANDMARKS
    px = np.zeros((n, len(names), 3))
    hip = np.array([500.0, 700.0])
    trunk = np.radians(trunk_deg)
    head = trunk + np.radians(neck_deg if neck_deg is not None else np.zeros(n))
    shoulder = hip + 300 * np.stack([np.sin(trunk), -np.cos(trunk)], axis=1)
    ear = shoulder + 100 * np.stack([np.sin(head), -np.cos(head)], axis=1)
    px[:, :, :2] = hip  # every other landmark at the hip: finite and irrelevant here
    for side in ("left", "right"):
        px[:, names.index(f"{side}_hip"), :2] = hip
        px[:, names.index(f"{side}_shoulder"), :2] = shoulder
        px[:, names.index(f"{side}_ear"), :2] = ear
    image = px / np.array([RESOLUTION[0], RESOLUTION[1], 1.0])
    return PoseSeries(
        time_s=time_s,
        image_xyz=image,
        world_xyz_m=np.zeros_like(image),
        visibility=np.full((n, len(names)), visibility),
        detected=np.ones(n, dtype=bool),
        frame_rate_hz=30.0,
        provenance=Provenance(source="synthetic", resolution=RESOLUTION, camera_view=view),
    )


def test_video_trunk_errors_recovered() -> None:
    profile = trials_profile(REPRODUCED, demonstration=TARGET, rate_hz=30.0)
    pose = synthetic_side_pose(profile.angle_deg, profile.time_s)
    result = assess_repositioning(pose, joint="trunk")
    assert result.usable, result.reasons
    ae, ce, ve = _expected([r - TARGET for r in REPRODUCED])
    assert result.metrics["absolute_error_deg"] == pytest.approx(ae, abs=0.1)
    assert result.metrics["constant_error_deg"] == pytest.approx(ce, abs=0.1)
    assert result.metrics["variable_error_deg"] == pytest.approx(ve, abs=0.1)
    assert "4.3 deg" in " ".join(result.notes)


def test_video_trunk_leaning_to_the_image_left_is_flexion_too() -> None:
    profile = trials_profile(REPRODUCED, demonstration=TARGET, rate_hz=30.0)
    pose = synthetic_side_pose(-profile.angle_deg, profile.time_s, view="right-side")
    result = assess_repositioning(pose, joint="trunk")
    assert result.metrics["target_deg"] == pytest.approx(TARGET, abs=0.1)


def test_video_neck_flexion_is_relative_to_the_trunk() -> None:
    returns = [3.0, -2.0, 4.0, -1.0, 2.0, -3.0]
    profile = neutral_profile([30, -30, 30, -30, 30, -30], returns, rate_hz=30.0)
    trunk = 5 * np.sin(2 * np.pi * profile.time_s / 40)  # the trunk sways slowly: ignored
    pose = synthetic_side_pose(trunk, profile.time_s, neck_deg=profile.angle_deg)
    result = assess_repositioning(pose, joint="neck")
    assert result.usable, result.reasons
    assert result.metrics["absolute_error_deg"] == pytest.approx(15 / 6, abs=0.15)


def test_video_refuses_wrong_view_low_visibility_and_rotation() -> None:
    profile = trials_profile(REPRODUCED, demonstration=TARGET, rate_hz=30.0)
    front = synthetic_side_pose(profile.angle_deg, profile.time_s, view="front")
    refused = get_assessment("repositioning").assess(RepositioningInputs(front, joint="trunk"))
    assert "wrong camera view (front)" in _reason(refused)
    assert refused.quality["camera_view"] == "front"
    hidden = synthetic_side_pose(profile.angle_deg, profile.time_s, visibility=0.3)
    assert "seen clearly in 0%" in _reason(assess_repositioning(hidden, joint="trunk"))
    side = synthetic_side_pose(profile.angle_deg, profile.time_s)
    reason = _reason(assess_repositioning(side, joint="neck", axis="rotation"))
    assert "cannot be measured from one video" in reason


# ------------------------------------------------------------------------------------------------
# Real recordings: plumbing and plausibility (not joint position sense ground truth)
# ------------------------------------------------------------------------------------------------


def test_real_chest_sensor_without_trials_is_unusable_with_reason(shared_data: Path) -> None:
    """UCI exercise 3 (lying, leg raises): the chest sensor does not perform trials."""
    path = shared_file(shared_data, "imu/uci_s1/e3/u5/test.txt.gz")
    motion = read_imu_csv(path, placement="chest")
    result = assess_repositioning(motion, joint="trunk")
    assert not result.usable
    assert "of the 6 trials required" in " ".join(result.reasons)
    angles = np.asarray(result.plot_data["angle_deg"])
    assert angles.size == len(motion)
    assert np.percentile(np.abs(angles), 99) < 15.0  # plausible: the chest hardly moves
    assert result.quality["gyro_noise_at_rest_deg_s"] < 1.0


def test_real_oblique_keypoints_are_refused(shared_data: Path) -> None:
    """Pose2Sim camera 1 films the man obliquely: flexion cannot be measured from that view."""
    from kinesense.capture.readers import read_openpose

    folder = shared_file(shared_data, "keypoints/pose2sim_balancing_cam01_openpose")
    pose = read_openpose(folder)
    result = get_assessment("repositioning").assess(RepositioningInputs(pose, joint="trunk"))
    assert "wrong camera view (oblique)" in _reason(result)


@pytest.fixture(scope="module")
def walking_side(shared_data: Path) -> PoseSeries:
    """An older woman walking across a gym, filmed from the side (runs the pose model once)."""
    from kinesense.capture.extract import extract_video

    return extract_video(shared_file(shared_data, "video/sports2d_walk_side.mp4")).series


@pytest.mark.slow
def test_real_side_video_angles_plausible_and_gates_apply(walking_side: PoseSeries) -> None:
    from kinesense.assess.repositioning_video import pose_angle_deg

    angle, seen = pose_angle_deg(walking_side, "trunk")
    low, median, high = np.percentile(angle[seen], [1, 50, 99])
    print(
        f"\nsports2d_walk_side: trunk inclination 1st/50th/99th percentile "
        f"{low:.1f}/{median:.1f}/{high:.1f} deg, trunk seen in {100 * seen.mean():.0f}% of frames"
    )
    assert abs(median) < 5.0  # upright walking
    assert low > -15.0
    assert high < 15.0
    # She walks into the picture: too few frames with the trunk in view...
    assert "seen clearly in" in _reason(assess_repositioning(walking_side, joint="trunk"))
    # ...and once in view she never stands still: no neutral reference posture.
    in_view = walking_side.slice_time(float(walking_side.time_s[seen][0]), None)
    assert "no still neutral posture" in _reason(assess_repositioning(in_view, joint="trunk"))


def test_unusable_with_lost_samples() -> None:
    motion = _trunk_imu()
    keep = np.ones(len(motion), dtype=bool)
    keep[2000:2050] = False  # half a second lost
    assert "gap of 0.51 s" in _reason(assess_repositioning(motion.take(keep), joint="trunk"))


def test_notes_say_what_the_angle_is() -> None:
    notes = " ".join(assess_repositioning(_trunk_imu(), joint="trunk").notes)
    assert "lumbo-pelvic" in notes
    assert "plane of largest movement" in notes


def test_video_far_side_hidden_and_short_dropouts_are_tolerated() -> None:
    profile = trials_profile(REPRODUCED, demonstration=TARGET, rate_hz=30.0)
    pose = synthetic_side_pose(profile.angle_deg, profile.time_s)
    visibility = np.array(pose.visibility)
    right = [i for i, name in enumerate(BLAZEPOSE_LANDMARKS) if name.startswith("right_")]
    visibility[:, right] = 0.1  # the far side, hidden behind the body
    detected = np.array(pose.detected)
    detected[360:366] = False  # 0.2 s without the person, inside the first trial's hold (12 s)
    result = assess_repositioning(
        pose.replace(visibility=visibility, detected=detected), joint="trunk"
    )
    assert result.usable, result.reasons
    ae, _, _ = _expected([r - TARGET for r in REPRODUCED])
    assert result.metrics["absolute_error_deg"] == pytest.approx(ae, abs=0.1)
