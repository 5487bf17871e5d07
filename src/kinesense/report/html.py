"""The HTML report: one self-contained page (inline CSS, charts as base64 PNG ``data:`` URIs).

The page makes no external request (no fonts, scripts or images from the network), so it opens
offline, can be e-mailed as one file and prints cleanly from a browser. Each result shows its
comparison with its reference (or why there is none) with the reference's source, and links to
its lessons, which close the page (:mod:`kinesense.report.references`).
"""

import base64
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

from kinesense.assess.result import AssessmentResult
from kinesense.report import (
    DISCLAIMER,
    conditions_text,
    describe_value,
    format_date,
    metric_label,
    range_text,
    title_of,
    trend_groups,
    unit_of,
    verdict_words,
    with_unit,
)
from kinesense.report.plots import Chart, png_bytes, result_charts, trend_chart
from kinesense.report.references import lesson_links_html, lessons_html, reference_html

_CSS = """
:root { --ink:#1f2933; --muted:#6b7280; --line:#e5e7eb; --blue:#3f6e8c; --sage:#dcebdf;
        --sage-ink:#2f5d3a; --amber:#fbeedd; --amber-ink:#8a4b14; --paper:#f7f8fa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--paper); color: var(--ink);
       font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 32px 24px 48px; }
header h1 { margin: 0 0 4px; font-size: 28px; font-weight: 650; }
.meta { color: var(--muted); margin: 0; }
section { background: #fff; border: 1px solid var(--line); border-radius: 12px;
          padding: 20px 24px; margin: 24px 0; }
h2 { font-size: 22px; margin: 0 0 2px; }
h3 { font-size: 16px; margin: 20px 0 6px; color: var(--blue); }
.when { color: var(--muted); margin: 0 0 12px; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 7px 10px;
         border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; font-size: 13px; }
td.value { white-space: nowrap; font-weight: 600; font-variant-numeric: tabular-nums; }
table.pairs { width: auto; min-width: 50%; }
table.pairs th { padding-right: 32px; }
code { font-size: 12px; color: var(--muted); }
.ref { color: var(--muted); font-size: 13px; }
.status { border-radius: 10px; padding: 10px 14px; margin: 8px 0 4px; }
.status.ok { background: var(--sage); color: var(--sage-ink); }
.status.unusable { background: var(--amber); color: var(--amber-ink);
                   border-left: 5px solid #c97b4a; }
.status ul { margin: 6px 0 4px 20px; padding: 0; }
.badge { display: inline-block; border-radius: 999px; padding: 1px 10px; font-size: 13px;
         font-weight: 600; white-space: nowrap; }
.badge.within, .badge.ok { background: var(--sage); color: var(--sage-ink); }
.badge.above, .badge.below, .badge.unusable { background: var(--amber); color: var(--amber-ink); }
.interpretation { font-size: 17px; }
figure { margin: 16px 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 8px; }
figcaption { color: var(--muted); font-size: 14px; margin-top: 4px; }
.problem { color: var(--amber-ink); font-size: 14px; }
details { margin-top: 14px; color: var(--muted); font-size: 14px; }
p.lessons { font-size: 14px; margin-top: 14px; }
article.lesson { border-top: 1px solid var(--line); padding-top: 8px; margin-top: 18px; }
article.lesson h4 { margin: 14px 0 4px; font-size: 15px; }
.lesson-summary { font-size: 17px; }
ol.lesson-sources { color: var(--muted); font-size: 13px; }
footer { color: var(--muted); font-size: 14px; border-top: 1px solid var(--line);
         padding-top: 14px; margin-top: 32px; }
@media print { body { background: #fff; } section { break-inside: avoid-page;
               border: none; padding: 0; } figure { break-inside: avoid; } }
"""


MAIN_METRICS = 8
"""Measurements listed openly; the rest of a long list folds under "N more measurements"."""


def render_html(
    results: Sequence[AssessmentResult],
    *,
    title: str = "Assessment report",
    person: str | None = None,
    generated_at: datetime | None = None,
) -> str:
    """The whole report as one HTML document (a string).

    Args:
        results: the results, shown in this order; trends follow for tests recorded on ≥ 2 dates.
        title: the page title.
        person: whom the report is about (shown in the header), if given.
        generated_at: when the report was made (default: now, UTC).
    """
    when = (generated_at or datetime.now(UTC)).isoformat(timespec="minutes")
    meta = [f"Report made {escape(format_date(when))}", f"{len(results)} result(s)"]
    if person:
        meta.insert(0, f"For {escape(person)}")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body><main>",
        f'<header><h1>{escape(title)}</h1><p class="meta">{" · ".join(meta)}</p></header>',
        _summary(results),
    ]
    parts.extend(_result_section(result, i + 1) for i, result in enumerate(results))
    parts.append(_trends(results))
    parts.append(lessons_html(results))
    parts.append(f"<footer><strong>Not a diagnosis.</strong> {escape(DISCLAIMER)}</footer>")
    parts.append("</main></body></html>")
    return "\n".join(part for part in parts if part)


def _summary(results: Sequence[AssessmentResult]) -> str:
    rows = []
    for i, result in enumerate(results, start=1):
        if result.usable:
            verdicts = "; ".join(
                f"{escape(metric_label(n.metric))} {escape(verdict_words(n.verdict))}"
                for n in result.norms
            )
            status = '<span class="badge ok">measured</span>'
        else:
            verdicts = "could not be judged: " + escape("; ".join(result.reasons))
            status = '<span class="badge unusable">not usable</span>'
        rows.append(
            f'<tr><td><a href="#result-{i}">{escape(title_of(result.test))}</a>'
            f'<br><span class="ref">{escape(conditions_text(result.conditions))}</span></td>'
            f"<td>{escape(format_date(result.recorded_at))}</td><td>{status}</td>"
            f"<td>{verdicts or '—'}</td></tr>"
        )
    return (
        "<section><h2>Summary</h2><table><thead><tr><th>Test</th><th>Recorded</th>"
        "<th>Status</th><th>Compared with norms</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></section>"
    )


def _result_section(result: AssessmentResult, number: int) -> str:
    parts = [
        f'<section id="result-{number}"><h2>{escape(title_of(result.test))}</h2>',
        f'<p class="when">{escape(format_date(result.recorded_at))}'
        + (f" · {escape(conditions_text(result.conditions))}" if result.conditions else "")
        + "</p>",
    ]
    if result.usable:
        parts.append('<div class="status ok">Recording usable: the measurements below count.</div>')
    else:
        reasons = "".join(f"<li>{escape(reason)}</li>" for reason in result.reasons)
        parts.append(
            '<div class="status unusable"><strong>This recording could not be judged.</strong>'
            f"<ul>{reasons}</ul>No measurements are shown, because numbers from this recording "
            "would mislead. Please record the test again.</div>"
        )
    if result.protocol:
        parts.append(f"<h3>How the test was done</h3><p>{escape(result.protocol)}</p>")
    if result.usable:
        if result.interpretation:
            parts.append(
                f'<h3>What this shows</h3><p class="interpretation">'
                f"{escape(result.interpretation)}</p>"
            )
        parts.append(_norms(result))
        parts.append(reference_html(result))
        parts.append(_charts(result))
        parts.append(_metrics(result))
    if result.notes:
        notes = "".join(f"<li>{escape(note)}</li>" for note in result.notes)
        parts.append(f"<h3>Notes</h3><ul>{notes}</ul>")
    parts.append(lesson_links_html(result))
    parts.append(_key_values("Recording quality", result.quality))
    if result.source:
        parts.append(
            "<details><summary>Where the recording came from</summary>"
            + _key_values("", result.source)
            + "</details>"
        )
    parts.append("</section>")
    return "\n".join(part for part in parts if part)


def _metrics(result: AssessmentResult) -> str:
    if not result.metrics:
        return "<h3>Measurements</h3><p>No measurements were reported.</p>"
    rows = []
    for name, value in _ordered_metrics(result):
        info = result.metric_info[name]
        rows.append(
            f"<tr><td>{escape(metric_label(name))}<br><code>{escape(name)}</code></td>"
            f'<td class="value">{escape(with_unit(value, info.unit))}</td>'
            f"<td>{escape(info.definition)}</td>"
            f'<td class="ref">{escape(info.reference)}</td></tr>'
        )
    head = (
        "<table><thead><tr><th>Measurement</th><th>Value</th>"
        "<th>What it means</th><th>Reference</th></tr></thead><tbody>"
    )
    shown = "<h3>Measurements</h3>" + head + "".join(rows[:MAIN_METRICS]) + "</tbody></table>"
    if len(rows) <= MAIN_METRICS:
        return shown
    return (
        shown
        + f"<details><summary>{len(rows) - MAIN_METRICS} more measurements</summary>"
        + head
        + "".join(rows[MAIN_METRICS:])
        + "</tbody></table></details>"
    )


def _ordered_metrics(result: AssessmentResult) -> list[tuple[str, float]]:
    """The metrics compared with a norm first, then the others in the result's order."""
    normed = [n.metric for n in result.norms if n.metric in result.metrics]
    names = list(dict.fromkeys([*normed, *result.metrics]))
    return [(name, result.metrics[name]) for name in names]


def _norms(result: AssessmentResult) -> str:
    if not result.norms:
        return ""
    rows = []
    for norm in result.norms:
        unit = unit_of(result, norm.metric)
        rows.append(
            f"<tr><td>{escape(metric_label(norm.metric))}</td>"
            f'<td class="value">{escape(with_unit(norm.value, unit))}</td>'
            f"<td>{escape(range_text(norm.low, norm.high, unit))}"
            f'<br><span class="ref">{escape(norm.population)}</span></td>'
            f'<td><span class="badge {escape(norm.verdict)}">'
            f"{escape(verdict_words(norm.verdict))}</span>"
            + (f'<br><span class="ref">{escape(norm.text)}</span>' if norm.text else "")
            + "</td>"
            f'<td class="ref">{escape(norm.source)}</td></tr>'
        )
    return (
        "<h3>Compared with published norms</h3><table><thead><tr><th>Measurement</th>"
        "<th>Value</th><th>Reference range</th><th>Verdict</th><th>Source</th></tr></thead>"
        "<tbody>" + "".join(rows) + "</tbody></table>"
    )


def _figure(chart: Chart) -> str:
    data = base64.b64encode(png_bytes(chart)).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{escape(chart.title)}">'
        f"<figcaption>{escape(chart.caption)}</figcaption></figure>"
    )


def _charts(result: AssessmentResult) -> str:
    charts, problems = result_charts(result)
    parts = [_figure(chart) for chart in charts]
    parts.extend(
        f'<p class="problem">The {escape(p.chart)} chart could not be drawn: '
        f"{escape(p.reason)}.</p>"
        for p in problems
    )
    return "<h3>Charts</h3>" + "".join(parts) if parts else ""


def _key_values(heading: str, values: Mapping[str, Any]) -> str:
    if not values:
        return ""
    rows = "".join(
        f"<tr><th>{escape(str(key).replace('_', ' '))}</th>"
        f"<td>{escape(describe_value(value))}</td></tr>"
        for key, value in values.items()
    )
    title = f"<h3>{escape(heading)}</h3>" if heading else ""
    return f'{title}<table class="pairs"><tbody>{rows}</tbody></table>'


def _trends(results: Sequence[AssessmentResult]) -> str:
    groups = trend_groups(results)
    if not groups:
        return ""
    parts = ["<section><h2>Progress over time</h2>"]
    for group in groups:
        chart = trend_chart(group.test, group.label, group.results, group.metrics)
        dates = ", ".join(format_date(r.recorded_at) for r in group.results)
        parts.append(f'<p class="ref">Visits: {escape(dates)}</p>' + _figure(chart))
    parts.append("</section>")
    return "\n".join(parts)
