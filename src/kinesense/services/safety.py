"""Screening as a precondition: no plan and no coaching for a person who was never screened, or
whose referral no clinician has cleared.

A referral stands until a clinician clears it, whatever later screenings say: the screening that
counts is the latest one that referred, if any (else the latest one), and a clinician's
clearance (an override of ``*`` with ``resume``) lifts it only if it was made at or after that
screening. This follows NICE NG59 (2016, updated 2020): red flags of serious spinal pathology
are assessed and referred on before any exercise is offered.
"""

from dataclasses import dataclass

from kinesense.errors import SafetyError
from kinesense.program.planner import is_cleared
from kinesense.program.records import ClinicianOverride, Person
from kinesense.program.screening import NO_EXERCISE, ScreeningResult
from kinesense.store import Unit


@dataclass(frozen=True)
class SafetyStatus:
    """The screening that counts for a person and the clearance that may lift it."""

    screening: ScreeningResult | None
    clearance: ClinicianOverride | None

    @property
    def screened(self) -> bool:
        """Whether the person was ever screened."""
        return self.screening is not None

    @property
    def cleared(self) -> bool:
        """Whether the person may be offered exercise."""
        if self.screening is None:
            return False
        return not self.screening.referred or is_cleared(self.screening, self.clearance)


def latest_clearance(unit: Unit, person_id: int) -> ClinicianOverride | None:
    """The latest clinician clearance after a referral, if any."""
    found = [o for o in unit.overrides(person_id) if o.is_clearance]
    return found[-1] if found else None


def safety_status(unit: Unit, person_id: int) -> SafetyStatus:
    """The screening that counts and the latest clearance (see the module docstring)."""
    screenings = unit.screenings(person_id)
    referrals = [s for s in screenings if s.referred]
    counted = referrals[-1] if referrals else (screenings[-1] if screenings else None)
    return SafetyStatus(counted, latest_clearance(unit, person_id))


def not_screened_message(person: Person) -> str:
    """What a person who was never screened is told."""
    return (
        f"{person.name} has not been screened yet: run kinesense screen --person {person.id} "
        "first (safety questions come before any exercise)"
    )


def require_screened(unit: Unit, person: Person) -> SafetyStatus:
    """The person's safety status; :class:`SafetyError` if they were never screened."""
    status = safety_status(unit, person.id)
    if status.screening is None:
        raise SafetyError(not_screened_message(person))
    return status


def require_cleared(unit: Unit, person: Person) -> SafetyStatus:
    """The person's safety status; :class:`SafetyError` with the referral message if they were
    never screened or their referral stands."""
    status = require_screened(unit, person)
    if not status.cleared:
        assert status.screening is not None
        message = status.screening.message or NO_EXERCISE
        raise SafetyError(
            f"{person.name} was referred to a clinician at the screening of "
            f"{status.screening.screened_at.date().isoformat()}: {message}"
        )
    return status
