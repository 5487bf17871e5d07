"""Assessment reports a person and their physical therapist can read: HTML and PDF, with plots.

The pieces:

- this module: reading result files' content (:func:`parse_results`; the files are read
  within bounds by :mod:`kinesense.services.reports`) and the wording both formats share
  (dates, number formatting, verdicts, which results form a trend; test titles come from the
  assessment registry, :func:`kinesense.assess.registry.title_of`);
- :mod:`kinesense.report.plots`: one chart per view of a result's ``plot_data`` (matplotlib,
  drawn without pyplot, PNG for the web page, vector for the PDF);
- :mod:`kinesense.report.html`: :func:`~kinesense.report.html.render_html`, one self-contained
  page (inline CSS, images as ``data:`` URIs, no external request: it works offline);
- :mod:`kinesense.report.pdf`: :func:`~kinesense.report.pdf.write_pdf`, A4 pages through
  matplotlib's ``PdfPages`` (no system library).

A result that could not be judged (``usable`` false) shows its reasons and no numbers. Every
report ends with :data:`DISCLAIMER`: kinesense never diagnoses.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kinesense.assess.registry import title_of as title_of  # the one source of titles
from kinesense.assess.result import FORMAT_VERSION, AssessmentResult
from kinesense.errors import InputFileError

DISCLAIMER = (
    "This report describes measurements of balance, position sense, posture and movement. "
    "It is not a diagnosis. If you have pain that worries you, new symptoms, or any concern "
    "about your health, see a physical therapist or a doctor."
)

_VERDICT_WORDS = {
    "within": "within the reference range",
    "above": "above the reference range",
    "below": "below the reference range",
}
_UNIT_SUFFIXES = ("mm2", "mm_s", "mm", "m_s", "m", "s", "deg_s", "deg", "hz", "pct", "n")


def metric_label(name: str) -> str:
    """A metric name in words, without its unit suffix (``"path_length_mm"`` → ``"Path length"``).

    The unit is shown separately, from the metric's :class:`~kinesense.assess.result.MetricInfo`.
    """
    words = name
    for suffix in _UNIT_SUFFIXES:
        if words.endswith("_" + suffix) and len(words) > len(suffix) + 1:
            words = words[: -len(suffix) - 1]
            break
    words = words.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else name


def format_value(value: float | None) -> str:
    """A measured value with as many digits as a report needs (3 significant, no exponent).

    ``None`` or a non-finite value reads ``"—"``.
    """
    if value is None or not math.isfinite(value):
        return "—"
    magnitude = abs(value)
    if magnitude >= 100:
        text = f"{value:.0f}"
    elif magnitude >= 10:
        text = f"{value:.1f}"
    elif magnitude >= 1:
        text = f"{value:.2f}"
    elif magnitude == 0:
        text = "0"
    else:
        text = f"{value:.3f}"
    return "0" if text in ("-0", "-0.0", "-0.00", "-0.000") else text


def with_unit(value: float | None, unit: str) -> str:
    """``format_value(value)`` followed by the unit (``"°"`` and ``"%"`` without a space)."""
    text = format_value(value)
    if unit in ("", "1", "-", "ratio") or text == "—":
        return text
    symbol = {"deg": "°", "degrees": "°"}.get(unit, unit)
    return f"{text}{symbol}" if symbol in ("°", "%") else f"{text} {symbol}"


def parse_time(recorded_at: str) -> datetime | None:
    """The time of an ISO 8601 ``recorded_at`` (naive times taken as UTC), or None."""
    if not recorded_at:
        return None
    try:
        moment = datetime.fromisoformat(recorded_at.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def format_date(recorded_at: str) -> str:
    """``"2026-11-30T07:00:00+00:00"`` → ``"30 Nov 2026, 07:00 UTC"`` (as recorded)."""
    moment = parse_time(recorded_at)
    if moment is None:
        return recorded_at or "date not recorded"
    zone = moment.tzname() or ""
    zone = "UTC" if zone in ("UTC", "UTC+00:00") else zone
    return f"{moment.day} {moment:%b %Y, %H:%M} {zone}".strip()


def verdict_words(verdict: str) -> str:
    """A norm verdict in words (``"above"`` → ``"above the reference range"``)."""
    return _VERDICT_WORDS.get(verdict, verdict)


def range_text(low: float | None, high: float | None, unit: str = "") -> str:
    """A reference range in words: ``"2.0 to 4.5 mm"``, ``"at most 4.5°"``, ``"at least 10 s"``."""
    if low is not None and high is not None:
        return f"{format_value(low)} to {with_unit(high, unit)}"
    if high is not None:
        return f"at most {with_unit(high, unit)}"
    if low is not None:
        return f"at least {with_unit(low, unit)}"
    return "—"


def describe_value(value: Any) -> str:
    """Any quality, condition or source value as short text (numbers via :func:`format_value`)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_value(value)
    if value is None:
        return "—"
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {describe_value(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        if len(value) > 3 and all(isinstance(v, Mapping) for v in value):
            return f"{len(value)} entries (listed in the result file)"
        return ", ".join(describe_value(v) for v in value)
    return str(value)


def conditions_text(conditions: Mapping[str, Any]) -> str:
    """The test conditions on one line: ``"eyes: closed · surface: foam"``.

    Conditions of several trials (e.g. ``{"eyes_open": {...}, "eyes_closed": {...}}``) read as
    what the trials share, then the trials' names.
    """
    flat = {k: v for k, v in conditions.items() if not isinstance(v, Mapping)}
    nested = {k: v for k, v in conditions.items() if isinstance(v, Mapping)}
    if nested:
        groups = list(nested.values())
        shared = {k: v for k, v in groups[0].items() if all(g.get(k) == v for g in groups[1:])}
        flat = {**flat, **{k: v for k, v in shared.items() if k not in flat}}
        flat["trials"] = ", ".join(k.replace("_", " ") for k in nested)
    return " · ".join(
        f"{key.replace('_', ' ')}: {describe_value(value)}" for key, value in flat.items()
    )


def unit_of(result: AssessmentResult, metric: str) -> str:
    """The unit of one of the result's metrics (empty when unknown)."""
    info = result.metric_info.get(metric)
    return info.unit if info is not None else ""


@dataclass(frozen=True)
class TrendGroup:
    """Results of one test under the same conditions, recorded on at least two dates.

    Attributes:
        test: the test name.
        label: the shared conditions in words (e.g. ``"eyes: closed"``), may be empty.
        results: the usable results, oldest first.
        metrics: the metrics to chart (those compared with a norm first, at most four).
    """

    test: str
    label: str
    results: tuple[AssessmentResult, ...]
    metrics: tuple[str, ...]


def _condition_key(conditions: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    # Only categorical conditions (eyes, surface, side, joint) separate trends; numbers such as
    # the person's age change between visits without changing the test.
    return tuple(sorted((k, v) for k, v in conditions.items() if isinstance(v, str)))


def trend_groups(results: Iterable[AssessmentResult], max_metrics: int = 4) -> list[TrendGroup]:
    """Group usable results by test and conditions; keep groups recorded on ≥ 2 dates."""
    groups: dict[tuple[str, tuple[tuple[str, str], ...]], list[AssessmentResult]] = {}
    for result in results:
        if result.usable and result.metrics and parse_time(result.recorded_at) is not None:
            key = (result.test, _condition_key(result.conditions))
            groups.setdefault(key, []).append(result)
    trends = []
    for (test, condition_key), members in groups.items():
        dated = sorted(members, key=lambda r: parse_time(r.recorded_at))  # type: ignore[arg-type,return-value]
        days = {parse_time(r.recorded_at).date() for r in dated}  # type: ignore[union-attr]
        if len(days) < 2:
            continue
        metrics = _main_metrics(dated, max_metrics)
        if metrics:
            label = " · ".join(f"{k.replace('_', ' ')}: {v}" for k, v in condition_key)
            trends.append(TrendGroup(test, label, tuple(dated), metrics))
    return trends


def _main_metrics(results: Sequence[AssessmentResult], limit: int) -> tuple[str, ...]:
    """Metrics measured at least twice: those with a norm first, then in the results' order."""
    counts: dict[str, int] = {}
    for result in results:
        for name in result.metrics:
            counts[name] = counts.get(name, 0) + 1
    normed = [n.metric for r in results for n in r.norms]
    ordered = list(dict.fromkeys([*normed, *(m for r in results for m in r.metrics)]))
    return tuple(m for m in ordered if counts.get(m, 0) >= 2)[:limit]


def parse_results(data: Any, origin: str) -> list[AssessmentResult]:
    """The results in JSON ``data`` (one object or a list of objects) read from ``origin``.

    Raises:
        InputFileError: ``data`` is not an assessment result or a list of them.
    """
    items = data if isinstance(data, list) else [data]
    if not items:
        raise InputFileError(f"{origin} holds an empty list: no assessment result to report")
    results = []
    for i, item in enumerate(items):
        where = origin if not isinstance(data, list) else f"{origin} item {i + 1}"
        if not isinstance(item, dict) or "test" not in item or "usable" not in item:
            raise InputFileError(
                f"{where} is not an assessment result (expected the JSON that "
                "'kinesense assess TEST --json' prints, with 'test' and 'usable')"
            )
        version = item.get("format_version", FORMAT_VERSION)
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise InputFileError(
                f"{where} has format_version {version!r}; this kinesense reads up to "
                f"{FORMAT_VERSION}: update kinesense"
            )
        try:
            results.append(AssessmentResult.from_json(item))
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            raise InputFileError(f"{where} is not a valid assessment result: {exc}") from None
    return results
