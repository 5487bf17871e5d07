"""``GET /api/v1/health`` (the process answers) and ``GET /api/v1/ready`` (it can serve: the
database and the job queue answer), the two API routes open without a session.

A load balancer or an orchestrator sends traffic to a web process while ``/ready`` answers 200
and restarts one whose ``/health`` stops answering; ``/ready`` answers 503 with the reason and
``Retry-After`` while the database or the broker is away (:mod:`kinesense.clinic.readiness`).
"""

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from kinesense.clinic.readiness import readiness
from kinesense.clinic.runner import RETRY_AFTER_S
from kinesense.web.deps import StateDep
from kinesense.web.schemas import Health

router = APIRouter(tags=["health"])


class Ready(BaseModel):
    """What serves the app, and why it cannot serve when it cannot."""

    database: Literal["sqlite", "postgresql"] = Field(description="The database in use.")
    broker: Literal["in-process", "redis"] = Field(description="Where jobs are queued.")
    workers: int = Field(ge=0, description="Job workers that answer (threads in-process).")
    reason: str | None = Field(default=None, description="Why not ready (503 only).")


@router.get("/health", response_model=Health)
def health() -> Health:
    """The server is up."""
    return Health()


@router.get(
    "/ready", response_model=Ready, response_model_exclude_none=True,
    responses={503: {"model": Ready, "description": "The database or the job queue is down."}},
)  # fmt: skip
def ready(state: StateDep) -> Ready | JSONResponse:
    """The database and the job queue answer (503 with the reason otherwise)."""
    found = readiness(state.engine, state.jobs)
    body = Ready(
        database=found.database,  # type: ignore[arg-type]
        broker=found.broker,  # type: ignore[arg-type]
        workers=found.workers,
        reason=found.reason or None,
    )  # fmt: skip
    if found.ready:
        return body
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=503,
        headers={"retry-after": str(RETRY_AFTER_S)},
    )  # fmt: skip
