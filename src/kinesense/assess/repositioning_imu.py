"""Joint repositioning error from an IMU or phone worn on the moving segment.

The orientation comes from Madgwick's filter (:mod:`kinesense.assess.orientation`); the angle
is the inclination change in the plane of largest movement (flexion, lateral flexion: drift-
free, from gravity) or the rotation about the vertical (axial rotation: integrated gyroscope,
its residual drift measured and stated). Before that the recording is checked: long enough,
fast enough, no lost samples, no saturation, a still start, a quiet gyroscope. Trials and
scores as in :mod:`kinesense.assess.repositioning`.
"""

from typing import Any

import numpy as np

from kinesense.arrays import FloatArray
from kinesense.assess.orientation import (
    GRAVITY_M_S2,
    estimate_orientation,
    tilt_angle_deg,
    yaw_angle_deg,
    yaw_drift_estimate_deg_s,
)
from kinesense.assess.repositioning import TEST, Protocol, build_result, initial_rest
from kinesense.assess.repositioning_protocols import (
    IMU_ERROR_NOTE,
    TRUNK_IMU_NOTE,
    WHAT_IMU_MEASURES,
)
from kinesense.assess.result import AssessmentResult
from kinesense.series import MotionSeries
from kinesense.signal.holds import smoothed_angle_and_speed

ACC_SATURATION_FLOOR = 1.5
"""An accelerometer channel stuck at its extreme counts as saturated only above 1.5 g."""
GYRO_SATURATION_FLOOR_RAD_S = 3.0
"""A gyroscope channel stuck at its extreme counts as saturated only above 3 rad/s (172 deg/s)."""
REST_AVERAGE_S = 0.2
"""Moving-average window of the angular rate when the still start is looked for, s."""


def _gyro_noise_deg_s(gyr_deg: FloatArray) -> float:
    """White-noise level of the gyroscope, deg/s: the largest over the axes of
    SD(successive differences) / sqrt(2), which a slow movement hardly changes."""
    if len(gyr_deg) < 3:
        return float("nan")
    return float(np.max(np.std(np.diff(gyr_deg, axis=0), axis=0)) / np.sqrt(2.0))


def _saturated(values: FloatArray, floor: float) -> bool:
    """Whether a channel sits at its extreme value for 3+ samples, above a plausible floor."""
    for column in np.asarray(values).T:
        extreme = float(np.max(np.abs(column)))
        if extreme >= floor and np.count_nonzero(np.abs(np.abs(column) - extreme) < 1e-9) >= 3:
            return True
    return False


def measure_imu(
    motion: MotionSeries, chosen: Protocol, *, use_magnetometer: bool = False
) -> AssessmentResult:
    """Repositioning error from an IMU or phone worn on the moving segment (see
    :func:`kinesense.assess.repositioning.assess_repositioning`, which checks the choices)."""
    joint, axis, params, common = chosen.joint, chosen.axis, chosen.params, chosen.common
    rate = motion.sampling_rate_hz
    if len(motion) < 3 or rate < params.min_rate_hz:
        return AssessmentResult.unusable(
            TEST, f"sampling rate {rate:.1f} Hz is below {params.min_rate_hz:g} Hz", **common
        )
    if motion.duration_s < params.min_duration_s:
        return chosen.too_short(motion.duration_s)
    gap = float(np.max(np.diff(motion.time_s)))
    if gap > params.max_gap_s:
        return AssessmentResult.unusable(
            TEST,
            f"the recording has a gap of {gap:.2f} s (at most {params.max_gap_s:g} s): "
            "samples were lost",
            **common,
        )
    if _saturated(motion.acc_m_s2, ACC_SATURATION_FLOOR * GRAVITY_M_S2) or _saturated(
        motion.gyr_rad_s, GYRO_SATURATION_FLOOR_RAD_S
    ):
        return AssessmentResult.unusable(
            TEST, "the sensor saturated (readings stuck at their largest value)", **common
        )
    gyr_deg = np.degrees(np.asarray(motion.gyr_rad_s))
    rate_deg_s = np.linalg.norm(gyr_deg - np.median(gyr_deg, axis=0), axis=1)
    window = max(1, round(REST_AVERAGE_S * rate))
    smooth_rate = np.convolve(rate_deg_s, np.ones(window) / window, mode="same")
    moving = smooth_rate > params.rest_max_gyro_deg_s
    rest = initial_rest(motion.time_s, moving, params)
    first_s = motion.time_s <= motion.time_s[0] + params.min_rest_s
    if rest is None and _gyro_noise_deg_s(gyr_deg[first_s]) > params.max_gyro_noise_deg_s:
        rest = slice(0, int(np.count_nonzero(first_s)))  # judged by its noise below
    if rest is None:
        return AssessmentResult.unusable(
            TEST,
            f"no still neutral posture of at least {params.min_rest_s:g} s at the start "
            "(needed as the reference position and to measure the gyroscope bias)",
            **common,
        )
    noise = _gyro_noise_deg_s(gyr_deg[rest])
    quality: dict[str, Any] = {"gyro_noise_at_rest_deg_s": noise, "sampling_rate_hz": rate}
    if noise > params.max_gyro_noise_deg_s:
        return AssessmentResult.unusable(
            TEST,
            f"gyroscope too noisy at rest: {noise:.1f} deg/s "
            f"(at most {params.max_gyro_noise_deg_s:g})",
            quality=quality,
            **common,
        )
    orientation = estimate_orientation(
        motion, rest=rest, use_magnetometer=use_magnetometer and axis == "rotation"
    )
    if axis == "rotation":
        angle = yaw_angle_deg(orientation, rest)
    else:
        angle, tilt_axis = tilt_angle_deg(orientation, rest)
        quality["tilt_axis_sensor_frame"] = [round(float(v), 6) for v in tilt_axis]
    angle, detection = chosen.trials(motion.time_s, angle)
    notes = [IMU_ERROR_NOTE, f"sensor placement: {motion.placement}", WHAT_IMU_MEASURES[axis]]
    if joint == "trunk":
        notes.append(TRUNK_IMU_NOTE)
    if axis == "rotation" and not orientation.used_magnetometer and detection.trials:
        _, speed = smoothed_angle_and_speed(motion.time_s, angle, params.smoothing_cutoff_hz)
        still = speed < params.still_speed_deg_s
        still[: rest.stop] = False  # the bias was measured there: no information on drift
        rate_drift = yaw_drift_estimate_deg_s(orientation, motion.gyr_rad_s, still)
        span = detection.trials[-1].hold_end_s - float(motion.time_s[0])
        drift = rate_drift * span
        quality.update(yaw_drift_deg_s=rate_drift, yaw_drift_deg=drift)
        notes.append(
            f"heading (yaw) from the gyroscope alone, without magnetometer: residual drift "
            f"{rate_drift:.3f} deg/s while still, about {drift:.1f} deg by the last trial"
        )
        if drift > params.max_yaw_drift_deg:
            return AssessmentResult.unusable(
                TEST,
                f"heading drift too large: about {drift:.1f} deg by the last trial "
                f"(at most {params.max_yaw_drift_deg:g}); record again with the sensor still at "
                "the start, or use the magnetometer",
                quality=quality,
                notes=tuple(notes),
                **common,
            )
    return build_result(
        detection, motion.time_s, angle, joint, params.trials, quality, notes, common, "imu"
    )
