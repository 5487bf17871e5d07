"""Trunk ranges of motion: flexion, extension, lateral bending, rotation, symmetry, smoothness.

Protocol (one movement per recording): stand upright and still for 2 s, then move slowly to the
end of the comfortable range and back, 3 times (lateral bending and rotation: alternately to
the left and to the right, 3 times each side).

Angles (degrees; the trunk is the line from the mid-hip to the mid-shoulder landmark):

* **flexion / extension** (side view): the trunk line's signed inclination from the image
  vertical, positive forwards, from the near side's hip and shoulder (the far side is occluded
  in a side view and only guessed by the model). Forwards is where the toes point (heel to
  foot-index landmark), or the camera view when the feet are not seen. Assumes a level camera.
* **lateral bending** (front or back view): the trunk line's signed inclination in the image,
  positive towards the person's left (image right in a front view, image left in a back view).
* **rotation** (front or back view): the angle about the vertical between the hip line and the
  shoulder line (right-to-left landmark vectors projected on the horizontal plane), from the
  metric 3-D world landmarks; positive when the shoulders turn to the person's left. It is a
  thoraco-lumbar *relative* rotation (pelvis turning with the shoulders does not count).
  Limits: the world landmarks' depth is inferred by the model from one image, so rotation is
  the least reliable of the four; the 2-D alternative (the apparent narrowing of the shoulder
  line) gives the magnitude but not the side and confounds rotation with leaning. Use it to
  follow one person over time with the same set-up, not to compare with goniometer norms.

Video: :mod:`kinesense.assess.mobility_video`. One motion sensor on the sternum or upper back
(:mod:`kinesense.assess.mobility_imu`) measures flexion
and extension as its unsigned inclination from the starting posture (accelerometer, gravity
direction) and rotation as its turn about the vertical (gyroscope); lateral bending is left to
video, because telling left from right needs to know how the sensor is mounted.

The range of motion (ROM) of a repetition is the peak excursion from the neutral angle (the
median angle over the stillest ``neutral_window_s`` at the start, while the person stands
still; :func:`kinesense.signal.angle_trace.neutral_angle_deg`). Peaks are found per side
(:func:`kinesense.signal.peaks.find_peaks_per_side`: height and prominence ``min_peak_deg``, at
least ``min_peak_separation_s`` apart, none next to a gap).
Reported: the largest and the mean of the repetitions. These are trunk *segment* angles (pelvis
and spine together, as an inclinometer on the upper back measures), not lumbar ROM: do not
compare them with lumbar goniometry norms.

Symmetry index (Robinson RO, Herzog W, Nigg BM, 1987, "Use of force platform variables to
quantify the effects of chiropractic manipulation on gait symmetry", J Manipulative Physiol
Ther 10(4):172-176)::

    SI = (L - R) / (0.5 * (L + R)) * 100 %      (0 = symmetric; positive: more to the left)

computed from the mean ROM of each side.

Smoothness: SPARC (:mod:`kinesense.assess.smoothness`) of the angular speed of each outward and
each return movement (onset and offset at 5 % of that phase's peak speed), averaged.

Settings: :class:`MobilityParameters` (frozen; defaults below; every result records them).
"""

from collections.abc import Mapping
from typing import Any, Final

import numpy as np

from kinesense.arrays import FloatArray
from kinesense.assess.mobility_norms import trunk_rom_norm
from kinesense.assess.result import AssessmentResult, MetricInfo
from kinesense.assess.smoothness import phase_sparcs
from kinesense.parameters import Parameters, Positive, Share
from kinesense.signal.angle_trace import AngleTrace, neutral_angle_deg, prepare_angle
from kinesense.signal.peaks import Peak, find_peaks_per_side

MOVEMENTS: Final = ("flexion", "extension", "lateral", "rotation", "forward-bend", "waiters-bow")
"""Movements of ``kinesense assess mobility``; one per recording."""
ROM_MOVEMENTS: Final = ("flexion", "extension", "lateral", "rotation")
"""Movements measured as ranges of motion (forward-bend and waiters-bow: lumbopelvic)."""
SIDE_VIEW_MOVEMENTS: Final = ("flexion", "extension", "forward-bend", "waiters-bow")
FRONT_VIEW_MOVEMENTS: Final = ("lateral", "rotation")


class MobilityParameters(Parameters):
    """Settings of the trunk mobility tests (seconds, hertz, degrees; shares from 0 to 1)."""

    min_duration_s: Positive = 3.0
    """Shortest usable recording: 1 s standing still plus one repetition."""
    min_detected_share: Share = 0.8
    """The person must be found in at least this share of the frames."""
    min_in_frame_share: Share = 0.9
    """Share of detected frames in which the landmarks used lie inside the image."""
    min_frame_rate_hz: Positive = 15.0
    """Slowest frame rate accepted (the angle is low-passed at ``filter_cutoff_hz``)."""
    max_gap_s: Positive = 0.3
    """Gaps in the angle up to this long are interpolated linearly."""
    max_missing_share: Share = 0.2
    """More missing angle samples than this share (after gap filling) make the recording
    unusable."""
    filter_cutoff_hz: Positive = 5.0
    """Zero-lag Butterworth low-pass of the angle (trunk movements are below 2 Hz; Winter
    2009)."""
    spike_window_s: Positive = 0.15
    """Running median over this long a window (odd number of samples, at least 3) before the
    low-pass: removes one- or two-frame landmark jumps that a low-pass would only spread."""
    neutral_window_s: Positive = 1.0
    """The neutral angle is the median over this long a window at the start."""
    neutral_search_s: Positive = 1.0
    """The neutral window starts within this many seconds of the first valid angle."""
    max_neutral_range_deg: Positive = 8.0
    """The angle may vary by at most this much within the neutral window (standing still)."""
    min_peak_deg: Positive = 10.0
    """A repetition must move at least this far from neutral (and back, as prominence)."""
    min_peak_separation_s: Positive = 1.0
    """Two repetitions' peaks are at least this far apart."""
    peak_clearance_s: Positive = 0.2
    """A peak with a missing sample this close is not counted (the movement went on unseen)."""
    phase_speed_share: Share = 0.05
    """Movement onset and offset for SPARC: angular speed below 5 % of the phase's peak speed."""
    imu_gravity_cutoff_hz: Positive = 2.0
    """Sensor: low-pass of the accelerometer that keeps gravity during slow trunk movements."""
    imu_still_max_rad_s: Positive = 0.1
    """Sensor: largest mean angular speed (about 6 deg/s) over the first second that counts as
    still."""


ROBINSON_1987 = "Robinson RO, Herzog W, Nigg BM 1987, J Manipulative Physiol Ther 10(4):172-176"
SPARC_REFERENCE = (
    "Balasubramanian S, Melendez-Calderon A, Roby-Brami A, Burdet E 2015, J NeuroEng Rehabil 12:112"
)
TRUNK_ANGLE_REFERENCE = (
    "trunk segment (mid-hip to mid-shoulder) inclination, de Leva 1996 J Biomech 29(9):1223-1230 "
    "segment endpoints; kinesense video method"
)

PROTOCOLS: Final[dict[str, str]] = {
    "flexion": (
        "Stand side-on to the camera, 2-3 m away, whole body in view. Stand still for 2 s, then "
        "bend forwards slowly as far as is comfortable, knees straight, and come back up; "
        "3 times."
    ),
    "extension": (
        "Stand side-on to the camera, 2-3 m away, whole body in view, hands on the hips. Stand "
        "still for 2 s, then lean backwards slowly as far as is comfortable and come back; "
        "3 times."
    ),
    "lateral": (
        "Face the camera (or turn your back to it), 2-3 m away, whole body in view, arms by your "
        "sides. Stand still for 2 s, then slide one hand down the side of the thigh as far as is "
        "comfortable and come back; alternate left and right, 3 times each side."
    ),
    "rotation": (
        "Face the camera, 2-3 m away, whole body in view, arms crossed on the chest, feet and "
        "hips facing forwards. Stand still for 2 s, then turn the shoulders to one side as far as "
        "is comfortable and come back; alternate left and right, 3 times each side."
    ),
}


SIDES: Final[dict[str, dict[str, float]]] = {
    "flexion": {"flexion": 1.0},
    "extension": {"extension": -1.0},
    "lateral": {"left": 1.0, "right": -1.0},
    "rotation": {"left": 1.0, "right": -1.0},
}
"""Each video movement's sides and the sign of their excursion from neutral."""


def symmetry_index_pct(left: float, right: float) -> float:
    """Robinson's symmetry index ``(L - R) / (0.5 (L + R)) * 100`` in %; NaN when L + R = 0.

    Reference: Robinson, Herzog & Nigg 1987, J Manipulative Physiol Ther 10(4):172-176.
    """
    total = left + right
    if total == 0:
        return float("nan")
    return float((left - right) / (0.5 * total) * 100.0)


def prepare(
    time_s: FloatArray, angle_deg: FloatArray, rate_hz: float, params: MobilityParameters
) -> AngleTrace:
    """The angle made uniform, gap-filled, de-spiked and low-passed with ``params``."""
    return prepare_angle(
        time_s,
        angle_deg,
        rate_hz,
        max_gap_s=params.max_gap_s,
        spike_window_s=params.spike_window_s,
        cutoff_hz=params.filter_cutoff_hz,
    )


def neutral_of(trace: AngleTrace, params: MobilityParameters) -> tuple[float, float]:
    """Median and range of the angle over the stillest window at the start (deg)."""
    return neutral_angle_deg(trace, params.neutral_window_s, params.neutral_search_s)


def repetition_peaks(
    trace: AngleTrace,
    excursion_deg: FloatArray,
    sides: Mapping[str, float],
    params: MobilityParameters,
) -> list[Peak]:
    """The repetitions' peaks per side (see :func:`kinesense.signal.peaks.find_peaks_per_side`)."""
    return find_peaks_per_side(
        trace.time_s,
        excursion_deg,
        trace.sampling_rate_hz,
        sides,
        min_peak_deg=params.min_peak_deg,
        separation_s=params.min_peak_separation_s,
        clearance_s=params.peak_clearance_s,
    )


def add_smoothness(
    metrics: dict[str, float],
    info: dict[str, MetricInfo],
    trace: AngleTrace,
    excursion_deg: FloatArray,
    peaks: list[Peak],
    params: MobilityParameters,
    definition: str,
) -> None:
    """Add ``sparc`` (the mean SPARC of the phases, no unit) with ``definition``, when any
    phase could be scored."""
    sparcs = smoothness(trace, excursion_deg, peaks, params)
    if sparcs:
        metrics["sparc"] = float(np.mean(sparcs))
        info["sparc"] = MetricInfo("1", definition, SPARC_REFERENCE)


def smoothness(
    trace: AngleTrace, excursion_deg: FloatArray, peaks: list[Peak], params: MobilityParameters
) -> list[float]:
    """SPARC of each outward and return movement (see
    :func:`kinesense.assess.smoothness.phase_sparcs`)."""
    return phase_sparcs(excursion_deg, trace.sampling_rate_hz, peaks, params.phase_speed_share)


def rom_from_trace(
    movement: str,
    trace: AngleTrace,
    sides: dict[str, float],
    quality: dict[str, Any],
    source: dict[str, Any],
    notes: list[str],
    params: MobilityParameters,
) -> AssessmentResult:
    """Ranges of motion, symmetry and SPARC from a filtered angle trace (any source).

    ``sides`` maps each side's name to the sign of its excursion (``{"left": 1, "right": -1}``).
    """
    test = f"mobility-{movement}"
    protocol = PROTOCOLS[movement]
    neutral, neutral_range = neutral_of(trace, params)
    quality["neutral_range_deg"] = neutral_range
    if not neutral_range <= params.max_neutral_range_deg:
        return AssessmentResult.unusable(
            test,
            f"the trunk moved {neutral_range:.0f} deg during the first "
            f"{params.neutral_window_s:g} s; stand still for 2 s before the first repetition so "
            "the neutral angle is known",
            protocol=protocol,
            quality=quality,
            source=source,
        )
    excursion = trace.angle_deg - neutral
    peaks = repetition_peaks(trace, excursion, sides, params)
    if not peaks:
        return AssessmentResult.unusable(
            test,
            f"no {movement} movement of at least {params.min_peak_deg:g} deg from the starting "
            "posture was found",
            protocol=protocol,
            quality=quality,
            source=source,
        )
    metrics: dict[str, float] = {"neutral_angle_deg": neutral}
    info: dict[str, MetricInfo] = {
        "neutral_angle_deg": MetricInfo(
            "deg",
            "trunk angle while standing still at the start (median of the first second); "
            "ranges of motion are measured from it",
            TRUNK_ANGLE_REFERENCE,
        )
    }
    means: dict[str, float] = {}
    for side in sides:
        angles = [p.angle_deg for p in peaks if p.side == side]
        if not angles:
            notes.append(
                f"no repetition to the {side} was found (at least {params.min_peak_deg:g} deg)"
            )
            continue
        means[side] = float(np.mean(angles))
        what = _describe(movement, side)
        metrics[f"{side}_rom_max_deg"] = float(np.max(angles))
        metrics[f"{side}_rom_mean_deg"] = means[side]
        metrics[f"{side}_repetitions"] = float(len(angles))
        info[f"{side}_rom_max_deg"] = MetricInfo(
            "deg",
            f"largest {what} of the repetitions, from the neutral angle",
            TRUNK_ANGLE_REFERENCE,
        )
        info[f"{side}_rom_mean_deg"] = MetricInfo(
            "deg", f"mean {what} of the repetitions, from the neutral angle", TRUNK_ANGLE_REFERENCE
        )
        info[f"{side}_repetitions"] = MetricInfo(
            "count",
            f"repetitions found ({what} of at least {params.min_peak_deg:g} deg)",
            "kinesense peak detection (scipy.signal.find_peaks, height and prominence)",
        )
    if len(sides) == 2 and len(means) == 2:
        metrics["symmetry_index_pct"] = symmetry_index_pct(means["left"], means["right"])
        info["symmetry_index_pct"] = MetricInfo(
            "%",
            "(left - right) / (0.5 (left + right)) x 100 of the mean ranges; 0 is symmetric, "
            "positive means more to the left",
            ROBINSON_1987,
        )
    add_smoothness(
        metrics,
        info,
        trace,
        excursion,
        peaks,
        params,
        "spectral arc length of the angular speed, mean of the outward and return movements "
        "(closer to 0 is smoother; about -1.4 for one ideal minimum-jerk movement)",
    )
    notes.append(
        "angles are of the whole trunk segment (hips to shoulders, pelvis and spine together), "
        "not lumbar range of motion"
    )
    return movement_result(
        test, metrics, info, _interpretation(movement, metrics), notes,
        {"protocol": protocol, "quality": quality, "conditions": {"movement": movement},
         "source": source, "norm": trunk_rom_norm(movement)}, plot_data(trace, excursion, peaks),
    )  # fmt: skip


def movement_result(
    test: str,
    metrics: dict[str, float],
    info: dict[str, MetricInfo],
    interpretation: str,
    notes: list[str],
    fields: Mapping[str, Any],
    plot: dict[str, Any],
) -> AssessmentResult:
    """A usable result of a trunk movement test (range of motion, forward bend, waiter's bow):
    its metrics and their descriptions, the interpretation, notes and ``plot`` (see
    :func:`plot_data`); ``fields`` holds ``protocol``, ``quality``, ``conditions``,
    ``source`` and, for range of motion, ``norm``."""
    return AssessmentResult(
        test=test,
        usable=True,
        metrics=metrics,
        metric_info=info,
        interpretation=interpretation,
        notes=tuple(notes),
        plot_data=plot,
        **fields,
    )


def no_repetition(
    test: str, what: str, params: MobilityParameters, **fields: Any
) -> AssessmentResult:
    """The refusal of a recording in which no ``what`` of at least ``params.min_peak_deg`` was
    found."""
    return AssessmentResult.unusable(
        test, f"no {what} of at least {params.min_peak_deg:g} deg was found", **fields
    )


def plot_data(trace: AngleTrace, excursion: FloatArray, peaks: list[Peak]) -> dict[str, Any]:
    """``{"time_s", "angle_deg" (from neutral, signed, None where missing), "peaks"}`` for plots.

    Each peak's ``angle_deg`` is the signed curve value at the peak, so it sits on the curve
    (a bend to the right or an extension is negative); the metrics hold the magnitudes.
    """
    return {
        "time_s": [round(float(t), 4) for t in trace.time_s],
        "angle_deg": [round(float(a), 2) if np.isfinite(a) else None for a in excursion],
        "peaks": [
            {"time_s": p.time_s, "angle_deg": round(float(excursion[p.index]), 2), "side": p.side}
            for p in peaks
        ],
    }


def _describe(movement: str, side: str) -> str:
    if movement in ("flexion", "extension"):
        return f"trunk {movement} (inclination from the starting posture)"
    kind = "lateral bending" if movement == "lateral" else "rotation"
    return f"trunk {kind} to the {side}"


def _interpretation(movement: str, metrics: dict[str, float]) -> str:
    if movement in ("flexion", "extension"):
        return (
            f"Trunk {movement}: up to {metrics[f'{movement}_rom_max_deg']:.0f} deg "
            f"(mean {metrics[f'{movement}_rom_mean_deg']:.0f} deg over "
            f"{metrics[f'{movement}_repetitions']:.0f} repetitions)."
        )
    parts = [
        f"{side} {metrics[f'{side}_rom_mean_deg']:.0f} deg"
        for side in ("left", "right")
        if f"{side}_rom_mean_deg" in metrics
    ]
    text = f"Trunk {'lateral bending' if movement == 'lateral' else 'rotation'}: " + ", ".join(
        parts
    )
    if "symmetry_index_pct" in metrics:
        text += f"; symmetry index {metrics['symmetry_index_pct']:+.0f}%"
    return text + "."
