"""The planner's exercise ladders and thresholds, read from ``data/tracks.json`` and checked when
loaded (pydantic models; a malformed file is a :class:`~kinesense.errors.DataFileError` naming the
file and the field).

A *track* (balance, proprioceptive re-education, trunk control, a gentle start) groups
*ladders*; a ladder is an ordered list of *steps* from easiest to hardest, each an exercise of the
library with its dose (sets, repetitions or holds per set, hold time in seconds) and the
equipment it needs. Progression moves an exercise one step up its ladder (a higher dose or the
``harder`` exercise), regression one step down. The file also holds the thresholds of the
progression rules (``success``) and of the planner (``planner``), so a clinic reviews them in
one place; each says where it comes from in ``planner.notes`` and the module docstrings of
:mod:`~kinesense.program.planner` and :mod:`~kinesense.program.progression`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Self

from pydantic import Field, StrictBool, StrictInt, field_validator, model_validator

from kinesense.errors import DataFileError
from kinesense.exercises import Exercise
from kinesense.program.model import DataFile, load_data_file
from kinesense.safe_json import read_data_file

TRACKS_FILE = "tracks.json"
Name = Annotated[str, Field(min_length=1)]


class TrackDataError(DataFileError):
    """``tracks.json`` is malformed or names an exercise the library does not have."""


class Rules(DataFile):
    """Thresholds of the progression rules (see :mod:`kinesense.program.progression`): form
    scores are fractions of clean frames (0-1), pain in points of the 0-10 scale."""

    min_form_score: Annotated[float, Field(ge=0, le=1)]
    failed_form_score: Annotated[float, Field(ge=0, le=1)]
    consecutive_sessions: Annotated[StrictInt, Field(ge=1, le=20)]
    pain_rise_points: Annotated[float, Field(gt=0, le=10)]
    missed_days: Annotated[StrictInt, Field(ge=1, le=365)]
    reassess_weeks: Annotated[StrictInt, Field(ge=1, le=104)]

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.failed_form_score > self.min_form_score:
            raise ValueError("need failed_form_score <= min_form_score")
        return self


class PlannerRules(DataFile):
    """Thresholds of the planner (see :mod:`kinesense.program.planner`)."""

    trunk_repositioning_flag_deg: Annotated[float, Field(gt=0, le=45)]
    setup_s: Annotated[float, Field(ge=0, le=600)]
    older_adult_age: Annotated[StrictInt, Field(ge=18, le=120)]
    high_pain_points: Annotated[float, Field(ge=0, le=10)]
    balance_tests: tuple[Name, ...]
    goal_words: dict[Name, tuple[Name, ...]]
    notes: str = ""

    @field_validator("balance_tests")
    @classmethod
    def _registered(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        """Each a test of the assessment registry."""
        from kinesense.assess.registry import assessment_names

        unknown = [name for name in names if name not in assessment_names()]
        if unknown:
            raise ValueError(
                f"not assessments: {', '.join(unknown)}; the assessments are: "
                f"{', '.join(assessment_names())}"
            )
        return names


class StepEntry(DataFile):
    """One step as written: an exercise id, its dose and the equipment it needs."""

    exercise: Name
    sets: Annotated[StrictInt, Field(ge=1, le=20)]
    reps: Annotated[StrictInt, Field(ge=1, le=100)]
    hold_s: Annotated[float, Field(gt=0, le=600)] | None
    equipment: tuple[Name, ...]


class LadderEntry(DataFile):
    """A ladder as written; ``neck_only`` and ``hinge`` mark special uses."""

    id: Name
    steps: Annotated[tuple[StepEntry, ...], Field(min_length=1)]
    neck_only: StrictBool = False
    hinge: StrictBool = False


class TrackEntry(DataFile):
    """A track as written."""

    id: Name
    name: Name
    reason: Name
    ladders: tuple[LadderEntry, ...]


class TracksFile(DataFile):
    """The content of ``tracks.json``."""

    version: StrictInt
    notes: str = ""
    success: Rules
    planner: PlannerRules
    equipment: dict[Name, Name]
    tracks: Annotated[tuple[TrackEntry, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        ladder_ids: set[str] = set()
        for track in self.tracks:
            for ladder in track.ladders:
                if ladder.id in ladder_ids:
                    raise ValueError(f"duplicate ladder {ladder.id!r}")
                ladder_ids.add(ladder.id)
                for step in ladder.steps:
                    unknown = set(step.equipment) - set(self.equipment)
                    if unknown:
                        raise ValueError(f"ladder {ladder.id}: unknown equipment {sorted(unknown)}")
        return self


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
class TrackBook:
    """Every track and ladder, with the rules, the planner's thresholds and the equipment."""

    tracks: Mapping[str, TrackSpec]
    rules: Rules
    planner: PlannerRules
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


def _check_against_library(parsed: TracksFile, library: Mapping[str, Exercise]) -> None:
    for t_index, track in enumerate(parsed.tracks):
        for l_index, ladder in enumerate(track.ladders):
            for s_index, step in enumerate(ladder.steps):
                where = f"{TRACKS_FILE}: field 'tracks.{t_index}.ladders.{l_index}.steps.{s_index}"
                if step.exercise not in library:
                    raise TrackDataError(f"{where}.exercise': unknown exercise {step.exercise!r}")
                mode = library[step.exercise].mode
                if (mode == "hold") != (step.hold_s is not None):
                    raise TrackDataError(f"{where}.hold_s': {step.exercise!r} is a {mode} exercise")


def parse_tracks(data: object, library: Mapping[str, Exercise] | None = None) -> TrackBook:
    """Check and convert the content of ``tracks.json`` (exercise ids and modes checked against
    ``library`` when given)."""
    parsed = load_data_file(TracksFile, data, TRACKS_FILE, TrackDataError)
    if library is not None:
        _check_against_library(parsed, library)
    tracks = {
        track.id: TrackSpec(
            track.id,
            track.name,
            track.reason,
            tuple(
                Ladder(
                    ladder.id,
                    track.id,
                    tuple(
                        Step(s.exercise, s.sets, s.reps, s.hold_s, frozenset(s.equipment))
                        for s in ladder.steps
                    ),
                    neck_only=ladder.neck_only,
                    hinge=ladder.hinge,
                )
                for ladder in track.ladders
            ),
        )
        for track in parsed.tracks
    }
    return TrackBook(tracks, parsed.success, parsed.planner, dict(parsed.equipment))


@cache
def _shipped_content() -> object:
    path = Path(str(resources.files("kinesense.program").joinpath("data", TRACKS_FILE)))
    return read_data_file(path, "tracks file")


def load_tracks(library: Mapping[str, Exercise] | None = None) -> TrackBook:
    """The shipped ladders; exercise ids and modes are checked against ``library`` if given."""
    return parse_tracks(_shipped_content(), library)


@cache
def planner_rules() -> PlannerRules:
    """The planner's thresholds from the shipped ``tracks.json``."""
    return load_tracks().planner
