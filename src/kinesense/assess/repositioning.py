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
(:mod:`kinesense.assess.repositioning_imu`; orientation: :mod:`kinesense.assess.orientation`),
from body landmarks of a side-view video (:mod:`kinesense.assess.repositioning_video`; trunk:
mid-hip to mid-shoulder; neck flexion: mid-shoulder to mid-ear relative to the trunk), or, for
the neck in rotation, flexion and lateral flexion, from the head's 3-D orientation that a face
model reads in a video of the person facing the camera (:mod:`kinesense.assess.
repositioning_head`).

Trials (:mod:`kinesense.signal.reposition_trials`): a *hold* is a stretch of at least
``min_hold_s`` during which the low-pass filtered (2 Hz) angle changes slower than
``hold_max_speed_deg_s`` and stays within ``hold_band_deg`` of where it stopped; the reproduced
angle is the mean angle during the hold (its creeping edges left out, see
:func:`kinesense.signal.holds.hold_angle`). An *excursion* is a stretch away from neutral beyond
a threshold. Target task: the reproduced angle of a trial is the last hold inside an excursion.
Neutral task: it is the first hold after an excursion ends.

Settings: :class:`RepositioningParameters` (frozen; its defaults are the values below, and every
result records the values used).

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
from typing import Annotated, Any

import numpy as np
from pydantic import Field

from kinesense.arrays import BoolArray, FloatArray
from kinesense.assess.repositioning_norms import repositioning_norm
from kinesense.assess.repositioning_protocols import PROTOCOLS
from kinesense.assess.result import AssessmentResult, MetricInfo
from kinesense.errors import InvalidValueError
from kinesense.parameters import Positive, Share
from kinesense.series import HeadSeries, MotionSeries, PoseSeries
from kinesense.signal.holds import HoldRules
from kinesense.signal.reposition_trials import TASKS, TrialDetection, detect_trials

TEST = "repositioning"
PLOT_DECIMALS = 4
"""Angles in ``plot_data`` are rounded to 1e-4 deg, as the other tests' plot data: far below
the measurement error, and free of the last-digit noise of floating-point arithmetic."""
JOINTS = ("trunk", "neck")
AXES = ("flexion", "rotation", "lateral")


class RepositioningParameters(HoldRules):
    """Settings of the repositioning test (the hold rules of :class:`HoldRules` plus these).

    Units in the names: s, Hz, deg, deg/s; shares between 0 and 1.
    """

    trials: Annotated[int, Field(ge=1)] = 6
    """Trials required (protocol: 6)."""
    still_speed_deg_s: Positive = 1.0
    """Speed of the low-passed angle below which the segment is taken as motionless when the
    residual heading drift is measured, deg/s."""
    min_rest_s: Positive = 1.0
    """Still neutral period needed at the start (reference posture and gyroscope bias), s."""
    min_duration_s: Positive = 10.0
    """Shortest recording that can hold a few trials, s."""
    min_rate_hz: Positive = 10.0
    """Lowest usable sampling rate, Hz."""
    max_gap_s: Positive = 0.25
    """Longest gap between IMU samples accepted, s (the filter integrates the gyroscope across
    it)."""
    max_gyro_noise_deg_s: Positive = 2.0
    """Largest gyroscope white noise at rest (any axis: SD of successive differences / sqrt 2),
    deg/s. Xsens MTx in the UCI data: about 0.4 deg/s; phone gyroscopes: 0.1-0.3 deg/s."""
    max_yaw_drift_deg: Positive = 3.0
    """Largest heading drift (without magnetometer) accepted at the last hold, degrees."""
    rest_max_gyro_deg_s: Positive = 3.0
    """Largest angular rate (0.2 s moving average) while the sensor counts as still at the
    start, deg/s."""
    rest_margin_s: Positive = 0.25
    """Time left out before the first movement, so that its onset does not bias the rest, s."""
    max_video_gap_s: Positive = 0.5
    """Video: longest run of frames without the landmarks that is interpolated over, s."""
    min_seen_fraction: Share = 0.8
    """Video: fraction of frames in which the landmarks used must be seen."""
    max_head_shift_face_widths: Positive = 0.3
    """Face video: largest move of the face box centre between the neutral start and a trial's
    hold, in face widths, before the trunk is judged to have moved (0.3 face widths is about
    4-5 cm; turning or tilting the head by the 4.5 deg cut-off moves it by about 0.1)."""
    max_background_change: Positive = 4.0
    """Face video: largest mean grey-level change outside the face between frames for a still
    camera (see :mod:`kinesense.signal.head_quality`)."""
    min_camera_still_fraction: Share = 0.8
    """Face video: fraction of frames in which the camera must be still."""
    min_face_px: Positive = 60.0
    """Face video: smallest face width, pixels, below which the result carries a warning."""
    min_luma: Positive = 50.0
    """Face video: darkest mean frame luma (0-255) without a warning."""


DEFAULTS = RepositioningParameters()


def repositioning_errors(signed_errors_deg: Any) -> tuple[float, float, float]:
    """``(AE, CE, VE)`` in degrees from the signed trial errors (see the module docstring)."""
    e = np.asarray(signed_errors_deg, dtype=np.float64)
    if e.size == 0:
        raise ValueError("at least one trial error is needed")
    ce = float(np.mean(e))
    return float(np.mean(np.abs(e))), ce, float(np.sqrt(np.mean((e - ce) ** 2)))


def initial_rest(
    time_s: FloatArray, moving: BoolArray, params: RepositioningParameters
) -> slice | None:
    """The still stretch at the start (at least ``min_rest_s``, without the ``rest_margin_s``
    before the first movement), as a slice, or None."""
    first_move = int(np.argmax(moving)) if np.any(moving) else moving.size
    end = int(np.searchsorted(time_s, time_s[max(first_move - 1, 0)] - params.rest_margin_s))
    if end < 2 or time_s[end - 1] - time_s[0] < params.min_rest_s:
        return None
    return slice(0, end)


def check_choices(
    joint: str, axis: str, task: str | None, target_deg: float | None, demonstration: bool
) -> str:
    """The task (default: neutral for the neck without a target, target otherwise), after
    checking the choices; :class:`InvalidValueError` names a bad one."""
    if joint not in JOINTS:
        raise InvalidValueError(f"joint must be one of {JOINTS}; got {joint!r}")
    if axis not in AXES:
        raise InvalidValueError(f"axis must be one of {AXES}; got {axis!r}")
    if task is None:
        task = "neutral" if joint == "neck" and target_deg is None else "target"
    if task not in TASKS:
        raise InvalidValueError(f"task must be one of {TASKS}; got {task!r}")
    if task == "neutral" and target_deg is not None:
        raise InvalidValueError("a target angle applies to the target task only")
    if task == "target" and target_deg is None and not demonstration:
        raise InvalidValueError("without a demonstration the target task needs the target angle")
    return task


@dataclass(frozen=True)
class Protocol:
    """The checked choices of one recording, and what every result of it (usable or not)
    carries: ``common`` holds its protocol text, conditions and source."""

    joint: str
    axis: str
    task: str
    target_deg: float | None
    demonstration: bool
    params: RepositioningParameters
    common: dict[str, Any]

    def trials(
        self, time_s: FloatArray, angle_deg: FloatArray
    ) -> tuple[FloatArray, TrialDetection]:
        """The angle (sign turned so that a target task's largest excursion is positive) and
        the trials found in it (:func:`kinesense.signal.reposition_trials.detect_trials`)."""
        if self.task == "target" and angle_deg[int(np.argmax(np.abs(angle_deg)))] < 0:
            angle_deg = -angle_deg
        detection = detect_trials(
            time_s, angle_deg, task=self.task, target_deg=self.target_deg,
            demonstration=self.demonstration, rules=self.params,
        )  # fmt: skip
        return angle_deg, detection

    def too_short(self, duration_s: float, **fields: Any) -> AssessmentResult:
        """The refusal of a recording shorter than ``params.min_duration_s``."""
        return AssessmentResult.unusable(
            TEST,
            f"recording too short: {duration_s:.1f} s (at least {self.params.min_duration_s:g} s)",
            **fields,
            **self.common,
        )


Recording = MotionSeries | PoseSeries | HeadSeries
"""What a repositioning test reads: a motion sensor on the moving segment, a side-view video's
body landmarks, or the head's orientation from a video of the face."""
FACE_CAMERA = "camera facing the person (face model)"


def _sensor_and_placement(recording: Recording) -> tuple[str, str]:
    if isinstance(recording, MotionSeries):
        return "imu", recording.placement
    return "video", FACE_CAMERA if isinstance(recording, HeadSeries) else "camera"


def protocol(
    recording: Recording,
    *,
    joint: str | None = None,
    axis: str | None = None,
    task: str | None = None,
    target_deg: float | None = None,
    demonstration: bool = True,
    params: RepositioningParameters = DEFAULTS,
) -> Protocol:
    """The choices checked (:func:`check_choices`; a face video measures the neck only) and the
    fields of every result of ``recording``: a motion sensor (``sensor`` ``"imu"``, placed
    where it was worn) or a video (``"video"``, placed ``"camera"`` or, for the face model,
    :data:`FACE_CAMERA`). A face video's joint is the neck and its axis rotation unless given;
    any other recording's axis is flexion unless given."""
    head = isinstance(recording, HeadSeries)
    if head and joint not in (None, "neck"):
        raise InvalidValueError("a face video measures the neck only; the trunk needs a sensor "
                                "or a side-view video")  # fmt: skip
    joint = "neck" if head and joint is None else joint
    axis = axis or ("rotation" if head else "flexion")
    task = check_choices(joint, axis, task, target_deg, demonstration)  # type: ignore[arg-type]
    assert joint is not None  # check_choices refuses None
    sensor, placement = _sensor_and_placement(recording)
    conditions = {
        "joint": joint,
        "axis": axis,
        "task": task,
        "target_deg": target_deg,
        "trials_required": params.trials,
        "eyes": "closed",
        "sensor": sensor,
        "placement": placement,
    }
    common = {
        "protocol": PROTOCOLS[(joint, task)],
        "conditions": conditions,
        "source": dict(recording.provenance.to_json()),
    }
    return Protocol(joint, axis, task, target_deg, demonstration, params, common)


def assess_repositioning(
    recording: Recording,
    *,
    joint: str | None = None,
    axis: str | None = None,
    task: str | None = None,
    target_deg: float | None = None,
    demonstration: bool = True,
    use_magnetometer: bool = False,
    params: RepositioningParameters = DEFAULTS,
) -> AssessmentResult:
    """Repositioning error from a motion sensor worn on the moving segment
    (:mod:`kinesense.assess.repositioning_imu`), a side-view video's landmarks
    (:mod:`kinesense.assess.repositioning_video`) or the head's orientation from a video of the
    face (:mod:`kinesense.assess.repositioning_head`).

    Args:
        recording: the recording; a motion sensor's ``placement`` should say where it was worn
            ("lower back", "sternum", "head"...).
        joint: ``"trunk"`` or ``"neck"`` (a face video: the neck, the default).
        axis: ``"flexion"`` (sagittal), ``"lateral"`` (lateral flexion) or ``"rotation"``
            (axial); default: rotation for a face video, flexion otherwise; a body-landmark
            video measures flexion only.
        task: ``"target"`` or ``"neutral"``; default: neutral for the neck without a target,
            target otherwise.
        target_deg: the target angle, degrees (target task); ``None``: the demonstrated angle.
        demonstration: whether the first hold (target task) is the eyes-open demonstration.
        use_magnetometer: a motion sensor's heading corrected with its magnetometer (rotation
            only).
        params: the settings (trials required, thresholds).

    Raises:
        InvalidValueError: a choice outside the protocols (named), or a joint other than the
            neck for a face video.
    """
    chosen = protocol(
        recording, joint=joint, axis=axis, task=task, target_deg=target_deg,
        demonstration=demonstration, params=params,
    )  # fmt: skip
    if isinstance(recording, MotionSeries):
        from kinesense.assess.repositioning_imu import measure_imu

        return measure_imu(recording, chosen, use_magnetometer=use_magnetometer)
    if isinstance(recording, HeadSeries):
        from kinesense.assess.repositioning_head import measure_head

        return measure_head(recording, chosen)
    from kinesense.assess.repositioning_video import measure_video

    return measure_video(recording, chosen)


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


def build_result(
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
        "angle_deg": [round(float(v), PLOT_DECIMALS) for v in angle_deg],
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
    norm, norms, norm_notes = repositioning_norm(joint, ae, common["conditions"], len(used))
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
        norms=norms,
        norm=norm,
        interpretation=interpretation,
        notes=tuple(notes + norm_notes),
        quality={**quality, "measured_with": kind},
        plot_data={**plot, "trials": [trial.to_json() for trial in used]},
        **common,
    )
