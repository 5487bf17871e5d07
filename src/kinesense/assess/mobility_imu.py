"""Trunk ranges of motion from one motion sensor on the sternum or upper back.

Flexion and extension are the sensor's unsigned inclination from its starting posture
(:func:`imu_inclination_deg`: the low-passed accelerometer follows gravity during slow
movements); rotation is its turn about the vertical (:func:`imu_yaw_deg`: the gyroscope's rate
about the current up direction, integrated). Lateral bending is not offered: its side needs to
know how the sensor is mounted. Ranges, symmetry and smoothness as in
:mod:`kinesense.assess.mobility`.
"""

from typing import Any, Final

import numpy as np

from kinesense.assess.mobility import PROTOCOLS, MobilityParameters, rom_from_trace
from kinesense.assess.result import AssessmentResult
from kinesense.errors import InvalidValueError
from kinesense.series.motion import MotionSeries
from kinesense.signal.angle_trace import AngleTrace
from kinesense.signal.filters import butter_lowpass_zero_lag
from kinesense.signal.geometry import angle_between_deg
from kinesense.signal.resample import resample_uniform

DEFAULTS = MobilityParameters()

IMU_SIDES: Final[dict[str, dict[str, float]]] = {
    "flexion": {"flexion": 1.0},
    "extension": {"extension": 1.0},
    "rotation": {"left": 1.0, "right": -1.0},
}
"""Movements a single trunk sensor measures, and the sign of each side's excursion."""


def imu_inclination_deg(
    series: MotionSeries, rate_hz: float | None = None, params: MobilityParameters = DEFAULTS
) -> AngleTrace:
    """Inclination of a body-worn sensor from its standing orientation, degrees (unsigned).

    The accelerometer, low-passed at ``imu_gravity_cutoff_hz`` (zero lag), follows gravity
    during slow movements; the inclination is the angle between it and its mean direction over
    the first ``neutral_window_s`` s (standing still). It does not depend on how the sensor
    is mounted; it is unsigned (forwards and backwards read alike) and the sensor's own
    acceleration adds an error of about atan(a / g) during fast movements.
    """
    rate = series.sampling_rate_hz if rate_hz is None else rate_hz
    grid, acc = resample_uniform(series.time_s, series.acc_m_s2, rate)
    gravity = butter_lowpass_zero_lag(acc, rate, params.imu_gravity_cutoff_hz)
    first = grid <= grid[0] + params.neutral_window_s
    reference = np.nanmean(gravity[first], axis=0)
    return AngleTrace(grid, angle_between_deg(gravity, reference), rate)


def imu_yaw_deg(
    series: MotionSeries, rate_hz: float | None = None, params: MobilityParameters = DEFAULTS
) -> AngleTrace:
    """Rotation of a body-worn sensor about the vertical, degrees, positive to the left.

    The angular rate about the current up direction (the low-passed accelerometer, which
    points up when still) is integrated over time after removing the gyroscope's bias (its mean
    over the first ``neutral_window_s`` s). Counter-clockwise seen from above (right-hand
    rule about up) is a turn to the wearer's left, whatever the mounting. Gyroscope drift is not
    corrected beyond that bias: keep recordings short (under a minute).
    """
    rate = series.sampling_rate_hz if rate_hz is None else rate_hz
    grid, acc = resample_uniform(series.time_s, series.acc_m_s2, rate)
    _, gyr = resample_uniform(series.time_s, series.gyr_rad_s, rate)
    up = butter_lowpass_zero_lag(acc, rate, params.imu_gravity_cutoff_hz)
    up = up / np.linalg.norm(up, axis=1, keepdims=True)
    first = grid <= grid[0] + params.neutral_window_s
    gyr = gyr - np.nanmean(gyr[first], axis=0)
    yaw_rate = np.sum(gyr * up, axis=1)
    yaw = np.concatenate([[0.0], np.cumsum((yaw_rate[1:] + yaw_rate[:-1]) / 2.0) / rate])
    return AngleTrace(grid, np.degrees(yaw), rate)


def assess_trunk_rom_imu(
    series: MotionSeries, movement: str, params: MobilityParameters = DEFAULTS
) -> AssessmentResult:
    """Trunk flexion, extension or rotation from one sensor on the sternum or upper back.

    Flexion and extension: the unsigned inclination from the starting posture
    (:func:`imu_inclination_deg`), so the recording must hold only the movement named.
    Rotation: the gyroscope's rotation about the vertical (:func:`imu_yaw_deg`), the whole
    trunk relative to the start (a sensor cannot tell the pelvis turning along). Lateral
    bending is not offered: its side needs to know how the sensor is mounted. Metrics as in
    :func:`assess_trunk_rom`.
    """
    if movement not in IMU_SIDES:
        raise InvalidValueError(f"a sensor measures {', '.join(IMU_SIDES)}; got {movement!r}")
    test = f"mobility-{movement}"
    source = series.provenance.to_json()
    rate = series.sampling_rate_hz
    quality: dict[str, Any] = {
        "duration_s": series.duration_s,
        "sampling_rate_hz": rate,
        "sensor": series.placement,
    }
    reasons = []
    if series.duration_s < params.min_duration_s:
        reasons.append(
            f"the recording lasts {series.duration_s:.1f} s; at least "
            f"{params.min_duration_s:g} s needed"
        )
    if rate < params.min_frame_rate_hz:
        reasons.append(
            f"the sampling rate is {rate:.0f} Hz; at least {params.min_frame_rate_hz:g} Hz needed"
        )
    first = series.time_s <= series.time_s[0] + params.neutral_window_s
    start_speed = float(np.mean(np.linalg.norm(series.gyr_rad_s[first], axis=1)))
    quality["start_angular_speed_rad_s"] = start_speed
    if start_speed > params.imu_still_max_rad_s:
        reasons.append(
            f"the sensor turned at {np.degrees(start_speed):.0f} deg/s during the first "
            f"{params.neutral_window_s:g} s; stand still for 2 s before moving (the start is the "
            "zero)"
        )
    if reasons:
        return AssessmentResult.unusable(
            test, *reasons, protocol=PROTOCOLS[movement], quality=quality, source=source
        )
    trace = (
        imu_yaw_deg(series, params=params)
        if movement == "rotation"
        else imu_inclination_deg(series, params=params)
    )
    notes = ["measured with one motion sensor on the trunk"]
    if movement == "rotation":
        notes.append("rotation integrates the gyroscope: it drifts slowly over long recordings")
    return rom_from_trace(movement, trace, IMU_SIDES[movement], quality, source, notes, params)
