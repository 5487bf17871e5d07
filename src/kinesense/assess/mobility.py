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

One motion sensor on the sternum or upper back (:func:`assess_trunk_rom_imu`) measures flexion
and extension as its unsigned inclination from the starting posture (accelerometer, gravity
direction) and rotation as its turn about the vertical (gyroscope); lateral bending is left to
video, because telling left from right needs to know how the sensor is mounted.

The range of motion (ROM) of a repetition is the peak excursion from the neutral angle (the
median angle over the stillest :data:`NEUTRAL_WINDOW_S` s at the start, while the person stands
still). Peaks are found per side with ``scipy.signal.find_peaks`` (height and prominence
:data:`MIN_PEAK_DEG`, at least :data:`MIN_PEAK_SEPARATION_S` apart, none next to a gap).
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
"""

import warnings
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from kinesense.assess.result import AssessmentResult, MetricInfo
from kinesense.assess.smoothness import sparc, speed_of_angle
from kinesense.capture.view import series_view
from kinesense.series.motion import MotionSeries
from kinesense.series.pose import PoseSeries
from kinesense.signal.filters import butter_lowpass_zero_lag
from kinesense.signal.gaps import fill_gaps
from kinesense.signal.geometry import angle_between_deg, signed_inclination_2d_deg
from kinesense.signal.resample import resample_uniform

FloatArray = NDArray[np.float64]

MOVEMENTS: Final = ("flexion", "extension", "lateral", "rotation", "forward-bend", "waiters-bow")
"""Movements of ``kinesense assess mobility``; one per recording."""
SIDE_VIEW_MOVEMENTS: Final = ("flexion", "extension", "forward-bend", "waiters-bow")
FRONT_VIEW_MOVEMENTS: Final = ("lateral", "rotation")

MIN_DURATION_S = 3.0
"""Shortest usable recording: 1 s standing still plus one repetition."""
MIN_DETECTED_SHARE = 0.8
"""The person must be found in at least this share of the frames."""
MIN_VISIBILITY = 0.5
"""Mean visibility of the landmarks a measure uses, over the frames with a detection."""
MIN_IN_FRAME_SHARE = 0.9
"""Share of detected frames in which those landmarks lie inside the image."""
MIN_FRAME_RATE_HZ = 15.0
"""Slowest frame rate accepted (the angle is low-pass filtered at :data:`FILTER_CUTOFF_HZ`)."""
MAX_GAP_S = 0.3
"""Gaps in the angle up to this long are interpolated linearly."""
MAX_MISSING_SHARE = 0.2
"""More missing angle samples than this share (after gap filling) make the recording unusable."""
FILTER_CUTOFF_HZ = 5.0
"""Zero-lag Butterworth low-pass of the angle (trunk movements are below 2 Hz; Winter 2009)."""
SPIKE_WINDOW_S = 0.15
"""Running median over this long a window (odd number of samples, at least 3) before the
low-pass: removes one- or two-frame landmark jumps that a low-pass would only spread."""
MAX_KNEE_FLEXION_DEG = 20.0
"""Forward bending with more knee flexion than this is noted as done with bent knees."""
NEUTRAL_WINDOW_S = 1.0
"""The neutral angle is the median over this long a window at the start."""
NEUTRAL_SEARCH_S = 1.0
"""The neutral window starts within this many seconds of the first valid angle."""
MAX_NEUTRAL_RANGE_DEG = 8.0
"""The angle may vary by at most this much within the neutral window (standing still)."""
MIN_PEAK_DEG = 10.0
"""A repetition must move at least this far from neutral (and back, as prominence)."""
MIN_PEAK_SEPARATION_S = 1.0
"""Two repetitions' peaks are at least this far apart."""
PEAK_CLEARANCE_S = 0.2
"""A peak with a missing sample this close is not counted (the movement went on unseen)."""
PHASE_SPEED_SHARE = 0.05
"""Movement onset and offset for SPARC: angular speed below 5 % of the phase's peak speed."""

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


@dataclass(frozen=True)
class Peak:
    """One repetition's furthest point: time (s), excursion from neutral (deg, >0), side."""

    index: int
    time_s: float
    angle_deg: float
    side: str


@dataclass(frozen=True)
class AngleTrace:
    """A uniformly sampled, filtered angle: time (s), angle (deg, NaN where missing), rate (Hz)."""

    time_s: FloatArray
    angle_deg: FloatArray
    sampling_rate_hz: float


def symmetry_index_pct(left: float, right: float) -> float:
    """Robinson's symmetry index ``(L - R) / (0.5 (L + R)) * 100`` in %; NaN when L + R = 0.

    Reference: Robinson, Herzog & Nigg 1987, J Manipulative Physiol Ther 10(4):172-176.
    """
    total = left + right
    if total == 0:
        return float("nan")
    return float((left - right) / (0.5 * total) * 100.0)


def required_landmarks(movement: str, view: str) -> tuple[str, ...]:
    """Landmarks a movement's angle uses in a given camera view."""
    if movement in SIDE_VIEW_MOVEMENTS:
        side = "left" if view == "left-side" else "right"
        names = [f"{side}_shoulder", f"{side}_hip"]
        if movement in ("forward-bend", "waiters-bow"):
            names += [f"{side}_knee", f"{side}_ankle"]
        return tuple(names)
    return ("left_shoulder", "right_shoulder", "left_hip", "right_hip")


def check_recording(series: PoseSeries, movement: str) -> tuple[list[str], dict[str, Any]]:
    """Reasons a recording cannot be used for ``movement`` (empty when fine) and quality figures."""
    reasons: list[str] = []
    view = series_view(series)
    quality: dict[str, Any] = {"camera_view": view, "duration_s": series.duration_s}
    if movement in SIDE_VIEW_MOVEMENTS and view not in ("left-side", "right-side"):
        reasons.append(
            f"{movement} needs a side view (stand side-on to the camera); this recording's view "
            f"is {view}"
        )
    if movement in FRONT_VIEW_MOVEMENTS and view not in ("front", "back"):
        reasons.append(
            f"{movement} needs a front or back view (face the camera); this recording's view "
            f"is {view}"
        )
    if series.duration_s < MIN_DURATION_S:
        reasons.append(
            f"the recording lasts {series.duration_s:.1f} s; at least {MIN_DURATION_S:g} s "
            "are needed (stand still 2 s, then the repetitions)"
        )
    rate = _rate_hz(series)
    quality["frame_rate_hz"] = rate
    if rate < MIN_FRAME_RATE_HZ:
        reasons.append(f"the frame rate is {rate:.0f} Hz; at least {MIN_FRAME_RATE_HZ:g} Hz needed")
    if movement not in ("rotation",) and series.provenance.resolution is None:
        reasons.append("the recording has no image size, so image angles cannot be measured")
    share = series.n_detected / max(len(series), 1)
    quality["detected_share"] = share
    if share < MIN_DETECTED_SHARE:
        reasons.append(
            f"the person was found in {100 * share:.0f}% of the frames; at least "
            f"{100 * MIN_DETECTED_SHARE:.0f}% are needed (whole body in view throughout)"
        )
    if series.n_detected:
        idx = [series.index_of(n) for n in required_landmarks(movement, view)]
        det = series.detected
        visibility = float(series.visibility[det][:, idx].mean())
        xy = series.image_xyz[det][:, idx, :2]
        inside = np.all((xy >= 0.0) & (xy <= 1.0), axis=(1, 2))
        in_frame = float(inside.mean())
        quality["landmark_visibility"] = visibility
        quality["in_frame_share"] = in_frame
        if visibility < MIN_VISIBILITY:
            reasons.append(
                f"the trunk landmarks are poorly visible (mean visibility {visibility:.2f}, at "
                f"least {MIN_VISIBILITY:g} needed): improve the light, wear fitted clothes"
            )
        if in_frame < MIN_IN_FRAME_SHARE:
            reasons.append(
                f"the trunk was inside the image in only {100 * in_frame:.0f}% of the frames: "
                "step back so the whole body stays in view"
            )
    return reasons, quality


def _rate_hz(series: PoseSeries) -> float:
    if series.frame_rate_hz > 0:
        return series.frame_rate_hz
    if len(series) < 2:
        return 0.0
    return float(1.0 / np.median(np.diff(series.time_s)))


def _masked_px(series: PoseSeries, name: str) -> FloatArray:
    """(N, 2) pixel coordinates of a landmark, NaN in frames without a detection."""
    xy = series.image_point_px(name)
    return np.where(series.detected[:, None], xy, np.nan)


def facing_sign(series: PoseSeries, view: str) -> float:
    """+1 when the person faces the image right, -1 when they face the image left (side view).

    From the near foot (heel to foot-index points forwards); without feet, from the view: a
    left side towards the camera means facing the image left.
    """
    side = "left" if view == "left-side" else "right"
    toe_dx = (
        _masked_px(series, f"{side}_foot_index")[:, 0] - _masked_px(series, f"{side}_heel")[:, 0]
    )
    valid = np.isfinite(toe_dx)
    if valid.mean() >= 0.5 and np.median(toe_dx[valid]) != 0:
        return float(np.sign(np.median(toe_dx[valid])))
    return -1.0 if view == "left-side" else 1.0


def sagittal_trunk_angle_deg(series: PoseSeries, view: str) -> FloatArray:
    """(N,) trunk inclination from vertical in a side view, degrees, positive forwards."""
    side = "left" if view == "left-side" else "right"
    hip = _masked_px(series, f"{side}_hip")
    shoulder = _masked_px(series, f"{side}_shoulder")
    return facing_sign(series, view) * signed_inclination_2d_deg(hip, shoulder)


def lateral_trunk_angle_deg(series: PoseSeries, view: str) -> FloatArray:
    """(N,) trunk inclination in the frontal plane, degrees, positive to the person's left."""
    mid_hip = (_masked_px(series, "left_hip") + _masked_px(series, "right_hip")) / 2
    mid_shoulder = (_masked_px(series, "left_shoulder") + _masked_px(series, "right_shoulder")) / 2
    sign = 1.0 if view == "front" else -1.0
    return sign * signed_inclination_2d_deg(mid_hip, mid_shoulder)


def trunk_rotation_deg(series: PoseSeries) -> FloatArray:
    """(N,) shoulder line's yaw relative to the hip line about world up, degrees, + to the left.

    From the world landmarks: right-to-left hip and shoulder vectors projected on the plane
    normal to ``series.world_up``; the signed angle ``atan2(up . (h x s), h . s)``.
    """
    up = np.asarray(series.world_up, dtype=np.float64)

    def horizontal(vec: FloatArray) -> FloatArray:
        return vec - (vec @ up)[:, None] * up[None, :]

    det = series.detected[:, None]
    hips = horizontal(series.world_point("left_hip") - series.world_point("right_hip"))
    shoulders = horizontal(
        series.world_point("left_shoulder") - series.world_point("right_shoulder")
    )
    cross = np.cross(hips, shoulders) @ up
    dot = np.sum(hips * shoulders, axis=1)
    angle = np.degrees(np.arctan2(cross, dot))
    return np.asarray(np.where(det[:, 0], angle, np.nan), dtype=np.float64)


def prepare_angle(time_s: FloatArray, angle_deg: FloatArray, rate_hz: float) -> AngleTrace:
    """Resample to ``rate_hz``, fill gaps up to :data:`MAX_GAP_S`, remove spikes (running
    median, :data:`SPIKE_WINDOW_S`), low-pass (zero lag) at :data:`FILTER_CUTOFF_HZ`."""
    filled = fill_gaps(time_s, angle_deg, MAX_GAP_S)
    grid, uniform = resample_uniform(time_s, filled, rate_hz, max_gap_s=MAX_GAP_S)
    smooth = butter_lowpass_zero_lag(running_median(uniform, rate_hz), rate_hz, FILTER_CUTOFF_HZ)
    return AngleTrace(grid, smooth, rate_hz)


def running_median(values: FloatArray, rate_hz: float) -> FloatArray:
    """Centred running median over :data:`SPIKE_WINDOW_S` (odd sample count >= 3), ignoring NaN;
    NaN samples stay NaN and the ends use the samples available."""
    half = max(1, round(SPIKE_WINDOW_S * rate_hz) // 2)
    padded = np.concatenate([np.full(half, np.nan), values, np.full(half, np.nan)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows stay NaN
        median = np.nanmedian(windows, axis=1)
    return np.asarray(np.where(np.isfinite(values), median, np.nan), dtype=np.float64)


def neutral_angle_deg(trace: AngleTrace) -> tuple[float, float]:
    """Median and range (deg) of the angle over the stillest :data:`NEUTRAL_WINDOW_S` s window
    that starts within the first :data:`NEUTRAL_SEARCH_S` s of data (the protocol's 2 s of
    standing still; searching skips the pose model's unsteady first frames)."""
    valid = np.flatnonzero(np.isfinite(trace.angle_deg))
    if valid.size == 0:
        return float("nan"), float("nan")
    t, a = trace.time_s, trace.angle_deg
    first = t[valid[0]]
    best: tuple[float, float] = (float("nan"), float("inf"))
    for i in valid[t[valid] <= first + NEUTRAL_SEARCH_S]:
        window = valid[(t[valid] >= t[i]) & (t[valid] <= t[i] + NEUTRAL_WINDOW_S)]
        if t[window[-1]] - t[i] < 0.9 * NEUTRAL_WINDOW_S and i != valid[0]:
            continue
        spread = float(a[window].max() - a[window].min())
        if spread < best[1]:
            best = (float(np.median(a[window])), spread)
    return best


def find_peaks_per_side(
    trace: AngleTrace, excursion_deg: FloatArray, sides: dict[str, float]
) -> list[Peak]:
    """Repetition peaks of ``excursion_deg`` for each side ``{name: sign}``, in time order.

    A peak of side ``name`` is a maximum of ``sign * excursion`` of height and prominence at
    least :data:`MIN_PEAK_DEG`, at least :data:`MIN_PEAK_SEPARATION_S` from the next one, with
    no missing sample within :data:`PEAK_CLEARANCE_S` (the true peak may lie in a gap).
    """
    from scipy.signal import find_peaks

    distance = max(1, round(MIN_PEAK_SEPARATION_S * trace.sampling_rate_hz))
    margin = max(1, round(PEAK_CLEARANCE_S * trace.sampling_rate_hz))
    missing = ~np.isfinite(excursion_deg)
    peaks: list[Peak] = []
    for side, sign in sides.items():
        values = np.nan_to_num(sign * excursion_deg, nan=0.0)
        found, _ = find_peaks(
            values, height=MIN_PEAK_DEG, prominence=MIN_PEAK_DEG, distance=distance
        )
        peaks += [
            Peak(int(i), float(trace.time_s[i]), float(values[i]), side)
            for i in found
            if not missing[max(0, i - margin) : i + margin + 1].any()
        ]
    return sorted(peaks, key=lambda p: p.index)


def phase_sparcs(trace: AngleTrace, excursion_deg: FloatArray, peaks: list[Peak]) -> list[float]:
    """SPARC of each outward and return movement around the ``peaks``.

    Phases are cut at the samples nearest neutral between consecutive peaks (and at the ends);
    each phase is trimmed to where its angular speed exceeds :data:`PHASE_SPEED_SHARE` of its
    peak speed.
    """
    values = excursion_deg
    bounds = [0]
    for a, b in pairwise(peaks):
        segment = np.abs(values[a.index : b.index + 1])
        bounds.append(a.index + int(np.nanargmin(segment)))
    bounds.append(len(values) - 1)
    results: list[float] = []
    for k, peak in enumerate(peaks):
        for lo, hi in ((bounds[k], peak.index), (peak.index, bounds[k + 1])):
            speed = speed_of_angle(values[lo : hi + 1], trace.sampling_rate_hz)
            value = _phase_sparc(speed, trace.sampling_rate_hz)
            if value is not None:
                results.append(value)
    return results


def _phase_sparc(speed: FloatArray, rate_hz: float) -> float | None:
    if speed.size < 4 or not np.all(np.isfinite(speed)) or speed.max() <= 0:
        return None
    top = int(np.argmax(speed))
    slow = speed < PHASE_SPEED_SHARE * speed[top]
    before = np.flatnonzero(slow[:top])
    after = np.flatnonzero(slow[top:])
    start = int(before[-1]) if before.size else 0
    end = top + int(after[0]) if after.size else speed.size - 1
    if end - start + 1 < 4:
        return None
    return sparc(speed[start : end + 1], rate_hz)


def _angle_for(series: PoseSeries, movement: str, view: str) -> FloatArray:
    if movement in ("flexion", "extension"):
        return sagittal_trunk_angle_deg(series, view)
    if movement == "lateral":
        return lateral_trunk_angle_deg(series, view)
    return trunk_rotation_deg(series)


_SIDES: Final[dict[str, dict[str, float]]] = {
    "flexion": {"flexion": 1.0},
    "extension": {"extension": -1.0},
    "lateral": {"left": 1.0, "right": -1.0},
    "rotation": {"left": 1.0, "right": -1.0},
}


def trace_for(
    series: PoseSeries, movement: str
) -> tuple[AngleTrace | None, list[str], dict[str, Any]]:
    """The movement's filtered angle trace, or None with the reasons, and quality figures."""
    reasons, quality = check_recording(series, movement)
    if reasons:
        return None, reasons, quality
    view = quality["camera_view"]
    if movement == "rotation" and not np.isfinite(series.world_xyz_m[series.detected]).any():
        reasons.append(
            "rotation needs the model's 3-D world landmarks (a video analysed by kinesense); "
            "this recording has none"
        )
        return None, reasons, quality
    angle = _angle_for(series, movement, view)
    trace = prepare_angle(series.time_s, angle, quality["frame_rate_hz"])
    missing = float(np.mean(~np.isfinite(trace.angle_deg)))
    quality["missing_share"] = missing
    if missing > MAX_MISSING_SHARE:
        reasons.append(
            f"the trunk angle is missing in {100 * missing:.0f}% of the recording (person not "
            f"found or landmarks lost); at most {100 * MAX_MISSING_SHARE:.0f}% allowed"
        )
        return None, reasons, quality
    return trace, reasons, quality


def assess_trunk_rom(series: PoseSeries, movement: str) -> AssessmentResult:
    """Trunk range of motion for ``movement`` in flexion, extension, lateral, rotation.

    Metrics (degrees unless stated): ``<side>_rom_max_deg`` and ``<side>_rom_mean_deg`` per side
    (``flexion``, ``extension``, ``left``, ``right``), ``<side>_repetitions`` (count),
    ``symmetry_index_pct`` (lateral, rotation, both sides found), ``sparc`` (mean of the
    phases), ``neutral_angle_deg``. See the module docstring for definitions and references.
    """
    if movement not in _SIDES:
        raise ValueError(f"movement must be one of {', '.join(_SIDES)}; got {movement!r}")
    test = f"mobility-{movement}"
    source = series.provenance.to_json()
    trace, reasons, quality = trace_for(series, movement)
    if trace is None:
        return AssessmentResult.unusable(
            test, *reasons, protocol=PROTOCOLS[movement], quality=quality, source=source
        )
    notes = []
    if movement == "rotation":
        notes.append(
            "rotation comes from the model's 3-D landmarks, whose depth is estimated from one "
            "image: follow it over time with the same set-up rather than against norms"
        )
    return rom_from_trace(movement, trace, _SIDES[movement], quality, source, notes)


def rom_from_trace(
    movement: str,
    trace: AngleTrace,
    sides: dict[str, float],
    quality: dict[str, Any],
    source: dict[str, Any],
    notes: list[str],
) -> AssessmentResult:
    """Ranges of motion, symmetry and SPARC from a filtered angle trace (any source).

    ``sides`` maps each side's name to the sign of its excursion (``{"left": 1, "right": -1}``).
    """
    test = f"mobility-{movement}"
    protocol = PROTOCOLS[movement]
    neutral, neutral_range = neutral_angle_deg(trace)
    quality["neutral_range_deg"] = neutral_range
    if not neutral_range <= MAX_NEUTRAL_RANGE_DEG:
        return AssessmentResult.unusable(
            test,
            f"the trunk moved {neutral_range:.0f} deg during the first {NEUTRAL_WINDOW_S:g} s; "
            "stand still for 2 s before the first repetition so the neutral angle is known",
            protocol=protocol,
            quality=quality,
            source=source,
        )
    excursion = trace.angle_deg - neutral
    peaks = find_peaks_per_side(trace, excursion, sides)
    if not peaks:
        return AssessmentResult.unusable(
            test,
            f"no {movement} movement of at least {MIN_PEAK_DEG:g} deg from the starting posture "
            "was found",
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
            notes.append(f"no repetition to the {side} was found (at least {MIN_PEAK_DEG:g} deg)")
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
            f"repetitions found ({what} of at least {MIN_PEAK_DEG:g} deg)",
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
    sparcs = phase_sparcs(trace, excursion, peaks)
    if sparcs:
        metrics["sparc"] = float(np.mean(sparcs))
        info["sparc"] = MetricInfo(
            "",
            "spectral arc length of the angular speed, mean of the outward and return movements "
            "(closer to 0 is smoother; about -1.4 for one ideal minimum-jerk movement)",
            SPARC_REFERENCE,
        )
    notes.append(
        "angles are of the whole trunk segment (hips to shoulders, pelvis and spine together), "
        "not lumbar range of motion"
    )
    return AssessmentResult(
        test=test,
        usable=True,
        metrics=metrics,
        metric_info=info,
        interpretation=_interpretation(movement, metrics),
        notes=tuple(notes),
        protocol=protocol,
        quality=quality,
        conditions={"movement": movement},
        source=source,
        plot_data=plot_data(trace, excursion, peaks),
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


IMU_GRAVITY_CUTOFF_HZ = 2.0
"""Low-pass of the accelerometer that keeps gravity during slow trunk movements."""
IMU_STILL_MAX_RAD_S = 0.1
"""Largest mean angular speed (about 6 deg/s) over the first second that counts as still."""
IMU_SIDES: Final[dict[str, dict[str, float]]] = {
    "flexion": {"flexion": 1.0},
    "extension": {"extension": 1.0},
    "rotation": {"left": 1.0, "right": -1.0},
}
"""Movements a single trunk sensor measures, and the sign of each side's excursion."""


def imu_inclination_deg(series: MotionSeries, rate_hz: float | None = None) -> AngleTrace:
    """Inclination of a body-worn sensor from its standing orientation, degrees (unsigned).

    The accelerometer, low-passed at :data:`IMU_GRAVITY_CUTOFF_HZ` (zero lag), follows gravity
    during slow movements; the inclination is the angle between it and its mean direction over
    the first :data:`NEUTRAL_WINDOW_S` s (standing still). It does not depend on how the sensor
    is mounted; it is unsigned (forwards and backwards read alike) and the sensor's own
    acceleration adds an error of about atan(a / g) during fast movements.
    """
    rate = series.sampling_rate_hz if rate_hz is None else rate_hz
    grid, acc = resample_uniform(series.time_s, series.acc_m_s2, rate)
    gravity = butter_lowpass_zero_lag(acc, rate, IMU_GRAVITY_CUTOFF_HZ)
    first = grid <= grid[0] + NEUTRAL_WINDOW_S
    reference = np.nanmean(gravity[first], axis=0)
    return AngleTrace(grid, angle_between_deg(gravity, reference), rate)


def imu_yaw_deg(series: MotionSeries, rate_hz: float | None = None) -> AngleTrace:
    """Rotation of a body-worn sensor about the vertical, degrees, positive to the left.

    The angular rate about the current up direction (the low-passed accelerometer, which
    points up when still) is integrated over time after removing the gyroscope's bias (its mean
    over the first :data:`NEUTRAL_WINDOW_S` s). Counter-clockwise seen from above (right-hand
    rule about up) is a turn to the wearer's left, whatever the mounting. Gyroscope drift is not
    corrected beyond that bias: keep recordings short (under a minute).
    """
    rate = series.sampling_rate_hz if rate_hz is None else rate_hz
    grid, acc = resample_uniform(series.time_s, series.acc_m_s2, rate)
    _, gyr = resample_uniform(series.time_s, series.gyr_rad_s, rate)
    up = butter_lowpass_zero_lag(acc, rate, IMU_GRAVITY_CUTOFF_HZ)
    up = up / np.linalg.norm(up, axis=1, keepdims=True)
    first = grid <= grid[0] + NEUTRAL_WINDOW_S
    gyr = gyr - np.nanmean(gyr[first], axis=0)
    yaw_rate = np.sum(gyr * up, axis=1)
    yaw = np.concatenate([[0.0], np.cumsum((yaw_rate[1:] + yaw_rate[:-1]) / 2.0) / rate])
    return AngleTrace(grid, np.degrees(yaw), rate)


def assess_trunk_rom_imu(series: MotionSeries, movement: str) -> AssessmentResult:
    """Trunk flexion, extension or rotation from one sensor on the sternum or upper back.

    Flexion and extension: the unsigned inclination from the starting posture
    (:func:`imu_inclination_deg`), so the recording must hold only the movement named.
    Rotation: the gyroscope's rotation about the vertical (:func:`imu_yaw_deg`), the whole
    trunk relative to the start (a sensor cannot tell the pelvis turning along). Lateral
    bending is not offered: its side needs to know how the sensor is mounted. Metrics as in
    :func:`assess_trunk_rom`.
    """
    if movement not in IMU_SIDES:
        raise ValueError(f"a sensor measures {', '.join(IMU_SIDES)}; got {movement!r}")
    test = f"mobility-{movement}"
    source = series.provenance.to_json()
    rate = series.sampling_rate_hz
    quality: dict[str, Any] = {
        "duration_s": series.duration_s,
        "sampling_rate_hz": rate,
        "sensor": series.placement,
    }
    reasons = []
    if series.duration_s < MIN_DURATION_S:
        reasons.append(
            f"the recording lasts {series.duration_s:.1f} s; at least {MIN_DURATION_S:g} s needed"
        )
    if rate < MIN_FRAME_RATE_HZ:
        reasons.append(
            f"the sampling rate is {rate:.0f} Hz; at least {MIN_FRAME_RATE_HZ:g} Hz needed"
        )
    first = series.time_s <= series.time_s[0] + NEUTRAL_WINDOW_S
    start_speed = float(np.mean(np.linalg.norm(series.gyr_rad_s[first], axis=1)))
    quality["start_angular_speed_rad_s"] = start_speed
    if start_speed > IMU_STILL_MAX_RAD_S:
        reasons.append(
            f"the sensor turned at {np.degrees(start_speed):.0f} deg/s during the first "
            f"{NEUTRAL_WINDOW_S:g} s; stand still for 2 s before moving (the start is the zero)"
        )
    if reasons:
        return AssessmentResult.unusable(
            test, *reasons, protocol=PROTOCOLS[movement], quality=quality, source=source
        )
    trace = imu_yaw_deg(series) if movement == "rotation" else imu_inclination_deg(series)
    notes = ["measured with one motion sensor on the trunk"]
    if movement == "rotation":
        notes.append("rotation integrates the gyroscope: it drifts slowly over long recordings")
    return rom_from_trace(movement, trace, IMU_SIDES[movement], quality, source, notes)
