"""A therapist's people with their alerts, a person's page (where they stand and what comes
next), the upload page of a measurement and a job's progress page."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from kinesense.clock import utc_now
from kinesense.services.caseload import alerts_of, caseload, facts_of
from kinesense.services.journey import person_journey
from kinesense.services.people import age_this_year
from kinesense.web.analysis_choices import TEST_CHOICES, conditions
from kinesense.web.deps import OwnJob, OwnPerson, StateDep, TherapistUser
from kinesense.web.pages.forms import redirect
from kinesense.web.pages.live_tests import guided_choices
from kinesense.web.templating import render
from kinesense.web.uploads import ACCEPTED_TEXT

router = APIRouter()

PAGE_SIZE = 25
"""People listed on one page of a therapist's list."""


@router.get("/people")
def people_page(
    request: Request,
    user: TherapistUser,
    state: StateDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """The therapist's people, those with alerts first, :data:`PAGE_SIZE` a page."""
    accounts = [a for a in state.accounts.people_of(user.id) if a.person_id is not None]
    lines = caseload(state.store, [a.person_id for a in accounts if a.person_id is not None])
    pages = max(1, -(-len(lines) // PAGE_SIZE))
    shown = lines[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    emails = {a.person_id: a.email for a in accounts}
    alerted = sum(1 for line in lines if line.alerts)
    context = {"title": "Your people", "lines": shown, "emails": emails, "page": page,
               "pages": pages, "total": len(lines), "alerted": alerted}  # fmt: skip
    return render(request, "people.html", context)


@router.get("/people/{person_id}")
def person_page(request: Request, person_id: OwnPerson, state: StateDep) -> Response:
    """A person's page: where they stand, what comes next, their plan at a glance, their
    latest measurements and recordings (with the alerts, for their therapist)."""
    journey = person_journey(state.store, person_id)
    jobs = state.jobs.repository.for_person(person_id, limit=10)
    context = {"title": journey.person.name, "journey": journey, "jobs": jobs,
               "alerts": alerts_of(facts_of(journey))}  # fmt: skip
    return render(request, "person.html", context)


@router.get("/people/{person_id}/upload")
def upload_page(request: Request, person_id: OwnPerson, state: StateDep) -> Response:
    """The upload form of a measurement (sent by a script, with progress)."""
    journey = person_journey(state.store, person_id)
    limit_mb = state.config.max_upload_bytes // (1024 * 1024)
    context = {"title": "Measure", "person": journey.person, "journey": journey,
               "accepted": ACCEPTED_TEXT, "limit_mb": limit_mb,
               "age": age_this_year(journey.person, utc_now()),
               "tests": TEST_CHOICES, "conditions": conditions(),
               "guided": guided_choices()}  # fmt: skip
    return render(request, "upload.html", context)


@router.get("/jobs/{job_id}")
def job_page(request: Request, job: OwnJob) -> Response:
    """A job's progress, refreshed by a script until it ends; then what it made (a
    measurement or a session opens at once) or why it failed."""
    record = (job.result or {}).get("record_id")
    if job.status == "done" and job.person_id is not None and isinstance(record, int):
        where = "results" if job.kind == "assess" else "sessions"
        return redirect(f"/people/{job.person_id}/{where}/{record}")
    doing = {"assess": "Measuring", "coach": "Coaching"}.get(job.kind, "Reading")
    title = f"{doing} {job.input.get('name', 'the recording')}"
    return render(request, "job.html", {"title": title, "job": job})
