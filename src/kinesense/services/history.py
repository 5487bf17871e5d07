"""A person's history: everything kept, oldest first; and saving a result in it.

Kinds of record: ``screening``, ``assessment``, ``plan``, ``session`` (a coached session),
``checkin`` and ``override`` (a clinician's override).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kinesense.assess.result import AssessmentResult
from kinesense.clock import utc_now
from kinesense.errors import InvalidValueError
from kinesense.program.records import CoachedSession, Person
from kinesense.services.safety import require_cleared
from kinesense.store import HistoryEntry, Store
from kinesense.store.codec import stored_json
from kinesense.store.models import KINDS


@dataclass(frozen=True)
class PersonHistory:
    """A person and their records, oldest first."""

    person: Person
    entries: tuple[HistoryEntry, ...]

    def to_json(self) -> dict[str, Any]:
        """``{"person": {...}, "history": [...]}`` (``kinesense history --json``)."""
        return {"person": self.person.to_json(), "history": [e.to_json() for e in self.entries]}


def person_history(store: Store, person_ref: str, kind: str | None = None) -> PersonHistory:
    """Everything kept for a person, oldest first, optionally of one kind only."""
    if kind is not None and kind not in KINDS:
        raise InvalidValueError(f"--kind must be one of {', '.join(KINDS)}; got {kind!r}")
    with store.transaction(write=False) as unit:
        person = unit.person(person_ref)
        entries = unit.history(person.id)
    return PersonHistory(person, tuple(e for e in entries if kind is None or e.kind == kind))


@dataclass(frozen=True)
class SavedRecord:
    """Where a record was saved."""

    person: Person
    record_id: int


def save_assessment(store: Store, person_ref: str, result: AssessmentResult) -> SavedRecord:
    """Save an assessment result in a person's history (one transaction)."""
    with store.transaction() as unit:
        person = unit.person(person_ref)
        unit.lock_person(person.id)
        return SavedRecord(person, unit.save_assessment(person.id, result))


SAVABLE = ("assessment", "session")


def save_payload(
    store: Store, person_ref: str, kind: str, payload: Mapping[str, Any]
) -> SavedRecord:
    """Save a JSON payload of ``kind`` (an ``AssessmentResult.to_json()`` for ``assessment``,
    the ``kinesense coach --json`` object for ``session``; a session without ``started_at``
    gets the current UTC time) in a person's history."""
    if kind not in SAVABLE:
        raise InvalidValueError(f"cannot save a {kind!r} for a person; known: {', '.join(SAVABLE)}")
    if kind == "assessment":
        return save_assessment(store, person_ref, AssessmentResult.from_json(stored_json(payload)))
    data = stored_json(payload)
    if not data.get("started_at"):
        data["started_at"] = utc_now()
    session = CoachedSession.from_json(data, where="coached session")
    with store.transaction() as unit:
        person = unit.person(person_ref)
        unit.lock_person(person.id)
        require_cleared(unit, person)
        return SavedRecord(person, unit.save_session(person.id, session))
