"""Read the lessons shipped with kinesense (``kinesense/lessons/library/*.json``).

Each file is validated on its own (:class:`~kinesense.lessons.model.Lesson`; its id must be its
file name), then the set as a whole: the tests a lesson links to must be registered
assessments and its exercise categories must exist. Any problem is one
:class:`~kinesense.lessons.model.LessonDataError` naming the file and the field.
"""

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from kinesense.errors import NotFoundError
from kinesense.lessons.model import Lesson, LessonDataError
from kinesense.safe_json import NOT_JSON_TABLE, loads_bounded
from kinesense.validation_errors import validated


def library_files() -> list[Any]:
    """The lesson files, sorted by name (importlib resources)."""
    folder = resources.files("kinesense.lessons") / "library"
    return sorted((p for p in folder.iterdir() if p.name.endswith(".json")), key=lambda p: p.name)


def parse_lesson(text: str, origin: str) -> Lesson:
    """One lesson from the JSON ``text`` of the file ``origin`` (no cross-file checks)."""
    data = loads_bounded(text, origin, error=LessonDataError, not_json=NOT_JSON_TABLE)
    lesson = validated(Lesson, data, origin, LessonDataError)
    stem = origin.rsplit("/", 1)[-1].removesuffix(".json")
    if lesson.id != stem:
        raise LessonDataError(f"{origin}: id: must match the file name {stem!r}; got {lesson.id!r}")
    return lesson


def check_links(lessons: Mapping[str, Lesson]) -> None:
    """Refuse links to tests that are not registered or exercise categories that do not exist
    (:class:`LessonDataError` naming the file and the field)."""
    from kinesense.assess.registry import assessment_names
    from kinesense.exercises.schema import CATEGORIES

    tests = set(assessment_names())
    for lesson in lessons.values():
        origin = f"lessons/{lesson.id}.json"
        for i, name in enumerate(lesson.links.tests):
            if name not in tests:
                raise LessonDataError(
                    f"{origin}: links.tests[{i}]: no assessment called {name!r}; the "
                    f"assessments are: {', '.join(sorted(tests))}"
                )
        for i, category in enumerate(lesson.links.exercise_categories):
            if category not in CATEGORIES:
                raise LessonDataError(
                    f"{origin}: links.exercise_categories[{i}]: {category!r} is not an exercise "
                    f"category ({', '.join(CATEGORIES)})"
                )


@cache
def load_lessons() -> Mapping[str, Lesson]:
    """Every shipped lesson by id, in file-name order, validated (see the module docstring)."""
    lessons: dict[str, Lesson] = {}
    for path in library_files():
        lesson = parse_lesson(path.read_text(encoding="utf-8"), f"lessons/{path.name}")
        lessons[lesson.id] = lesson
    check_links(lessons)
    return lessons


def get_lesson(lesson_id: str) -> Lesson:
    """The lesson called ``lesson_id``; :class:`NotFoundError` lists the ids when there is none."""
    lessons = load_lessons()
    try:
        return lessons[lesson_id]
    except KeyError:
        raise NotFoundError(
            f"no lesson called {lesson_id!r}; the lessons are: {', '.join(lessons)}"
        ) from None
