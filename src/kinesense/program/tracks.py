"""The planner's exercise ladders, read from ``data/tracks.json`` and checked when loaded.

A *track* (balance, proprioceptive re-education, trunk control, a gentle start) groups
*ladders*; a ladder is an ordered list of *steps* from easiest to hardest, each an exercise of the
library with its dose (sets, repetitions or holds per set, hold time in seconds) and the
equipment it needs. Progression moves an exercise one step up its ladder (a higher dose or the
``harder`` exercise), regression one step down. The file also holds the rule thresholds the
progression module uses (``success``), so a clinic can review them in one place.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from kinesense.errors import KinesenseError
from kinesense.exercises import Exercise

TRACKS_FILE = "tracks.json"


class TrackDataError(KinesenseError):
    """``tracks.json`` is malformed or names an exercise the library does not have."""


@dataclass(frozen=True)
class Step:
    """One rung of a ladder: an exercise and its dose.

    ``reps`` is repetitions per set (``reps`` exercises) or holds per set (``hold`` exercises);
    ``hold_s`` the target time of each hold in seconds (None for repetitions).
    """

    exercise_id: str
    sets: int
    reps: int
    hold_s: float | None
    equipment: frozenset[str]


@dataclass(frozen=True)
class Ladder:
    """An ordered list of steps, easiest first; ``neck_only`` / ``hinge`` mark special uses."""

    id: str
    track: str
    steps: tuple[Step, ...]
    neck_only: bool = False
    hinge: bool = False


@dataclass(frozen=True)
class TrackSpec:
    """A track: its name, the plain-words reason (with its source) and its ladders."""

    id: str
    name: str
    reason: str
    ladders: tuple[Ladder, ...]


@dataclass(frozen=True)
class Rules:
    """Thresholds of the progression rules (see :mod:`kinesense.program.progression`)."""

    min_form_score: float
    failed_form_score: float
    consecutive_sessions: int
    pain_rise_points: float
    missed_days: int
    reassess_weeks: int


@dataclass(frozen=True)
class TrackBook:
    """Every track and ladder, with the rules and the equipment names."""

    tracks: Mapping[str, TrackSpec]
    rules: Rules
    equipment: Mapping[str, str]

    def ladder(self, ladder_id: str) -> Ladder:
        """The ladder with this id (``TrackDataError`` if none)."""
        for track in self.tracks.values():
            for ladder in track.ladders:
                if ladder.id == ladder_id:
                    return ladder
        raise TrackDataError(f"no ladder {ladder_id!r} in {TRACKS_FILE}")

    def locate(self, exercise_id: str) -> tuple[Ladder, int] | None:
        """The first ladder and step index that use ``exercise_id``, or None."""
        for track in self.tracks.values():
            for ladder in track.ladders:
                for index, step in enumerate(ladder.steps):
                    if step.exercise_id == exercise_id:
                        return ladder, index
        return None


def _need(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in data:
        raise TrackDataError(f"{TRACKS_FILE}: {where}: missing field {key!r}")
    value = data[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise TrackDataError(f"{TRACKS_FILE}: {where}.{key}: wrong type {type(value).__name__}")
    return value


def _step(data: Any, where: str, library: Mapping[str, Exercise] | None) -> Step:
    if not isinstance(data, dict):
        raise TrackDataError(f"{TRACKS_FILE}: {where}: a step must be an object")
    exercise_id = _need(data, "exercise", str, where)
    if library is not None and exercise_id not in library:
        raise TrackDataError(f"{TRACKS_FILE}: {where}: unknown exercise {exercise_id!r}")
    sets = _need(data, "sets", int, where)
    reps = _need(data, "reps", int, where)
    if not 1 <= sets <= 20 or not 1 <= reps <= 100:
        raise TrackDataError(f"{TRACKS_FILE}: {where}: sets must be 1-20 and reps 1-100")
    hold = data.get("hold_s")
    if hold is not None and (not isinstance(hold, int | float) or not 0 < hold <= 600):
        raise TrackDataError(f"{TRACKS_FILE}: {where}.hold_s: must be 0-600 s or null")
    if library is not None:
        mode = library[exercise_id].mode
        if (mode == "hold") != (hold is not None):
            raise TrackDataError(
                f"{TRACKS_FILE}: {where}.hold_s: {exercise_id!r} is a {mode} exercise"
            )
    equipment = _need(data, "equipment", list, where)
    if not all(isinstance(item, str) for item in equipment):
        raise TrackDataError(f"{TRACKS_FILE}: {where}.equipment: must be a list of names")
    return Step(
        exercise_id, sets, reps, None if hold is None else float(hold), frozenset(equipment)
    )


def parse_tracks(data: Any, library: Mapping[str, Exercise] | None = None) -> TrackBook:
    """Check and convert the content of ``tracks.json`` (exercise ids checked when ``library``
    is given)."""
    if not isinstance(data, dict):
        raise TrackDataError(f"{TRACKS_FILE}: the top level must be an object")
    rules_data = _need(data, "success", dict, "top level")
    try:
        rules = Rules(
            min_form_score=float(rules_data["min_form_score"]),
            failed_form_score=float(rules_data["failed_form_score"]),
            consecutive_sessions=int(rules_data["consecutive_sessions"]),
            pain_rise_points=float(rules_data["pain_rise_points"]),
            missed_days=int(rules_data["missed_days"]),
            reassess_weeks=int(rules_data["reassess_weeks"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise TrackDataError(f"{TRACKS_FILE}: success: {exc}") from None
    if not 0 <= rules.failed_form_score <= rules.min_form_score <= 1:
        raise TrackDataError(f"{TRACKS_FILE}: success: need 0 <= failed <= min form score <= 1")
    equipment = _need(data, "equipment", dict, "top level")
    tracks: dict[str, TrackSpec] = {}
    ladder_ids: set[str] = set()
    for t_index, track in enumerate(_need(data, "tracks", list, "top level")):
        where = f"tracks[{t_index}]"
        if not isinstance(track, dict):
            raise TrackDataError(f"{TRACKS_FILE}: {where}: must be an object")
        track_id = _need(track, "id", str, where)
        ladders: list[Ladder] = []
        for l_index, ladder in enumerate(_need(track, "ladders", list, where)):
            lwhere = f"{where}.ladders[{l_index}]"
            ladder_id = _need(ladder, "id", str, lwhere)
            if ladder_id in ladder_ids:
                raise TrackDataError(f"{TRACKS_FILE}: {lwhere}: duplicate ladder {ladder_id!r}")
            ladder_ids.add(ladder_id)
            steps = tuple(
                _step(step, f"{lwhere}.steps[{s_index}]", library)
                for s_index, step in enumerate(_need(ladder, "steps", list, lwhere))
            )
            if not steps:
                raise TrackDataError(f"{TRACKS_FILE}: {lwhere}: no steps")
            for step in steps:
                unknown = step.equipment - set(equipment)
                if unknown:
                    raise TrackDataError(f"{TRACKS_FILE}: {lwhere}: unknown equipment {unknown}")
            ladders.append(
                Ladder(
                    ladder_id,
                    track_id,
                    steps,
                    neck_only=bool(ladder.get("neck_only", False)),
                    hinge=bool(ladder.get("hinge", False)),
                )
            )
        tracks[track_id] = TrackSpec(
            track_id,
            _need(track, "name", str, where),
            _need(track, "reason", str, where),
            tuple(ladders),
        )
    return TrackBook(tracks, rules, {str(k): str(v) for k, v in equipment.items()})


def load_tracks(library: Mapping[str, Exercise] | None = None) -> TrackBook:
    """The shipped ladders; exercise ids and modes are checked against ``library`` if given."""
    text = resources.files("kinesense.program").joinpath("data", TRACKS_FILE).read_text("utf-8")
    return parse_tracks(json.loads(text), library)
