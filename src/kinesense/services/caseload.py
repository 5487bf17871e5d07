"""A therapist's caseload: each person's alerts, from the programme's own rules.

Alerts (each with a one-line reason a therapist can act on):

* ``red_flag`` - a screening referred the person and no clinician has cleared them since
  (:mod:`kinesense.services.safety`; NICE NG59, 2016);
* ``pain_rise`` - pain now at the latest check-in is 2 points or more above the check-in before
  it, the rise that also makes the plan easier (:func:`kinesense.program.progression.pain_rise`;
  Ostelo et al. 2008, Spine 33(1):90-94);
* ``missed_sessions`` - the last finished week (Monday to Sunday) of an active plan had fewer
  days with a session than the plan's sessions a week, counted as
  :func:`kinesense.program.adherence.adherence` counts them (an exercise without a session for
  14 days is also made easier at the next check-in: :mod:`kinesense.program.progression`);
* ``reassess_due`` - the active plan's re-assessment date has passed (``reassess_weeks``, 4, as
  :func:`kinesense.program.progression.review_plan` asks).

Alerts are listed most serious first (red flag, pain rise, missed sessions, re-assessment); so is
the caseload (people with a red flag first, then by number of alerts, then by name).

A caseload line reads only what its alerts need (the screenings, check-ins, the active plan and
the sessions of the last :data:`RECENT` days), about a quarter of a whole history, so that a
therapist's list of fifty people stays well under a second.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from kinesense.clock import utc_now
from kinesense.program.adherence import WeekAdherence, adherence
from kinesense.program.plan import Plan, as_datetime
from kinesense.program.progression import pain_rise
from kinesense.program.records import CheckIn, CoachedSession, Person
from kinesense.program.tracks import Rules, load_tracks
from kinesense.services.journey import Journey
from kinesense.services.safety import SafetyStatus, safety_status
from kinesense.store import Store, Unit

AlertKind = Literal["red_flag", "pain_rise", "missed_sessions", "reassess_due"]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
RECENT = timedelta(days=14)
"""Sessions this far back cover the last finished week (its Monday is at most 13 days ago)."""


@dataclass(frozen=True)
class Alert:
    """One thing a therapist should look at, and why."""

    kind: AlertKind
    reason: str

    def to_json(self) -> dict[str, str]:
        """JSON form."""
        return {"kind": self.kind, "reason": self.reason}


@dataclass(frozen=True)
class CaseFacts:
    """What the alerts are decided from: the screening that counts, the check-ins, the active
    plan (and the plan in force at the end of the last finished week, when it differs), and
    the coached sessions started since ``today - RECENT``."""

    person: Person
    today: datetime
    safety: SafetyStatus
    checkins: tuple[CheckIn, ...]
    plan: Plan | None
    plans: tuple[Plan, ...]
    recent_sessions: tuple[CoachedSession, ...]

    @property
    def referred(self) -> bool:
        """Whether a referral stands."""
        return self.safety.screened and not self.safety.cleared


def last_sunday(today: datetime) -> date:
    """The Sunday that ended the last finished week (Monday to Sunday) before ``today``."""
    day = today.date()
    return day - timedelta(days=day.weekday() + 1)


def facts_of(journey: Journey) -> CaseFacts:
    """The facts from a whole history already read."""
    since = journey.today - RECENT
    return CaseFacts(
        person=journey.person, today=journey.today, safety=journey.safety,
        checkins=journey.checkins, plan=journey.plan, plans=journey.plans,
        recent_sessions=tuple(s.session for s in journey.sessions
                              if s.session.started_at >= since),
    )  # fmt: skip


def read_facts(unit: Unit, person_id: int, today: datetime) -> CaseFacts:
    """The facts of one person, read in ``unit`` (the plans' history only when the plan
    changed since the last finished week)."""
    person = unit.person(person_id)
    plan = unit.active_plan(person_id)
    plans: tuple[Plan, ...] = () if plan is None else (plan,)
    if plan is not None and plan.created.date() > last_sunday(today):
        plans = tuple(unit.plans(person_id))
    return CaseFacts(
        person=person, today=today, safety=safety_status(unit, person_id),
        checkins=tuple(unit.checkins(person_id)), plan=plan, plans=plans,
        recent_sessions=tuple(unit.sessions(person_id, since=today - RECENT)),
    )  # fmt: skip


def _red_flag(facts: CaseFacts) -> Alert | None:
    screening = facts.safety.screening
    if not facts.referred or screening is None:
        return None
    flags = ", ".join(f.replace("_", " ") for f in screening.red_flags)
    day = screening.screened_at.date().isoformat()
    return Alert("red_flag", f"referred at the screening of {day} ({flags}); not cleared yet")


def _pain_rise(facts: CaseFacts, rules: Rules) -> Alert | None:
    found = pain_rise(facts.checkins, EPOCH, rules)
    if found is None:
        return None
    before, after = found
    return Alert("pain_rise", f"pain rose from {before:g} to {after:g} (0-10) at the last check-in")


def last_week(facts: CaseFacts) -> WeekAdherence | None:
    """Sessions planned and done in the last finished week, if a plan was in force then."""
    if not facts.plans:
        return None
    counted = adherence(facts.plans, facts.recent_sessions, until=facts.today)
    sunday = last_sunday(facts.today)
    monday = (sunday - timedelta(days=6)).isoformat()
    found = [w for w in counted.weeks if w.start == monday and w.planned > 0]
    return found[0] if found else None


def _missed(facts: CaseFacts) -> Alert | None:
    plan = facts.plan
    if plan is None or plan.status != "active":
        return None
    week = last_week(facts)
    if week is None or week.done >= week.planned:
        return None
    return Alert(
        "missed_sessions",
        f"{week.done} of {week.planned} planned sessions done in the week of {week.start}",
    )


def _reassess(facts: CaseFacts) -> Alert | None:
    plan = facts.plan
    if plan is None or plan.status != "active" or plan.reassess_after is None:
        return None
    if facts.today < as_datetime(plan.reassess_after):
        return None
    return Alert("reassess_due", f"the plan asked for new measurements from "
                 f"{plan.reassess_after.isoformat()}")  # fmt: skip


def alerts_of(facts: CaseFacts, rules: Rules | None = None) -> tuple[Alert, ...]:
    """The person's alerts, most serious first (see the module docstring)."""
    rules = rules or load_tracks().rules
    found = (_red_flag(facts), _pain_rise(facts, rules), _missed(facts), _reassess(facts))
    return tuple(alert for alert in found if alert is not None)


@dataclass(frozen=True)
class CaseSummary:
    """One person of a caseload: who, their alerts, and the facts the list shows."""

    person_id: int
    name: str
    alerts: tuple[Alert, ...]
    last_checkin: datetime | None
    pain_now: int | None
    last_week: WeekAdherence | None
    plan_status: str | None

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        week = self.last_week
        return {
            "person_id": self.person_id,
            "name": self.name,
            "alerts": [a.to_json() for a in self.alerts],
            "last_checkin": self.last_checkin.isoformat() if self.last_checkin else None,
            "pain_now": self.pain_now,
            "last_week": None if week is None else {"start": week.start, "planned": week.planned,
                                                    "done": week.done},
            "plan_status": self.plan_status,
        }  # fmt: skip


def summarise_case(facts: CaseFacts, rules: Rules | None = None) -> CaseSummary:
    """The caseload line of one person."""
    rated = [c for c in facts.checkins if c.pain_now is not None]
    return CaseSummary(
        person_id=facts.person.id,
        name=facts.person.name,
        alerts=alerts_of(facts, rules),
        last_checkin=facts.checkins[-1].checked_at if facts.checkins else None,
        pain_now=rated[-1].pain_now if rated else None,
        last_week=last_week(facts),
        plan_status=facts.plan.status if facts.plan else None,
    )


def caseload(
    store: Store, person_ids: Sequence[int], *, today: datetime | None = None
) -> list[CaseSummary]:
    """The caseload lines of ``person_ids`` (one read-only transaction), most urgent first."""
    now = today or utc_now()
    rules = load_tracks().rules
    with store.transaction(write=False) as unit:
        facts = [read_facts(unit, pid, now) for pid in person_ids]
    return sorted((summarise_case(f, rules) for f in facts), key=_urgency)


def _urgency(line: CaseSummary) -> tuple[int, int, str, int]:
    red = any(a.kind == "red_flag" for a in line.alerts)
    return (0 if red else 1, -len(line.alerts), line.name.lower(), line.person_id)
