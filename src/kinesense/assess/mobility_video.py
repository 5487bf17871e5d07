"""Trunk ranges of motion from a video's landmarks: the trunk angle of each movement, the checks
a recording must pass, and the result (:func:`assess_trunk_rom`).

Which angle (degrees; see :mod:`kinesense.assess.mobility` for the definitions and references):
flexion and extension, the near side's hip-to-shoulder inclination in a side view, signed by the
direction the toes point (:func:`facing_sign`); lateral bending, the mid-hip-to-mid-shoulder
inclination in a front or back view; rotation, the shoulder line's yaw relative to the hip line
from the 3-D world landmarks. The registry (:mod:`kinesense.assess.registry`) refuses a camera
view a movement does not work in before this runs; :func:`check_recording` says so too when the
view could not be known in advance.
"""

from typing import Any

import numpy as np

from kinesense.arrays import FloatArray
from kinesense.assess.mobility import (
    FRONT_VIEW_MOVEMENTS,
    PROTOCOLS,
    SIDE_VIEW_MOVEMENTS,
    SIDES,
    MobilityParameters,
    prepare,
    rom_from_trace,
)
from kinesense.assess.result import AssessmentResult
from kinesense.capture.view import series_view
from kinesense.errors import InvalidValueError
from kinesense.landmarks import MIN_VISIBILITY
from kinesense.series.pose import PoseSeries
from kinesense.signal.angle_trace import AngleTrace
from kinesense.signal.geometry import signed_inclination_2d_deg

DEFAULTS = MobilityParameters()


def required_landmarks(movement: str, view: str) -> tuple[str, ...]:
    """Landmarks a movement's angle uses in a given camera view."""
    if movement in SIDE_VIEW_MOVEMENTS:
        side = "left" if view == "left-side" else "right"
        names = [f"{side}_shoulder", f"{side}_hip"]
        if movement in ("forward-bend", "waiters-bow"):
            names += [f"{side}_knee", f"{side}_ankle"]
        return tuple(names)
    return ("left_shoulder", "right_shoulder", "left_hip", "right_hip")


def check_recording(
    series: PoseSeries, movement: str, params: MobilityParameters = DEFAULTS
) -> tuple[list[str], dict[str, Any]]:
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
    if series.duration_s < params.min_duration_s:
        reasons.append(
            f"the recording lasts {series.duration_s:.1f} s; at least {params.min_duration_s:g} s "
            "are needed (stand still 2 s, then the repetitions)"
        )
    rate = _rate_hz(series)
    quality["frame_rate_hz"] = rate
    if rate < params.min_frame_rate_hz:
        reasons.append(
            f"the frame rate is {rate:.0f} Hz; at least {params.min_frame_rate_hz:g} Hz needed"
        )
    if movement not in ("rotation",) and series.provenance.resolution is None:
        reasons.append("the recording has no image size, so image angles cannot be measured")
    share = series.n_detected / max(len(series), 1)
    quality["detected_share"] = share
    if share < params.min_detected_share:
        reasons.append(
            f"the person was found in {100 * share:.0f}% of the frames; at least "
            f"{100 * params.min_detected_share:.0f}% are needed (whole body in view throughout)"
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
        if in_frame < params.min_in_frame_share:
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


def masked_px(series: PoseSeries, name: str) -> FloatArray:
    """(N, 2) pixel coordinates of a landmark, NaN in frames without a detection."""
    xy = series.image_point_px(name)
    return np.where(series.detected[:, None], xy, np.nan)


def facing_sign(series: PoseSeries, view: str) -> float:
    """+1 when the person faces the image right, -1 when they face the image left (side view).

    From the near foot (heel to foot-index points forwards); without feet, from the view: a
    left side towards the camera means facing the image left.
    """
    side = "left" if view == "left-side" else "right"
    toe_dx = masked_px(series, f"{side}_foot_index")[:, 0] - masked_px(series, f"{side}_heel")[:, 0]
    valid = np.isfinite(toe_dx)
    if valid.mean() >= 0.5 and np.median(toe_dx[valid]) != 0:
        return float(np.sign(np.median(toe_dx[valid])))
    return -1.0 if view == "left-side" else 1.0


def sagittal_trunk_angle_deg(series: PoseSeries, view: str) -> FloatArray:
    """(N,) trunk inclination from vertical in a side view, degrees, positive forwards."""
    side = "left" if view == "left-side" else "right"
    hip = masked_px(series, f"{side}_hip")
    shoulder = masked_px(series, f"{side}_shoulder")
    return facing_sign(series, view) * signed_inclination_2d_deg(hip, shoulder)


def lateral_trunk_angle_deg(series: PoseSeries, view: str) -> FloatArray:
    """(N,) trunk inclination in the frontal plane, degrees, positive to the person's left."""
    mid_hip = (masked_px(series, "left_hip") + masked_px(series, "right_hip")) / 2
    mid_shoulder = (masked_px(series, "left_shoulder") + masked_px(series, "right_shoulder")) / 2
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


def _angle_for(series: PoseSeries, movement: str, view: str) -> FloatArray:
    if movement in ("flexion", "extension"):
        return sagittal_trunk_angle_deg(series, view)
    if movement == "lateral":
        return lateral_trunk_angle_deg(series, view)
    return trunk_rotation_deg(series)


def trace_for(
    series: PoseSeries, movement: str, params: MobilityParameters = DEFAULTS
) -> tuple[AngleTrace | None, list[str], dict[str, Any]]:
    """The movement's filtered angle trace, or None with the reasons, and quality figures."""
    reasons, quality = check_recording(series, movement, params)
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
    trace = prepare(series.time_s, angle, quality["frame_rate_hz"], params)
    missing = float(np.mean(~np.isfinite(trace.angle_deg)))
    quality["missing_share"] = missing
    if missing > params.max_missing_share:
        reasons.append(
            f"the trunk angle is missing in {100 * missing:.0f}% of the recording (person not "
            f"found or landmarks lost); at most {100 * params.max_missing_share:.0f}% allowed"
        )
        return None, reasons, quality
    return trace, reasons, quality


def assess_trunk_rom(
    series: PoseSeries, movement: str, params: MobilityParameters = DEFAULTS
) -> AssessmentResult:
    """Trunk range of motion for ``movement`` in flexion, extension, lateral, rotation.

    Metrics (degrees unless stated): ``<side>_rom_max_deg`` and ``<side>_rom_mean_deg`` per side
    (``flexion``, ``extension``, ``left``, ``right``), ``<side>_repetitions`` (count),
    ``symmetry_index_pct`` (lateral, rotation, both sides found), ``sparc`` (mean of the
    phases), ``neutral_angle_deg``. See the module docstring for definitions and references.
    """
    if movement not in SIDES:
        raise InvalidValueError(f"movement must be one of {', '.join(SIDES)}; got {movement!r}")
    test = f"mobility-{movement}"
    source = series.provenance.to_json()
    trace, reasons, quality = trace_for(series, movement, params)
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
    return rom_from_trace(movement, trace, SIDES[movement], quality, source, notes, params)
