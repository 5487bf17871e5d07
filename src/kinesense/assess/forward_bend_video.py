"""Forward bending and the waiter's bow from a side-view video: what landmarks can measure.

The trunk inclination, the thigh-to-trunk angle (hip flexion plus lumbar flexion: landmarks
cannot separate them) and the knee flexion, from standing, with the range and smoothness of the
bends. The lumbopelvic rhythm and the waiter's-bow verdict need two motion sensors; why is
explained in :mod:`kinesense.assess.lumbopelvic`. The side view is the registry's precondition.
"""

import numpy as np

from kinesense.arrays import FloatArray
from kinesense.assess.lumbopelvic import (
    DEFAULTS,
    LUOMAJOKI_2007,
    PROTOCOLS,
    TRUNK_SPARC,
    ForwardBendParameters,
)
from kinesense.assess.mobility import (
    TRUNK_ANGLE_REFERENCE,
    add_smoothness,
    movement_result,
    neutral_of,
    no_repetition,
    plot_data,
    prepare,
    repetition_peaks,
)
from kinesense.assess.mobility_video import (
    check_recording,
    facing_sign,
    masked_px,
    sagittal_trunk_angle_deg,
)
from kinesense.assess.result import AssessmentResult, MetricInfo
from kinesense.errors import InvalidValueError
from kinesense.series.pose import PoseSeries
from kinesense.signal.geometry import joint_angle_deg, signed_inclination_2d_deg


def thigh_inclination_deg(series: PoseSeries, view: str) -> FloatArray:
    """(N,) near thigh's inclination (knee to hip) from vertical, degrees, positive forwards."""
    side = "left" if view == "left-side" else "right"
    knee, hip = masked_px(series, f"{side}_knee"), masked_px(series, f"{side}_hip")
    return facing_sign(series, view) * signed_inclination_2d_deg(knee, hip)


def knee_flexion_deg(series: PoseSeries, view: str) -> FloatArray:
    """(N,) near knee's flexion (180 minus the hip-knee-ankle angle), degrees."""
    side = "left" if view == "left-side" else "right"
    hip, knee = masked_px(series, f"{side}_hip"), masked_px(series, f"{side}_knee")
    ankle = masked_px(series, f"{side}_ankle")
    return 180.0 - joint_angle_deg(hip, knee, ankle)


def assess_forward_bend_video(
    series: PoseSeries, movement: str = "forward-bend", params: ForwardBendParameters = DEFAULTS
) -> AssessmentResult:
    """Forward bend or waiter's bow from a side-view video (what landmarks can measure).

    Metrics (degrees): ``trunk_peak_deg`` (trunk inclination from standing, mean of bends),
    ``hip_flexion_deg`` (thigh-to-trunk angle from standing: hip flexion plus lumbar flexion,
    an upper bound of hip flexion), ``knee_flexion_deg`` (largest, from standing), ``sparc``,
    ``repetitions``; waiter's bow: ``hip_target_reached`` (1 when the thigh-to-trunk angle
    reached 50 deg). No lumbopelvic ratio and no waiter's-bow verdict: see the module docstring.
    """
    if movement not in PROTOCOLS:
        raise InvalidValueError(f"movement must be forward-bend or waiters-bow; got {movement!r}")
    test = f"mobility-{movement}"
    protocol = PROTOCOLS[movement]
    source = series.provenance.to_json()
    reasons, quality = check_recording(series, movement, params)
    if reasons:
        return AssessmentResult.unusable(
            test, *reasons, protocol=protocol, quality=quality, source=source
        )
    view = quality["camera_view"]
    rate = quality["frame_rate_hz"]
    trunk = prepare(series.time_s, sagittal_trunk_angle_deg(series, view), rate, params)
    thigh = prepare(series.time_s, thigh_inclination_deg(series, view), rate, params)
    knee = prepare(series.time_s, knee_flexion_deg(series, view), rate, params)
    neutral, spread = neutral_of(trunk, params)
    thigh_neutral, _ = neutral_of(thigh, params)
    knee_neutral, _ = neutral_of(knee, params)
    quality["neutral_range_deg"] = spread
    missing = float(np.mean(~np.isfinite(trunk.angle_deg)))
    quality["missing_share"] = missing
    if missing > params.max_missing_share or not spread <= params.max_neutral_range_deg:
        why = (
            f"the trunk angle is missing in {100 * missing:.0f}% of the recording"
            if missing > params.max_missing_share
            else f"the trunk moved {spread:.0f} deg in the first {params.neutral_window_s:g} s: "
            "stand still for 2 s first"
        )
        return AssessmentResult.unusable(
            test, why, protocol=protocol, quality=quality, source=source
        )
    excursion = trunk.angle_deg - neutral
    peaks = repetition_peaks(trunk, excursion, {"flexion": 1.0}, params)
    if not peaks:
        return no_repetition(
            test, "forward bend", params, protocol=protocol, quality=quality, source=source
        )
    hip = excursion - (thigh.angle_deg - thigh_neutral)
    idx = [p.index for p in peaks]
    metrics: dict[str, float] = {
        "trunk_peak_deg": float(np.mean(excursion[idx])),
        "hip_flexion_deg": float(np.nanmean(hip[idx])),
        "knee_flexion_deg": float(np.nanmax(knee.angle_deg - knee_neutral)),
        "repetitions": float(len(peaks)),
    }
    info: dict[str, MetricInfo] = {
        "trunk_peak_deg": MetricInfo(
            "deg",
            "trunk inclination at the deepest point, from standing, mean of bends",
            TRUNK_ANGLE_REFERENCE,
        ),
        "hip_flexion_deg": MetricInfo(
            "deg",
            "thigh-to-trunk angle at the deepest point, from standing (hip flexion plus lumbar "
            "flexion: landmarks cannot separate them)",
            TRUNK_ANGLE_REFERENCE,
        ),
        "knee_flexion_deg": MetricInfo(
            "deg", "largest knee flexion during the recording, from standing", TRUNK_ANGLE_REFERENCE
        ),
        "repetitions": MetricInfo("count", "forward bends found", "kinesense peak detection"),
    }
    add_smoothness(metrics, info, trunk, excursion, peaks, params, TRUNK_SPARC)
    notes = [
        "video landmarks have no points on the lumbar spine or pelvis: the lumbopelvic rhythm "
        "(lumbar versus hip share of the bend) needs two motion sensors (sacrum and "
        "thoraco-lumbar junction); see kinesense assess mobility --help"
    ]
    if metrics["knee_flexion_deg"] > params.max_knee_flexion_deg:
        notes.append(
            f"the knees bent by up to {metrics['knee_flexion_deg']:.0f} deg (more than "
            f"{params.max_knee_flexion_deg:g}): the bend was partly a squat; repeat with "
            "straighter knees"
        )
    if movement == "waiters-bow":
        reached = metrics["hip_flexion_deg"] >= params.waiters_bow_min_hip_deg
        metrics["hip_target_reached"] = 1.0 if reached else 0.0
        info["hip_target_reached"] = MetricInfo(
            "1 = yes, 0 = no",
            f"thigh-to-trunk angle reached {params.waiters_bow_min_hip_deg:g} deg",
            LUOMAJOKI_2007,
        )
        text = (
            f"Waiter's bow: thigh-to-trunk angle {metrics['hip_flexion_deg']:.0f} deg "
            f"({'reached' if reached else 'below'} the {params.waiters_bow_min_hip_deg:g} deg "
            "target). Whether the low back stayed straight cannot be seen from body landmarks: the "
            "therapist judges it, or use two motion sensors."
        )
    else:
        text = (
            f"Forward bend: trunk inclination {metrics['trunk_peak_deg']:.0f} deg, thigh-to-trunk "
            f"angle {metrics['hip_flexion_deg']:.0f} deg, knee flexion up to "
            f"{metrics['knee_flexion_deg']:.0f} deg over {len(peaks)} bends."
        )
    fields = {"protocol": protocol, "quality": quality, "source": source,
              "conditions": {"movement": movement, "source": "video"}}  # fmt: skip
    return movement_result(
        test, metrics, info, text, notes, fields, plot_data(trunk, excursion, peaks)
    )
