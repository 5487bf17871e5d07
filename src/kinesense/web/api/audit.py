"""``GET /api/v1/audit``: who viewed or changed whose data (:mod:`kinesense.store.audit`).

Administrators see every line (ids and routes, no health data); a therapist sees the lines about
the people they look after, ``person_id`` narrowing to one of them (404 for anyone else, as
elsewhere); people are refused (403).
"""

from datetime import datetime

from fastapi import APIRouter, Query
from pydantic import BaseModel

from kinesense.store.audit import AuditEntry, AuditLog
from kinesense.web import access
from kinesense.web.deps import AccountsDep, CurrentUser, StateDep

router = APIRouter(prefix="/audit", tags=["audit"])


class AuditLinePublic(BaseModel):
    """One person-scoped request."""

    id: int
    at: datetime
    account_id: int | None
    role: str
    action: str
    person_id: int
    route: str
    status: int
    request_id: str

    @classmethod
    def of(cls, entry: AuditEntry) -> "AuditLinePublic":
        """The public form of a line."""
        return cls(**entry.__dict__)


@router.get("", response_model=list[AuditLinePublic])
def audit_lines(
    user: CurrentUser, state: StateDep, accounts: AccountsDep,
    person_id: int | None = None, limit: int = Query(default=200, ge=1, le=1000),
) -> list[AuditLinePublic]:  # fmt: skip
    """The newest lines first (see the module docstring)."""
    access.require_role(user, "admin", "therapist")
    people: list[int] | None = None
    if person_id is not None:
        if user.role == "therapist":
            access.check_person(user, person_id, accounts)
        people = [person_id]
    elif user.role == "therapist":
        people = [a.person_id for a in accounts.people_of(user.id) if a.person_id is not None]
    lines = AuditLog(state.engine).entries(person_ids=people, limit=limit)
    return [AuditLinePublic.of(line) for line in lines]
