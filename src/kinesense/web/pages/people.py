"""A therapist's people, a person's page, the upload page and a job's progress page.

The person's page lists what exists today (uploads and their jobs); the journey (screening, plan,
check-ins, progress) is added here as calls to ``kinesense.services``.
"""

from fastapi import APIRouter, Request
from starlette.responses import Response

from kinesense.services.people import find_person
from kinesense.web.deps import OwnJob, OwnPerson, StateDep, TherapistUser
from kinesense.web.templating import render
from kinesense.web.uploads import ACCEPTED_TEXT

router = APIRouter()


@router.get("/people")
def people_page(request: Request, user: TherapistUser, state: StateDep) -> Response:
    """The therapist's people."""
    people = state.accounts.people_of(user.id)
    return render(request, "people.html", {"title": "Your people", "people": people})


@router.get("/people/{person_id}")
def person_page(request: Request, person_id: OwnPerson, state: StateDep) -> Response:
    """A person's page: their recordings and what became of them."""
    person = find_person(state.store, person_id)
    jobs = state.jobs.repository.for_person(person_id)
    return render(request, "person.html", {"title": person.name, "person": person, "jobs": jobs})


@router.get("/people/{person_id}/upload")
def upload_page(request: Request, person_id: OwnPerson, state: StateDep) -> Response:
    """The upload form (sent by a script, with progress)."""
    person = find_person(state.store, person_id)
    limit_mb = state.config.max_upload_bytes // (1024 * 1024)
    context = {"title": "Upload a recording", "person": person, "accepted": ACCEPTED_TEXT,
               "limit_mb": limit_mb}  # fmt: skip
    return render(request, "upload.html", context)


@router.get("/jobs/{job_id}")
def job_page(request: Request, job: OwnJob, state: StateDep) -> Response:
    """A job's progress, refreshed by a script until it ends, then its result."""
    title = f"Reading {job.input.get('name', 'the recording')}"
    return render(request, "job.html", {"title": title, "job": job})
