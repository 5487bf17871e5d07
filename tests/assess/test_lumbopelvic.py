"""Lumbopelvic rhythm and the waiter's bow: synthetic sensors and landmarks with known angles."""

import numpy as np
import pytest

from kinesense.arrays import FloatArray
from kinesense.assess.forward_bend_video import assess_forward_bend_video
from kinesense.assess.lumbopelvic import (
    ForwardBendParameters,
    assess_forward_bend_imu,
    bend_rhythm,
)
from kinesense.assess.mobility_imu import imu_inclination_deg
from kinesense.series import MotionSeries
from tests.assess.test_mobility import (
    bend_profile,
    front_view_series,
    profile_duration,
    side_view_series,
    time_axis,
)


def lumbar_of(
    trunk_deg: FloatArray, lumbar_max: float = 40.0, trunk_max: float = 90.0
) -> FloatArray:
    """A lumbar spine that leads early: L = Lmax (1 - (1 - T / Tmax)^2)."""
    share = np.clip(trunk_deg / trunk_max, 0.0, 1.0)
    return np.asarray(lumbar_max * (1.0 - (1.0 - share) ** 2))


# Hand calculation for L = 40 (1 - (1 - T/90)^2), P = T - L, cut at T = 30 and 60 deg:
#   T=30: L = 40 (1 - 4/9) = 22.222, P = 7.778;  T=60: L = 35.556, P = 24.444;  T=90: L=40, P=50
EARLY = 22.2222 / 7.7778
MIDDLE = (35.5556 - 22.2222) / (24.4444 - 7.7778)
LATE = (40.0 - 35.5556) / (50.0 - 24.4444)
OVERALL = 40.0 / 50.0


def test_bend_rhythm_thirds_match_the_hand_calculation() -> None:
    t = np.arange(0.0, 2.0, 0.0005)
    trunk = 90.0 * np.clip(t / 2.0, 0, 1)
    lumbar = lumbar_of(trunk)
    rhythm = bend_rhythm(t, trunk, trunk - lumbar, 0, len(t) - 1)
    assert rhythm.ratio == pytest.approx(OVERALL, rel=1e-3)
    assert rhythm.ratio_thirds == pytest.approx((EARLY, MIDDLE, LATE), rel=0.01)
    assert rhythm.lumbar_peak_deg == pytest.approx(40.0, rel=1e-3)
    assert rhythm.pelvis_peak_deg == pytest.approx(50.0, rel=1e-3)
    # half of lumbar motion (20 deg) at T = 90 (1 - sqrt(0.5)) = 26.36 deg; half of pelvic
    # motion (25 deg) where T - L(T) = 25: 40 s^2 + 10 s - 25 = 0 with s = T/90, T = 60.785 deg;
    t_lumbar = 26.360 / 45.0
    t_pelvis = 60.785 / 45.0
    assert rhythm.lumbar_lead_s == pytest.approx(t_pelvis - t_lumbar, abs=0.002)


def _imu(t: FloatArray, inclination_deg: FloatArray, mounting: FloatArray) -> MotionSeries:
    a = np.radians(inclination_deg)
    gravity = 9.81 * np.column_stack([np.cos(a), np.sin(a), np.zeros_like(a)])
    return MotionSeries(time_s=t, acc_m_s2=gravity @ mounting.T, gyr_rad_s=np.zeros((len(t), 3)))


def _rotation(axis: FloatArray, angle_deg: float) -> FloatArray:
    from scipy.spatial.transform import Rotation

    return np.asarray(Rotation.from_rotvec(np.radians(angle_deg) * axis).as_matrix())


def test_imu_inclination_does_not_depend_on_how_the_sensor_is_mounted() -> None:
    t = np.arange(0.0, 8.0, 0.01)
    angle = bend_profile(t, [70.0])
    tilted = _imu(
        t, angle, _rotation(np.array([0.3, 0.5, 0.8]) / np.linalg.norm([0.3, 0.5, 0.8]), 35.0)
    )
    trace = imu_inclination_deg(tilted)
    expected = np.interp(trace.time_s, t, angle)
    middle = slice(20, -20)  # away from the filter's end effects
    np.testing.assert_allclose(trace.angle_deg[middle], expected[middle], atol=0.5)


def test_forward_bend_from_two_sensors_recovers_the_rhythm() -> None:
    t = np.arange(0.0, profile_duration(3), 0.01)
    trunk = bend_profile(t, [90.0, 90.0, 90.0])
    pelvis = trunk - lumbar_of(trunk)
    mount = _rotation(np.array([0.0, 0.0, 1.0]), 90.0)
    result = assess_forward_bend_imu(_imu(t, trunk, mount), _imu(t, pelvis, np.eye(3)))
    assert result.usable, result.reasons
    m = result.metrics
    assert m["trunk_peak_deg"] == pytest.approx(90.0, rel=0.01)
    assert m["lumbar_peak_deg"] == pytest.approx(40.0, rel=0.01)
    assert m["lumbopelvic_ratio"] == pytest.approx(OVERALL, rel=0.01)
    assert m["lumbopelvic_ratio_early"] == pytest.approx(EARLY, rel=0.03)
    assert m["lumbopelvic_ratio_middle"] == pytest.approx(MIDDLE, rel=0.03)
    assert m["lumbopelvic_ratio_late"] == pytest.approx(LATE, rel=0.05)
    assert m["lumbar_lead_s"] > 0
    assert len(result.plot_data["peaks"]) == 3


@pytest.mark.parametrize(("lumbar_deg", "passed"), [(3.0, True), (25.0, False)])
def test_waiters_bow_passes_only_with_a_neutral_low_back(lumbar_deg: float, passed: bool) -> None:
    t = np.arange(0.0, profile_duration(3), 0.01)
    pelvis = bend_profile(t, [60.0, 60.0, 60.0])
    trunk = pelvis + lumbar_deg * pelvis / 60.0
    result = assess_forward_bend_imu(
        _imu(t, trunk, np.eye(3)), _imu(t, pelvis, np.eye(3)), "waiters-bow"
    )
    assert result.usable
    assert result.metrics["waiters_bow_pass"] == (1.0 if passed else 0.0)
    assert result.metrics["pelvis_peak_deg"] == pytest.approx(60.0, rel=0.01)
    assert ("not correct" in result.interpretation) is not passed


def test_waiters_bow_fails_when_the_hips_do_not_reach_50_degrees() -> None:
    t = np.arange(0.0, profile_duration(2), 0.01)
    pelvis = bend_profile(t, [35.0, 35.0])
    result = assess_forward_bend_imu(
        _imu(t, pelvis, np.eye(3)), _imu(t, pelvis, np.eye(3)), "waiters-bow"
    )
    assert result.metrics["waiters_bow_pass"] == 0.0


def test_sensors_without_overlap_or_without_a_bend_are_refused() -> None:
    t = np.arange(0.0, 6.0, 0.01)
    flat = _imu(t, np.zeros_like(t), np.eye(3))
    assert not assess_forward_bend_imu(flat, flat).usable
    later = MotionSeries(time_s=t + 5.0, acc_m_s2=flat.acc_m_s2, gyr_rad_s=flat.gyr_rad_s)
    result = assess_forward_bend_imu(flat, later)
    assert not result.usable
    assert "overlap" in result.reasons[0]


def test_video_forward_bend_reports_trunk_thigh_to_trunk_and_knee_angles() -> None:
    t = time_axis(profile_duration(3))
    trunk = bend_profile(t, [70.0, 70.0, 70.0])
    thigh = -bend_profile(t, [8.0, 8.0, 8.0])  # hips move back over the feet as one bends
    result = assess_forward_bend_video(side_view_series(t, trunk, thigh_deg=thigh))
    assert result.usable, result.reasons
    m = result.metrics
    assert m["trunk_peak_deg"] == pytest.approx(70.0, rel=0.01)
    assert m["hip_flexion_deg"] == pytest.approx(78.0, rel=0.01)
    assert m["knee_flexion_deg"] == pytest.approx(8.0, abs=0.2)  # shank vertical: knee = thigh
    assert m["repetitions"] == 3
    assert "lumbopelvic_ratio" not in m
    assert any("no points on the lumbar spine" in note for note in result.notes)


@pytest.mark.parametrize(("depth", "reached"), [(60.0, 1.0), (40.0, 0.0)])
def test_video_waiters_bow_checks_only_the_hip_target(depth: float, reached: float) -> None:
    t = time_axis(profile_duration(2))
    series = side_view_series(t, bend_profile(t, [depth, depth]))
    result = assess_forward_bend_video(series, "waiters-bow")
    assert result.metrics["hip_target_reached"] == reached
    assert result.metrics["hip_flexion_deg"] == pytest.approx(depth, rel=0.01)
    assert "waiters_bow_pass" not in result.metrics
    assert "cannot be seen" in result.interpretation
    assert ForwardBendParameters().waiters_bow_min_hip_deg == 50.0


def test_video_forward_bend_refuses_a_front_view() -> None:
    t = time_axis(profile_duration(2))
    result = assess_forward_bend_video(front_view_series(t, np.zeros_like(t)))
    assert not result.usable
    assert "side view" in result.reasons[0]
