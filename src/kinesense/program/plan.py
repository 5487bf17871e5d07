"""The weekly plan as a typed record: the person's profile, the chosen tracks, the exercises of
each session with their doses and reasons, paused exercises, clinicians' overrides and the
progression decisions that made it (built by :mod:`~kinesense.program.planner`, reviewed by
:mod:`~kinesense.program.progression`).

Units: repetitions (or holds) per set, hold and rest times in seconds, minutes per session; times
in UTC (:data:`~kinesense.program.model.UtcTime`), the week's Monday and the re-assessment day as
dates.
"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import ConfigDict, Field, field_serializer

from kinesense.clock import as_utc, parse_time
from kinesense.program.model import Record, UtcTime
from kinesense.program.records import ClinicianOverride
from kinesense.program.screening import DISCLAIMER

if TYPE_CHECKING:
    from kinesense.exercises import Exercise

DEFAULT_EQUIPMENT = frozenset({"mat", "chair", "counter"})
PLAN_STATUSES = ("active", "referred", "paused")
DECISION_ACTIONS = ("progress", "regress", "pause", "keep", "reassess", "override")


class Profile(Record):
    """What the person brings: age (years), goals in their own words, minutes per session,
    sessions per week and the equipment they have (names of ``tracks.json``)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    age: int | None = None
    goals: tuple[Annotated[str, Field(max_length=500)], ...] = ()
    minutes_per_session: Annotated[int, Field(ge=5, le=180)] = 20
    sessions_per_week: Annotated[int, Field(ge=1, le=7)] = 3
    equipment: frozenset[str] = DEFAULT_EQUIPMENT

    @field_serializer("equipment")
    def _sorted(self, equipment: frozenset[str]) -> list[str]:
        return sorted(equipment)


class PlannedExercise(Record):
    """One exercise of a session and its dose.

    ``reps`` is repetitions (or holds) per set, ``hold_s`` each hold's target in seconds,
    ``rest_s`` the rest between sets in seconds, ``side`` as in the library's dose. ``ladder`` and
    ``step`` place it on its ladder; ``since`` is when it reached this step (sessions before it
    do not count towards progression); ``clinician`` names the clinician whose override holds it
    (the rules then leave it alone).
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    exercise_id: str
    sets: int
    reps: int | None
    hold_s: float | None
    rest_s: float
    side: str
    reason: str
    track: str
    ladder: str = ""
    step: int = 0
    since: UtcTime | None = None
    clinician: str = ""


class Track(Record):
    """A track chosen for the plan and why."""

    id: str
    name: str
    reason: str


class Decision(Record):
    """What a rule decided for one exercise (``exercise_id`` empty for the whole plan)."""

    exercise_id: str
    action: Literal["progress", "regress", "pause", "keep", "reassess", "override"]
    new_exercise_id: str | None
    reason: str
    rule: str


class Plan(Record):
    """A weekly plan (see the module docstring).

    ``sessions`` holds the exercises of each planned session of the week; ``paused`` exercises
    stopped by a rule or a clinician (kept to be resumed); ``overrides`` every clinician override
    applied to this plan or its predecessors; ``decisions`` the progression decisions that made
    it from the previous plan.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    person_id: int | None
    created: UtcTime
    week_start: date
    status: Literal["active", "referred", "paused"]
    tracks: tuple[Track, ...] = ()
    sessions: tuple[tuple[PlannedExercise, ...], ...] = ()
    reassess_after: date | None = None
    reasons: tuple[str, ...] = ()
    profile: Profile = Field(default_factory=Profile)
    paused: tuple[PlannedExercise, ...] = ()
    overrides: tuple[ClinicianOverride, ...] = ()
    decisions: tuple[Decision, ...] = ()
    disclaimer: str = DISCLAIMER

    def exercises(self) -> tuple[PlannedExercise, ...]:
        """The distinct exercises of the week, in session order."""
        seen: dict[str, PlannedExercise] = {}
        for session in self.sessions:
            for item in session:
                seen.setdefault(item.exercise_id, item)
        return tuple(seen.values())

    def minutes_per_session(self, library: "Mapping[str, Exercise]") -> float:
        """Estimated minutes of the longest session."""
        if not self.sessions:
            return 0.0
        return max(sum(estimate_s(e, library) for e in s) for s in self.sessions) / 60.0

    def with_exercises(self, exercises: Sequence[PlannedExercise], **changes: Any) -> "Plan":
        """This plan with every session holding ``exercises`` (the planner's sessions are
        alike), and ``changes`` applied."""
        sessions = tuple(tuple(exercises) for _ in range(self.profile.sessions_per_week))
        return self.model_copy(update={"sessions": sessions if exercises else (), **changes})


def as_datetime(value: date | datetime | str) -> datetime:
    """An aware UTC datetime from a date (midnight UTC), a datetime or an ISO text (a time
    without an offset is taken as UTC)."""
    if isinstance(value, str):
        return parse_time(value)
    if isinstance(value, datetime):
        return as_utc(value)
    return as_utc(datetime(value.year, value.month, value.day))


def to_second(value: datetime) -> datetime:
    """``value`` in UTC without its fraction of a second."""
    return as_utc(value).replace(microsecond=0)


def week_monday(day: datetime) -> date:
    """The Monday of ``day``'s week."""
    return (day - timedelta(days=day.weekday())).date()


def estimate_s(
    item: PlannedExercise, library: "Mapping[str, Exercise]", setup_s: float | None = None
) -> float:
    """Estimated seconds for one exercise: setup, the work of every set, and rests.

    Setup is ``setup_s`` (default ``planner.setup_s`` of ``tracks.json``); a repetition is taken
    as twice the exercise's shortest valid repetition, at least 4 s; a hold as its target plus
    3 s to get into position. ``both`` doubles the sets. (kinesense's estimate, for fitting the
    plan in the person's minutes.)
    """
    if setup_s is None:
        from kinesense.program.tracks import planner_rules

        setup_s = planner_rules().setup_s
    exercise = library.get(item.exercise_id)
    sides = 2 if item.side == "both" else 1
    reps = item.reps or 1
    if item.hold_s is not None:
        work = reps * (item.hold_s + 3.0)
    else:
        shortest = exercise.repetition.min_duration_s if exercise and exercise.repetition else 2.0
        work = reps * max(4.0, 2.0 * shortest)
    sets = item.sets * sides
    return setup_s + sets * work + max(0, sets - 1) * item.rest_s
