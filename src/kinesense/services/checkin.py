"""The regular check-in: the safety questions again, pain and function, then the plan reviewed.

One check-in is one transaction: the screening, the check-in and the plan it leads to are saved
together or not at all, and concurrent check-ins of one person queue (the person's row is locked
on PostgreSQL; SQLite's write lock is taken at the start). The screening's answers are given as
for ``kinesense screen`` (:mod:`~kinesense.services.screening`): stated, or asked; never
assumed.

Branching (the rules themselves are in :mod:`kinesense.program`):

* a red flag now: the plan is rebuilt, and says ``referred`` with no exercise;
* no active plan yet, or a referred plan that a clinician has cleared since: a new plan;
* otherwise the active plan is reviewed by the progression rules
  (:func:`kinesense.program.progression.review_plan`) and saved when it changed.

Pain change is judged against the first check-in that rated pain (minimal important difference
of 2 points or 30 %; Ostelo et al. 2008, Spine 33(1):90-94).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kinesense.clock import utc_now
from kinesense.errors import InvalidValueError
from kinesense.exercises import Exercise
from kinesense.program.adherence import Adherence
from kinesense.program.outcomes import Change, pain_change
from kinesense.program.plan import Decision, Plan
from kinesense.program.progression import review_plan
from kinesense.program.records import CheckIn, Person, PsfsItem
from kinesense.program.screening import DISCLAIMER, ScreeningResult, screen
from kinesense.services.library import exercise_library
from kinesense.services.plans import PlanRequest, PlanView, new_plan, plan_adherence, profile_for
from kinesense.services.safety import latest_clearance
from kinesense.services.screening import Answers, resolve_answers
from kinesense.settings import Settings
from kinesense.store import Store


@dataclass(frozen=True)
class CheckInRequest:
    """A check-in as given: the screening's answers, pain now and over the last week (0-10,
    both or neither), PSFS items as ``activity=score`` texts, and notes."""

    answers: Answers
    pain_now: int | None = None
    pain_week: int | None = None
    psfs: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class CheckInOutcome:
    """Everything a check-in decided and saved."""

    person: Person
    screening: ScreeningResult
    checkin: CheckIn
    pain_change: Change | None
    decisions: tuple[Decision, ...]
    plan: Plan
    adherence: Adherence
    library: Mapping[str, Exercise] = field(default_factory=dict, repr=False)

    @property
    def plan_view(self) -> PlanView:
        """The plan as :func:`kinesense.services.plans.make_or_show_plan` shows it."""
        return PlanView(self.person, self.plan, self.adherence, library=self.library)

    def to_json(self) -> dict[str, Any]:
        """The ``kinesense checkin --json`` object."""
        return {
            "person": self.person.to_json(),
            "screening": self.screening.to_json(),
            "checkin": self.checkin.to_json(),
            "pain_change": None if self.pain_change is None else self.pain_change.to_json(),
            "decisions": [d.to_json() for d in self.decisions],
            "plan": self.plan.to_json(),
            "adherence": self.adherence.to_json(),
            "disclaimer": DISCLAIMER,
        }


def parse_psfs(values: Sequence[str]) -> tuple[PsfsItem, ...]:
    """``activity=score`` texts as PSFS items (one-line errors when malformed)."""
    items = []
    for text in values:
        activity, sep, score = text.rpartition("=")
        if not sep or not activity.strip() or not score.strip().isdigit():
            raise InvalidValueError(
                f"--psfs takes 'activity=score' with a score 0-10; got {text!r}"
            )
        items.append(
            PsfsItem.from_json({"activity": activity, "score": int(score)}, where="--psfs")
        )
    return tuple(items)


def _checkin(request: CheckInRequest, at: datetime) -> CheckIn:
    if (request.pain_now is None) != (request.pain_week is None):
        raise InvalidValueError("give both --pain-now and --pain-week, or neither")
    for name, value in (("--pain-now", request.pain_now), ("--pain-week", request.pain_week)):
        if value is not None and not 0 <= value <= 10:
            raise InvalidValueError(f"{name} must be from 0 to 10; got {value}")
    return CheckIn.from_json(
        {
            "pain_now": request.pain_now,
            "pain_week": request.pain_week,
            "psfs": [item.to_json() for item in parse_psfs(request.psfs)],
            "questionnaires": {},
            "notes": request.notes,
            "checked_at": at,
        },
        where="check-in",
    )


def check_in(
    store: Store,
    person_ref: str,
    request: CheckInRequest,
    *,
    settings: Settings | None = None,
    today: datetime | None = None,
) -> CheckInOutcome:
    """Check a person in (see the module docstring). The options and the person are checked
    before any question is asked."""
    now = today or utc_now()
    checkin = _checkin(request, now)
    with store.transaction(write=False) as unit:
        person = unit.person(person_ref)
    screening = screen(resolve_answers(request.answers), at=now)
    library = exercise_library(settings)
    decisions: tuple[Decision, ...] = ()
    with store.transaction() as unit:
        unit.lock_person(person.id)
        earlier = [c for c in unit.checkins(person.id) if c.pain_now is not None]
        unit.save_screening(person.id, screening)
        unit.save_checkin(person.id, checkin)
        current = unit.active_plan(person.id)
        cleared_since = current is not None and current.status == "referred"
        cleared_since = cleared_since and latest_clearance(unit, person.id) is not None
        if screening.referred or current is None or cleared_since:
            profile = profile_for(person, current, PlanRequest(), now)
            plan = new_plan(unit, person, profile, library, today=now)
            why = "red flag at check-in" if screening.referred else "check-in: new plan"
            unit.save_plan(person.id, plan, reason=why)
        else:
            plan, decisions = review_plan(
                current,
                unit.sessions(person.id),
                unit.checkins(person.id),
                unit.overrides(person.id),
                library,
                today=now,
            )
            if plan is not current:
                summary = "; ".join(f"{d.exercise_id or 'plan'} {d.action}" for d in decisions)
                unit.save_plan(person.id, plan, reason=f"check-in: {summary}")
        adherence = plan_adherence(unit, person.id, now)
    change = None
    if checkin.pain_now is not None and earlier and earlier[0].pain_now is not None:
        change = pain_change(float(earlier[0].pain_now), float(checkin.pain_now))
    return CheckInOutcome(person, screening, checkin, change, decisions, plan, adherence, library)
