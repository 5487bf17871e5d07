"""The exercise library in force: the shipped exercises plus a therapist's folders from the
settings (``KINESENSE_EXERCISES``; a later folder's exercise replaces an earlier one of the same
id), and looking an exercise up by id with suggestions."""

import difflib
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from kinesense.errors import NotFoundError
from kinesense.exercises import Exercise, load_library
from kinesense.settings import Settings, load_settings


def exercise_library(settings: Settings | None = None) -> dict[str, Exercise]:
    """Every exercise by id (see the module docstring)."""
    folders = (settings or load_settings()).exercises
    if not folders:
        return dict(load_library())
    library: dict[str, Exercise] = {}
    for folder in folders:
        library |= load_library(folder)
    return library


def close_matches(name: str, library: Mapping[str, Exercise]) -> list[str]:
    """Exercise ids whose id or name is close to ``name`` (best first, at most five)."""
    ids = list(library)
    by_name = {exercise.name.lower(): key for key, exercise in library.items()}
    wanted = name.lower()
    found = difflib.get_close_matches(wanted, ids, n=5, cutoff=0.5)
    found += [by_name[n] for n in difflib.get_close_matches(wanted, by_name, n=5, cutoff=0.5)]
    found += [key for key in ids if wanted in key or wanted in library[key].name.lower()]
    return list(dict.fromkeys(found))[:5]


def find_exercise(exercise_id: str, library: Mapping[str, Exercise]) -> Exercise:
    """The exercise with this id; :class:`NotFoundError` with suggestions if none."""
    if exercise_id in library:
        return library[exercise_id]
    matches = close_matches(exercise_id, library)
    hint = f"did you mean {', '.join(matches)}?" if matches else "see kinesense coach --list"
    raise NotFoundError(f"unknown exercise {exercise_id!r}; {hint}")


@dataclass(frozen=True)
class ExerciseEntry:
    """One line of the library's listing."""

    id: str
    name: str
    category: str
    level: int
    camera_view: str
    mode: str

    def to_json(self) -> dict[str, str | int]:
        """JSON form (``kinesense coach --list --json``): the fields in the order above."""
        return asdict(self)


def list_exercises(settings: Settings | None = None) -> list[ExerciseEntry]:
    """The library, by category, level and id."""
    exercises = sorted(
        exercise_library(settings).values(), key=lambda e: (e.category, e.level, e.id)
    )
    return [
        ExerciseEntry(e.id, e.name, e.category, e.level, e.camera_view, e.mode) for e in exercises
    ]
