"""The JSON API's models of the journey: what is sent (screening answers, a check-in, plan
settings, an override) and what is shown (where a person stands, results, sessions, progress,
a caseload). The programme's own records (:class:`~kinesense.program.plan.Plan`,
:class:`~kinesense.program.screening.ScreeningResult`, check-ins, sessions) are pydantic models
already and travel as they are."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kinesense.assess.result import AssessmentResult
from kinesense.program.plan import Decision, Plan
from kinesense.program.records import CheckIn
from kinesense.program.screening import ScreeningResult
from kinesense.services.caseload import Alert, CaseSummary
from kinesense.services.journey import AssessmentEntry, Journey, SessionEntry
from kinesense.services.progress import ProgressChart


class Sent(BaseModel):
    """A body sent by a client: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class ScreeningAnswers(Sent):
    """The safety questions' answers: every "yes" by its id, or ``none`` when every answer is
    "no" (one of the two: an answer is never assumed)."""

    yes: list[str] = Field(default_factory=list, max_length=100)
    none: bool = False


class PsfsIn(Sent):
    """One activity of the Patient-Specific Functional Scale and its score (0 unable - 10 as
    before the problem; Stratford et al. 1995)."""

    activity: str = Field(min_length=1, max_length=200)
    score: int = Field(ge=0, le=10)


class CheckInCreate(ScreeningAnswers):
    """A check-in: the safety answers again, pain now and over the last week (0-10, both or
    neither), up to five PSFS activities and notes."""

    pain_now: int | None = Field(default=None, ge=0, le=10)
    pain_week: int | None = Field(default=None, ge=0, le=10)
    psfs: list[PsfsIn] = Field(default_factory=list, max_length=5)
    notes: str = Field(default="", max_length=2000)


class PlanCreate(Sent):
    """A new plan from the person's goals (their words), minutes per session, sessions a week
    and equipment (names of ``tracks.json``); what is left out keeps the current plan's."""

    goals: list[str] = Field(default_factory=list, max_length=10)
    minutes: int | None = Field(default=None, ge=5, le=180)
    sessions_per_week: int | None = Field(default=None, ge=1, le=7)
    equipment: list[str] | None = Field(default=None, max_length=20)


class DoseIn(Sent):
    """A dose a clinician sets."""

    sets: int | None = None
    reps: int | None = None
    hold_s: float | None = None


class OverrideCreate(Sent):
    """A clinician's override of one exercise (``*`` with ``resume``: the clearance after a
    referral); the clinician is the therapist signed in, the reason is kept."""

    exercise_id: str = Field(min_length=1, max_length=100)
    action: Literal["hold", "progress", "regress", "pause", "resume", "dose"]
    reason: str = Field(min_length=1, max_length=2000)
    value: DoseIn | None = None


class AdherencePublic(BaseModel):
    """Sessions planned and done, their ratio (0-1) and streaks."""

    planned: int
    done: int
    rate: float | None
    current_streak_days: int
    longest_streak_days: int
    current_streak_weeks: int
    longest_streak_weeks: int


class AlertPublic(BaseModel):
    """Something a therapist should look at, and why."""

    kind: Literal["red_flag", "pain_rise", "missed_sessions", "reassess_due"]
    reason: str

    @classmethod
    def of(cls, alert: Alert) -> "AlertPublic":
        """From the service's alert."""
        return cls(kind=alert.kind, reason=alert.reason)


class JourneyPublic(BaseModel):
    """Where a person stands and what comes next."""

    person_id: int
    name: str
    next_step: Literal["screen", "referred", "plan", "assess", "checkin", "train"]
    screened: bool
    referred: bool
    plan_status: str | None
    checkin_due: bool
    reassess_due: bool
    adherence: AdherencePublic
    alerts: list[AlertPublic]

    @classmethod
    def of(cls, journey: Journey, alerts: tuple[Alert, ...]) -> "JourneyPublic":
        """From the service's journey."""
        return cls(
            person_id=journey.person.id, name=journey.person.name, next_step=journey.next_step,
            screened=journey.safety.screened, referred=journey.referred,
            plan_status=journey.plan.status if journey.plan else None,
            checkin_due=journey.checkin_due, reassess_due=journey.reassess_due,
            adherence=AdherencePublic.model_validate(journey.adherence, from_attributes=True),
            alerts=[AlertPublic.of(a) for a in alerts],
        )  # fmt: skip


class PlanPublic(BaseModel):
    """The active plan and the adherence to the plans so far."""

    plan: Plan
    adherence: AdherencePublic
    reason: str = Field(description="Why this plan was made (new plan, a check-in, an override).")


class CheckInOutcomePublic(BaseModel):
    """What a check-in decided and saved."""

    screening: ScreeningResult
    checkin: CheckIn
    pain_change: dict[str, Any] | None
    decisions: list[Decision]
    plan: Plan
    adherence: AdherencePublic


class ResultSummary(BaseModel):
    """A measurement kept in the history, in one line."""

    id: int
    at: datetime
    test: str
    usable: bool
    summary: str

    @classmethod
    def of(cls, entry: AssessmentEntry) -> "ResultSummary":
        """From the history's entry."""
        return cls(id=entry.id, at=entry.at, test=entry.result.test,
                   usable=entry.result.usable, summary=entry.summary)  # fmt: skip


class ResultPublic(BaseModel):
    """One measurement: the ``kinesense assess TEST --json`` object and its history id."""

    id: int
    at: datetime
    result: AssessmentResult = Field(description="As kinesense assess TEST --json prints it.")


class SessionSummary(BaseModel):
    """A coached session, in one line."""

    id: int
    at: datetime
    exercise: str
    summary: str

    @classmethod
    def of(cls, entry: SessionEntry) -> "SessionSummary":
        """From the history's entry."""
        return cls(id=entry.id, at=entry.at, exercise=entry.session.exercise,
                   summary=entry.summary)  # fmt: skip


class PointPublic(BaseModel):
    """One value at one time."""

    at: datetime
    value: float


class LinePublic(BaseModel):
    """One series of a chart."""

    label: str
    points: list[PointPublic]


class ChartPublic(BaseModel):
    """One progress chart: title, unit, which way is better, scale and reference."""

    key: str
    title: str
    unit: str
    better: Literal["lower", "higher"]
    reference: str
    low: float | None
    high: float | None
    lines: list[LinePublic]

    @classmethod
    def of(cls, chart: ProgressChart) -> "ChartPublic":
        """From the service's chart."""
        return cls.model_validate(chart.to_json())


class WeekPublic(BaseModel):
    """Sessions planned and done in one week from ``start`` (a Monday)."""

    start: str
    planned: int
    done: int


class CasePublic(BaseModel):
    """One person of a therapist's caseload with their alerts."""

    person_id: int
    name: str
    alerts: list[AlertPublic]
    last_checkin: datetime | None
    pain_now: int | None
    last_week: WeekPublic | None
    plan_status: str | None

    @classmethod
    def of(cls, line: CaseSummary) -> "CasePublic":
        """From the service's line."""
        return cls.model_validate(line.to_json())
