"""Forward bending: lumbopelvic rhythm, and the waiter's bow movement-control test.

**Lumbopelvic rhythm** is how trunk flexion is shared between the pelvis rotating on the femurs
(hip flexion) and the lumbar spine flexing, over the course of a forward bend. Following Esola
MA, McClure PW, Fitzgerald GK, Siegler S, 1996, "Analysis of lumbar spine and hip motion during
forward bending in subjects with and without a history of low back pain", Spine 21(1):71-78, the
outward bend is divided into its early, middle and late thirds (here by thirds of the trunk
inclination reached) and in each the ratio of lumbar to pelvic (hip) motion is reported::

    lumbar(t) = trunk(t) - pelvis(t)            (inclinations from standing, degrees)
    ratio_third = delta lumbar / delta pelvis   over that third (> 1: the lumbar spine leads)

together with the whole-bend ratio and the timing: when lumbar and pelvic motion each reach half
their own peak, and the lead of the lumbar spine over the pelvis (s).

*Which inputs can measure it.* It needs a pelvis angle and a trunk angle above the lumbar spine:
two motion sensors (one on the sacrum, one at the thoraco-lumbar junction or the sternum: see
:func:`kinesense.assess.mobility_imu.imu_inclination_deg`) or pelvic markers. **Video
landmarks cannot measure it** (:mod:`kinesense.assess.forward_bend_video`): BlazePose has no
point on the pelvis other than the hip joints and none on the lumbar spine: the hip-to-shoulder
line rotates by pelvic tilt plus lumbar (plus thoracic) flexion together, and the
thigh-to-trunk "hip angle" measured from the landmarks contains the same lumbar flexion. Any
split of that one angle into a pelvic and a lumbar part (e.g. "lumbar = trunk inclination minus a
pelvis inclination estimated from the hip angle") would put the assumption back out as the
result, so from video kinesense reports the measurable angles (trunk inclination, thigh-to-trunk
angle, knee flexion), range and smoothness, and says that the rhythm needs sensors.

**Waiter's bow** (Luomajoki H, Kool J, de Bruin ED, Airaksinen O, 2007, "Reliability of movement
control tests in the lumbar spine", BMC Musculoskelet Disord 8:90; Luomajoki et al. 2008,
"Movement control tests of the low back; evaluation of the difference between patients with low
back pain and healthy controls", BMC Musculoskelet Disord 9:170): stand upright, bend forwards
at the hips keeping the back straight. Correct: hip flexion of 50-70 degrees without flexion of
the low back. Measured criteria (kinesense): the pelvis inclines at least
``waiters_bow_min_hip_deg`` (50 deg, the lower end of the published range) while the lumbar
angle (trunk minus pelvis) changes by at most ``waiters_bow_lumbar_tolerance_deg`` (10 deg) from
standing up to the deepest point; the source gives no number for "without flexion", so the
tolerance is a kinesense choice, not a published threshold (to be validated against a
therapist's rating), and is stated in every result. From video only the first criterion can
be checked.
"""

from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import ArrayLike

from kinesense.arrays import FloatArray
from kinesense.assess.mobility import (
    MobilityParameters,
    add_smoothness,
    movement_result,
    no_repetition,
    plot_data,
    repetition_peaks,
)
from kinesense.assess.mobility_imu import imu_inclination_deg
from kinesense.assess.result import AssessmentResult, MetricInfo
from kinesense.parameters import Positive
from kinesense.series.motion import MotionSeries
from kinesense.signal.angle_trace import AngleTrace
from kinesense.signal.peaks import Peak


class ForwardBendParameters(MobilityParameters):
    """Settings of the forward bend and the waiter's bow: those of the mobility tests
    (:class:`kinesense.assess.mobility.MobilityParameters`) plus these (degrees, hertz)."""

    waiters_bow_min_hip_deg: Positive = 50.0
    """Hip flexion the waiter's bow must reach (Luomajoki 2007: 50-70 degrees)."""
    waiters_bow_lumbar_tolerance_deg: Positive = 10.0
    """Largest lumbar angle change still counted as a neutral low back (kinesense choice)."""
    max_knee_flexion_deg: Positive = 20.0
    """Forward bending with more knee flexion than this is noted as done with bent knees."""
    imu_rate_hz: Positive = 50.0
    """Common rate the two sensors are resampled to."""


DEFAULTS = ForwardBendParameters()
TRUNK_SPARC = "spectral arc length of the trunk angular speed"

ESOLA_1996 = (
    "Esola MA, McClure PW, Fitzgerald GK, Siegler S 1996, Spine 21(1):71-78 "
    "(lumbar:hip ratio in early, middle and late forward bending)"
)
LUOMAJOKI_2007 = (
    "Luomajoki H, Kool J, de Bruin ED, Airaksinen O 2007, BMC Musculoskelet Disord 8:90 "
    "(waiter's bow: hip flexion 50-70 deg without low-back flexion)"
)
PROTOCOLS: Final[dict[str, str]] = {
    "forward-bend": (
        "Stand side-on to the camera, 2-3 m away, whole body in view, knees straight. Stand "
        "still for 2 s, then bend forwards slowly as far as is comfortable, letting the back "
        "round naturally, and come back up; 3 times."
    ),
    "waiters-bow": (
        "Stand side-on to the camera, 2-3 m away, whole body in view. Stand still for 2 s, then "
        "bow forwards from the hips to about 60 degrees keeping the back straight (as a waiter "
        "bows), and come back up; 3 times."
    ),
}


@dataclass(frozen=True)
class Rhythm:
    """Lumbopelvic rhythm of one outward bend (degrees, seconds; ratios have no unit)."""

    trunk_peak_deg: float
    pelvis_peak_deg: float
    lumbar_peak_deg: float
    ratio: float
    ratio_thirds: tuple[float, float, float]
    lumbar_lead_s: float


def _ratio(lumbar: float, pelvis: float) -> float:
    return float(lumbar / pelvis) if pelvis != 0 else float("nan")


def _crossing(values: FloatArray, level: float) -> float:
    """Fractional index where ``values`` first reaches ``level`` (linear between samples)."""
    k = int(np.argmax(values >= level))
    if k == 0:
        return 0.0
    lo, hi = values[k - 1], values[k]
    return float(k - 1 + (level - lo) / (hi - lo)) if hi != lo else float(k)


def bend_rhythm(
    time_s: ArrayLike, trunk_deg: ArrayLike, pelvis_deg: ArrayLike, start: int, peak: int
) -> Rhythm:
    """Lumbopelvic rhythm of the outward bend ``start..peak`` (sample indices).

    ``trunk_deg`` and ``pelvis_deg`` are inclinations from standing (forwards positive). The
    bend is cut where the trunk first reaches 1/3 and 2/3 of its rise over the bend
    (interpolated between samples); each
    third's ratio is delta lumbar / delta pelvis (Esola et al. 1996). The lumbar lead is the
    time the pelvis reaches half its rise minus the time the lumbar angle does.
    """
    t = np.asarray(time_s, dtype=np.float64)[start : peak + 1]
    trunk = np.asarray(trunk_deg, dtype=np.float64)[start : peak + 1]
    pelvis = np.asarray(pelvis_deg, dtype=np.float64)[start : peak + 1]
    lumbar = trunk - pelvis
    rise = trunk - trunk[0]
    cuts = [0.0] + [_crossing(rise, share * rise[-1]) for share in (1 / 3, 2 / 3)]
    cuts.append(float(len(trunk) - 1))
    positions = np.arange(len(trunk), dtype=np.float64)
    at_lumbar = np.interp(cuts, positions, lumbar)
    at_pelvis = np.interp(cuts, positions, pelvis)
    thirds = tuple(
        _ratio(float(at_lumbar[k + 1] - at_lumbar[k]), float(at_pelvis[k + 1] - at_pelvis[k]))
        for k in range(3)
    )
    d_lumbar, d_pelvis = lumbar - lumbar[0], pelvis - pelvis[0]
    half_lumbar = float(t[int(np.argmax(d_lumbar >= 0.5 * d_lumbar.max()))])
    half_pelvis = float(t[int(np.argmax(d_pelvis >= 0.5 * d_pelvis.max()))])
    return Rhythm(
        trunk_peak_deg=float(trunk[-1]),
        pelvis_peak_deg=float(pelvis[-1]),
        lumbar_peak_deg=float(lumbar[-1]),
        ratio=_ratio(float(d_lumbar[-1]), float(d_pelvis[-1])),
        ratio_thirds=(thirds[0], thirds[1], thirds[2]),
        lumbar_lead_s=half_pelvis - half_lumbar,
    )


def bend_starts(trace: AngleTrace, excursion: FloatArray, peaks: list[Peak]) -> list[int]:
    """Start of each outward bend: the last sample before the peak closest to standing."""
    starts: list[int] = []
    previous = 0
    for p in peaks:
        segment = excursion[previous : p.index + 1]
        starts.append(previous + int(np.nanargmin(segment)))
        previous = p.index
    return starts


def assess_forward_bend_imu(
    trunk: MotionSeries,
    pelvis: MotionSeries,
    movement: str = "forward-bend",
    params: ForwardBendParameters = DEFAULTS,
) -> AssessmentResult:
    """Lumbopelvic rhythm (``forward-bend``) or waiter's bow from two motion sensors.

    ``trunk``: sensor above the lumbar spine (thoraco-lumbar junction or sternum); ``pelvis``:
    sensor on the sacrum. Both must share one clock (one logger) and start with 2 s of still
    standing. Metrics in degrees, seconds and ratios; see the module docstring.
    """
    test = f"mobility-{movement}"
    protocol = PROTOCOLS[movement]
    start = max(trunk.time_s[0], pelvis.time_s[0])
    end = min(trunk.time_s[-1], pelvis.time_s[-1])
    if end - start < params.min_duration_s:
        return AssessmentResult.unusable(
            test,
            f"the two sensor recordings overlap for {max(end - start, 0):.1f} s; at least "
            f"{params.min_duration_s:g} s are needed (record both on one clock)",
            protocol=protocol,
        )
    tr = imu_inclination_deg(trunk.slice_time(start, end), params.imu_rate_hz, params)
    pe = imu_inclination_deg(pelvis.slice_time(start, end), params.imu_rate_hz, params)
    n = min(len(tr.time_s), len(pe.time_s))
    trace = AngleTrace(tr.time_s[:n], tr.angle_deg[:n], tr.sampling_rate_hz)
    pelvis_deg = pe.angle_deg[:n]
    peaks = repetition_peaks(trace, trace.angle_deg, {"flexion": 1.0}, params)
    quality = {"duration_s": float(end - start), "sensors": "trunk and pelvis"}
    if not peaks:
        return no_repetition(test, "forward bend", params, protocol=protocol, quality=quality)
    starts = bend_starts(trace, trace.angle_deg, peaks)
    rhythms = [
        bend_rhythm(trace.time_s, trace.angle_deg, pelvis_deg, s, p.index)
        for s, p in zip(starts, peaks, strict=True)
    ]
    metrics, info = _rhythm_metrics(rhythms)
    notes: list[str] = []
    if movement == "waiters-bow":
        hip = float(np.mean([r.pelvis_peak_deg for r in rhythms]))
        lumbar = float(np.mean([abs(r.lumbar_peak_deg) for r in rhythms]))
        passed = (
            hip >= params.waiters_bow_min_hip_deg
            and lumbar <= params.waiters_bow_lumbar_tolerance_deg
        )
        metrics["waiters_bow_pass"] = 1.0 if passed else 0.0
        info["waiters_bow_pass"] = MetricInfo(
            "1 = pass, 0 = fail",
            f"pelvis inclined >= {params.waiters_bow_min_hip_deg:g} deg with the lumbar angle "
            f"within {params.waiters_bow_lumbar_tolerance_deg:g} deg of standing (tolerance: "
            "kinesense choice)",
            LUOMAJOKI_2007,
        )
        verdict = "correct" if passed else "not correct"
        text = (
            f"Waiter's bow {verdict}: hip (pelvis) flexion {hip:.0f} deg (target at least "
            f"{params.waiters_bow_min_hip_deg:g}), low-back angle change {lumbar:.0f} deg (allowed "
            f"{params.waiters_bow_lumbar_tolerance_deg:g})."
        )
    else:
        text = (
            f"Forward bend of {metrics['trunk_peak_deg']:.0f} deg: lumbar to pelvis ratio "
            f"{metrics['lumbopelvic_ratio']:.2f} overall (early "
            f"{metrics['lumbopelvic_ratio_early']:.2f}, "
            f"middle {metrics['lumbopelvic_ratio_middle']:.2f}, late "
            f"{metrics['lumbopelvic_ratio_late']:.2f})."
        )
    add_smoothness(metrics, info, trace, trace.angle_deg, peaks, params, TRUNK_SPARC)
    sources = {"trunk": trunk.provenance.to_json(), "pelvis": pelvis.provenance.to_json()}
    fields = {"protocol": protocol, "quality": quality, "source": sources,
              "conditions": {"movement": movement, "source": "imu"}}  # fmt: skip
    return movement_result(
        test, metrics, info, text, notes, fields, plot_data(trace, trace.angle_deg, peaks)
    )


def _rhythm_metrics(rhythms: list[Rhythm]) -> tuple[dict[str, float], dict[str, MetricInfo]]:
    def mean(values: list[float]) -> float:
        return float(np.nanmean(values))

    metrics = {
        "trunk_peak_deg": mean([r.trunk_peak_deg for r in rhythms]),
        "pelvis_peak_deg": mean([r.pelvis_peak_deg for r in rhythms]),
        "lumbar_peak_deg": mean([r.lumbar_peak_deg for r in rhythms]),
        "lumbopelvic_ratio": mean([r.ratio for r in rhythms]),
        "lumbopelvic_ratio_early": mean([r.ratio_thirds[0] for r in rhythms]),
        "lumbopelvic_ratio_middle": mean([r.ratio_thirds[1] for r in rhythms]),
        "lumbopelvic_ratio_late": mean([r.ratio_thirds[2] for r in rhythms]),
        "lumbar_lead_s": mean([r.lumbar_lead_s for r in rhythms]),
    }
    info = {
        "trunk_peak_deg": MetricInfo("deg", "trunk inclination at the deepest point", ESOLA_1996),
        "pelvis_peak_deg": MetricInfo(
            "deg", "pelvis (sacrum) inclination at the deepest point: hip flexion", ESOLA_1996
        ),
        "lumbar_peak_deg": MetricInfo(
            "deg", "lumbar flexion at the deepest point: trunk minus pelvis inclination", ESOLA_1996
        ),
        "lumbopelvic_ratio": MetricInfo(
            "ratio",
            "lumbar flexion / pelvic rotation over the whole bend (mean of bends)",
            ESOLA_1996,
        ),
        "lumbar_lead_s": MetricInfo(
            "s",
            "how much earlier the lumbar spine than the pelvis reaches half its own motion",
            ESOLA_1996,
        ),
    }
    for name in ("early", "middle", "late"):
        info[f"lumbopelvic_ratio_{name}"] = MetricInfo(
            "ratio",
            f"lumbar / pelvic motion in the {name} third of the trunk's forward bend",
            ESOLA_1996,
        )
    return metrics, info
