"""``/api/v1/caseload``: a therapist's people with their alerts, most urgent first."""

from fastapi import APIRouter

from kinesense.services.caseload import caseload as caseload_of
from kinesense.web.deps import StateDep, TherapistUser
from kinesense.web.journey_schemas import CasePublic

router = APIRouter(prefix="/caseload", tags=["people"])


@router.get("", response_model=list[CasePublic])
def caseload(user: TherapistUser, state: StateDep) -> list[CasePublic]:
    """The therapist's people, those with a red flag first, then by number of alerts."""
    ids = [a.person_id for a in state.accounts.people_of(user.id) if a.person_id is not None]
    return [CasePublic.of(line) for line in caseload_of(state.store, ids)]
