"""Uploaded recordings become jobs: the file is received (:mod:`kinesense.web.uploads`) and a job
works on it in the background with the same code as the command line.

* a measurement (an :class:`~kinesense.jobs.analysis.AnalysisRequest` given): the ``assess`` job,
  whose result is saved in the person's history;
* a recorded session (an exercise given): the ``coach`` job, as ``kinesense coach --video``;
* neither: the ``describe`` job (what the file holds, as ``kinesense info``).

What can be refused before the file is sent is refused first (an exercise that does not exist, a
person not screened or referred for a session); a file the test cannot read is refused as soon
as its content is known, and deleted.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from kinesense.errors import InvalidValueError, KinesenseError
from kinesense.jobs import JobRecord
from kinesense.jobs.analysis import AnalysisRequest, check_format
from kinesense.store.accounts import AccountRecord
from kinesense.web.state import AppState
from kinesense.web.uploads import StoredUpload, receive_upload

UPLOAD_JOB = "describe"
"""The job of an upload that asks for nothing else."""
SESSION_FORMATS = ("video",)
"""What a recorded session may be: a video (``kinesense coach --video`` reads videos)."""


@dataclass(frozen=True)
class SessionUpload:
    """A recorded session's details: the exercise and the pain before and after (0-10)."""

    exercise: str
    pain_before: int | None = None
    pain_after: int | None = None


def declared_length(request: Request) -> int | None:
    """The request's Content-Length, when it gives one."""
    text = request.headers.get("content-length", "")
    return int(text) if text.isdigit() else None


async def _receive(state: AppState, request: Request, person_id: int, name: str) -> StoredUpload:
    return await receive_upload(
        request.stream(),
        data_dir=state.config.data_dir,
        person_id=person_id,
        name=name,
        max_bytes=state.config.max_upload_bytes,
        declared_bytes=declared_length(request),
    )


def _checked(state: AppState, stored: StoredUpload, check: Any, *args: Any) -> None:
    """Run ``check``; on refusal delete the stored file and raise."""
    try:
        check(*args)
    except KinesenseError:
        (state.config.data_dir / stored.file).unlink(missing_ok=True)
        raise


def _job_input(stored: StoredUpload) -> dict[str, Any]:
    return {
        "file": stored.file,
        "name": stored.name,
        "format": stored.format,
        "size_bytes": stored.size_bytes,
    }


async def upload_and_read(
    state: AppState, request: Request, user: AccountRecord, person_id: int, name: str,
    analysis: AnalysisRequest | None = None,
) -> JobRecord:  # fmt: skip
    """Receive the request body as a recording of ``person_id`` and queue the job that
    analyses it (``analysis``) or describes it."""
    stored = await _receive(state, request, person_id, name)
    job_input = _job_input(stored)
    kind = UPLOAD_JOB
    if analysis is not None:
        _checked(state, stored, check_format, analysis, stored.format, stored.name)
        job_input |= {"person_id": person_id, "analysis": analysis.model_dump()}
        kind = "assess"
    return await run_in_threadpool(
        state.jobs.submit, kind, job_input, account_id=user.id, person_id=person_id
    )


def _session_allowed(state: AppState, person_id: int, details: SessionUpload) -> None:
    from kinesense.services.coaching import CoachingRequest, check_request, prepare

    request = CoachingRequest(
        exercise_id=details.exercise, video=Path("recording"), person=str(person_id),
        pain_before=details.pain_before, pain_after=details.pain_after,
    )  # fmt: skip
    check_request(request)
    prepare(request, state.store)


def _is_session(fmt: str, name: str) -> None:
    if fmt not in SESSION_FORMATS:
        raise InvalidValueError(f"{name} is a {fmt} file: send the video of the session")


async def upload_session(
    state: AppState, request: Request, user: AccountRecord, person_id: int, name: str,
    details: SessionUpload,
) -> JobRecord:  # fmt: skip
    """Check the session can be coached (the exercise, the safety screening), receive the
    video and queue the ``coach`` job."""
    await run_in_threadpool(_session_allowed, state, person_id, details)
    stored = await _receive(state, request, person_id, name)
    _checked(state, stored, _is_session, stored.format, stored.name)
    job_input = _job_input(stored) | {
        "person_id": person_id, "exercise": details.exercise,
        "pain_before": details.pain_before, "pain_after": details.pain_after,
    }  # fmt: skip
    return await run_in_threadpool(
        state.jobs.submit, "coach", job_input, account_id=user.id, person_id=person_id
    )
