"""Standing-balance tests: one sway trial under stated conditions, the Romberg quotient and the
modified Clinical Test of Sensory Interaction on Balance (mCTSIB).

* :func:`assess_sway` turns a :class:`~kinesense.assess.sway_sources.SwayTrace` into an
  :class:`~kinesense.assess.result.AssessmentResult` with the metrics of
  :mod:`kinesense.assess.sway`, or an unusable result with the reasons (too short, stepped off,
  out of view, wrong view, gaps, movement).
* :func:`romberg` divides the eyes-closed by the eyes-open result: ``romberg_quotient`` on mean
  sway velocity, ``romberg_quotient_<metric>`` for the others (van Parys JAP & Njiokiktjien CJS
  1976, "Romberg's sign expressed in a quotient", Agressologie 17:95-100; the quotient of a sway
  measure with eyes closed over eyes open; > 1 when vision helps).
* :func:`ctsib` combines four 30-s trials: eyes open / closed on a firm floor and on foam
  (Shumway-Cook A & Horak FB 1986, "Assessing the influence of sensory interaction on balance",
  Phys Ther 66(10):1548-1550; modified to four conditions by Cohen H, Blatchly CA, Gombash LL
  1993, "A study of the clinical test of sensory interaction and balance", Phys Ther
  73(6):346-351). On a force plate the four mean sway velocities and their mean (the composite
  used by instrumented mCTSIB) are reported with the within-test quotients.

No norms are compared here. A single sway trial is compared with the Santos & Duarte (2016)
reference by :mod:`kinesense.assess.sway_norms` (the registry's ``sway`` test adds it), only when
the trial was recorded as the reference's were; Romberg and mCTSIB quotients have no reference
shipped.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kinesense._checks import check_option, check_positive
from kinesense.assess.result import AssessmentResult, MetricInfo
from kinesense.assess.sway import (
    DEFAULT_CUTOFF_HZ,
    METRIC_INFO,
    not_measured,
    plot_data,
    prepare_trajectory,
    sway_metrics,
)
from kinesense.assess.sway_sources import SwayTrace

EYES = ("open", "closed")
STANCES = ("feet-apart", "feet-together", "semi-tandem", "tandem", "single-leg")
SURFACES = ("firm", "foam")
DEFAULT_DURATION_S = 30.0
"""Standard trial length (mCTSIB: 30 s per condition, Cohen et al. 1993)."""
DURATION_TOLERANCE_S = 2.0
"""A trial may be this much shorter than the protocol (start and stop of the recording)."""
MIN_DURATION_S = 10.0
"""No trial shorter than this is analysed, whatever the protocol says."""
QUOTIENT_METRICS = (
    "path_length_mm",
    "rms_ap_mm",
    "rms_ml_mm",
    "range_ap_mm",
    "range_ml_mm",
    "ellipse95_area_mm2",
)
MAX_QUOTIENT = 20.0
"""A sway quotient (eyes closed / eyes open, foam / firm) beyond 20, or below 1/20, is refused
as implausible. Not tuned on data: it is an order of magnitude beyond the quotients of about 1 to
2 usual for mean sway velocity; such a value comes from a trial that barely moved (an unloaded
plate, a frozen signal) or from trials not recorded alike."""
ROMBERG_REF = (
    "van Parys JAP, Njiokiktjien CJS 1976, Agressologie 17:95-100 (Romberg quotient, EC/EO)"
)
CTSIB_REF = (
    "Shumway-Cook A, Horak FB 1986, Phys Ther 66(10):1548-1550; Cohen H et al. 1993, "
    "Phys Ther 73(6):346-351 (modified CTSIB)"
)

SWAY_PROTOCOL = (
    "Stand still, arms by your sides, looking at a mark at eye level 2-3 m away, for 30 s "
    "(start the recording first and stop it after). Force plate: stand in the middle of the "
    "plate. Camera: whole body in view, camera at hip height 3-4 m away, from the front for "
    "side-to-side sway or from the side for forward-backward sway, on a tripod. Phone/IMU: "
    "strapped firmly over the lower back or the sternum. Repeat the trial 3 times and compare "
    "like with like (same stance, surface and set-up)."
)


@dataclass(frozen=True)
class Conditions:
    """How a balance trial was done: eyes, stance and surface."""

    eyes: str = "open"
    stance: str = "feet-together"
    surface: str = "firm"

    def __post_init__(self) -> None:
        check_option("eyes", self.eyes, EYES)
        check_option("stance", self.stance, STANCES)
        check_option("surface", self.surface, SURFACES)

    def to_json(self) -> dict[str, str]:
        """JSON form."""
        return {"eyes": self.eyes, "stance": self.stance, "surface": self.surface}


def assess_sway(
    trace: SwayTrace,
    conditions: Conditions | None = None,
    *,
    duration_s: float = DEFAULT_DURATION_S,
    cutoff_hz: float = DEFAULT_CUTOFF_HZ,
    filter: bool = True,
) -> AssessmentResult:
    """Sway metrics of one trial, or an unusable result with the reasons.

    Args:
        trace: the trajectory from :mod:`kinesense.assess.sway_sources`.
        conditions: eyes, stance, surface (recorded in the result).
        duration_s: the protocol's trial length; shorter than ``duration_s -``
            :data:`DURATION_TOLERANCE_S` (or than :data:`MIN_DURATION_S`) is too short.
        cutoff_hz, filter: low-pass filter (see :func:`kinesense.assess.sway.prepare_trajectory`).
    """
    conditions = conditions or Conditions()
    check_positive("duration_s", duration_s)
    common: dict[str, Any] = {
        "conditions": conditions.to_json()
        | {"source": trace.kind, "protocol_duration_s": duration_s},
        "source": trace.source,
        "protocol": SWAY_PROTOCOL,
        "notes": trace.notes,
    }
    t = trace.time_s
    recorded = float(t[-1] - t[0]) if len(t) > 1 else 0.0
    needed = max(MIN_DURATION_S, duration_s - DURATION_TOLERANCE_S)
    quality = dict(trace.quality) | {"duration_s": recorded, "min_duration_s": needed}
    reasons = list(trace.problems)
    if recorded < needed:
        reasons.insert(
            0,
            f"the recording is too short: {recorded:.1f} s, at least {needed:g} s are needed "
            f"for a {duration_s:g}-s trial",
        )
    if reasons:
        return AssessmentResult.unusable("sway", *reasons, quality=quality, **common)
    if recorded > 1.5 * duration_s:
        common["notes"] = (
            *trace.notes,
            f"the recording lasts {recorded:.0f} s, much longer than the {duration_s:g}-s "
            "protocol: path length grows with duration; compare trials of the same length",
        )
    trajectory = prepare_trajectory(t, trace.ml_mm, trace.ap_mm, cutoff_hz=cutoff_hz, filter=filter)
    metrics = sway_metrics(trajectory)
    quality |= {
        "sampling_rate_hz": trajectory.sampling_rate_hz,
        "processing": list(trajectory.processing),
    }
    missing = not_measured(trajectory)
    if missing:
        quality["not_measured"] = missing
        common["notes"] = (
            *common["notes"],
            f"not measured: {', '.join(missing)} ({next(iter(missing.values()))})",
        )
    return AssessmentResult(
        test="sway",
        usable=True,
        metrics=metrics,
        metric_info={k: METRIC_INFO[k] for k in metrics},
        interpretation=_describe(metrics, conditions, trace.kind),
        quality=quality,
        plot_data=plot_data(trajectory),
        **common,
    )


def _describe(metrics: Mapping[str, float], conditions: Conditions, kind: str) -> str:
    where = {"cop": "centre of pressure", "video": "centre of mass (video)", "imu": "sensor"}
    axis = next((a for a in ("", "_ml", "_ap") if f"path_length{a}_mm" in metrics), "")
    direction = {"": "", "_ml": " side to side", "_ap": " forwards and backwards"}[axis]
    text = (
        f"Standing {conditions.stance.replace('-', ' ')} on a {conditions.surface} surface with "
        f"eyes {conditions.eyes}, the {where.get(kind, kind)} moved{direction} "
        f"{metrics[f'path_length{axis}_mm']:.0f} mm in {metrics['duration_s']:.0f} s "
        f"({metrics[f'mean_velocity{axis}_mm_s']:.1f} mm/s)"
    )
    if "ellipse95_area_mm2" in metrics:
        text += f"; 95 % of the time it stayed within {metrics['ellipse95_area_mm2']:.0f} mm²"
    return text + ". Compare with your own earlier trials made the same way."


VELOCITY_WORDS = {
    "mean_velocity_mm_s": "mean sway velocity",
    "mean_velocity_ap_mm_s": "mean forward-backward sway velocity",
    "mean_velocity_ml_mm_s": "mean side-to-side sway velocity",
}


def velocity_metric(*results: Mapping[str, float]) -> str | None:
    """The sway velocity every one of ``results`` has: the resultant ``mean_velocity_mm_s``, else
    one direction's (``mean_velocity_ap_mm_s``, ``mean_velocity_ml_mm_s``), else None."""
    for name in ("mean_velocity_mm_s", "mean_velocity_ap_mm_s", "mean_velocity_ml_mm_s"):
        if all(name in r for r in results):
            return name
    return None


def implausible_quotient(value: float) -> bool:
    """Whether a sway quotient lies outside [1/:data:`MAX_QUOTIENT`, :data:`MAX_QUOTIENT`]."""
    return not 1.0 / MAX_QUOTIENT <= value <= MAX_QUOTIENT


def romberg(eyes_open: AssessmentResult, eyes_closed: AssessmentResult) -> AssessmentResult:
    """Romberg quotients (eyes closed / eyes open) of two sway results.

    ``romberg_quotient`` uses mean sway velocity (with one sway direction only, that
    direction's: ``romberg_quotient_mean_velocity_ap`` or ``_ml``); ``romberg_quotient_<metric>``
    the metrics of :data:`QUOTIENT_METRICS` both results have. The eyes-open and eyes-closed
    metrics are kept as ``eo_<metric>`` and ``ec_<metric>``. Unusable when either trial is,
    when no velocity can be compared, or when the velocity quotient is implausible (outside
    [1/:data:`MAX_QUOTIENT`, :data:`MAX_QUOTIENT`]); other implausible quotients are left out
    and listed in ``quality["not_measured"]``.
    """
    common: dict[str, Any] = {
        "conditions": {
            "eyes_open": dict(eyes_open.conditions),
            "eyes_closed": dict(eyes_closed.conditions),
        },
        "source": {"eyes_open": dict(eyes_open.source), "eyes_closed": dict(eyes_closed.source)},
        "protocol": "Romberg: two sway trials, eyes open then eyes closed, same stance and "
        "surface. " + SWAY_PROTOCOL,
        "notes": tuple(dict.fromkeys(eyes_open.notes + eyes_closed.notes)),
    }
    reasons = [f"eyes open: {r}" for r in eyes_open.reasons]
    reasons += [f"eyes closed: {r}" for r in eyes_closed.reasons]
    mismatch = _mismatch(eyes_open.conditions, eyes_closed.conditions)
    if mismatch:
        reasons.append(mismatch)
    velocity = velocity_metric(eyes_open.metrics, eyes_closed.metrics)
    if not reasons and velocity is None:
        reasons.append("the two trials have no sway velocity in common to compare")
    if reasons:
        return AssessmentResult.unusable("romberg", *reasons, **common)
    assert velocity is not None
    metrics, info, dropped = _quotients(
        eyes_closed.metrics, eyes_open.metrics, "romberg_quotient", "eyes closed / eyes open",
        velocity,
    )  # fmt: skip
    headline = _quotient_key("romberg_quotient", velocity)
    if headline in dropped:
        return AssessmentResult.unusable(
            "romberg", f"romberg quotient {dropped[headline]}", **common
        )
    for prefix, result, label in (
        ("eo", eyes_open, "eyes open"),
        ("ec", eyes_closed, "eyes closed"),
    ):
        for name in dict.fromkeys((velocity, *QUOTIENT_METRICS)):
            if name in result.metrics:
                metrics[f"{prefix}_{name}"] = result.metrics[name]
                base = METRIC_INFO[name]
                info[f"{prefix}_{name}"] = MetricInfo(
                    base.unit, f"{base.definition} ({label})", base.reference
                )
    q = metrics[headline]
    which = VELOCITY_WORDS[velocity]
    interpretation = f"With eyes closed the {which} was {q:.2f} times that with eyes open" + (
        " (more sway without vision)." if q > 1 else " (no increase without vision)."
    )
    return AssessmentResult(
        test="romberg",
        usable=True,
        metrics=metrics,
        metric_info=info,
        interpretation=interpretation,
        quality={"not_measured": dropped} if dropped else {},
        plot_data={
            "eyes_open": dict(eyes_open.plot_data),
            "eyes_closed": dict(eyes_closed.plot_data),
        },
        **common,
    )


def _mismatch(a: Mapping[str, Any], b: Mapping[str, Any]) -> str:
    for key in ("stance", "surface", "source"):
        if a.get(key) != b.get(key):
            return (
                f"the two trials differ in {key} ({a.get(key)} vs {b.get(key)}): "
                "compare like with like"
            )
    return ""


def _quotient_key(name: str, metric: str) -> str:
    """``romberg_quotient`` for the resultant velocity, else ``<name>_<metric without unit>``."""
    if metric == "mean_velocity_mm_s":
        return name
    for unit in ("_mm_s", "_mm2", "_mm"):
        if metric.endswith(unit):
            return f"{name}_{metric.removesuffix(unit)}"
    return f"{name}_{metric}"


def _quotients(
    numerator: Mapping[str, float],
    denominator: Mapping[str, float],
    name: str,
    words: str,
    velocity: str = "mean_velocity_mm_s",
) -> tuple[dict[str, float], dict[str, MetricInfo], dict[str, str]]:
    """Quotients of the metrics both have, with the implausible or undefined ones left out
    (``dropped``: quotient name -> reason)."""
    metrics: dict[str, float] = {}
    info: dict[str, MetricInfo] = {}
    dropped: dict[str, str] = {}
    for metric in dict.fromkeys((velocity, *QUOTIENT_METRICS)):
        if metric not in numerator or metric not in denominator:
            continue
        key = _quotient_key(name, metric)
        if not denominator[metric] > 0:
            dropped[key] = f"not measured: the eyes-open {metric} is {denominator[metric]:g}"
            continue
        value = numerator[metric] / denominator[metric]
        if implausible_quotient(value):
            dropped[key] = (
                f"refused: {value:.3g} is implausible (a real quotient lies between "
                f"{1 / MAX_QUOTIENT:g} and {MAX_QUOTIENT:g}); one of the trials barely moved or "
                "they were not recorded alike"
            )
            continue
        metrics[key] = value
        what = METRIC_INFO[metric].definition
        info[key] = MetricInfo("1", f"{words}, of: {what}", ROMBERG_REF)
    return metrics, info, dropped


CTSIB_CONDITIONS = ("eo_firm", "ec_firm", "eo_foam", "ec_foam")


def ctsib(results: Mapping[str, AssessmentResult]) -> AssessmentResult:
    """Modified CTSIB from four sway results keyed by :data:`CTSIB_CONDITIONS`.

    Metrics: ``<condition>_mean_velocity_mm_s`` for each of the four,
    ``composite_mean_velocity_mm_s`` (their mean), ``romberg_quotient_firm`` (EC/EO firm),
    ``romberg_quotient_foam`` (EC/EO foam), ``foam_quotient_eyes_open`` (EO foam / EO firm) and
    ``foam_quotient_eyes_closed`` (EC foam / EC firm), all on mean velocity; plus each
    condition's ``ellipse95_area_mm2`` when available. A condition that cannot be judged makes
    the whole test unusable, with the reasons per condition.
    """
    missing = [c for c in CTSIB_CONDITIONS if c not in results]
    if missing:
        raise ValueError(f"mCTSIB needs the four conditions; missing: {', '.join(missing)}")
    protocol = (
        "Modified CTSIB: four 30-s trials, feet together, arms by the sides: eyes open on a firm "
        "floor, eyes closed on a firm floor, eyes open on foam, eyes closed on foam (a medium-"
        "density foam cushion about 10 cm thick). Stand by the person for safety. " + SWAY_PROTOCOL
    )
    common: dict[str, Any] = {
        "conditions": {c: dict(results[c].conditions) for c in CTSIB_CONDITIONS},
        "source": {c: dict(results[c].source) for c in CTSIB_CONDITIONS},
        "protocol": protocol,
        "notes": tuple(dict.fromkeys(n for c in CTSIB_CONDITIONS for n in results[c].notes)),
    }
    reasons = [f"{c.replace('_', ' ')}: {r}" for c in CTSIB_CONDITIONS for r in results[c].reasons]
    expected = {c: ("open" if c[:2] == "eo" else "closed", c[3:]) for c in CTSIB_CONDITIONS}
    for c, (eyes, surface) in expected.items():
        got = results[c].conditions
        if got.get("eyes") not in (None, eyes) or got.get("surface") not in (None, surface):
            reasons.append(
                f"{c.replace('_', ' ')}: the trial was recorded as eyes {got.get('eyes')} on "
                f"{got.get('surface')}, not eyes {eyes} on {surface}"
            )
    name = velocity_metric(*(results[c].metrics for c in CTSIB_CONDITIONS))
    if not reasons and name is None:
        reasons.append("the four trials have no sway velocity in common to compare")
    if reasons:
        return AssessmentResult.unusable("ctsib", *reasons, **common)
    assert name is not None
    velocity = {c: results[c].metrics[name] for c in CTSIB_CONDITIONS}
    what = VELOCITY_WORDS[name]
    metrics: dict[str, float] = {}
    info: dict[str, MetricInfo] = {}
    unit_v = "mm/s"
    for c in CTSIB_CONDITIONS:
        metrics[f"{c}_{name}"] = velocity[c]
        info[f"{c}_{name}"] = MetricInfo(unit_v, f"{what}, {c.replace('_', ' ')}", CTSIB_REF)
        if "ellipse95_area_mm2" in results[c].metrics:
            metrics[f"{c}_ellipse95_area_mm2"] = results[c].metrics["ellipse95_area_mm2"]
            info[f"{c}_ellipse95_area_mm2"] = MetricInfo(
                "mm²", f"95 % prediction ellipse area, {c.replace('_', ' ')}", CTSIB_REF
            )
    composite = f"composite_{name}"
    metrics[composite] = sum(velocity.values()) / 4
    plural = what.removesuffix("velocity") + "velocities"
    info[composite] = MetricInfo(unit_v, f"mean of the four conditions' {plural}", CTSIB_REF)
    for key, num, den, words in (
        ("romberg_quotient_firm", "ec_firm", "eo_firm", "eyes closed / eyes open, firm floor"),
        ("romberg_quotient_foam", "ec_foam", "eo_foam", "eyes closed / eyes open, on foam"),
        ("foam_quotient_eyes_open", "eo_foam", "eo_firm", "foam / firm floor, eyes open"),
        ("foam_quotient_eyes_closed", "ec_foam", "ec_firm", "foam / firm floor, eyes closed"),
    ):
        if not velocity[den] > 0:
            continue
        quotient = velocity[num] / velocity[den]
        if implausible_quotient(quotient):
            return AssessmentResult.unusable(
                "ctsib",
                f"{key.replace('_', ' ')} {quotient:.3g} is implausible (a real quotient lies "
                f"between {1 / MAX_QUOTIENT:g} and {MAX_QUOTIENT:g}): one of the trials barely "
                "moved or they were not recorded alike",
                **common,
            )
        metrics[key] = quotient
        info[key] = MetricInfo("1", f"{what} {words}", CTSIB_REF)
    worst = max(CTSIB_CONDITIONS, key=lambda c: velocity[c])
    eyes_words = "eyes open" if worst[:2] == "eo" else "eyes closed"
    interpretation = (
        f"{what[0].upper()}{what[1:]} was highest with {eyes_words} on {worst[3:]} "
        f"({velocity[worst]:.1f} mm/s); the composite of the four conditions was "
        f"{metrics[composite]:.1f} mm/s. Rising sway on foam with eyes "
        "closed is expected; compare with your own earlier tests made the same way."
    )
    return AssessmentResult(
        test="ctsib",
        usable=True,
        metrics={k: v for k, v in metrics.items() if math.isfinite(v)},
        metric_info=info,
        interpretation=interpretation,
        plot_data={c: dict(results[c].plot_data) for c in CTSIB_CONDITIONS},
        **common,
    )
