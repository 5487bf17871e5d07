"""Two ledgers kept beside the history: who viewed or changed whose data (``audit_log``), and
which records each background job wrote (``job_writes``).

``audit_log``: one row per person-scoped read or write made through the web app: the account
that acted (and its role then), what it did (``view`` or ``change``), the person whose data it
was, the request (method and route template, never the query string or a body) and the request
id of the structured logs. Rows are only ever added; :class:`AuditLog` reads them for
clinicians and administrators (``GET /api/v1/audit``).

``job_writes``: the exactly-once ledger of the clinic stack's job queue. A job that writes to the
history records, in the same transaction, the ``(job_id, seq)`` of each write with the record it
made; the primary key makes the database refuse a second copy, and a job run again (its worker
was killed, its message delivered twice) finds the record already written and returns it instead
of writing another (:mod:`kinesense.clinic.once`).

Times are naive UTC, as in :mod:`kinesense.store.models`.
"""

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import DateTime, Engine, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from kinesense.store.engine import session_scope
from kinesense.store.models import Base

AuditAction = Literal["view", "change"]
ROUTE_MAX = 200


class AuditRow(Base):
    """One person-scoped request: who (account, role), what (action, route), whose (person)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    account_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(10))
    person_id: Mapped[int] = mapped_column(Integer, index=True)
    route: Mapped[str] = mapped_column(String(ROUTE_MAX))
    status: Mapped[int] = mapped_column(Integer)
    request_id: Mapped[str] = mapped_column(String(64))


class JobWriteRow(Base):
    """The ``seq``-th history record a job wrote (``record_id``), written with it."""

    __tablename__ = "job_writes"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer)
    written_at: Mapped[datetime] = mapped_column(DateTime)


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log (``at`` aware UTC)."""

    id: int
    at: datetime
    account_id: int | None
    role: str
    action: str
    person_id: int
    route: str
    status: int
    request_id: str


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id, at=row.at.replace(tzinfo=UTC), account_id=row.account_id, role=row.role,
        action=row.action, person_id=row.person_id, route=row.route, status=row.status,
        request_id=row.request_id,
    )  # fmt: skip


class AuditLog:
    """The ``audit_log`` table of a kinesense database (created by the migrations)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def _transaction(self) -> AbstractContextManager[Session]:
        return session_scope(self._sessions, self._engine)

    def record(
        self, *, account_id: int | None, role: str, action: AuditAction, person_id: int,
        route: str, status: int, request_id: str,
    ) -> None:  # fmt: skip
        """Add one line (the time is now, UTC)."""
        row = AuditRow(
            at=datetime.now(UTC).replace(tzinfo=None), account_id=account_id, role=role[:20],
            action=action, person_id=person_id, route=route[:ROUTE_MAX], status=status,
            request_id=request_id[:64],
        )  # fmt: skip
        with self._transaction() as session:
            session.add(row)

    def entries(self, *, person_ids: list[int] | None = None, limit: int = 200) -> list[AuditEntry]:
        """The newest lines first; only those about ``person_ids`` when given."""
        query = select(AuditRow)
        if person_ids is not None:
            query = query.where(AuditRow.person_id.in_(person_ids))
        query = query.order_by(AuditRow.id.desc()).limit(limit)
        with self._transaction() as session:
            return [_entry(row) for row in session.scalars(query)]
