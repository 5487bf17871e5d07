"""``/api/v1/people/{person_id}/...``: the journey - where the person stands, the safety
screening, check-ins, the plan, its calendar and a clinician's override."""

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from kinesense.errors import InvalidValueError, NotFoundError
from kinesense.program.screening import ScreeningResult
from kinesense.services.caseload import alerts_of, facts_of
from kinesense.services.checkin import CheckInRequest, check_in
from kinesense.services.journey import person_journey, plan_calendar
from kinesense.services.plans import OverrideRequest, PlanRequest, make_or_show_plan, override_plan
from kinesense.services.screening import run_screening, stated_answers
from kinesense.web.deps import OwnPerson, StateDep, TherapistUser
from kinesense.web.journey_schemas import (
    AdherencePublic,
    CheckInCreate,
    CheckInOutcomePublic,
    JourneyPublic,
    OverrideCreate,
    PlanCreate,
    PlanPublic,
    ScreeningAnswers,
)
from kinesense.web.state import AppState

router = APIRouter(prefix="/people/{person_id}", tags=["journey"])


def _answers(body: ScreeningAnswers) -> dict[str, bool]:
    answers = stated_answers(body.yes, none=body.none)
    if answers is None:
        raise InvalidValueError(
            'give every "yes" answer by its id in yes, or none: true when every answer is "no"'
        )
    return answers


@router.get("/journey", response_model=JourneyPublic)
def journey(person_id: OwnPerson, state: StateDep) -> JourneyPublic:
    """Where the person stands: screened, referred, plan, what comes next, alerts."""
    found = person_journey(state.store, person_id)
    return JourneyPublic.of(found, alerts_of(facts_of(found)))


@router.post("/screenings", response_model=ScreeningResult, status_code=201)
def screening(body: ScreeningAnswers, person_id: OwnPerson, state: StateDep) -> ScreeningResult:
    """Answer the safety questions (``kinesense screen``); a red flag refers the person and
    stops every exercise until a clinician clears them."""
    return run_screening(_answers(body), store=state.store, person=str(person_id)).result


def _plan_public(state: AppState, person_id: int) -> PlanPublic:
    found = person_journey(state.store, person_id)
    if found.plan is None:
        raise NotFoundError(f"{found.person.name} has no plan yet")
    adherence = AdherencePublic.model_validate(found.adherence, from_attributes=True)
    return PlanPublic(plan=found.plan, adherence=adherence, reason=found.plan_reason)


@router.post("/checkins", response_model=CheckInOutcomePublic, status_code=201)
def checkin(body: CheckInCreate, person_id: OwnPerson, state: StateDep) -> CheckInOutcomePublic:
    """Check in (``kinesense checkin``): the safety answers, pain and activities; the plan is
    reviewed and saved with the decisions, in one transaction."""
    request = CheckInRequest(
        answers=_answers(body), pain_now=body.pain_now, pain_week=body.pain_week,
        psfs=tuple(f"{item.activity}={item.score}" for item in body.psfs), notes=body.notes,
    )  # fmt: skip
    outcome = check_in(state.store, str(person_id), request)
    return CheckInOutcomePublic(
        screening=outcome.screening, checkin=outcome.checkin,
        pain_change=outcome.pain_change.to_json() if outcome.pain_change else None,
        decisions=list(outcome.decisions), plan=outcome.plan,
        adherence=AdherencePublic.model_validate(outcome.adherence, from_attributes=True),
    )  # fmt: skip


@router.get("/plan", response_model=PlanPublic)
def plan(person_id: OwnPerson, state: StateDep) -> PlanPublic:
    """The active plan (404 before the first)."""
    return _plan_public(state, person_id)


@router.post("/plan", response_model=PlanPublic, status_code=201)
def new_plan(body: PlanCreate, person_id: OwnPerson, state: StateDep) -> PlanPublic:
    """A new plan (``kinesense plan --new``) from the settings given; refused before the
    safety questions, and without exercise while a referral stands."""
    request = PlanRequest(
        new=True, minutes=body.minutes, sessions_per_week=body.sessions_per_week,
        goals=tuple(body.goals),
        equipment=None if body.equipment is None else ",".join(body.equipment),
    )  # fmt: skip
    make_or_show_plan(state.store, str(person_id), request)
    return _plan_public(state, person_id)


@router.post("/plan/overrides", response_model=PlanPublic, status_code=201)
def override(
    body: OverrideCreate, person_id: OwnPerson, user: TherapistUser, state: StateDep
) -> PlanPublic:
    """A clinician's override (therapists only), kept with the reason: ``*`` with ``resume``
    clears the person after a referral and rebuilds the plan."""
    request = OverrideRequest(
        exercise_id=body.exercise_id, action=body.action, clinician=user.name, reason=body.reason,
        value=None if body.value is None else body.value.model_dump(exclude_none=True),
    )  # fmt: skip
    override_plan(state.store, str(person_id), request)
    return _plan_public(state, person_id)


@router.get("/plan/calendar", response_class=Response,
            responses={200: {"content": {"text/calendar": {}}}})  # fmt: skip
def calendar(
    person_id: OwnPerson,
    state: StateDep,
    weeks: Annotated[int, Query(ge=1, le=52)] = 4,
    hour: Annotated[int, Query(ge=0, le=23)] = 18,
) -> Response:
    """The plan's sessions as iCalendar text for ``weeks`` weeks at ``hour`` o'clock, local time."""
    text = plan_calendar(state.store, person_id, weeks=weeks, hour=hour)
    return Response(text, media_type="text/calendar; charset=utf-8")
