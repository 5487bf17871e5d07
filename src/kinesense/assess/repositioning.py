"""Joint position sense: trunk (lumbar) and cervical (head) repositioning error.

Protocols (:data:`PROTOCOLS`, also printed by ``kinesense assess repositioning --help``):

* **Trunk, to a target** — seated or standing, the person is shown a target trunk flexion
  (e.g. 30 degrees, or a self-chosen mid-range position) with eyes open, then with eyes closed
  moves to it, holds still for about 2 s and returns to upright, 6 times. The first hold is the
  demonstrated target unless the target angle is given.
* **Neck, back to neutral** (Revel M, Andre-Deshays C, Minguet M 1991, "Cervicocephalic
  kinesthetic sensibility in patients with cervical pain", Arch Phys Med Rehabil 72(5):288-291):
  seated, eyes closed, the person starts in their neutral head position, turns the head fully
  to one side, returns to what they feel is neutral and holds still; 6 trials (left and right,
  or flexion and extension; six trials per test as in, e.g., AlDahas A et al. 2023, PLoS One
  18(10):e0292798). The neck can also be tested **to a target** as for the trunk.

Signal: the angle of the segment relative to the starting (neutral) posture, from an IMU
(:mod:`kinesense.assess.orientation`) or from video landmarks (trunk: mid-hip to mid-shoulder;
neck flexion: mid-shoulder to mid-ear relative to the trunk, side view only). Head *rotation*
cannot be measured from a single 2-D video: the head turns about the vertical, which moves the
face landmarks mostly in depth, where a single camera has no reliable measure; use a phone or
IMU on the head. Lateral flexion would need a front view and is not offered from video.

Trials: a *hold* is a stretch of at least ``min_hold_s`` during which the low-pass filtered
(2 Hz) angle changes slower than ``hold_max_speed_deg_s`` and stays within
:data:`HOLD_BAND_DEG` of where it stopped; the reproduced angle is the mean angle during the
hold (its creeping edges left out, see :func:`_hold_angle`). An *excursion* is a stretch away
from neutral beyond a threshold. Target task: the reproduced angle of a trial is the last hold
inside an excursion. Neutral task: it is the first hold after an excursion ends.

Errors (Schmidt RA, Lee TD, *Motor Control and Learning*, Human Kinetics: the error measures
of motor performance; used in the same way in joint position sense studies, e.g. those pooled
by Tong MH et al. 2017, Arch Phys Med Rehabil 98(1):120-136):
with signed trial errors e_i = reproduced_i - target (n trials),
absolute error AE = mean |e_i|, constant error CE = mean e_i, variable error
VE = sqrt(mean (e_i - CE)^2) (the standard deviation about CE, divided by n as Schmidt & Lee
define it).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kinesense.assess.norms import load_norms
from kinesense.assess.orientation import (
    GRAVITY_M_S2,
    estimate_orientation,
    tilt_angle_deg,
    yaw_angle_deg,
    yaw_drift_estimate_deg_s,
)
from kinesense.assess.result import AssessmentResult, MetricInfo, compare_with_norm
from kinesense.series import MotionSeries, PoseSeries
from kinesense.signal.filters import butter_lowpass_zero_lag

FloatArray = NDArray[np.float64]
TEST = "repositioning"
JOINTS = ("trunk", "neck")
AXES = ("flexion", "rotation", "lateral")
TASKS = ("target", "neutral")

HOLD_MAX_SPEED_DEG_S = 5.0
"""A hold: angular speed of the 2 Hz low-passed angle below this, deg/s."""
HOLD_BAND_DEG = 1.0
"""A hold also stays within this distance of where it began (the mean low-passed angle of its
first :data:`HOLD_ANCHOR_S`), degrees: a slow creep after the stop is not part of it."""
HOLD_ANCHOR_S = 0.25
"""Length of the start of a hold that anchors :data:`HOLD_BAND_DEG`, s."""
MIN_HOLD_S = 0.5
"""Shortest hold that counts as a reproduced position, s (the brief's 0.5-1 s)."""
STILL_SPEED_DEG_S = 1.0
"""Speed of the low-passed angle below which the segment is taken as motionless when the
residual heading drift is measured, deg/s."""
MIN_REST_S = 1.0
"""Still neutral period needed at the start (reference posture and gyroscope bias), s."""
SMOOTHING_CUTOFF_HZ = 2.0
"""Low-pass cut-off before holds are found: voluntary trunk and head movements are below it."""
MIN_DURATION_S = 10.0
"""Shortest recording that can hold a few trials, s."""
MIN_RATE_HZ = 10.0
"""Lowest usable sampling rate, Hz."""
MAX_GAP_S = 0.25
"""Longest gap between IMU samples accepted, s (the filter integrates the gyroscope across it)."""
MAX_GYRO_NOISE_DEG_S = 2.0
"""Largest gyroscope white noise at rest (any axis; see :func:`_gyro_noise_deg_s`), deg/s.
Xsens MTx in the UCI data: about 0.4 deg/s; phone gyroscopes: 0.1-0.3 deg/s."""
MAX_YAW_DRIFT_DEG = 3.0
"""Largest heading drift (without magnetometer) accepted at the last hold, degrees."""
REST_MAX_GYRO_DEG_S = 3.0
"""Largest angular rate (0.2 s moving average) while the sensor counts as still at the start,
deg/s; the last 0.25 s before the first movement are left out of the rest."""
REST_MARGIN_S = 0.25
"""Time left out before the first movement, so that its onset does not bias the rest, s."""
MIN_VISIBILITY = 0.5
"""Landmarks below this visibility count as unseen."""
MAX_VIDEO_GAP_S = 0.5
"""Longest run of frames without the landmarks that is interpolated over, s."""
MIN_SEEN_FRACTION = 0.8
"""Fraction of frames in which the landmarks used must be seen."""

IMU_ERROR_NOTE = (
    "IMU orientation error: Madgwick et al. 2011 report RMS errors < 0.8 deg static and < 1.7 "
    "deg dynamic against optical motion capture; repositioning errors of that size are within "
    "the measurement error."
)
VIDEO_ERROR_NOTE = (
    "Video 2-D segment angles: this project's trunk inclination differs from the Pose2Sim "
    "multi-camera reference by a mean absolute 4.3 deg (tests/capture/test_accuracy.py); "
    "repositioning errors smaller than that cannot be told apart from measurement error."
)

_WHAT_IMU_MEASURES = {
    "flexion": (
        "angle: change of the sensor's inclination in its plane of largest movement, from the "
        "direction of gravity (drift-free; how the sensor sits on the body need not be known)"
    ),
    "lateral": (
        "angle: change of the sensor's inclination in its plane of largest movement, from the "
        "direction of gravity (drift-free; how the sensor sits on the body need not be known)"
    ),
    "rotation": (
        "angle: rotation of the sensor about the vertical, in space; it includes any turning of "
        "the trunk, which must stay still (seated against a backrest)"
    ),
}
TRUNK_IMU_NOTE = (
    "One sensor on the lower back measures the inclination of the segment it sits on (lumbo-"
    "pelvic), not the lumbar angle between two vertebral levels, which needs two sensors."
)
TRUNK_VIDEO_NOTE = (
    "Video trunk angle: inclination of the hip-to-shoulder line, which includes hip flexion and "
    "pelvic tilt as well as lumbar flexion."
)
NECK_VIDEO_NOTE = (
    "Video neck angle: the shoulder-to-ear line relative to the hip-to-shoulder line (head and "
    "neck flexion on the trunk), from a side view."
)

PROTOCOLS = {
    ("trunk", "target"): (
        "Trunk repositioning to a target: sit or stand with the sensor on the lower back (or a "
        "side-view video); start upright and still for 2 s. With eyes open, bend to the target "
        "(e.g. 30 deg, or a comfortable mid-range position shown by the therapist), hold 2 s, "
        "return upright. Then with eyes closed, 6 times: bend to the same position, hold still "
        "2 s, return upright and pause 2 s. Error = reproduced - target angle."
    ),
    ("neck", "neutral"): (
        "Cervical head repositioning to neutral (Revel et al. 1991): seated, sensor or phone "
        "fixed on the head, eyes closed; start in your natural head position and keep still for "
        "2 s; turn the head as far as comfortable to one side, come back to where you feel "
        "straight ahead and hold still 2 s; 6 trials (alternate left and right, or flexion and "
        "extension). Error = angle of the held position from the starting position."
    ),
    ("neck", "target"): (
        "Cervical head repositioning to a target: seated, sensor on the head, start still in "
        "the natural head position for 2 s; with eyes open move the head to the target (e.g. "
        "30 deg of rotation), hold 2 s, return; then with eyes closed, 6 times: move to the "
        "target, hold still 2 s, return and pause 2 s. Error = reproduced - target angle."
    ),
    ("trunk", "neutral"): (
        "Trunk repositioning to neutral: start upright and still for 2 s, eyes closed; bend, "
        "come back to what feels upright and hold still 2 s; 6 trials. Error = angle of the "
        "held position from the starting posture."
    ),
}


@dataclass(frozen=True)
class Trial:
    """One repositioning trial.

    Attributes:
        start_s, end_s: start and end of the movement (excursion start to hold end), s.
        hold_start_s, hold_end_s: the still hold at the reproduced position, s.
        reproduced_deg: mean angle during the hold, degrees from the neutral start.
        target_deg: the angle aimed at (0 for the neutral task).
        error_deg: signed error, degrees (target task: reproduced - target, positive =
            overshoot; neutral task: positive = stopped short of neutral on the side moved to,
            negative = went past neutral).
    """

    start_s: float
    end_s: float
    hold_start_s: float
    hold_end_s: float
    reproduced_deg: float
    target_deg: float
    error_deg: float

    def to_json(self) -> dict[str, float]:
        """The plot-data form."""
        return {
            "target_deg": self.target_deg,
            "reproduced_deg": self.reproduced_deg,
            "error_deg": self.error_deg,
            "start_s": self.start_s,
            "end_s": self.end_s,
            "hold_start_s": self.hold_start_s,
            "hold_end_s": self.hold_end_s,
        }


@dataclass(frozen=True)
class TrialDetection:
    """What :func:`detect_trials` found: the trials and the excursions left without a hold."""

    trials: tuple[Trial, ...]
    excursions: int
    excursions_without_hold: int
    demonstrated_target_deg: float | None


def repositioning_errors(signed_errors_deg: Any) -> tuple[float, float, float]:
    """``(AE, CE, VE)`` in degrees from the signed trial errors (see the module docstring)."""
    e = np.asarray(signed_errors_deg, dtype=np.float64)
    if e.size == 0:
        raise ValueError("at least one trial error is needed")
    ce = float(np.mean(e))
    return float(np.mean(np.abs(e))), ce, float(np.sqrt(np.mean((e - ce) ** 2)))


def _runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Index ranges ``[start, end)`` of the runs of True in ``mask``."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _hysteresis_runs(values: FloatArray, enter: float, leave: float) -> list[tuple[int, int]]:
    """Runs ``[start, end)`` that begin where ``values >= enter`` and end where it drops below
    ``leave`` (so that noise around one threshold does not split one movement into several)."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, value in enumerate(values):
        if start is None and value >= enter:
            start = i
        elif start is not None and value < leave:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(values)))
    return runs


def smoothed_angle_and_speed(
    time_s: FloatArray, angle_deg: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """The angle low-passed at 2 Hz (zero lag) and its absolute rate of change, deg and deg/s."""
    rate_hz = 1.0 / float(np.median(np.diff(time_s)))
    cutoff = min(SMOOTHING_CUTOFF_HZ, 0.4 * rate_hz)
    smooth = butter_lowpass_zero_lag(angle_deg, rate_hz, cutoff)
    return smooth, np.abs(np.gradient(smooth, time_s))


def find_holds(
    time_s: FloatArray,
    angle_deg: FloatArray,
    *,
    max_speed_deg_s: float = HOLD_MAX_SPEED_DEG_S,
    min_hold_s: float = MIN_HOLD_S,
) -> list[tuple[int, int]]:
    """Still stretches ``[start, end)`` (sample indices) lasting at least ``min_hold_s``.

    Still: the low-passed angle moves slower than ``max_speed_deg_s`` and stays within
    :data:`HOLD_BAND_DEG` of where the stretch began (a still run that slowly creeps is split
    where it leaves the band).
    """
    smooth, speed = smoothed_angle_and_speed(time_s, angle_deg)
    anchor_n = max(1, int(np.searchsorted(time_s, time_s[0] + HOLD_ANCHOR_S)))
    pieces: list[tuple[int, int]] = []
    for a, b in _runs(speed < max_speed_deg_s):
        start = a
        while start < b:
            anchor = float(np.mean(smooth[start : min(start + anchor_n, b)]))
            outside = np.flatnonzero(np.abs(smooth[start:b] - anchor) > HOLD_BAND_DEG)
            end = start + int(outside[0]) if outside.size else b
            end = max(end, start + 1)
            pieces.append((start, end))
            start = end
    return [(a, b) for a, b in pieces if time_s[b - 1] - time_s[a] >= min_hold_s]


def _hold_angle(raw: FloatArray, smooth: FloatArray) -> float:
    """Mean angle of a hold, over the samples whose low-passed angle is within half of
    :data:`HOLD_BAND_DEG` of the hold's median (the edges, where the segment already creeps
    towards or away from the position, are left out)."""
    core = np.abs(smooth - np.median(smooth)) <= HOLD_BAND_DEG / 2
    return float(np.mean(raw[core])) if np.any(core) else float(np.mean(raw))


def detect_trials(
    time_s: Any,
    angle_deg: Any,
    *,
    task: str = "target",
    target_deg: float | None = None,
    demonstration: bool = True,
    excursion_deg: float | None = None,
    max_speed_deg_s: float = HOLD_MAX_SPEED_DEG_S,
    min_hold_s: float = MIN_HOLD_S,
) -> TrialDetection:
    """Find the repositioning trials in an angle series (degrees from the neutral start).

    Args:
        time_s: (N,) sample times, s.
        angle_deg: (N,) angle from the neutral start, degrees; for the target task, movements
            towards the target are positive.
        task: ``"target"`` or ``"neutral"`` (see the module docstring).
        target_deg: the target angle (target task); ``None``: the demonstrated angle.
        demonstration: the first hold of the target task is the (eyes-open) demonstration of the
            target, not a trial; its angle is the target unless ``target_deg`` is given.
        excursion_deg: how far from neutral a movement must go to count; default for the
            target task max(5, 0.3 x largest angle), for the neutral task max(10, 0.3 x largest).
        max_speed_deg_s, min_hold_s: what counts as a hold.
    """
    t = np.asarray(time_s, dtype=np.float64)
    angle = np.asarray(angle_deg, dtype=np.float64)
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}; got {task!r}")
    holds = find_holds(t, angle, max_speed_deg_s=max_speed_deg_s, min_hold_s=min_hold_s)
    smooth, _ = smoothed_angle_and_speed(t, angle)
    peak = float(np.nanmax(np.abs(smooth))) if smooth.size else 0.0
    if excursion_deg is None:
        excursion_deg = max(5.0 if task == "target" else 10.0, 0.3 * peak)
    if task == "target":  # enter beyond the threshold, leave below half of it (hysteresis)
        excursions = _hysteresis_runs(smooth, excursion_deg, excursion_deg / 2)
    else:
        excursions = _runs(np.abs(smooth) >= excursion_deg)
    hold_means = [_hold_angle(angle[a:b], smooth[a:b]) for a, b in holds]
    found: list[tuple[int, int, int, int, float, float]] = []  # start, end, hold a, b, mean, sign
    used: set[int] = set()
    missing = 0
    for k, (ea, eb) in enumerate(excursions):
        if task == "target":
            candidates = [i for i, (a, b) in enumerate(holds) if ea <= (a + b) / 2 < eb]
            pick = candidates[-1] if candidates else None
        else:
            limit = excursions[k + 1][0] if k + 1 < len(excursions) else angle.size
            candidates = [i for i, (a, b) in enumerate(holds) if eb <= (a + b) / 2 < limit]
            pick = candidates[0] if candidates else None
        if pick is None or pick in used:
            missing += 1
            continue
        used.add(pick)
        a, b = holds[pick]
        sign = float(np.sign(smooth[ea:eb][np.argmax(np.abs(smooth[ea:eb]))]))
        found.append((ea, eb, a, b, hold_means[pick], sign))
    demonstrated: float | None = None
    if task == "target" and demonstration and found:
        demonstrated = found[0][4]
        found = found[1:]
    trials = []
    for ea, _eb, a, b, mean, sign in found:
        if task == "target":
            if target_deg is not None:
                target = float(target_deg)
            elif demonstrated is not None:
                target = demonstrated
            else:
                raise ValueError("the target task needs target_deg or a demonstration")
            error = mean - target
        else:
            target, error = 0.0, mean * sign
        trials.append(
            Trial(
                start_s=float(t[ea]),
                end_s=float(t[b - 1]),
                hold_start_s=float(t[a]),
                hold_end_s=float(t[b - 1]),
                reproduced_deg=mean,
                target_deg=target,
                error_deg=float(error),
            )
        )
    return TrialDetection(tuple(trials), len(excursions), missing, demonstrated)


# ------------------------------------------------------------------------------------------------
# From recordings to a result
# ------------------------------------------------------------------------------------------------


def _initial_rest(time_s: FloatArray, moving: NDArray[np.bool_]) -> slice | None:
    """The still stretch at the start (at least MIN_REST_S, without the REST_MARGIN_S before the
    first movement), as a slice, or None."""
    first_move = int(np.argmax(moving)) if np.any(moving) else moving.size
    end = int(np.searchsorted(time_s, time_s[max(first_move - 1, 0)] - REST_MARGIN_S))
    if end < 2 or time_s[end - 1] - time_s[0] < MIN_REST_S:
        return None
    return slice(0, end)


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


def assess_repositioning_imu(
    motion: MotionSeries,
    *,
    joint: str,
    axis: str = "flexion",
    task: str | None = None,
    target_deg: float | None = None,
    trials: int = 6,
    demonstration: bool = True,
    use_magnetometer: bool = False,
) -> AssessmentResult:
    """Repositioning error from an IMU or phone worn on the moving segment.

    Args:
        motion: the recording; ``motion.placement`` should say where it was worn ("lower back",
            "sternum", "head"...).
        joint: ``"trunk"`` or ``"neck"``.
        axis: ``"flexion"`` (sagittal), ``"lateral"`` (lateral flexion) or ``"rotation"`` (axial).
        task: ``"target"`` or ``"neutral"``; default: neutral for the neck without a target,
            target otherwise.
        target_deg: the target angle, degrees (target task); ``None``: the demonstrated angle.
        demonstration: whether the first hold (target task) is the eyes-open demonstration.
        trials: trials required.
        use_magnetometer: correct heading with the magnetometer (rotation only).
    """
    task = _check(joint, axis, task, target_deg, trials, demonstration)
    conditions = _conditions(joint, axis, task, target_deg, trials, "imu", motion.placement)
    common = {
        "protocol": PROTOCOLS[(joint, task)],
        "conditions": conditions,
        "source": motion.provenance.to_json(),
    }
    rate = motion.sampling_rate_hz
    if len(motion) < 3 or rate < MIN_RATE_HZ:
        return AssessmentResult.unusable(
            TEST, f"sampling rate {rate:.1f} Hz is below {MIN_RATE_HZ:g} Hz", **common
        )
    if motion.duration_s < MIN_DURATION_S:
        return AssessmentResult.unusable(
            TEST,
            f"recording too short: {motion.duration_s:.1f} s (at least {MIN_DURATION_S:g} s)",
            **common,
        )
    gap = float(np.max(np.diff(motion.time_s)))
    if gap > MAX_GAP_S:
        return AssessmentResult.unusable(
            TEST,
            f"the recording has a gap of {gap:.2f} s (at most {MAX_GAP_S:g} s): samples were lost",
            **common,
        )
    if _saturated(motion.acc_m_s2, 1.5 * GRAVITY_M_S2) or _saturated(motion.gyr_rad_s, 3.0):
        return AssessmentResult.unusable(
            TEST, "the sensor saturated (readings stuck at their largest value)", **common
        )
    gyr_deg = np.degrees(np.asarray(motion.gyr_rad_s))
    rate_deg_s = np.linalg.norm(gyr_deg - np.median(gyr_deg, axis=0), axis=1)
    window = max(1, round(0.2 * rate))
    smooth_rate = np.convolve(rate_deg_s, np.ones(window) / window, mode="same")
    moving = smooth_rate > REST_MAX_GYRO_DEG_S
    rest = _initial_rest(motion.time_s, moving)
    first_s = motion.time_s <= motion.time_s[0] + MIN_REST_S
    if rest is None and _gyro_noise_deg_s(gyr_deg[first_s]) > MAX_GYRO_NOISE_DEG_S:
        rest = slice(0, int(np.count_nonzero(first_s)))  # judged by its noise below
    if rest is None:
        return AssessmentResult.unusable(
            TEST,
            f"no still neutral posture of at least {MIN_REST_S:g} s at the start "
            "(needed as the reference position and to measure the gyroscope bias)",
            **common,
        )
    noise = _gyro_noise_deg_s(gyr_deg[rest])
    quality: dict[str, Any] = {"gyro_noise_at_rest_deg_s": noise, "sampling_rate_hz": rate}
    if noise > MAX_GYRO_NOISE_DEG_S:
        return AssessmentResult.unusable(
            TEST,
            f"gyroscope too noisy at rest: {noise:.1f} deg/s (at most {MAX_GYRO_NOISE_DEG_S:g})",
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
        quality["tilt_axis_sensor_frame"] = [float(v) for v in tilt_axis]
    if task == "target" and angle[int(np.argmax(np.abs(angle)))] < 0:
        angle = -angle
    notes = [IMU_ERROR_NOTE, f"sensor placement: {motion.placement}", _WHAT_IMU_MEASURES[axis]]
    if joint == "trunk":
        notes.append(TRUNK_IMU_NOTE)
    detection = detect_trials(
        motion.time_s, angle, task=task, target_deg=target_deg, demonstration=demonstration
    )
    if axis == "rotation" and not orientation.used_magnetometer and detection.trials:
        _, speed = smoothed_angle_and_speed(motion.time_s, angle)
        still = speed < STILL_SPEED_DEG_S
        still[: rest.stop] = False  # the bias was measured there: no information on drift
        rate_drift = yaw_drift_estimate_deg_s(orientation, motion.gyr_rad_s, still)
        span = detection.trials[-1].hold_end_s - float(motion.time_s[0])
        drift = rate_drift * span
        quality.update(yaw_drift_deg_s=rate_drift, yaw_drift_deg=drift)
        notes.append(
            f"heading (yaw) from the gyroscope alone, without magnetometer: residual drift "
            f"{rate_drift:.3f} deg/s while still, about {drift:.1f} deg by the last trial"
        )
        if drift > MAX_YAW_DRIFT_DEG:
            return AssessmentResult.unusable(
                TEST,
                f"heading drift too large: about {drift:.1f} deg by the last trial "
                f"(at most {MAX_YAW_DRIFT_DEG:g}); record again with the sensor still at the "
                "start, or use the magnetometer",
                quality=quality,
                notes=tuple(notes),
                **common,
            )
    return _result(detection, motion.time_s, angle, joint, trials, quality, notes, common, "imu")


def pose_angle_deg(pose: PoseSeries, joint: str) -> tuple[FloatArray, FloatArray]:
    """Sagittal angle from side-view landmarks, degrees, and the (N,) landmark-seen mask.

    Trunk: signed 2-D inclination of mid-hip -> mid-shoulder. Neck: inclination of
    mid-shoulder -> mid-ear minus the trunk's (head-on-trunk flexion), in image pixels.
    """
    from kinesense.signal.geometry import midpoint, signed_inclination_2d_deg

    pairs = [("left_hip", "right_hip"), ("left_shoulder", "right_shoulder")]
    if joint == "neck":
        pairs.append(("left_ear", "right_ear"))
    hip = midpoint(pose.image_point_px("left_hip"), pose.image_point_px("right_hip"))
    shoulder = midpoint(pose.image_point_px("left_shoulder"), pose.image_point_px("right_shoulder"))
    trunk = signed_inclination_2d_deg(hip, shoulder)
    angle = trunk
    if joint == "neck":
        ear = midpoint(pose.image_point_px("left_ear"), pose.image_point_px("right_ear"))
        angle = signed_inclination_2d_deg(shoulder, ear) - trunk
    # In a side view the far side is hidden behind the body: one side of each pair must be seen
    # (the model still places the hidden one, and the midpoint of the two is used).
    pair_seen = [
        np.maximum(pose.visibility[:, pose.index_of(a)], pose.visibility[:, pose.index_of(b)])
        for a, b in pairs
    ]
    seen = pose.detected & np.all(np.stack(pair_seen) >= MIN_VISIBILITY, axis=0)
    seen &= np.isfinite(angle)
    return np.asarray(angle, dtype=np.float64), seen


def assess_repositioning_pose(
    pose: PoseSeries,
    *,
    joint: str,
    axis: str = "flexion",
    task: str | None = None,
    target_deg: float | None = None,
    trials: int = 6,
    demonstration: bool = True,
) -> AssessmentResult:
    """Repositioning error from a side-view video's landmarks (sagittal flexion only).

    Arguments as for :func:`assess_repositioning_imu`. Needs ``pose.provenance.resolution`` and
    a side view (from ``provenance.camera_view`` or, when unknown, classified from landmarks).
    """
    task = _check(joint, axis, task, target_deg, trials, demonstration)
    conditions = _conditions(joint, axis, task, target_deg, trials, "video", "camera")
    common = {
        "protocol": PROTOCOLS[(joint, task)],
        "conditions": conditions,
        "source": pose.provenance.to_json(),
    }
    if axis != "flexion":
        return AssessmentResult.unusable(
            TEST,
            f"{axis} cannot be measured from one video: a single camera sees flexion in a "
            "side view only; head rotation needs a phone or IMU on the head",
            **common,
        )
    if pose.provenance.resolution is None:
        return AssessmentResult.unusable(TEST, "the series has no image size", **common)
    from kinesense.capture.view import series_view

    view = series_view(pose)
    quality: dict[str, Any] = {"camera_view": view}
    if view not in ("left-side", "right-side"):
        return AssessmentResult.unusable(
            TEST,
            f"wrong camera view ({view}): flexion needs the camera at the person's side",
            quality=quality,
            **common,
        )
    if pose.duration_s < MIN_DURATION_S:
        return AssessmentResult.unusable(
            TEST,
            f"recording too short: {pose.duration_s:.1f} s (at least {MIN_DURATION_S:g} s)",
            quality=quality,
            **common,
        )
    angle, seen = pose_angle_deg(pose, joint)
    seen_fraction = float(np.mean(seen))
    quality["landmarks_seen_fraction"] = seen_fraction
    if seen_fraction < MIN_SEEN_FRACTION:
        return AssessmentResult.unusable(
            TEST,
            f"the {joint} landmarks were seen clearly in {100 * seen_fraction:.0f}% of frames "
            f"(at least {100 * MIN_SEEN_FRACTION:.0f}% needed): keep the whole body in view",
            quality=quality,
            **common,
        )
    # Bridge short dropouts (up to MAX_VIDEO_GAP_S) so that filtering sees a regular signal.
    from kinesense.signal.gaps import fill_gaps

    filled = fill_gaps(pose.time_s, np.where(seen, angle, np.nan), MAX_VIDEO_GAP_S)
    keep = np.isfinite(filled)
    t, angle = pose.time_s[keep], filled[keep]
    _, speed = smoothed_angle_and_speed(t, angle)
    rest = _initial_rest(t, speed >= HOLD_MAX_SPEED_DEG_S)
    if rest is None:
        return AssessmentResult.unusable(
            TEST,
            f"no still neutral posture of at least {MIN_REST_S:g} s at the start",
            quality=quality,
            **common,
        )
    angle = angle - float(np.mean(angle[rest]))
    if task == "target" and angle[int(np.argmax(np.abs(angle)))] < 0:
        angle = -angle
    detection = detect_trials(
        t, angle, task=task, target_deg=target_deg, demonstration=demonstration
    )
    what = TRUNK_VIDEO_NOTE if joint == "trunk" else NECK_VIDEO_NOTE
    return _result(
        detection, t, angle, joint, trials, quality, [VIDEO_ERROR_NOTE, what], common, "video"
    )


def _check(
    joint: str,
    axis: str,
    task: str | None,
    target_deg: float | None,
    trials: int,
    demonstration: bool = True,
) -> str:
    if joint not in JOINTS:
        raise ValueError(f"joint must be one of {JOINTS}; got {joint!r}")
    if axis not in AXES:
        raise ValueError(f"axis must be one of {AXES}; got {axis!r}")
    if trials < 1:
        raise ValueError(f"trials must be at least 1; got {trials!r}")
    if task is None:
        task = "neutral" if joint == "neck" and target_deg is None else "target"
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}; got {task!r}")
    if task == "neutral" and target_deg is not None:
        raise ValueError("a target angle applies to the target task only")
    if task == "target" and target_deg is None and not demonstration:
        raise ValueError("without a demonstration the target task needs the target angle")
    return task


def _conditions(
    joint: str, axis: str, task: str, target: float | None, trials: int, kind: str, where: str
) -> dict[str, Any]:
    return {
        "joint": joint,
        "axis": axis,
        "task": task,
        "target_deg": target,
        "trials_required": trials,
        "eyes": "closed",
        "sensor": kind,
        "placement": where,
    }


def _metric_info(task: str, n: int) -> dict[str, MetricInfo]:
    schmidt = "Schmidt RA, Lee TD, Motor Control and Learning (error scores)"
    signed = (
        "reproduced - target (positive = overshoot)"
        if task == "target"
        else "distance from neutral, positive = stopped short on the side moved to"
    )
    info = {
        "absolute_error_deg": MetricInfo(
            "deg", "mean of |signed trial error| (AE)", f"{schmidt}; Revel et al. 1991"
        ),
        "constant_error_deg": MetricInfo("deg", f"mean signed trial error (CE); {signed}", schmidt),
        "variable_error_deg": MetricInfo(
            "deg", "standard deviation of the signed errors about CE, divided by n (VE)", schmidt
        ),
        "trials": MetricInfo("count", "trials analysed", "protocol: 6 trials"),
    }
    if task == "target":
        info["target_deg"] = MetricInfo(
            "deg", "target angle (given or the demonstrated first hold)", "protocol"
        )
    for i in range(1, n + 1):
        info[f"trial_{i}_error_deg"] = MetricInfo(
            "deg", f"signed error of trial {i}; {signed}", schmidt
        )
    return info


def _result(
    detection: TrialDetection,
    time_s: FloatArray,
    angle_deg: FloatArray,
    joint: str,
    required: int,
    quality: dict[str, Any],
    notes: list[str],
    common: Mapping[str, Any],
    kind: str,
) -> AssessmentResult:
    task = str(common["conditions"]["task"])
    plot = {
        "trials": [trial.to_json() for trial in detection.trials],
        "time_s": [float(v) for v in time_s],
        "angle_deg": [float(v) for v in angle_deg],
    }
    quality = {
        **quality,
        "excursions": detection.excursions,
        "excursions_without_hold": detection.excursions_without_hold,
    }
    found = len(detection.trials)
    if found < required:
        reason = (
            "no hold detected: keep still for at least 1 s at the reproduced position"
            if found == 0 and detection.excursions_without_hold == detection.excursions
            else f"found {found} of the {required} trials required"
        )
        if detection.excursions_without_hold:
            reason += f" ({detection.excursions_without_hold} movements had no still hold)"
        return AssessmentResult.unusable(
            TEST, reason, quality=quality, plot_data=plot, notes=tuple(notes), **common
        )
    used = detection.trials[:required]
    if found > required:
        notes.append(f"{found} trials found; the first {required} are analysed")
    errors = [trial.error_deg for trial in used]
    ae, ce, ve = repositioning_errors(errors)
    metrics: dict[str, float] = {
        "absolute_error_deg": ae,
        "constant_error_deg": ce,
        "variable_error_deg": ve,
        "trials": float(len(used)),
    }
    if task == "target":
        metrics["target_deg"] = used[0].target_deg
    for i, error in enumerate(errors, start=1):
        metrics[f"trial_{i}_error_deg"] = error
    norms, norm_notes = _norms(joint, ae)
    interpretation = (
        f"Mean absolute repositioning error {ae:.1f} deg over {len(used)} trials "
        f"(constant error {ce:+.1f} deg, variable error {ve:.1f} deg)."
    )
    if norms:
        interpretation += f" {norms[0].text}."
    interpretation += " A screening measure of position sense, not a diagnosis."
    return AssessmentResult(
        test=TEST,
        usable=True,
        metrics=metrics,
        metric_info=_metric_info(task, len(used)),
        norms=tuple(norms),
        interpretation=interpretation,
        notes=tuple(notes + norm_notes),
        quality={**quality, "measured_with": kind},
        plot_data={**plot, "trials": [trial.to_json() for trial in used]},
        **common,
    )


def _norms(joint: str, ae: float) -> tuple[list[Any], list[str]]:
    if joint == "neck":
        table = load_norms("repositioning_cervical")
        row = table.lookup(joint="neck")
        if row is None:
            return [], []
        comparison = compare_with_norm(
            "absolute_error_deg",
            ae,
            low=row.low,
            high=row.high,
            population="cervical joint position error threshold",
            source=table.source,
            unit="deg",
        )
        return [comparison], [table.notes]
    table = load_norms("repositioning_lumbar")
    figures = "; ".join(
        f"{row.match.get('group')}: {row.mean:g} deg" for row in table.rows if row.mean is not None
    )
    return [], [
        f"Published trunk repositioning absolute errors ({table.source}): {figures}. {table.notes}"
    ]
