"""``/api/v1/people``: the people the signed-in account may see, their jobs and uploads."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from kinesense.jobs.analysis import AnalysisRequest, Movement, Stance, TestName
from kinesense.services.people import find_person
from kinesense.web import access, recordings
from kinesense.web.deps import CurrentUser, OwnPerson, StateDep
from kinesense.web.schemas import JobPublic, PersonPublic

router = APIRouter(prefix="/people", tags=["people"])

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "description": "The file's bytes, as they are (not a form).",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get("", response_model=list[PersonPublic])
def people(user: CurrentUser, state: StateDep) -> list[PersonPublic]:
    """A therapist's people, or a person's own record."""
    access.require_role(user, "person", "therapist")
    accounts = [user] if user.role == "person" else state.accounts.people_of(user.id)
    return [
        PersonPublic.of(find_person(state.store, a.person_id), a)
        for a in accounts
        if a.person_id is not None
    ]


@router.get("/{person_id}", response_model=PersonPublic)
def person(person_id: OwnPerson, state: StateDep) -> PersonPublic:
    """One person."""
    found = find_person(state.store, person_id)
    return PersonPublic.of(found, state.accounts.for_person(person_id))


@router.get("/{person_id}/jobs", response_model=list[JobPublic])
def jobs(person_id: OwnPerson, state: StateDep) -> list[JobPublic]:
    """The person's jobs (their uploads being read or analysed), newest first."""
    return [JobPublic.of(job) for job in state.jobs.repository.for_person(person_id)]


@router.post(
    "/{person_id}/uploads", response_model=JobPublic, status_code=202, openapi_extra=UPLOAD_BODY
)
async def upload(
    person_id: OwnPerson,
    user: CurrentUser,
    state: StateDep,
    request: Request,
    name: Annotated[str, Query(max_length=255, description="The file's name, as a label.")],
    test: Annotated[TestName | None, Query(description="The test to run (else: describe).")] = None,
    eyes: Annotated[Literal["open", "closed"], Query()] = "open",
    stance: Annotated[Stance, Query()] = "feet-together",
    surface: Annotated[Literal["firm", "foam"], Query()] = "firm",
    age: Annotated[int | None, Query(ge=1, le=120)] = None,
    sex: Annotated[Literal["female", "male"] | None, Query()] = None,
    joint: Annotated[Literal["trunk", "neck"], Query()] = "trunk",
    movement: Annotated[Movement, Query()] = "flexion",
) -> JobPublic:
    """Upload a recording for the person: the body is the file. With ``test``, the job runs
    that test as ``kinesense assess TEST`` does (the conditions apply to the tests that take
    them) and saves the result; without, it describes the file (``kinesense info``). Answers
    at once with the job; poll ``/api/v1/jobs/{id}``."""
    analysis = None
    if test is not None:
        analysis = AnalysisRequest(test=test, eyes=eyes, stance=stance, surface=surface,
                                   age=age, sex=sex, joint=joint, movement=movement)  # fmt: skip
    job = await recordings.upload_and_read(state, request, user, person_id, name, analysis)
    return JobPublic.of(job)


@router.post(
    "/{person_id}/sessions/uploads", response_model=JobPublic, status_code=202,
    openapi_extra=UPLOAD_BODY,
)  # fmt: skip
async def upload_session(
    person_id: OwnPerson,
    user: CurrentUser,
    state: StateDep,
    request: Request,
    name: Annotated[str, Query(max_length=255, description="The file's name, as a label.")],
    exercise: Annotated[str, Query(min_length=1, max_length=100)],
    pain_before: Annotated[int | None, Query(ge=0, le=10)] = None,
    pain_after: Annotated[int | None, Query(ge=0, le=10)] = None,
) -> JobPublic:
    """Upload the video of a session of ``exercise``: the job coaches it as ``kinesense coach
    EXERCISE --video FILE --person ID`` does (at the plan's dose) and saves the session.
    Refused before the file is sent for a person not screened or referred."""
    details = recordings.SessionUpload(exercise, pain_before, pain_after)
    job = await recordings.upload_session(state, request, user, person_id, name, details)
    return JobPublic.of(job)
