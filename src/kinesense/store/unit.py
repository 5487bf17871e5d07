"""One unit of work: every read and write of one user action, in one database transaction.

A :class:`Unit` is what :meth:`kinesense.store.Store.transaction` yields. It takes and returns
typed records (:class:`~kinesense.program.records.Person`,
:class:`~kinesense.program.screening.ScreeningResult`,
:class:`~kinesense.assess.result.AssessmentResult`, :class:`~kinesense.program.plan.Plan`,
:class:`~kinesense.program.records.CoachedSession`, :class:`~kinesense.program.records.CheckIn`,
:class:`~kinesense.program.records.ClinicianOverride`); each is kept as the JSON object its
``to_json()`` gives, beside the columns that are searched. Nothing is written until the
transaction commits, and nothing at all if it fails.

People are looked up unambiguously: a reference made only of digits is always an id; anything
else is an exact name (a name shared by several people must be given as an id). A name made only
of digits is refused when the person is added.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from kinesense.assess.result import AssessmentResult
from kinesense.clock import as_utc, utc_now
from kinesense.errors import InvalidValueError, KinesenseError, NotFoundError
from kinesense.program.plan import Plan
from kinesense.program.records import CheckIn, ClinicianOverride, CoachedSession, Person
from kinesense.program.screening import ScreeningResult
from kinesense.store.codec import stored_json, stored_time, to_aware
from kinesense.store.engine import StoreError
from kinesense.store.models import Person as PersonRow
from kinesense.store.models import Record as RecordRow
from kinesense.store.summaries import summarise

NAME_MAX = 200
AnyRecord = ScreeningResult | AssessmentResult | Plan | CoachedSession | CheckIn | ClinicianOverride
R = TypeVar("R")
READERS: dict[str, Callable[[Any], AnyRecord]] = {
    "screening": ScreeningResult.from_json,
    "assessment": AssessmentResult.from_json,
    "plan": Plan.from_json,
    "session": CoachedSession.from_json,
    "checkin": CheckIn.from_json,
    "override": ClinicianOverride.from_json,
}


class PersonNotFoundError(StoreError, NotFoundError):
    """No person answers to the reference given."""

    http_status = 404


@dataclass(frozen=True)
class HistoryEntry:
    """One record of a person's history: its id, kind, when it happened (UTC), a one-line
    summary and the typed record; plans also say whether they are active and why they were
    made."""

    id: int
    kind: str
    at: datetime
    summary: str
    record: AnyRecord
    active: bool | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        """``{"id", "kind", "at", "summary", "data"}`` (plus ``active`` and ``reason`` for
        plans), the entries ``kinesense history --json`` prints."""
        entry: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "at": self.at.isoformat(),
            "summary": self.summary,
            "data": stored_json(self.record.to_json()),
        }
        if self.kind == "plan":
            entry |= {"active": self.active, "reason": self.reason}
        return entry


def _person(row: PersonRow) -> Person:
    return Person(
        id=row.id,
        name=row.name,
        birth_year=row.birth_year,
        notes=row.notes,
        created_at=to_aware(row.created_at),
    )


def check_name(name: str) -> str:
    """A person's name, stripped; refused when empty, too long or made only of digits."""
    cleaned = name.strip()
    if not cleaned:
        raise InvalidValueError("a person needs a name")
    if len(cleaned) > NAME_MAX:
        raise InvalidValueError(f"a name may have at most {NAME_MAX} characters")
    if cleaned.isdigit():
        raise InvalidValueError(
            f"a name made only of digits ({cleaned!r}) would be read as an id; add a letter"
        )
    return cleaned


class Unit:
    """The reads and writes of one transaction (see the module docstring)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    # --- people -------------------------------------------------------------------------------

    def add_person(self, name: str, *, birth_year: int | None = None, notes: str = "") -> Person:
        """Add a person (names need not be unique: look them up by id then)."""
        cleaned = check_name(name)
        this_year = utc_now().year
        if birth_year is not None and not 1900 <= birth_year <= this_year:
            raise InvalidValueError(
                f"birth year must be between 1900 and {this_year}; got {birth_year}"
            )
        row = PersonRow(name=cleaned, birth_year=birth_year, notes=notes, created_at=stored_time())
        self._session.add(row)
        self._session.flush()
        return _person(row)

    def person(self, ref: str | int) -> Person:
        """A person by id (an int, or text made only of digits) or exact name."""
        if isinstance(ref, int) or ref.strip().isdigit():
            row = self._session.get(PersonRow, int(ref))
            if row is None:
                raise PersonNotFoundError(
                    f"no person with id {int(ref)} (see kinesense person list)"
                )
            return _person(row)
        name = ref.strip()
        found = self._session.scalars(select(PersonRow).where(PersonRow.name == name)).all()
        if len(found) > 1:
            ids = ", ".join(str(p.id) for p in found)
            raise StoreError(f"several people are called {name!r} (ids {ids}); give the id")
        if not found:
            raise PersonNotFoundError(self._unknown(name))
        return _person(found[0])

    def lock_person(self, person_id: int) -> Person:
        """The person, with their row locked until the transaction ends (PostgreSQL's row lock;
        a SQLite write transaction holds the whole database already), so that two actions on
        one person queue rather than interleave."""
        query = select(PersonRow).where(PersonRow.id == person_id).with_for_update()
        row = self._session.scalars(query).one_or_none()
        if row is None:
            raise PersonNotFoundError(f"no person with id {person_id} (see kinesense person list)")
        return _person(row)

    def people(self) -> list[Person]:
        """Everyone, in the order they were added."""
        return [_person(p) for p in self._session.scalars(select(PersonRow).order_by(PersonRow.id))]

    def _unknown(self, name: str) -> str:
        names = self._session.scalars(select(PersonRow.name)).all()
        close = sorted({n for n in names if name.lower() in n.lower()})[:5]
        hint = f"; did you mean {', '.join(close)}?" if close else "; see kinesense person list"
        return f"no person called {name!r}{hint}"

    # --- records ------------------------------------------------------------------------------

    def _save(
        self, person_id: int, kind: str, payload: dict[str, Any], at: object, *, label: str = "",
        note: str = "", active: bool = False,
    ) -> int:  # fmt: skip
        if self._session.get(PersonRow, person_id) is None:
            raise PersonNotFoundError(f"no person with id {person_id} (see kinesense person list)")
        if active:  # the new plan replaces the active one, in the same transaction
            self._session.execute(
                update(RecordRow)
                .where(RecordRow.person_id == person_id, RecordRow.kind == kind)
                .values(active=False)
            )
        row = RecordRow(
            person_id=person_id, kind=kind, at=stored_time(at), saved_at=stored_time(),
            label=label[:100], note=note, active=active, payload=stored_json(payload),
        )  # fmt: skip
        self._session.add(row)
        self._session.flush()
        return row.id

    def _rows(self, query: Select[Any]) -> list[RecordRow]:
        return list(self._session.scalars(query.order_by(RecordRow.at, RecordRow.id)))

    def _query(self, person_id: int, kind: str) -> Select[Any]:
        return select(RecordRow).where(RecordRow.person_id == person_id, RecordRow.kind == kind)

    def _read(self, row: RecordRow) -> AnyRecord:
        try:
            return READERS[row.kind](row.payload)
        except (KinesenseError, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise StoreError(
                f"record {row.id} ({row.kind}) of person {row.person_id} cannot be read: {exc}"
            ) from None

    def _typed(self, rows: Sequence[RecordRow], kind: type[R]) -> list[R]:
        found: list[R] = []
        for row in rows:
            record = self._read(row)
            assert isinstance(record, kind)
            found.append(record)
        return found

    def save_screening(self, person_id: int, screening: ScreeningResult) -> int:
        """Save a screening; returns the record id."""
        payload = screening.to_json()
        return self._save(person_id, "screening", payload, screening.screened_at,
                          label=screening.decision)  # fmt: skip

    def screenings(self, person_id: int) -> list[ScreeningResult]:
        """Every screening, oldest first."""
        return self._typed(self._rows(self._query(person_id, "screening")), ScreeningResult)

    def latest_screening(self, person_id: int) -> ScreeningResult | None:
        """The most recent screening, or None."""
        found = self.screenings(person_id)
        return found[-1] if found else None

    def save_assessment(self, person_id: int, result: AssessmentResult) -> int:
        """Save an assessment result; returns the record id."""
        payload = result.to_json()
        return self._save(person_id, "assessment", payload, payload.get("recorded_at"),
                          label=str(result.test))  # fmt: skip

    def assessments(self, person_id: int, test: str | None = None) -> list[AssessmentResult]:
        """The assessment results, oldest first, optionally of one test only."""
        query = self._query(person_id, "assessment")
        if test is not None:
            query = query.where(RecordRow.label == test)
        return self._typed(self._rows(query), AssessmentResult)

    def save_plan(self, person_id: int, plan: Plan, *, reason: str) -> int:
        """Save a plan as the active one (older plans are kept, inactive)."""
        return self._save(person_id, "plan", plan.to_json(), plan.created, note=reason,
                          active=True)  # fmt: skip

    def active_plan(self, person_id: int) -> Plan | None:
        """The active plan, or None."""
        rows = self._rows(self._query(person_id, "plan").where(RecordRow.active.is_(True)))
        found = self._typed(rows, Plan)
        return found[-1] if found else None

    def plans(self, person_id: int) -> list[Plan]:
        """Every plan, oldest first."""
        return self._typed(self._rows(self._query(person_id, "plan")), Plan)

    def save_session(self, person_id: int, session: CoachedSession) -> int:
        """Save a coached session; returns the record id."""
        return self._save(person_id, "session", session.to_json(), session.started_at,
                          label=session.exercise)  # fmt: skip

    def sessions(self, person_id: int, since: datetime | None = None) -> list[CoachedSession]:
        """Coached sessions, oldest first, optionally those started at or after ``since``."""
        query = self._query(person_id, "session")
        if since is not None:
            query = query.where(RecordRow.at >= stored_time(since))
        return self._typed(self._rows(query), CoachedSession)

    def save_checkin(self, person_id: int, checkin: CheckIn) -> int:
        """Save a check-in; returns the record id."""
        return self._save(person_id, "checkin", checkin.to_json(), checkin.checked_at)

    def checkins(self, person_id: int) -> list[CheckIn]:
        """Check-ins, oldest first."""
        return self._typed(self._rows(self._query(person_id, "checkin")), CheckIn)

    def save_override(self, person_id: int, override: ClinicianOverride) -> int:
        """Save a clinician's override of a progression rule; it is kept for good."""
        return self._save(person_id, "override", override.to_json(), override.made_at,
                          label=override.exercise_id)  # fmt: skip

    def overrides(self, person_id: int) -> list[ClinicianOverride]:
        """Overrides, oldest first."""
        return self._typed(self._rows(self._query(person_id, "override")), ClinicianOverride)

    def history(self, person_id: int) -> list[HistoryEntry]:
        """Every record of a person, oldest first."""
        self.person(person_id)
        query = select(RecordRow).where(RecordRow.person_id == person_id)
        entries = []
        for row in self._rows(query):
            plan = row.kind == "plan"
            entries.append(
                HistoryEntry(
                    id=row.id,
                    kind=row.kind,
                    at=as_utc(row.at),
                    summary=summarise(row.kind, row.payload),
                    record=self._read(row),
                    active=row.active if plan else None,
                    reason=row.note if plan else None,
                )
            )
        return entries
