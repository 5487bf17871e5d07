"""Writes that happen once per job, however often the job runs.

A Celery worker acknowledges a job only when it has finished (``acks_late``); a worker killed
half-way has its job delivered again, and a job may be delivered twice. The job functions are the
embedded runner's, unchanged: they save to the history through ``store.transaction()``. Given a
:class:`OnceStore` instead of the plain :class:`~kinesense.store.Store`, each ``unit.save_*``
call of a job is numbered (``seq`` 0, 1, ... in the order the job makes them; job code is
deterministic) and:

* if ``job_writes`` already holds ``(job_id, seq)``, that earlier write committed: its record id
  is returned and nothing is written;
* otherwise the record is written and ``(job_id, seq, record_id)`` is inserted *in the same
  transaction*, so both commit or neither does; two runs racing for the same write cannot both
  commit (the primary key refuses the second, whose transaction rolls back whole).

So a job that ran twice leaves exactly the records of one run, and returns the same record ids.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Self

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinesense.store import Store, Unit
from kinesense.store.audit import JobWriteRow

SAVES = ("screening", "assessment", "plan", "session", "checkin", "override")
"""The kinds of record a unit saves (``Unit.save_<kind>``)."""


class JobLedger:
    """The numbering of one job run's writes (see the module docstring)."""

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        self._next = 0

    def write_once(self, session: Session, kind: str, write: Callable[[], int]) -> int:
        """The record id of this job's next write: the stored one if it was written before,
        else ``write()``'s, recorded in ``session``'s transaction."""
        seq, self._next = self._next, self._next + 1
        query = select(JobWriteRow).where(JobWriteRow.job_id == self.job_id, JobWriteRow.seq == seq)
        done = session.scalars(query).first()
        if done is not None:
            return done.record_id
        record_id = write()
        session.add(
            JobWriteRow(
                job_id=self.job_id, seq=seq, kind=kind, record_id=record_id,
                written_at=datetime.now(UTC).replace(tzinfo=None),
            )
        )  # fmt: skip
        session.flush()
        return record_id


class OnceUnit(Unit):
    """A :class:`~kinesense.store.Unit` whose saves go through a :class:`JobLedger`."""

    def __init__(self, session: Session, ledger: JobLedger) -> None:
        super().__init__(session)
        self._ledger = ledger

    def _once(self, kind: str, write: Callable[[], int]) -> int:
        return self._ledger.write_once(self._session, kind, write)

    def save_screening(self, person_id: int, screening: Any) -> int:
        return self._once("screening", lambda: super(OnceUnit, self).save_screening(
            person_id, screening))  # fmt: skip

    def save_assessment(self, person_id: int, result: Any) -> int:
        return self._once("assessment", lambda: super(OnceUnit, self).save_assessment(
            person_id, result))  # fmt: skip

    def save_plan(self, person_id: int, plan: Any, *, reason: str) -> int:
        return self._once("plan", lambda: super(OnceUnit, self).save_plan(
            person_id, plan, reason=reason))  # fmt: skip

    def save_session(self, person_id: int, session: Any) -> int:
        return self._once("session", lambda: super(OnceUnit, self).save_session(
            person_id, session))  # fmt: skip

    def save_checkin(self, person_id: int, checkin: Any) -> int:
        return self._once("checkin", lambda: super(OnceUnit, self).save_checkin(
            person_id, checkin))  # fmt: skip

    def save_override(self, person_id: int, override: Any) -> int:
        return self._once("override", lambda: super(OnceUnit, self).save_override(
            person_id, override))  # fmt: skip


class OnceStore(Store):
    """The store a job runs with on the clinic stack: the same database and connections as
    ``base``, its writing units numbered by a :class:`JobLedger` for ``job_id``."""

    def __init__(self, base: Store, job_id: str) -> None:  # shares base's engine: no super()
        self.__dict__.update(base.__dict__)
        self.ledger = JobLedger(job_id)

    @classmethod
    def around(cls, base: Store, job_id: str) -> Self:
        """``base`` with its writes counted for ``job_id``."""
        return cls(base, job_id)

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Unit]:
        with super().transaction(write=write) as unit:
            if write:
                yield OnceUnit(unit._session, self.ledger)  # the same transaction's session
            else:
                yield unit

    def close(self) -> None:
        """Nothing: the base store owns the connections."""
