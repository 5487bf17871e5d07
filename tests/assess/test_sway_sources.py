"""Force plate, video and IMU to sway traces: known displacements recovered, poor recordings
flagged."""

import math
from pathlib import Path

import numpy as np
import pytest

from kinesense.assess.sway_sources import (
    DEFAULT_HEIGHT_CM,
    EYE_HEIGHT_FRACTION,
    from_cop,
    from_imu,
    from_pose,
    gravity_direction,
)
from kinesense.capture.readers import read_imu_csv
from kinesense.landmarks import BLAZEPOSE_LANDMARKS
from kinesense.series import CopSeries, MotionSeries, PoseSeries, Provenance
from tests.conftest import shared_file

# --- force plate ---------------------------------------------------------------------------


def cop_series(force: np.ndarray | None = None, n: int = 3001) -> CopSeries:
    t = np.arange(n) / 100.0
    cop = np.column_stack([0.002 * np.sin(t), 0.005 * np.cos(t)])
    return CopSeries(t, cop, np.full(n, 700.0) if force is None else force)


def test_cop_metres_become_millimetres() -> None:
    cop = cop_series()
    trace = from_cop(cop)
    assert not trace.problems
    np.testing.assert_allclose(trace.ml_mm, cop.ml_m * 1000)
    np.testing.assert_allclose(trace.ap_mm, cop.ap_m * 1000)


def test_stepping_off_the_plate_is_flagged() -> None:
    force = np.full(3001, 700.0)
    force[1500:1600] = 150.0
    trace = from_cop(cop_series(force))
    assert any("stepped off" in p and "15.00 s" in p for p in trace.problems)


def test_empty_plate_is_flagged() -> None:
    trace = from_cop(cop_series(np.full(3001, 5.0)))
    assert any("nobody" in p for p in trace.problems)


def test_long_gap_in_cop_is_flagged_short_one_filled() -> None:
    cop = cop_series()
    values = cop.cop_m.copy()
    values[100:105] = np.nan  # 50 ms: filled
    trace = from_cop(CopSeries(cop.time_s, values, cop.force_n))
    assert not trace.problems
    assert np.all(np.isfinite(trace.ml_mm))
    values[1000:1100] = np.nan  # 1 s: not filled
    trace = from_cop(CopSeries(cop.time_s, values, cop.force_n))
    assert any("missing" in p for p in trace.problems)


# --- video ---------------------------------------------------------------------------------

WIDTH, HEIGHT = 1000, 2000
STATURE_PX = 1500.0
EYE_Y = 300.0


def standing_template() -> np.ndarray:
    """(33, 2) pixel positions of a person facing the camera, stature STATURE_PX."""
    heel_y = EYE_Y + EYE_HEIGHT_FRACTION * STATURE_PX
    y_of = {
        "nose": EYE_Y + 20, "eye": EYE_Y, "ear": EYE_Y + 10, "mouth": EYE_Y + 50,
        "shoulder": 520, "elbow": 760, "wrist": 960, "pinky": 1010, "index": 1010,
        "thumb": 1000, "hip": 1000, "knee": 1370, "ankle": 1740, "heel": heel_y,
        "foot_index": heel_y,
    }  # fmt: skip
    half_width = {"shoulder": 180, "hip": 120, "knee": 100, "ankle": 90, "heel": 90}
    pts = np.zeros((33, 2))
    for i, name in enumerate(BLAZEPOSE_LANDMARKS):
        part = name.split("_", 1)[-1] if name.startswith(("left_", "right_")) else name
        part = part.replace("_inner", "").replace("_outer", "")
        part = "mouth" if part.startswith("mouth") else part
        side = 1 if name.startswith("left_") else (-1 if name.startswith("right_") else 0)
        pts[i] = [500 + side * half_width.get(part, 150), y_of[part]]
    return pts


def pose_series(
    shift_px: np.ndarray, view: str = "front", visibility: float = 0.95, fps: float = 30.0
) -> PoseSeries:
    n = len(shift_px)
    px = np.repeat(standing_template()[None], n, axis=0)
    px[:, :, 0] += shift_px[:, None]
    image = np.zeros((n, 33, 3))
    image[:, :, :2] = px / np.array([WIDTH, HEIGHT])
    return PoseSeries(
        time_s=np.arange(n) / fps,
        image_xyz=image,
        world_xyz_m=np.zeros((n, 33, 3)),
        visibility=np.full((n, 33), visibility),
        detected=np.ones(n, dtype=bool),
        frame_rate_hz=fps,
        provenance=Provenance(
            source="synthetic", reader="video", resolution=(WIDTH, HEIGHT), camera_view=view
        ),
    )


def test_video_com_sway_recovered_in_mm() -> None:
    t = np.arange(900) / 30.0
    true_mm = 8.0 * np.sin(2 * np.pi * 0.3 * t)
    mm_per_px = 1750.0 / STATURE_PX
    trace = from_pose(pose_series(true_mm / mm_per_px), height_cm=175.0)
    assert not trace.problems
    assert trace.ap_mm is None
    assert trace.ml_mm is not None
    # front view: the image right is the person's left, so ML (positive right) is -x
    np.testing.assert_allclose(trace.ml_mm, -true_mm, atol=0.01 * 8.0)
    assert any("centimetre" in n for n in trace.notes)


def test_video_default_height_is_stated_and_used() -> None:
    t = np.arange(900) / 30.0
    trace = from_pose(pose_series(10 * np.sin(t)))
    assert any(f"{DEFAULT_HEIGHT_CM:g} cm" in n for n in trace.notes)
    assert trace.quality["mm_per_px"] == pytest.approx(DEFAULT_HEIGHT_CM * 10 / STATURE_PX)


def test_side_view_gives_ap_with_forward_positive() -> None:
    t = np.arange(900) / 30.0
    shift = 5 * np.sin(t)
    trace = from_pose(pose_series(shift, view="right-side"), height_cm=170.0)
    assert trace.ml_mm is None
    assert trace.ap_mm is not None
    assert np.corrcoef(trace.ap_mm, shift)[0, 1] > 0.999


def test_wrong_view_and_low_visibility_are_flagged() -> None:
    shift = np.zeros(900)
    assert any("oblique" in p for p in from_pose(pose_series(shift, view="oblique")).problems)
    assert any("side view" in p for p in from_pose(pose_series(shift), direction="ap").problems)
    low = from_pose(pose_series(shift, visibility=0.2))
    assert any("not clearly in view" in p for p in low.problems)


def test_person_leaving_the_frame_is_flagged() -> None:
    shift = np.zeros(900)
    shift[300:600] = 2000.0  # walked out of the image for 10 s
    trace = from_pose(pose_series(shift))
    assert any("not clearly in view" in p for p in trace.problems)


# --- IMU -----------------------------------------------------------------------------------


def tilting_sensor(theta: np.ndarray, fs: float) -> MotionSeries:
    """A phone on the sternum (y up, z forward, x to the person's left) leaning forward by
    ``theta`` (rad) about its x axis: gravity reading (0, g cos, -g sin), gyro x = dtheta/dt."""
    g = 9.80665
    acc = np.column_stack([np.zeros_like(theta), g * np.cos(theta), -g * np.sin(theta)])
    gyr = np.column_stack([np.gradient(theta, 1 / fs), np.zeros_like(theta), np.zeros_like(theta)])
    return MotionSeries(np.arange(len(theta)) / fs, acc, gyr, placement="sternum")


def test_gravity_direction_follows_a_known_tilt() -> None:
    fs = 100.0
    t = np.arange(3000) / fs
    theta = np.radians(3.0) * np.sin(2 * np.pi * 0.4 * t)
    m = tilting_sensor(theta, fs)
    up = gravity_direction(m.acc_m_s2, m.gyr_rad_s, fs)
    # the discrete filter leads by about one sample (10 ms): compare amplitude and shape
    assert np.std(up[:, 2]) == pytest.approx(np.std(np.sin(theta)), rel=0.01)
    assert np.corrcoef(up[:, 2], -np.sin(theta))[0, 1] > 0.999
    np.testing.assert_allclose(up[10:-1, 2], -np.sin(theta[11:]), atol=0.01 * np.radians(3.0))


def test_imu_inverted_pendulum_recovers_displacement() -> None:
    fs = 100.0
    t = np.arange(3001) / fs
    theta = np.radians(2.0) * np.sin(2 * np.pi * 0.3 * t)
    trace = from_imu(tilting_sensor(theta, fs), sensor_height_cm=130.0, forward_axis="+z")
    assert not trace.problems
    truth = 1300.0 * np.sin(theta)
    amplitude = 1300.0 * math.sin(math.radians(2.0))
    assert np.std(trace.ap_mm) == pytest.approx(np.std(truth), rel=0.01)
    assert np.max(np.abs(trace.ap_mm - (truth - truth.mean()))) < 0.03 * amplitude  # 1-sample lead
    assert np.max(np.abs(trace.ml_mm)) < 0.01 * amplitude
    assert any("inverted pendulum" in n and "130 cm" in n for n in trace.notes)


def test_imu_forward_axis_sign() -> None:
    fs = 100.0
    theta = np.radians(2.0) * np.sin(np.arange(3000) / fs)
    plus = from_imu(tilting_sensor(theta, fs), forward_axis="+z")
    minus = from_imu(tilting_sensor(theta, fs), forward_axis="-z")
    np.testing.assert_allclose(plus.ap_mm, -minus.ap_mm, atol=1e-9)
    assert any("100 cm" in n for n in plus.notes)  # default height stated


def test_imu_large_tilt_is_movement_not_sway() -> None:
    fs = 50.0
    theta = np.radians(30.0) * np.sin(np.arange(1500) / fs)
    trace = from_imu(tilting_sensor(theta, fs))
    assert any("not quiet-standing" in p for p in trace.problems)


def test_real_chest_imu_plumbing_and_posture_check(shared_data: Path) -> None:
    # u5 is on the chest during physiotherapy exercises (not quiet standing): plumbing only
    upright = from_imu(read_imu_csv(shared_file(shared_data, "imu/uci_s1/e3/u5/test.txt.gz")))
    assert upright.quality["sampling_rate_hz"] == pytest.approx(25.0)
    assert len(upright.time_s) > 1000
    assert np.all(np.isfinite(upright.ap_mm))
    assert np.all(np.isfinite(upright.ml_mm))
    assert upright.quality["max_tilt_deg"] < 90
    # in exercise 4 the sensor's z axis is vertical: z cannot be the forward axis
    lying = from_imu(read_imu_csv(shared_file(shared_data, "imu/uci_s1/e4/u5/test.txt.gz")))
    assert any("close to vertical" in p for p in lying.problems)
