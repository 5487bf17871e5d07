"""The person's journey: the safety questions, the weekly check-in, the plan with its calendar,
and the therapist's override and clearance. Each form calls one service; a refusal (a
``KinesenseError``) shows the form again with the service's message."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from kinesense.errors import KinesenseError
from kinesense.services.checkin import check_in
from kinesense.services.journey import equipment_choices, person_journey, plan_calendar
from kinesense.services.lessons import lessons_of_plan
from kinesense.services.live import live_supported
from kinesense.services.plans import make_or_show_plan, override_plan
from kinesense.services.screening import questions, run_screening
from kinesense.web.deps import OwnPerson, StateDep, TherapistUser
from kinesense.web.journey_forms import (
    GOAL_ROWS,
    PSFS_ROWS,
    Filled,
    checkin_request,
    clearance_request,
    override_request,
    plan_request,
    screening_answers,
    text_fields,
)
from kinesense.web.pages.forms import redirect
from kinesense.web.state import AppState
from kinesense.web.templating import render

router = APIRouter()


def _form_page(
    request: Request, name: str, context: dict[str, Any], *, filled: Filled | None = None,
    error: KinesenseError | None = None,
) -> Response:  # fmt: skip
    context = context | {
        "questions": questions(), "questions_by_id": {q.id: q for q in questions()},
        "filled": filled or Filled(), "psfs_rows": PSFS_ROWS,
        "goal_rows": GOAL_ROWS, "error": str(error) if error else "",
    }  # fmt: skip
    return render(request, name, context, status_code=error.http_status if error else 200)


def _journey(state: AppState, person_id: int) -> Any:
    return person_journey(state.store, person_id)


@router.get("/people/{person_id}/screening")
def screening_page(request: Request, person_id: OwnPerson, state: StateDep) -> Response:
    """The safety questions."""
    journey = _journey(state, person_id)
    return _form_page(request, "screening.html", {"title": "Safety questions", "journey": journey})


@router.post("/people/{person_id}/screening")
async def screening(request: Request, person_id: OwnPerson, state: StateDep) -> Response:
    """Decide and save the screening; a red flag shows the referral and no exercise."""
    filled = Filled(text_fields(await request.form()))
    try:
        answers = screening_answers(filled.values)
        outcome = await run_in_threadpool(
            run_screening, answers, store=state.store, person=str(person_id)
        )
    except KinesenseError as exc:
        journey = await run_in_threadpool(_journey, state, person_id)
        context = {"title": "Safety questions", "journey": journey}
        return _form_page(request, "screening.html", context, filled=filled, error=exc)
    journey = await run_in_threadpool(_journey, state, person_id)
    title = "Please see a clinician first" if outcome.result.referred else "Thank you"
    context = {"title": title, "screening": outcome.result, "journey": journey,
               "questions": {q.id: q for q in questions()}}  # fmt: skip
    return render(request, "screening_result.html", context)


@router.get("/people/{person_id}/checkin")
def checkin_page(request: Request, person_id: OwnPerson, state: StateDep) -> Response:
    """The check-in: the safety questions again, pain, everyday activities and notes."""
    journey = _journey(state, person_id)
    last = journey.checkins[-1] if journey.checkins else None
    values = {}
    if last is not None:  # the same activities as last time, to rate again
        for row, item in enumerate(last.psfs, start=1):
            values[f"psfs_activity_{row}"] = item.activity
    context = {"title": "Check in", "journey": journey}
    return _form_page(request, "checkin.html", context, filled=Filled(values))


@router.post("/people/{person_id}/checkin")
async def checkin(request: Request, person_id: OwnPerson, state: StateDep) -> Response:
    """Save the check-in and show what it changed in the plan (or the referral)."""
    filled = Filled(text_fields(await request.form()))
    try:
        outcome = await run_in_threadpool(
            check_in, state.store, str(person_id), checkin_request(filled.values)
        )
    except KinesenseError as exc:
        journey = await run_in_threadpool(_journey, state, person_id)
        context = {"title": "Check in", "journey": journey}
        return _form_page(request, "checkin.html", context, filled=filled, error=exc)
    journey = await run_in_threadpool(_journey, state, person_id)
    title = "Please see a clinician first" if outcome.screening.referred else "Checked in"
    context = {"title": title, "outcome": outcome, "screening": outcome.screening,
               "journey": journey, "questions": {q.id: q for q in questions()}}  # fmt: skip
    return render(request, "checkin_done.html", context)


def _plan_page(
    request: Request, state: AppState, person_id: int, filled: Filled | None = None,
    error: KinesenseError | None = None,
) -> Response:  # fmt: skip
    journey = _journey(state, person_id)
    planned = {item.exercise_id for week in (journey.plan.sessions if journey.plan else ())
               for item in week}  # fmt: skip
    categories = {e: journey.library[e].category for e in planned if e in journey.library}
    live = {e for e in categories if live_supported(journey.library[e])}
    context = {"title": "This week's plan", "journey": journey, "equipment": equipment_choices(),
               "exercise_lessons": lessons_of_plan(categories), "live": live}  # fmt: skip
    return _form_page(request, "plan.html", context, filled=filled, error=error)


async def _plan_action(
    request: Request, state: AppState, person_id: int, act: Callable[[Filled], object]
) -> Response:
    """Run ``act`` on the form sent, then show the plan; the plan page with the reason when a
    service refused it."""
    filled = Filled(text_fields(await request.form()))
    try:
        await run_in_threadpool(act, filled)
    except KinesenseError as exc:
        error = exc
    else:
        return redirect(f"/people/{person_id}/plan")
    return await run_in_threadpool(_plan_page, request, state, person_id, filled, error)


@router.get("/people/{person_id}/plan")
def plan_page(request: Request, person_id: OwnPerson, state: StateDep) -> Response:
    """This week's plan with its reasons, the settings that make it, and the calendar."""
    return _plan_page(request, state, person_id)


@router.post("/people/{person_id}/plan")
async def make_plan(request: Request, person_id: OwnPerson, state: StateDep) -> Response:
    """A new plan from the goals, time and equipment given."""

    def act(filled: Filled) -> object:
        wanted = plan_request(filled.values, tuple(equipment_choices()))
        return make_or_show_plan(state.store, str(person_id), wanted)

    return await _plan_action(request, state, person_id, act)


@router.get("/people/{person_id}/plan/calendar.ics")
def calendar(
    person_id: OwnPerson,
    state: StateDep,
    weeks: Annotated[int, Query(ge=1, le=52)] = 4,
    hour: Annotated[int, Query(ge=0, le=23)] = 18,
) -> Response:
    """The plan's sessions as a calendar file (iCalendar), for the next ``weeks`` weeks."""
    text = plan_calendar(state.store, person_id, weeks=weeks, hour=hour)
    return Response(
        text,
        media_type="text/calendar; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="kinesense-plan.ics"'},
    )


@router.post("/people/{person_id}/plan/override")
async def override(
    request: Request, person_id: OwnPerson, user: TherapistUser, state: StateDep
) -> Response:
    """A therapist's override of one exercise, with the reason kept."""

    def act(filled: Filled) -> object:
        wanted = override_request(filled.values, user.name)
        return override_plan(state.store, str(person_id), wanted)

    return await _plan_action(request, state, person_id, act)


@router.post("/people/{person_id}/clearance")
async def clearance(
    request: Request, person_id: OwnPerson, user: TherapistUser, state: StateDep
) -> Response:
    """A therapist clears the person to exercise after a referral (the plan is rebuilt)."""

    def act(filled: Filled) -> object:
        wanted = clearance_request(filled.values, user.name)
        return override_plan(state.store, str(person_id), wanted)

    return await _plan_action(request, state, person_id, act)
