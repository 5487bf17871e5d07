"""Read the exercise library: the files shipped with kinesense plus a therapist's own folder.

The shipped files live in ``kinesense/exercises/library/*.json``. A therapist adds or replaces an
exercise by dropping a JSON file in a user folder: the ``extra_dir`` argument, else the folder in
the ``KINESENSE_EXERCISES`` environment variable, else ``~/.local/share/kinesense/exercises``
when it exists. A user file with the id of a shipped exercise replaces it. After every file is
validated on its own, the library is checked as a whole: ``easier`` and ``harder`` must name
exercises that exist, and following ``harder`` (or ``easier``) links must never come back to
where it started.
"""

import os
from functools import lru_cache
from pathlib import Path

from kinesense.exercises.schema import Exercise, ExerciseDataError, exercise_from_dict
from kinesense.safe_json import loads_bounded

LIBRARY_DIR = Path(__file__).resolve().parent / "library"
ENV_VAR = "KINESENSE_EXERCISES"
NOT_JSON = "{source}: not valid JSON ({where})"
DEFAULT_USER_DIR = Path("~/.local/share/kinesense/exercises")


def read_exercise_file(path: str | Path) -> Exercise:
    """Read and validate one exercise file (no cross-file checks).

    Raises:
        ExerciseDataError: the file is unreadable, not JSON, or breaks the format; the message
            names the file and the field.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ExerciseDataError(f"{file}: cannot read the exercise file ({error})") from None
    data = loads_bounded(text, str(file), error=ExerciseDataError, not_json=NOT_JSON)
    exercise = exercise_from_dict(data, source=str(file))
    if exercise.id != file.stem:
        raise ExerciseDataError(
            f"{file}: field 'id': must match the file name {file.stem!r}; got {exercise.id!r}"
        )
    return exercise


def user_dir(extra_dir: str | Path | None = None) -> Path | None:
    """The user's exercise folder in force, or ``None`` when there is none.

    ``extra_dir`` or ``$KINESENSE_EXERCISES`` must exist when given (else
    :class:`ExerciseDataError`); the default folder is used only when it exists.
    """
    chosen = extra_dir if extra_dir is not None else os.environ.get(ENV_VAR) or None
    if chosen is not None:
        folder = Path(chosen).expanduser()
        if not folder.is_dir():
            raise ExerciseDataError(f"exercise folder not found: {folder}")
        return folder
    default = DEFAULT_USER_DIR.expanduser()
    return default if default.is_dir() else None


def load_library(extra_dir: str | Path | None = None) -> dict[str, Exercise]:
    """Every exercise, by id: the shipped library, then the user folder (see module docstring).

    Raises:
        ExerciseDataError: a file breaks the format, or the progression links are broken.
    """
    folders = [LIBRARY_DIR]
    extra = user_dir(extra_dir)
    if extra is not None:
        folders.append(extra)
    return _load_folders(tuple(folders))


def load_exercise(exercise_id: str, extra_dir: str | Path | None = None) -> Exercise:
    """One exercise of :func:`load_library` by id (``ExerciseDataError`` if unknown)."""
    library = load_library(extra_dir)
    if exercise_id not in library:
        raise ExerciseDataError(
            f"unknown exercise {exercise_id!r}; known: {', '.join(sorted(library))}"
        )
    return library[exercise_id]


def _load_folders(folders: tuple[Path, ...]) -> dict[str, Exercise]:
    library: dict[str, Exercise] = {}
    for folder in folders:
        for file in sorted(folder.glob("*.json")):
            exercise = _read_cached(file, file.stat().st_mtime_ns)
            library[exercise.id] = exercise
    check_links(library)
    return library


@lru_cache(maxsize=256)
def _read_cached(file: Path, mtime_ns: int) -> Exercise:
    del mtime_ns  # part of the cache key only: an edited file is read again
    return read_exercise_file(file)


def check_links(library: dict[str, Exercise]) -> None:
    """Check that ``easier``/``harder`` name known exercises and form no cycle.

    Raises:
        ExerciseDataError: naming the file, the field and the cycle.
    """
    for exercise in library.values():
        for field in ("easier", "harder"):
            for other in getattr(exercise, field):
                if other not in library:
                    raise ExerciseDataError(
                        f"{exercise.source_file}: field '{field}': unknown exercise {other!r}"
                    )
    _check_acyclic(library)


def _check_acyclic(library: dict[str, Exercise]) -> None:
    # One graph, an edge from each exercise to every harder one: its own ``harder`` links and
    # the reverse of the ``easier`` links (A easier = [B] means B -> A). Depth-first search; a
    # node met again while on the current path closes a cycle.
    harder: dict[str, list[str]] = {key: list(ex.harder) for key, ex in library.items()}
    for key, exercise in library.items():
        for other in exercise.easier:
            if key not in harder[other]:
                harder[other].append(key)
    done: set[str] = set()
    for root in sorted(library):
        if root in done:
            continue
        path: list[str] = []
        on_path: set[str] = set()
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            node, index = stack.pop()
            links = harder[node]
            if index == 0:
                path.append(node)
                on_path.add(node)
            if index < len(links):
                stack.append((node, index + 1))
                nxt = links[index]
                if nxt in on_path:
                    cycle = " -> ".join([*path[path.index(nxt) :], nxt])
                    raise ExerciseDataError(
                        f"{library[node].source_file}: fields 'easier'/'harder': progression "
                        f"cycle (each harder than the one before) {cycle}"
                    )
                if nxt not in done:
                    stack.append((nxt, 0))
            else:
                path.pop()
                on_path.discard(node)
                done.add(node)
