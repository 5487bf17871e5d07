"""Coached sessions: the list, one session with its events (repetitions, holds, form cues), and
the page that uploads a recorded session to be coached by the same code as ``kinesense coach
--video``."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from kinesense.services.journey import person_journey
from kinesense.web.deps import OwnPerson, StateDep
from kinesense.web.templating import render
from kinesense.web.uploads import VIDEO_TEXT

router = APIRouter()


SHOWN = 30
"""Sessions listed at first (a year of three a week is 150): the newest."""


@router.get("/people/{person_id}/sessions")
def sessions_page(
    request: Request,
    person_id: OwnPerson,
    state: StateDep,
    every: Annotated[bool, Query(alias="all")] = False,
) -> Response:
    """The coached sessions, newest first (the :data:`SHOWN` newest unless ``all``), and the
    recorded sessions being coached."""
    journey = person_journey(state.store, person_id)
    jobs = [j for j in state.jobs.repository.for_person(person_id) if j.kind == "coach"]
    newest = list(reversed(journey.sessions))
    shown = newest if every else newest[:SHOWN]
    context = {"title": "Sessions", "journey": journey, "jobs": jobs, "shown": shown,
               "hidden": len(newest) - len(shown)}  # fmt: skip
    return render(request, "sessions.html", context)


@router.get("/people/{person_id}/sessions/upload")
def session_upload_page(request: Request, person_id: OwnPerson, state: StateDep) -> Response:
    """Send the video of a session to be coached (the exercises of the plan to choose from)."""
    journey = person_journey(state.store, person_id)
    limit_mb = state.config.max_upload_bytes // (1024 * 1024)
    context = {"title": "Send a recorded session", "journey": journey, "limit_mb": limit_mb,
               "accepted": VIDEO_TEXT}  # fmt: skip
    return render(request, "session_upload.html", context)


@router.get("/people/{person_id}/sessions/{record_id}")
def session_page(
    request: Request, person_id: OwnPerson, record_id: int, state: StateDep
) -> Response:
    """One coached session with its events."""
    journey = person_journey(state.store, person_id)
    entry = journey.session(record_id)
    context = {"title": "Session", "journey": journey, "entry": entry}
    return render(request, "session.html", context)
