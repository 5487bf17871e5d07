"""Jobs in the database: created queued, moved to running, progressed, then done or failed.

The database is the only channel between whoever runs a job (the in-process runner today, a
Celery worker at clinic scale) and whoever watches it (a page polling ``/api/v1/jobs/{id}``).
"""

import uuid
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from kinesense.errors import NotFoundError
from kinesense.store.engine import session_scope
from kinesense.store.web_tables import JobRow

STAGE_MAX = 200
ERROR_MAX = 1000


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class JobRecord:
    """A job as stored. ``progress`` is 0-1; ``error`` is the one-line reason of a failure."""

    id: str
    kind: str
    status: str
    progress: float
    stage: str
    account_id: int | None
    person_id: int | None
    input: dict[str, Any]
    result: dict[str, Any] | None
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        """Whether the job ended (done or failed)."""
        return self.status in ("done", "failed")


def _record(row: JobRow) -> JobRecord:
    return JobRecord(
        id=row.id, kind=row.kind, status=row.status, progress=row.progress, stage=row.stage,
        account_id=row.account_id, person_id=row.person_id, input=dict(row.input),
        result=None if row.result is None else dict(row.result), error=row.error,
        created_at=row.created_at.replace(tzinfo=UTC), started_at=_aware(row.started_at),
        finished_at=_aware(row.finished_at),
    )  # fmt: skip


class JobRepository:
    """The ``jobs`` table of a kinesense database (created by the store's migrations)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def _transaction(self) -> AbstractContextManager[Session]:
        return session_scope(self._sessions, self._engine)

    def create(
        self, kind: str, job_input: Mapping[str, Any], *, account_id: int | None = None,
        person_id: int | None = None,
    ) -> JobRecord:  # fmt: skip
        """A new queued job."""
        with self._transaction() as session:
            row = JobRow(
                id=uuid.uuid4().hex, kind=kind, status="queued", progress=0.0, stage="waiting",
                account_id=account_id, person_id=person_id, input=dict(job_input), result=None,
                error="", created_at=_now(),
            )  # fmt: skip
            session.add(row)
            session.flush()
            return _record(row)

    def get(self, job_id: str) -> JobRecord:
        """A job by id; :class:`NotFoundError` if there is none."""
        with self._transaction() as session:
            row = session.get(JobRow, job_id)
            if row is None:
                raise NotFoundError(f"no job with id {job_id}")
            return _record(row)

    def for_person(self, person_id: int, limit: int = 50) -> list[JobRecord]:
        """A person's jobs, newest first."""
        query = select(JobRow).where(JobRow.person_id == person_id)
        query = query.order_by(JobRow.created_at.desc(), JobRow.id).limit(limit)
        with self._transaction() as session:
            return [_record(r) for r in session.scalars(query)]

    def start(self, job_id: str) -> None:
        """Mark a job running."""
        self._set(job_id, status="running", started_at=_now(), stage="starting")

    def progress(self, job_id: str, fraction: float, stage: str) -> None:
        """Record how far a running job got (``fraction`` clipped to 0-1)."""
        value = min(max(float(fraction), 0.0), 1.0) if fraction == fraction else 0.0
        self._set(job_id, progress=value, stage=stage[:STAGE_MAX])

    def finish(self, job_id: str, result: Mapping[str, Any]) -> None:
        """Mark a job done with its JSON result."""
        self._set(
            job_id, status="done", progress=1.0, stage="done", result=dict(result),
            finished_at=_now(),
        )  # fmt: skip

    def fail(self, job_id: str, reason: str) -> None:
        """Mark a job failed with a one-line reason."""
        line = " ".join(reason.split())[:ERROR_MAX] or "the job failed"
        self._set(job_id, status="failed", stage="failed", error=line, finished_at=_now())

    def count_unfinished(self) -> int:
        """How many jobs are queued or running."""
        query = select(func.count()).select_from(JobRow)
        query = query.where(JobRow.status.in_(("queued", "running")))
        with self._transaction() as session:
            return int(session.scalar(query) or 0)

    def fail_unfinished(self, reason: str) -> int:
        """Fail every queued or running job (their runner stopped); returns how many."""
        query = (
            update(JobRow)
            .where(JobRow.status.in_(("queued", "running")))
            .values(status="failed", stage="failed", error=reason, finished_at=_now())
        )
        with self._transaction() as session:
            return int(getattr(session.execute(query), "rowcount", 0) or 0)

    def _set(self, job_id: str, **values: Any) -> None:
        with self._transaction() as session:
            session.execute(update(JobRow).where(JobRow.id == job_id).values(**values))
