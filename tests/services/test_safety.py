"""Screening as a precondition: never screened, referred, cleared, referred again."""

from datetime import UTC, datetime, timedelta

import pytest

from kinesense.errors import SafetyError
from kinesense.program.records import ClinicianOverride
from kinesense.program.screening import screen
from kinesense.services.safety import require_cleared, safety_status
from kinesense.store import Store

DAY = datetime(2026, 11, 2, 9, tzinfo=UTC)


def clearance(at: datetime) -> ClinicianOverride:
    return ClinicianOverride.from_json(
        {"exercise_id": "*", "action": "resume", "clinician": "Dr Lee", "reason": "seen",
         "made_at": at}
    )  # fmt: skip


def test_the_life_of_a_referral(store: Store) -> None:
    with store.transaction() as unit:
        ann = unit.add_person("Ann")
        with pytest.raises(SafetyError, match="Ann has not been screened yet"):
            require_cleared(unit, ann)
        unit.save_screening(ann.id, screen({}, at=DAY))
        assert require_cleared(unit, ann).cleared
        unit.save_screening(ann.id, screen({"night_pain": True}, at=DAY + timedelta(days=1)))
        with pytest.raises(SafetyError, match="referred to a clinician at the screening of "
                           "2026-11-03: Make an appointment"):  # fmt: skip
            require_cleared(unit, ann)
        # a later screening without the flag does not lift the referral
        unit.save_screening(ann.id, screen({}, at=DAY + timedelta(days=2)))
        status = safety_status(unit, ann.id)
        assert status.screening is not None
        assert status.screening.red_flags == ("night_pain",)
        assert not status.cleared
        # a clearance made before the referral does not count; one made after it does
        unit.save_override(ann.id, clearance(DAY))
        assert not safety_status(unit, ann.id).cleared
        unit.save_override(ann.id, clearance(DAY + timedelta(days=3)))
        assert require_cleared(unit, ann).cleared
        # a new referral after the clearance stands again
        unit.save_screening(ann.id, screen({"fever_unwell": True}, at=DAY + timedelta(days=4)))
        with pytest.raises(SafetyError, match="Contact a doctor today"):
            require_cleared(unit, ann)
