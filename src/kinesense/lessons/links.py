"""Which lessons go with a result, an exercise or a report.

* A result: the lessons that link to its test (found through the assessment registry, so
  ``"mobility-flexion"`` finds the lessons of ``mobility``), how to read the result first, then
  the basics and the training (:data:`TOPIC_ORDER`), then those linked everywhere.
* An exercise: the lessons of its category, then those linked everywhere.
* A report: the lessons of its results in their order, the basics, then those linked
  everywhere; each lesson once.
"""

from collections.abc import Iterable

from kinesense.errors import NotFoundError
from kinesense.lessons.loader import load_lessons
from kinesense.lessons.model import Lesson

TOPIC_ORDER = ("results", "basics", "training", "safety")
"""The order of a result's own lessons: how to read it, then why it matters."""


def _everywhere() -> list[Lesson]:
    return [lesson for lesson in load_lessons().values() if lesson.links.everywhere]


def _unique(lessons: Iterable[Lesson]) -> tuple[Lesson, ...]:
    return tuple({lesson.id: lesson for lesson in lessons}.values())


def lessons_for_result(test: str) -> tuple[Lesson, ...]:
    """The lessons a result of ``test`` (a result or test name) links to; a name no test gives
    links to the lessons linked everywhere only."""
    from kinesense.assess.registry import spec_for_result

    try:
        name = spec_for_result(test).name
    except NotFoundError:
        return _unique(_everywhere())
    own = [lesson for lesson in load_lessons().values() if name in lesson.links.tests]
    own.sort(key=lambda lesson: TOPIC_ORDER.index(lesson.topic))
    return _unique([*own, *_everywhere()])


def lessons_for_exercise(category: str) -> tuple[Lesson, ...]:
    """The lessons an exercise of ``category`` (``"balance"``, ``"core"``...) links to."""
    own = [
        lesson for lesson in load_lessons().values() if category in lesson.links.exercise_categories
    ]
    return _unique([*own, *_everywhere()])


def lessons_for_report(tests: Iterable[str]) -> tuple[Lesson, ...]:
    """The lessons a report of results of ``tests`` shows (see the module docstring)."""
    found: list[Lesson] = []
    for test in tests:
        found += [lesson for lesson in lessons_for_result(test) if not lesson.links.everywhere]
    basics = [lesson for lesson in load_lessons().values() if lesson.topic == "basics"]
    return _unique([*found, *basics, *_everywhere()])
