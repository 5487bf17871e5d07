"""What a result means and where to learn more: the reference comparison of a result (its
``norm``, shown with its group, protocol and source, or the reasons there is none) and the
lessons linked to it (:mod:`kinesense.lessons`), as report text.

Shared by the HTML page (:mod:`kinesense.report.html`) and the PDF (:mod:`kinesense.report.pdf`):
:func:`reference_items` gives the comparison as ``(kind, text)`` lines, :func:`reference_html`
as escaped HTML; :func:`lesson_links_html` links a result to the lessons printed at the end of
the page by :func:`lessons_html`.
"""

from collections.abc import Sequence
from html import escape

from kinesense.assess.result import AssessmentResult
from kinesense.lessons import (
    Lesson,
    lesson_anchor,
    lesson_html,
    lessons_for_report,
    lessons_for_result,
)


def reference_items(result: AssessmentResult) -> list[tuple[str, str]]:
    """The result's reference comparison as ``(kind, text)`` lines (kinds ``status``,
    ``metric``, ``reason``, ``detail``); empty when the test has no reference."""
    norm = result.norm
    if norm is None:
        return []
    if not norm.compared:
        items = [("status", "Not compared with a reference, because:")]
        items += [("reason", reason) for reason in norm.reasons]
    else:
        group = norm.group.description if norm.group is not None else ""
        items = [("status", f"Compared with {group}." if group else "Compared with a reference.")]
        items += [("metric", verdict.text) for verdict in norm.metrics]
        items += [("reason", f"{metric.replace('_', ' ')} not compared: {why}")
                  for metric, why in norm.not_compared.items()]  # fmt: skip
    if norm.protocol:
        items.append(("detail", f"How the reference was measured: {norm.protocol}."))
    if norm.source:
        items.append(("detail", f"Source: {norm.source}."))
    return items


def reference_html(result: AssessmentResult) -> str:
    """:func:`reference_items` as an escaped HTML block (empty without a reference)."""
    items = reference_items(result)
    if not items:
        return ""
    parts = ["<h3>What the result means against a reference</h3>"]
    listed = [text for kind, text in items if kind in ("metric", "reason")]
    for kind, text in items:
        if kind == "status":
            parts.append(f"<p>{escape(text)}</p>")
            if listed:
                parts.append("<ul>" + "".join(f"<li>{escape(t)}</li>" for t in listed) + "</ul>")
        elif kind == "detail":
            parts.append(f'<p class="ref">{escape(text)}</p>')
    return "".join(parts)


def result_lessons(result: AssessmentResult) -> tuple[Lesson, ...]:
    """The lessons a result links to (through the registry, by its test name)."""
    return lessons_for_result(result.test)


def lesson_links_html(result: AssessmentResult) -> str:
    """A "Learn more" line linking to the result's lessons further down the page."""
    links = ", ".join(
        f'<a href="#{escape(lesson_anchor(lesson))}">{escape(lesson.title)}</a>'
        for lesson in result_lessons(result)
    )
    return f'<p class="lessons">Learn more: {links}</p>' if links else ""


def report_lessons(results: Sequence[AssessmentResult]) -> tuple[Lesson, ...]:
    """The lessons a report of ``results`` prints at its end."""
    return lessons_for_report(result.test for result in results)


def lessons_html(results: Sequence[AssessmentResult]) -> str:
    """The section of lessons closing the page (each an ``<article>`` with its anchor)."""
    lessons = report_lessons(results)
    if not lessons:
        return ""
    articles = "\n".join(lesson_html(lesson, heading_level=3) for lesson in lessons)
    return (
        '<section id="lessons"><h2>Learn more</h2><p class="meta">Short lessons written for '
        "kinesense, each with its sources.</p>\n" + articles + "</section>"
    )
