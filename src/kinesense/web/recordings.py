"""Uploaded recordings become jobs: the file is received (:mod:`kinesense.web.uploads`) and a job
reads it in the background.

Today the job describes the recording (``kinesense info``); when ``kinesense.services`` offers
the analysis of a recording, this is where the upload's job kind changes to it.
"""

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from kinesense.jobs import JobRecord
from kinesense.store.accounts import AccountRecord
from kinesense.web.state import AppState
from kinesense.web.uploads import receive_upload

UPLOAD_JOB = "describe"


def declared_length(request: Request) -> int | None:
    """The request's Content-Length, when it gives one."""
    text = request.headers.get("content-length", "")
    return int(text) if text.isdigit() else None


async def upload_and_read(
    state: AppState, request: Request, user: AccountRecord, person_id: int, name: str
) -> JobRecord:
    """Receive the request body as a recording of ``person_id`` and queue the job reading it."""
    stored = await receive_upload(
        request.stream(),
        data_dir=state.config.data_dir,
        person_id=person_id,
        name=name,
        max_bytes=state.config.max_upload_bytes,
        declared_bytes=declared_length(request),
    )
    job_input = {
        "file": stored.file,
        "name": stored.name,
        "format": stored.format,
        "size_bytes": stored.size_bytes,
    }
    return await run_in_threadpool(
        state.jobs.submit, UPLOAD_JOB, job_input, account_id=user.id, person_id=person_id
    )
