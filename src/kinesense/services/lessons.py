"""The lessons, for the front ends (the web app's pages, the command line): each lesson as data
and as safe HTML, and the lessons that go with a result, an exercise or a report.

Thin wrappers over :mod:`kinesense.lessons`, so that front ends call a service. Every HTML
string here is escaped (:func:`kinesense.lessons.lesson_html`): a page may insert it as is.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kinesense.lessons import (
    Lesson,
    get_lesson,
    lesson_anchor,
    lesson_html,
    lessons_for_exercise,
    lessons_for_report,
    lessons_for_result,
    load_lessons,
)


@dataclass(frozen=True)
class LessonPage:
    """A lesson ready to show: its id, title, summary, topic, anchor, escaped HTML, grade
    (Flesch-Kincaid) and whether it is linked from everything (``everywhere``)."""

    id: str
    title: str
    summary: str
    topic: str
    anchor: str
    html: str
    grade: float
    everywhere: bool = False


def _page(lesson: Lesson, heading_level: int) -> LessonPage:
    return LessonPage(
        id=lesson.id,
        title=lesson.title,
        summary=lesson.summary,
        topic=lesson.topic,
        anchor=lesson_anchor(lesson),
        html=lesson_html(lesson, heading_level=heading_level),
        grade=round(lesson.readability().grade, 1),
        everywhere=lesson.links.everywhere,
    )


def lesson_pages(heading_level: int = 2) -> list[LessonPage]:
    """Every lesson, in the library's order."""
    return [_page(lesson, heading_level) for lesson in load_lessons().values()]


def lesson_page(lesson_id: str, heading_level: int = 2) -> LessonPage:
    """One lesson; :class:`kinesense.errors.NotFoundError` for an unknown id."""
    return _page(get_lesson(lesson_id), heading_level)


def lessons_of_result(test: str, heading_level: int = 3) -> list[LessonPage]:
    """The lessons a result of ``test`` (result or test name) links to."""
    return [_page(lesson, heading_level) for lesson in lessons_for_result(test)]


def lessons_of_exercise(category: str, heading_level: int = 3) -> list[LessonPage]:
    """The lessons an exercise of ``category`` links to."""
    return [_page(lesson, heading_level) for lesson in lessons_for_exercise(category)]


def lessons_of_report(tests: Iterable[str], heading_level: int = 3) -> list[LessonPage]:
    """The lessons a report of results of ``tests`` shows."""
    return [_page(lesson, heading_level) for lesson in lessons_for_report(tests)]


def lessons_of_plan(categories: Mapping[str, str]) -> dict[str, list[LessonPage]]:
    """For each exercise id of ``categories`` (exercise id -> category), the lessons written for
    its category (those linked from everything are left out: a page shows them once)."""
    return {
        exercise_id: [page for page in lessons_of_exercise(category) if not page.everywhere]
        for exercise_id, category in categories.items()
    }


TOPIC_TITLES = {
    "basics": "The basics",
    "training": "Why these exercises",
    "results": "Reading your results",
    "safety": "Staying safe",
}
"""The headings of the lessons page, by lesson topic, in the order they are shown."""


def lessons_by_topic() -> list[tuple[str, list[LessonPage]]]:
    """Every lesson, under the heading of its topic (:data:`TOPIC_TITLES` order)."""
    pages = lesson_pages()
    return [
        (title, [page for page in pages if page.topic == topic])
        for topic, title in TOPIC_TITLES.items()
        if any(page.topic == topic for page in pages)
    ]
