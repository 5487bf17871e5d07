"""A person's journey at a glance: where they stand (screened, referred, planned, measured,
training), what comes next, and their plan and calendar read without changing anything.

These are the read-only use cases of the web app's pages; the actions (screening, plan, check-in,
override, coaching) stay in their own services. The order of the steps follows the programme:
safety questions first (NICE NG59, 2016: red flags are assessed and referred on before any
exercise), then a measurement and a plan, then sessions and a weekly check-in.

Workflow choices made here (kinesense's, for a therapist to review):

* :data:`CHECKIN_INTERVAL` - a check-in is asked for when the latest is a week old or more (the
  plan is reviewed at each check-in, and its adherence is counted by the week);
* a measurement is asked for when there is none yet, or when the plan's re-assessment date has
  passed (:func:`kinesense.program.progression.review_plan` asks for it then too).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from kinesense.assess.result import AssessmentResult
from kinesense.clock import utc_now
from kinesense.errors import InvalidValueError, NotFoundError
from kinesense.exercises import Exercise
from kinesense.program.adherence import Adherence, adherence
from kinesense.program.calendar import plan_to_ical
from kinesense.program.plan import Plan, as_datetime
from kinesense.program.records import CheckIn, ClinicianOverride, CoachedSession, Person
from kinesense.program.screening import ScreeningResult
from kinesense.program.tracks import load_tracks
from kinesense.services.library import exercise_library
from kinesense.services.safety import SafetyStatus, safety_status
from kinesense.settings import Settings
from kinesense.store import HistoryEntry, Store

CHECKIN_INTERVAL = timedelta(days=7)
"""A check-in is due when the latest one is this old (or there is none)."""
CALENDAR_WEEKS = (1, 52)
"""The calendar file covers 1 to 52 weeks."""

NextStep = Literal["screen", "referred", "plan", "assess", "checkin", "train"]
"""What the person should do next: answer the safety questions, see a clinician (referred: no
exercise), make a plan, measure (none yet, or the re-assessment is due), check in (a week since
the last), or train (nothing else is due)."""


@dataclass(frozen=True)
class Entry:
    """One record of a person's history with its id and time (UTC)."""

    id: int
    at: datetime
    summary: str


@dataclass(frozen=True)
class AssessmentEntry(Entry):
    """An assessment result kept in the history."""

    result: AssessmentResult


@dataclass(frozen=True)
class SessionEntry(Entry):
    """A coached session kept in the history."""

    session: CoachedSession


@dataclass(frozen=True)
class Journey:
    """Everything kept about a person, typed and sorted (oldest first), with where they stand.

    ``plan`` is the active plan (None before the first); ``safety`` the screening that counts and
    the clearance that may lift it; ``adherence`` counts sessions planned and done up to
    ``today``; ``next_step`` is what the person should do now (:data:`NextStep`)."""

    person: Person
    today: datetime
    safety: SafetyStatus
    plan: Plan | None
    plan_reason: str
    plans: tuple[Plan, ...]
    screenings: tuple[ScreeningResult, ...]
    checkins: tuple[CheckIn, ...]
    overrides: tuple[ClinicianOverride, ...]
    assessments: tuple[AssessmentEntry, ...]
    sessions: tuple[SessionEntry, ...]
    adherence: Adherence
    library: Mapping[str, Exercise] = field(default_factory=dict, repr=False)

    @property
    def referred(self) -> bool:
        """Whether a referral stands (screened, and no clinician cleared it since)."""
        return self.safety.screened and not self.safety.cleared

    @property
    def reassess_due(self) -> bool:
        """Whether the active plan's re-assessment date has passed."""
        plan = self.plan
        if plan is None or plan.reassess_after is None or plan.status != "active":
            return False
        return self.today >= as_datetime(plan.reassess_after)

    @property
    def checkin_due(self) -> bool:
        """Whether a check-in is due (:data:`CHECKIN_INTERVAL`)."""
        if not self.checkins:
            return True
        return self.today - self.checkins[-1].checked_at >= CHECKIN_INTERVAL

    @property
    def next_checkin(self) -> datetime | None:
        """When the next check-in is due (None before the first: it is due now)."""
        return self.checkins[-1].checked_at + CHECKIN_INTERVAL if self.checkins else None

    @property
    def next_step(self) -> NextStep:
        """What comes next (see :data:`NextStep`; the module docstring gives the order)."""
        if not self.safety.screened:
            return "screen"
        if self.referred:
            return "referred"
        if self.plan is None or self.plan.status == "referred":
            return "plan"
        if not self.assessments or self.reassess_due:
            return "assess"
        return "checkin" if self.checkin_due else "train"

    def assessment(self, record_id: int) -> AssessmentEntry:
        """The assessment ``record_id`` of this person (:class:`NotFoundError` otherwise)."""
        for entry in self.assessments:
            if entry.id == record_id:
                return entry
        raise NotFoundError(f"no result with id {record_id} for {self.person.name}")

    def session(self, record_id: int) -> SessionEntry:
        """The coached session ``record_id`` of this person (:class:`NotFoundError` otherwise)."""
        for entry in self.sessions:
            if entry.id == record_id:
                return entry
        raise NotFoundError(f"no session with id {record_id} for {self.person.name}")


def _typed(entries: list[HistoryEntry], kind: str) -> list[HistoryEntry]:
    return [e for e in entries if e.kind == kind]


def person_journey(
    store: Store,
    person_ref: str | int,
    *,
    settings: Settings | None = None,
    today: datetime | None = None,
) -> Journey:
    """A person's whole history, typed, in one read-only transaction."""
    now = today or utc_now()
    with store.transaction(write=False) as unit:
        person = unit.person(person_ref)
        entries = unit.history(person.id)
        safety = safety_status(unit, person.id)
    plans = _typed(entries, "plan")
    active = [e for e in plans if e.active]
    sessions = [
        SessionEntry(e.id, e.at, e.summary, e.record)
        for e in _typed(entries, "session")
        if isinstance(e.record, CoachedSession)
    ]
    plan_records = tuple(e.record for e in plans if isinstance(e.record, Plan))
    return Journey(
        person=person,
        today=now,
        safety=safety,
        plan=active[-1].record if active and isinstance(active[-1].record, Plan) else None,
        plan_reason=(active[-1].reason or "") if active else "",
        plans=plan_records,
        screenings=tuple(
            e.record for e in _typed(entries, "screening") if isinstance(e.record, ScreeningResult)
        ),
        checkins=tuple(
            e.record for e in _typed(entries, "checkin") if isinstance(e.record, CheckIn)
        ),
        overrides=tuple(
            e.record for e in _typed(entries, "override") if isinstance(e.record, ClinicianOverride)
        ),
        assessments=tuple(
            AssessmentEntry(e.id, e.at, e.summary, e.record)
            for e in _typed(entries, "assessment")
            if isinstance(e.record, AssessmentResult)
        ),
        sessions=tuple(sessions),
        adherence=adherence(plan_records, [s.session for s in sessions], until=now),
        library=exercise_library(settings),
    )


def plan_calendar(
    store: Store,
    person_ref: str | int,
    *,
    weeks: int = 4,
    hour: int = 18,
    settings: Settings | None = None,
    today: date | None = None,
) -> str:
    """The active plan's sessions as iCalendar text (RFC 5545) for ``weeks`` weeks from
    ``today``, at ``hour`` o'clock in the person's own time zone (floating times); nothing is
    saved. A person without an active plan with sessions (none yet, referred, paused) gets
    :class:`NotFoundError`."""
    if not CALENDAR_WEEKS[0] <= weeks <= CALENDAR_WEEKS[1]:
        raise InvalidValueError(f"weeks must be from 1 to 52; got {weeks}")
    if not 0 <= hour <= 23:
        raise InvalidValueError(f"hour must be from 0 to 23; got {hour}")
    with store.transaction(write=False) as unit:
        person = unit.person(person_ref)
        plan = unit.active_plan(person.id)
    if plan is None or plan.status != "active" or not plan.sessions:
        raise NotFoundError(f"{person.name} has no plan with sessions to put in a calendar yet")
    start = today or utc_now().date()
    return plan_to_ical(
        plan, start=start, weeks=weeks, hour=hour, library=exercise_library(settings)
    )


def equipment_choices() -> dict[str, str]:
    """The equipment a plan can use, by name, with what each means (from ``tracks.json``)."""
    return dict(load_tracks().equipment)
