"""Short lessons in plain words: what proprioception is, why the training helps, how to read
each result, and when to stop and seek care.

The lessons are data files (``library/*.json``, format in :mod:`kinesense.lessons.model`),
written by the project in its own words, each with its sources, and kept at a Flesch-Kincaid
grade of 8 or below (:mod:`kinesense.lessons.readability`). Results, exercises and reports link
to them (:mod:`kinesense.lessons.links`); the reports and the web app show the same files
(:mod:`kinesense.lessons.render`).

Public interface::

    load_lessons() -> Mapping[str, Lesson]          # every lesson by id, validated
    get_lesson(lesson_id) -> Lesson                  # NotFoundError for an unknown id
    lessons_for_result(test) -> tuple[Lesson, ...]   # by result or test name (the registry)
    lessons_for_exercise(category) -> tuple[Lesson, ...]
    lessons_for_report(tests) -> tuple[Lesson, ...]
    lesson_html(lesson, heading_level=2) -> str      # escaped HTML <article>
    lesson_lines(lesson) -> list[tuple[str, str]]    # plain lines for PDF or a terminal
    lesson.readability().grade -> float              # Flesch-Kincaid grade
"""

from kinesense.lessons.links import lessons_for_exercise, lessons_for_report, lessons_for_result
from kinesense.lessons.loader import get_lesson, load_lessons
from kinesense.lessons.model import MAX_GRADE, Lesson, LessonDataError
from kinesense.lessons.render import lesson_anchor, lesson_html, lesson_lines

__all__ = [
    "MAX_GRADE",
    "Lesson",
    "LessonDataError",
    "get_lesson",
    "lesson_anchor",
    "lesson_html",
    "lesson_lines",
    "lessons_for_exercise",
    "lessons_for_report",
    "lessons_for_result",
    "load_lessons",
]
