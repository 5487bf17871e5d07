"""``/api/v1/jobs/{job_id}``: a background job's status, polled by the job page."""

from fastapi import APIRouter

from kinesense.web.deps import OwnJob
from kinesense.web.schemas import JobPublic

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.get("/{job_id}", response_model=JobPublic)
def job(job: OwnJob) -> JobPublic:
    """A job of the signed-in person (or of one of the therapist's people)."""
    return JobPublic.of(job)
