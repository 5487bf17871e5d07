"""The PDF report: A4 pages drawn by matplotlib's ``PdfPages`` (no system library needed).

A cover page summarises the results; each result then has its text pages (status, protocol,
interpretation, norms, the comparison with its reference or why there is none, measurements
with definitions and references, notes, its lessons, quality) followed by its charts, two to a
page, as vector graphics; trends, then the lessons (:mod:`kinesense.lessons`), close the report.
Every page carries the page number and the reminder that the report is not a diagnosis.

:func:`layout_pages` decides what goes on each page without drawing anything (tests read it);
:func:`write_pdf` draws and saves.
"""

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure, SubFigure

from kinesense.assess.result import AssessmentResult
from kinesense.errors import InputFileError
from kinesense.lessons import Lesson, lesson_lines
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
from kinesense.report.plots import BLUE, GREY, INK, Chart, result_charts, trend_chart
from kinesense.report.references import reference_items, report_lessons, result_lessons

A4_IN = (8.27, 11.69)
MARGIN_IN = 0.75
_TEXT_TOP_IN = 0.8
_TEXT_BOTTOM_IN = 0.9
AMBER = "#8a4b14"

# style: (font size pt, weight, colour, space before in line heights)
_STYLES: dict[str, tuple[float, str, str, float]] = {
    "title": (20, "bold", INK, 0.0),
    "h1": (16, "bold", INK, 0.6),
    "h2": (12, "bold", BLUE, 0.7),
    "body": (10, "normal", INK, 0.0),
    "strong": (10, "bold", INK, 0.25),
    "small": (8.5, "normal", GREY, 0.0),
    "warn": (10.5, "bold", AMBER, 0.2),
}
_LINE_SPACING = 1.45
_CHART_SCALE = 0.85  # charts a little smaller on paper than on screen
_CAPTION_IN = 0.4


@dataclass(frozen=True)
class Line:
    """One line of text on a page, in one of the styles (``title``, ``h1``, ``h2``, ``body``,
    ``strong``, ``small``, ``warn``)."""

    style: str
    text: str

    @property
    def height_pt(self) -> float:
        """The vertical room the line takes, points (spacing before included)."""
        size, _, _, before = _STYLES[self.style]
        return size * _LINE_SPACING * (1 + before)


@dataclass(frozen=True)
class Page:
    """One page: text lines, or charts under a heading."""

    heading: str
    lines: tuple[Line, ...] = ()
    charts: tuple[Chart, ...] = field(default_factory=tuple)


def _wrap(style: str, text: str, indent: str = "") -> list[Line]:
    size = _STYLES[style][0]
    width_pt = (A4_IN[0] - 2 * MARGIN_IN) * 72
    chars = max(20, int(width_pt / (size * 0.56)))
    wrapped = textwrap.wrap(text, chars, subsequent_indent=indent) or [""]
    return [Line(style, part) for part in wrapped]


def cover_lines(
    results: Sequence[AssessmentResult], title: str, person: str | None, made: str
) -> list[Line]:
    """The cover page: title, whom and when, one line per result, the disclaimer."""
    lines = _wrap("title", title)
    if person:
        lines += _wrap("body", f"For {person}")
    lines += _wrap("small", f"Report made {made} · {len(results)} result(s)")
    lines += _wrap("h2", "Summary")
    for result in results:
        heading = f"{title_of(result.test)} — {format_date(result.recorded_at)}"
        if result.conditions:
            heading += f" ({conditions_text(result.conditions)})"
        lines += _wrap("strong", heading)
        if not result.usable:
            lines += _wrap("warn", "Could not be judged: " + "; ".join(result.reasons), "    ")
        elif result.norms:
            for norm in result.norms:
                text = f"{metric_label(norm.metric)}: {verdict_words(norm.verdict)}"
                lines += _wrap("body", "  • " + text, "    ")
        else:
            lines += _wrap("body", "  • measured (no published norm compared)", "    ")
    lines += _wrap("h2", "Not a diagnosis")
    lines += _wrap("body", DISCLAIMER)
    return lines


def result_lines(result: AssessmentResult) -> list[Line]:
    """The text of one result: an unusable one gets its reasons and no numbers."""
    lines = _wrap("h1", title_of(result.test))
    when = format_date(result.recorded_at)
    if result.conditions:
        when += " · " + conditions_text(result.conditions)
    lines += _wrap("small", when)
    if result.usable:
        lines += _wrap("strong", "Recording usable: the measurements below count.")
    else:
        lines += _wrap("warn", "This recording could not be judged:")
        for reason in result.reasons:
            lines += _wrap("warn", f"  • {reason}", "    ")
        lines += _wrap(
            "body",
            "No measurements are shown, because numbers from this recording would mislead. "
            "Please record the test again.",
        )
    if result.protocol:
        lines += _wrap("h2", "How the test was done") + _wrap("body", result.protocol)
    if result.usable:
        if result.interpretation:
            lines += _wrap("h2", "What this shows") + _wrap("body", result.interpretation)
        if result.norms:
            lines += _wrap("h2", "Compared with published norms")
            for norm in result.norms:
                unit = unit_of(result, norm.metric)
                lines += _wrap(
                    "strong",
                    f"{metric_label(norm.metric)} {with_unit(norm.value, unit)}: "
                    f"{verdict_words(norm.verdict)} ({range_text(norm.low, norm.high, unit)})",
                )
                if norm.text:
                    lines += _wrap("body", norm.text, "  ")
                lines += _wrap("small", f"{norm.population}. Source: {norm.source}")
        lines += _reference_lines(result)
        if result.metrics:
            lines += _wrap("h2", "Measurements")
            for name, value in result.metrics.items():
                info = result.metric_info[name]
                lines += _wrap("strong", f"{metric_label(name)}: {with_unit(value, info.unit)}")
                lines += _wrap("small", f"{info.definition} Reference: {info.reference}", "  ")
    if result.notes:
        lines += _wrap("h2", "Notes")
        for note in result.notes:
            lines += _wrap("body", f"  • {note}", "    ")
    titles = "; ".join(lesson.title for lesson in result_lessons(result))
    if titles:
        lines += _wrap("h2", "Learn more") + _wrap("body", f"{titles} (at the end of this report)")
    if result.quality:
        lines += _wrap("h2", "Recording quality")
        for key, value in result.quality.items():
            text = f"{str(key).replace('_', ' ')}: {describe_value(value)}"
            lines += _wrap("body", text, "    ")
    return lines


def _reference_lines(result: AssessmentResult) -> list[Line]:
    """The comparison with the result's reference, or why there is none, with its source."""
    items = reference_items(result)
    if not items:
        return []
    lines = _wrap("h2", "What the result means against a reference")
    styles = {"status": "strong", "metric": "body", "reason": "body", "detail": "small"}
    for kind, text in items:
        bullet = "  • " if kind in ("metric", "reason") else ""
        lines += _wrap(styles[kind], bullet + text, "    " if bullet else "")
    return lines


def lesson_page_lines(lesson: Lesson) -> list[Line]:
    """A lesson as PDF lines (:func:`kinesense.lessons.lesson_lines`)."""
    styles = {"title": "h1", "summary": "strong", "heading": "h2", "paragraph": "body",
              "point": "body", "source": "small"}  # fmt: skip
    lines: list[Line] = []
    sources_started = False
    for kind, text in lesson_lines(lesson):
        if kind == "source" and not sources_started:
            lines += _wrap("h2", "Sources")
            sources_started = True
        bullet = "  • " if kind in ("point", "source") else ""
        lines += _wrap(styles[kind], bullet + text, "    " if bullet else "")
    return lines


def _paginate(heading: str, lines: Sequence[Line]) -> list[Page]:
    room = (A4_IN[1] - _TEXT_TOP_IN - _TEXT_BOTTOM_IN) * 72
    pages: list[list[Line]] = [[]]
    used = 0.0
    for line in lines:
        if used + line.height_pt > room and pages[-1]:
            pages.append([])
            used = 0.0
        pages[-1].append(line)
        used += line.height_pt
    return [Page(heading, tuple(page)) for page in pages]


def _chart_height_in(chart: Chart) -> float:
    """Height a chart takes on the page, inches (its width fitted to the page; caption)."""
    return chart.size_in[1] * _CHART_SCALE + _CAPTION_IN


def _text_height_in(lines: Sequence[Line]) -> float:
    return sum(line.height_pt for line in lines) / 72


def _add_charts(pages: list[Page], heading: str, charts: Sequence[Chart]) -> None:
    """Put ``charts`` under the text of the last page while they fit, then on new pages."""
    bottom = A4_IN[1] - _TEXT_BOTTOM_IN
    last = pages[-1] if pages else None
    placed: list[Chart] = list(last.charts) if last is not None else []
    free = (
        bottom
        - _TEXT_TOP_IN
        - _text_height_in(last.lines)
        - 0.2
        - sum(map(_chart_height_in, placed))
        if last is not None
        else 0.0
    )
    for chart in charts:
        height = _chart_height_in(chart)
        if height > free and (placed or last is None or last.lines):
            if last is not None:
                pages[-1] = Page(last.heading, last.lines, tuple(placed))
            last = Page(heading)
            pages.append(last)
            placed, free = [], bottom - _TEXT_TOP_IN
        placed.append(chart)
        free -= height
    if last is not None and placed:
        pages[-1] = Page(last.heading, last.lines, tuple(placed))


def layout_pages(
    results: Sequence[AssessmentResult],
    *,
    title: str = "Assessment report",
    person: str | None = None,
    generated_at: datetime | None = None,
) -> list[Page]:
    """Every page of the report in order, not yet drawn."""
    made = format_date((generated_at or datetime.now(UTC)).isoformat(timespec="minutes"))
    pages = _paginate(title, cover_lines(results, title, person, made))
    for result in results:
        name = title_of(result.test)
        charts, problems = result_charts(result)
        lines = result_lines(result)
        for problem in problems:
            lines += _wrap(
                "warn", f"The {problem.chart} chart could not be drawn: {problem.reason}."
            )
        pages += _paginate(name, lines)
        _add_charts(pages, name, charts)
    groups = trend_groups(results)
    if groups:
        pages += _paginate("Progress over time", _wrap("h1", "Progress over time"))
        for group in groups:
            chart = trend_chart(group.test, group.label, group.results, group.metrics)
            _add_charts(pages, "Progress over time", [chart])
    for lesson in report_lessons(results):
        pages += _paginate(f"Learn more: {lesson.title}", lesson_page_lines(lesson))
    return pages


def _escape(text: str) -> str:
    return text.replace("$", r"\$")  # matplotlib reads $...$ as mathematics


def _frame(page: Figure, heading: str, number: int, total: int) -> None:
    width, height = A4_IN
    page.text(MARGIN_IN / width, 1 - 0.45 / height, _escape(heading), fontsize=8.5, color=GREY)
    page.text(
        MARGIN_IN / width,
        0.45 / height,
        "Not a diagnosis: see a physical therapist or a doctor for any concern.",
        fontsize=8,
        color=GREY,
    )
    page.text(
        1 - MARGIN_IN / width,
        0.45 / height,
        f"{number} / {total}",
        fontsize=8,
        color=GREY,
        ha="right",
    )


def _draw_text(page: Figure, lines: Sequence[Line]) -> None:
    width, height = A4_IN
    y_pt = _TEXT_TOP_IN * 72
    for line in lines:
        size, weight, colour, before = _STYLES[line.style]
        y_pt += size * _LINE_SPACING * before + size * _LINE_SPACING
        page.text(
            MARGIN_IN / width,
            1 - y_pt / 72 / height,
            _escape(line.text),
            fontsize=size,
            fontweight=weight,
            color=colour,
            va="baseline",
        )


def _draw_charts(page: Figure, top_in: float, charts: Sequence[Chart]) -> None:
    """Stack ``charts``, each over its caption, from ``top_in`` inches below the page top."""
    ratios = [top_in]
    for chart in charts:
        ratios += [chart.size_in[1] * _CHART_SCALE, _CAPTION_IN]
    ratios.append(max(A4_IN[1] - sum(ratios), 0.05))
    grid = page.subfigures(len(ratios), 1, squeeze=False, height_ratios=ratios)
    rows: list[SubFigure] = list(np.asarray(grid).ravel())
    for i, chart in enumerate(charts):
        chart.draw(rows[1 + 2 * i])
        caption = "\n".join(textwrap.wrap(chart.caption, 125))
        rows[2 + 2 * i].text(
            MARGIN_IN / A4_IN[0], 0.85, _escape(caption), fontsize=8.5, color=GREY, va="top"
        )


def write_pdf(
    results: Sequence[AssessmentResult],
    path: Path,
    *,
    title: str = "Assessment report",
    person: str | None = None,
) -> int:
    """Write the report as a PDF at ``path``; returns the number of pages.

    Raises:
        InputFileError: the file cannot be written.
    """
    from matplotlib.backends.backend_pdf import PdfPages

    pages = layout_pages(results, title=title, person=person)
    metadata = {"Title": title, "Creator": "kinesense", "Subject": "Assessment report"}
    try:
        with PdfPages(path, metadata=metadata) as pdf:
            for number, spec in enumerate(pages, start=1):
                page = Figure(figsize=A4_IN, layout="constrained" if spec.charts else None)
                _draw_text(page, spec.lines)
                if spec.charts:
                    top = _TEXT_TOP_IN + _text_height_in(spec.lines) + (0.1 if spec.lines else 0)
                    _draw_charts(page, top, spec.charts)
                _frame(page, spec.heading, number, len(pages))
                pdf.savefig(page)
    except OSError as exc:
        raise InputFileError(f"cannot write the PDF to {path}: {exc.strerror or exc}") from None
    return len(pages)
