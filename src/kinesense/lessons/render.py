"""Lessons as safe HTML (for the web app and the HTML report) and as plain lines (PDF, terminal).

Every piece of lesson text is escaped (:func:`html.escape`, quotes included): a lesson file
cannot inject markup, scripts or attributes into a page. The HTML uses only ``article``,
``h1``-``h4``, ``p``, ``ul``, ``ol`` and ``li`` with the classes ``lesson``,
``lesson-summary`` and ``lesson-sources``, so a page's own stylesheet styles it; anchors are
``id="lesson-<id>"`` (:func:`lesson_anchor`).
"""

from html import escape

from kinesense.lessons.model import Lesson


def lesson_anchor(lesson: Lesson) -> str:
    """The HTML id of the lesson's article (``lesson-reading-sway``)."""
    return f"lesson-{lesson.id}"


def lesson_html(lesson: Lesson, heading_level: int = 2) -> str:
    """The lesson as one escaped ``<article>``; its title at ``heading_level`` (1 on a page of
    its own, 2 or 3 inside a page), its section headings one level below."""
    if heading_level not in (1, 2, 3):
        raise ValueError("heading_level must be 1, 2 or 3")
    title, sub = f"h{heading_level}", f"h{heading_level + 1}"
    parts = [
        f'<article class="lesson" id="{escape(lesson_anchor(lesson))}">',
        f"<{title}>{escape(lesson.title)}</{title}>",
        f'<p class="lesson-summary">{escape(lesson.summary)}</p>',
    ]
    for section in lesson.sections:
        if section.heading:
            parts.append(f"<{sub}>{escape(section.heading)}</{sub}>")
        parts += [f"<p>{escape(text)}</p>" for text in section.paragraphs]
        if section.points:
            items = "".join(f"<li>{escape(point)}</li>" for point in section.points)
            parts.append(f"<ul>{items}</ul>")
    sources = "".join(
        f"<li>{escape(source.citation)} ({escape(source.supports)})</li>"
        for source in lesson.sources
    )
    parts.append(f'<{sub}>Sources</{sub}><ol class="lesson-sources">{sources}</ol></article>')
    return "\n".join(parts)


def lesson_lines(lesson: Lesson) -> list[tuple[str, str]]:
    """The lesson as ``(kind, text)`` lines in reading order, for plain-text and PDF output:
    kinds ``title``, ``summary``, ``heading``, ``paragraph``, ``point``, ``source``."""
    lines = [("title", lesson.title), ("summary", lesson.summary)]
    for section in lesson.sections:
        if section.heading:
            lines.append(("heading", section.heading))
        lines += [("paragraph", text) for text in section.paragraphs]
        lines += [("point", text) for text in section.points]
    lines += [("source", f"{s.citation} ({s.supports})") for s in lesson.sources]
    return lines
