"""The :class:`Store`: a person's history, one transaction per change.

Every ``save_*`` method writes in its own transaction: it is either saved whole or not at all,
so a crash or a failed write leaves the earlier history intact. Payloads are the JSON objects
kinesense already produces (``ScreeningResult.to_json()``, ``AssessmentResult.to_json()``,
``Plan.to_json()``, the ``kinesense coach --json`` object, check-ins and clinician overrides);
they are returned as saved.
"""

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Select, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from kinesense.store.engine import StoreError, make_engine, migrate, safe_url
from kinesense.store.location import database_url
from kinesense.store.models import Person, Record
from kinesense.store.summaries import summarise

# The payload key that holds when each kind of record happened (filled with "now" if absent).
TIME_KEYS = {
    "screening": "screened_at",
    "assessment": "recorded_at",
    "plan": "created",
    "session": "started_at",
    "checkin": "checked_at",
    "override": "made_at",
}


@dataclass(frozen=True)
class PersonRecord:
    """A person as stored: ``id``, ``name``, ``birth_year``, ``notes``, ``created_at`` (UTC)."""

    id: int
    name: str
    birth_year: int | None
    notes: str
    created_at: str

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.id,
            "name": self.name,
            "birth_year": self.birth_year,
            "notes": self.notes,
            "created_at": self.created_at,
        }


def utc_now() -> datetime:
    """The current time in UTC, naive (as stored), to the microsecond."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_stored_time(text: str | None) -> datetime:
    """An ISO 8601 time as a naive UTC datetime (a time without a zone is taken as UTC)."""
    if not text:
        return utc_now()
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        raise StoreError(f"not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def iso(moment: datetime) -> str:
    """A stored (naive UTC) time as ISO 8601 with its ``+00:00`` zone."""
    return moment.replace(tzinfo=UTC).isoformat()


def plain_json(value: Any) -> Any:
    """``value`` as plain JSON: numpy values made Python ones, NaN and infinity made ``None``;
    :class:`StoreError` for anything JSON cannot hold."""
    if isinstance(value, Mapping):
        return {str(k): plain_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_json(v) for v in value]
    if hasattr(value, "tolist"):
        return plain_json(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise StoreError(f"cannot store a {type(value).__name__} in a JSON record")


class Store:
    """The history of people, their screenings, assessments, plans, sessions, check-ins and
    overrides, in any SQLAlchemy database (a SQLite file by default, see :func:`database_url`).

    Opening it migrates the database forward to the newest schema (Alembic ``upgrade head``).
    Use it as a context manager, or call :meth:`close`.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = url or database_url()
        self._engine = make_engine(self.url)
        try:
            migrate(self._engine)
        except SQLAlchemyError as exc:
            self._engine.dispose()
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise StoreError(f"cannot open the database {safe_url(self.url)}: {reason}") from None
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        """One session in one transaction: committed on success, rolled back on any error."""
        try:
            with self._sessions.begin() as session:
                yield session
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise StoreError(f"database {safe_url(self.url)}: {reason}") from None

    # --- people -------------------------------------------------------------------------------

    def add_person(self, name: str, *, birth_year: int | None = None, notes: str = "") -> int:
        """Add a person; returns their id. Names need not be unique (look up by id then)."""
        name = name.strip()
        if not name:
            raise StoreError("a person needs a name")
        this_year = datetime.now(UTC).year
        if birth_year is not None and not 1900 <= birth_year <= this_year:
            raise StoreError(f"birth year must be between 1900 and {this_year}; got {birth_year}")
        with self._transaction() as session:
            person = Person(name=name, birth_year=birth_year, notes=notes, created_at=utc_now())
            session.add(person)
            session.flush()
            return person.id

    def person(self, ref: str | int) -> PersonRecord:
        """A person by id or exact name; :class:`StoreError` if absent or the name is shared."""
        with self._transaction() as session:
            if isinstance(ref, str):
                found = session.scalars(select(Person).where(Person.name == ref.strip())).all()
                if len(found) == 1:
                    return _person_record(found[0])
                if len(found) > 1:
                    ids = ", ".join(str(p.id) for p in found)
                    raise StoreError(f"several people are called {ref!r} (ids {ids}); give the id")
                if not ref.strip().isdigit():
                    raise StoreError(_unknown(ref, session))
                ref = int(ref)
            person = session.get(Person, ref)
            if person is None:
                raise StoreError(f"no person with id {ref} (see kinesense person list)")
            return _person_record(person)

    def people(self) -> list[PersonRecord]:
        """Everyone, in the order they were added."""
        with self._transaction() as session:
            return [_person_record(p) for p in session.scalars(select(Person).order_by(Person.id))]

    # --- records ------------------------------------------------------------------------------

    def _save(
        self, person_id: int, kind: str, payload: Mapping[str, Any], *, label: str = "",
        note: str = "", active: bool = False,
    ) -> int:  # fmt: skip
        data = plain_json(payload)
        key = TIME_KEYS[kind]
        at = to_stored_time(data.get(key))
        if not data.get(key):
            data[key] = iso(at)
        with self._transaction() as session:
            if session.get(Person, person_id) is None:
                raise StoreError(f"no person with id {person_id} (see kinesense person list)")
            if active:  # the new plan replaces the active one, in the same transaction
                session.execute(
                    update(Record)
                    .where(Record.person_id == person_id, Record.kind == kind)
                    .values(active=False)
                )
            record = Record(
                person_id=person_id, kind=kind, at=at, saved_at=utc_now(), label=label[:100],
                note=note, active=active, payload=data,
            )  # fmt: skip
            session.add(record)
            session.flush()
            return record.id

    def _records(self, query: Select[Any]) -> list[Record]:
        with self._transaction() as session:
            return list(session.scalars(query.order_by(Record.at, Record.id)))

    def _query(self, person_id: int, kind: str) -> Select[Any]:
        return select(Record).where(Record.person_id == person_id, Record.kind == kind)

    def save_screening(self, person_id: int, screening: Mapping[str, Any]) -> int:
        """Save a ``ScreeningResult.to_json()``; returns the record id."""
        return self._save(person_id, "screening", screening, label=str(screening.get("decision")))

    def latest_screening(self, person_id: int) -> dict[str, Any] | None:
        """The most recent screening, or None."""
        found = self._records(self._query(person_id, "screening"))
        return found[-1].payload if found else None

    def save_assessment(self, person_id: int, result: Mapping[str, Any]) -> int:
        """Save an ``AssessmentResult.to_json()``; returns the record id."""
        return self._save(person_id, "assessment", result, label=str(result.get("test", "")))

    def assessments(self, person_id: int, test: str | None = None) -> list[dict[str, Any]]:
        """The assessment results, oldest first, optionally of one test only."""
        query = self._query(person_id, "assessment")
        if test is not None:
            query = query.where(Record.label == test)
        return [r.payload for r in self._records(query)]

    def save_plan(self, person_id: int, plan: Mapping[str, Any], *, reason: str) -> int:
        """Save a ``Plan.to_json()`` as the active plan (older plans are kept, inactive)."""
        return self._save(person_id, "plan", plan, note=reason, active=True)

    def active_plan(self, person_id: int) -> dict[str, Any] | None:
        """The active plan, or None."""
        found = self._records(self._query(person_id, "plan").where(Record.active.is_(True)))
        return found[-1].payload if found else None

    def plans(self, person_id: int) -> list[dict[str, Any]]:
        """Every plan, oldest first."""
        return [r.payload for r in self._records(self._query(person_id, "plan"))]

    def save_session(self, person_id: int, session: Mapping[str, Any]) -> int:
        """Save a coached session (the ``kinesense coach --json`` object with ``started_at``)."""
        return self._save(person_id, "session", session, label=str(session.get("exercise", "")))

    def sessions(self, person_id: int, since: str | None = None) -> list[dict[str, Any]]:
        """Coached sessions, oldest first, optionally those started at or after ``since``."""
        query = self._query(person_id, "session")
        if since is not None:
            query = query.where(Record.at >= to_stored_time(since))
        return [r.payload for r in self._records(query)]

    def save_checkin(self, person_id: int, checkin: Mapping[str, Any]) -> int:
        """Save a check-in (``pain_now``, ``pain_week``, ``psfs``, ``questionnaires``...)."""
        return self._save(person_id, "checkin", checkin)

    def checkins(self, person_id: int) -> list[dict[str, Any]]:
        """Check-ins, oldest first."""
        return [r.payload for r in self._records(self._query(person_id, "checkin"))]

    def save_override(self, person_id: int, override: Mapping[str, Any]) -> int:
        """Save a clinician's override of a progression rule; it is kept for good."""
        label = str(override.get("exercise_id") or "")
        return self._save(person_id, "override", override, label=label)

    def overrides(self, person_id: int) -> list[dict[str, Any]]:
        """Overrides, oldest first."""
        return [r.payload for r in self._records(self._query(person_id, "override"))]

    def history(self, person_id: int) -> list[dict[str, Any]]:
        """Every record of a person, oldest first: ``{"id", "kind", "at", "summary", "data"}``
        (plans also say whether they are ``active`` and the ``reason`` they were made)."""
        self.person(person_id)
        query = select(Record).where(Record.person_id == person_id)
        entries = []
        for record in self._records(query):
            entry = {
                "id": record.id,
                "kind": record.kind,
                "at": iso(record.at),
                "summary": summarise(record.kind, record.payload),
                "data": record.payload,
            }
            if record.kind == "plan":
                entry |= {"active": record.active, "reason": record.note}
            entries.append(entry)
        return entries


def _person_record(person: Person) -> PersonRecord:
    return PersonRecord(
        id=person.id,
        name=person.name,
        birth_year=person.birth_year,
        notes=person.notes,
        created_at=iso(person.created_at),
    )


def _unknown(name: str, session: Session) -> str:
    names = session.scalars(select(Person.name)).all()
    close = sorted({n for n in names if name.strip().lower() in n.lower()})[:5]
    hint = f"; did you mean {', '.join(close)}?" if close else "; see kinesense person list"
    return f"no person called {name!r}{hint}"
