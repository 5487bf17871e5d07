"""Plans: make or show a person's weekly plan, record a clinician's override (including the
clearance after a referral), and write the plan as a calendar.

Each call is one user action in one transaction: the plan saved, the override recorded and the
calendar written all happen, or none does (the calendar file is written just before the
transaction commits, and a plan that cannot be put in a calendar saves nothing).

Workflow rules (the science is in :mod:`kinesense.program`):

* a person never screened gets no plan (:mod:`~kinesense.services.safety`);
* a new plan is built when asked (``new``), when there is none, or when the profile changes
  (minutes, sessions a week, goals, equipment); otherwise the active plan is shown;
* a referral stands until a clinician clears it: the plan is built from the latest referring
  screening, and says ``referred`` with no exercise until a clearance made after it;
* an override of one exercise is applied to the active plan; the clearance (``*``, ``resume``)
  rebuilds the plan.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kinesense.assess.result import AssessmentResult
from kinesense.clock import utc_now
from kinesense.errors import InvalidValueError, NotFoundError
from kinesense.exercises import Exercise
from kinesense.outputs import atomic_write, check_output_path
from kinesense.program.adherence import Adherence, adherence
from kinesense.program.calendar import plan_to_ical
from kinesense.program.dose import check_dose
from kinesense.program.overrides import apply_overrides, carry_overrides
from kinesense.program.plan import Plan, Profile
from kinesense.program.planner import build_plan
from kinesense.program.records import CLEARANCE, OVERRIDE_ACTIONS, ClinicianOverride, Person
from kinesense.program.tracks import load_tracks
from kinesense.services.library import exercise_library
from kinesense.services.people import age_this_year
from kinesense.services.safety import require_screened
from kinesense.settings import Settings
from kinesense.store import Store, Unit


@dataclass(frozen=True)
class PlanRequest:
    """What a person asks of their plan: a new one, or new minutes per session, sessions a week,
    goals (their own words) or equipment (names of ``tracks.json``, comma-separated)."""

    new: bool = False
    minutes: int | None = None
    sessions_per_week: int | None = None
    goals: tuple[str, ...] = ()
    equipment: str | None = None

    @property
    def changes_profile(self) -> bool:
        """Whether the profile changes (then a new plan is built)."""
        return bool(self.goals) or any(
            v is not None for v in (self.minutes, self.sessions_per_week, self.equipment)
        )


@dataclass(frozen=True)
class CalendarRequest:
    """Write the plan's sessions to ``path`` (iCalendar) for ``weeks`` weeks at ``hour``."""

    path: Path
    weeks: int = 4
    hour: int = 18


@dataclass(frozen=True)
class PlanView:
    """A person's plan as it stands after the action, with their adherence."""

    person: Person
    plan: Plan
    adherence: Adherence
    calendar: Path | None = None
    library: Mapping[str, Exercise] = field(default_factory=dict, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The plan's JSON with ``adherence`` and ``person`` (``kinesense plan --json``)."""
        return self.plan.to_json() | {
            "adherence": self.adherence.to_json(),
            "person": self.person.to_json(),
        }


def profile_for(
    person: Person, previous: Plan | None, request: PlanRequest, today: datetime
) -> Profile:
    """The profile from the request, else the previous plan's, else the defaults."""
    base = previous.profile if previous is not None else Profile()
    kit = base.equipment
    if request.equipment is not None:
        kit = frozenset(e.strip() for e in request.equipment.split(",") if e.strip())
        known = load_tracks().equipment
        unknown = kit - set(known)
        if unknown:
            raise InvalidValueError(
                f"unknown equipment {', '.join(sorted(unknown))}; use {', '.join(sorted(known))}"
            )
    return Profile.from_json(
        {
            "age": age_this_year(person, today),
            "goals": request.goals or base.goals,
            "minutes_per_session": request.minutes or base.minutes_per_session,
            "sessions_per_week": request.sessions_per_week or base.sessions_per_week,
            "equipment": kit,
        },
        where="plan profile",
    )


def new_plan(
    unit: Unit,
    person: Person,
    profile: Profile,
    library: Mapping[str, Exercise],
    *,
    today: datetime,
    previous: Plan | None = None,
) -> Plan:
    """A plan built from the stored screening, assessments and check-ins (not saved)."""
    status = require_screened(unit, person)
    assert status.screening is not None
    results: Sequence[AssessmentResult] = unit.assessments(person.id)
    return build_plan(
        profile,
        status.screening,
        results,
        unit.checkins(person.id),
        library,
        today=today,
        person_id=person.id,
        cleared_by=status.clearance,
        previous=previous if previous is not None and previous.status == "active" else None,
    )


def plan_adherence(unit: Unit, person_id: int, today: datetime) -> Adherence:
    """Adherence over every stored plan and session."""
    return adherence(unit.plans(person_id), unit.sessions(person_id), until=today)


def _finish(
    unit: Unit,
    person: Person,
    plan: Plan,
    library: Mapping[str, Exercise],
    calendar: CalendarRequest | None,
    today: datetime,
) -> PlanView:
    written = None
    if calendar is not None:
        text = plan_to_ical(
            plan, start=today.date(), weeks=calendar.weeks, hour=calendar.hour, library=library
        )
        written = atomic_write(calendar.path, text)
    return PlanView(person, plan, plan_adherence(unit, person.id, today), written, library)


def make_or_show_plan(
    store: Store,
    person_ref: str,
    request: PlanRequest,
    *,
    calendar: CalendarRequest | None = None,
    settings: Settings | None = None,
    today: datetime | None = None,
) -> PlanView:
    """Show the active plan, or build and save a new one (rules in the module docstring)."""
    if calendar is not None:
        check_output_path(calendar.path, what="calendar")
    now = today or utc_now()
    library = exercise_library(settings)
    with store.transaction() as unit:
        person = unit.person(person_ref)
        unit.lock_person(person.id)
        current = unit.active_plan(person.id)
        if request.new or current is None or request.changes_profile:
            profile = profile_for(person, current, request, now)
            built = new_plan(unit, person, profile, library, today=now, previous=current)
            current, _ = carry_overrides(built, unit.overrides(person.id), library, today=now)
            unit.save_plan(person.id, current, reason="new plan")
        return _finish(unit, person, current, library, calendar, now)


def parse_dose(value: str | Mapping[str, Any] | None) -> Mapping[str, Any]:
    """A dose given as JSON text (``{"sets": 2, "reps": 8}``) or as a mapping."""
    if isinstance(value, Mapping):
        return value
    try:
        parsed = json.loads(value or "")
    except (json.JSONDecodeError, RecursionError):
        raise InvalidValueError('--action dose needs --value like {"sets": 2, "reps": 8}') from None
    if not isinstance(parsed, dict):
        raise InvalidValueError("--value takes an object with sets, reps and/or hold_s")
    return parsed


@dataclass(frozen=True)
class OverrideRequest:
    """A clinician's override as asked: the exercise id (``*`` for the clearance after a
    referral), the action, who decides and why, and for ``dose`` the new dose (JSON text like
    ``{"sets": 2, "reps": 8}`` or a mapping)."""

    exercise_id: str
    action: str | None
    clinician: str | None
    reason: str | None
    value: str | Mapping[str, Any] | None = None


def make_override(
    request: OverrideRequest, library: Mapping[str, Exercise], *, today: datetime
) -> ClinicianOverride:
    """A clinician's override, checked: a known exercise, a known action, the clinician and the
    reason given, and a dose within the exercise format's limits
    (:func:`kinesense.program.dose.check_dose`)."""
    actions = ", ".join(OVERRIDE_ACTIONS)
    if request.action not in OVERRIDE_ACTIONS:
        raise InvalidValueError(f"--override needs --action, one of {actions}")
    clinician, reason = request.clinician, request.reason
    if not clinician or not clinician.strip() or not reason or not reason.strip():
        raise InvalidValueError("an override needs --clinician NAME and --reason TEXT (both kept)")
    exercise_id = request.exercise_id
    if exercise_id == CLEARANCE and request.action != "resume":
        raise InvalidValueError("--override '*' (clearance after a referral) takes --action resume")
    if exercise_id != CLEARANCE and exercise_id not in library:
        raise NotFoundError(f"unknown exercise {exercise_id!r} (see kinesense coach --list)")
    dose = None
    if request.action == "dose":
        dose = check_dose(library[exercise_id], parse_dose(request.value)).to_json()
    elif request.value is not None:
        raise InvalidValueError("--value is for --action dose only")
    data: dict[str, Any] = {
        "exercise_id": exercise_id,
        "action": request.action,
        "value": dose,
        "clinician": clinician,
        "reason": reason,
        "made_at": today,
    }
    return ClinicianOverride.from_json(data, where="override")


def override_plan(
    store: Store,
    person_ref: str,
    request: OverrideRequest,
    *,
    calendar: CalendarRequest | None = None,
    settings: Settings | None = None,
    today: datetime | None = None,
) -> PlanView:
    """Record a clinician's override and apply it: the clearance (or an override while there is
    no active plan, or the plan is referred) rebuilds the plan; any other is applied to it."""
    if calendar is not None:
        check_output_path(calendar.path, what="calendar")
    now = today or utc_now()
    library = exercise_library(settings)
    override = make_override(request, library, today=now)
    with store.transaction() as unit:
        person = unit.person(person_ref)
        unit.lock_person(person.id)
        current = unit.active_plan(person.id)
        unit.save_override(person.id, override)
        reason = f"override by {override.clinician}"
        if override.exercise_id == CLEARANCE or current is None or current.status == "referred":
            profile = profile_for(person, current, PlanRequest(), now)
            current = new_plan(unit, person, profile, library, today=now)
        else:
            current, _ = apply_overrides(current, unit.overrides(person.id), library, today=now)
        unit.save_plan(person.id, current, reason=reason)
        return _finish(unit, person, current, library, calendar, now)
