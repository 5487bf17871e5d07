"""The records of a person's programme, as typed payloads: the person, check-ins, clinicians'
overrides and coached sessions (screenings live in :mod:`~kinesense.program.screening`, plans in
:mod:`~kinesense.program.plan`, assessment results in :mod:`kinesense.assess.result`).

Each is a :class:`~kinesense.program.model.Record`: ``to_json()`` is the object the command line
prints and the store keeps; ``from_json()`` reads it back. Scales: pain on the 0-10 numeric
rating scale (0 = none, 10 = worst imaginable; Farrar et al. 2001, Pain 94(2):149-158), PSFS
activities 0 (unable) to 10 (able as before the problem; Stratford et al. 1995, Physiother Can
47(4):258-263).
"""

import math
from typing import Annotated, Any, Literal, Self

from pydantic import (
    ConfigDict,
    Field,
    StrictInt,
    field_serializer,
    field_validator,
    model_validator,
)

from kinesense.clock import utc_now
from kinesense.program.model import Number, Record, UtcTime

PainScore = Annotated[StrictInt, Field(ge=0, le=10)]
"""A whole number on the 0-10 numeric rating scale."""
Text = Annotated[str, Field(min_length=1, max_length=2000)]
OVERRIDE_ACTIONS = ("hold", "progress", "regress", "pause", "resume", "dose")
OverrideAction = Literal["hold", "progress", "regress", "pause", "resume", "dose"]
PSFS_MAX_ACTIVITIES = 5
"""The PSFS asks for up to five activities (Stratford et al. 1995)."""
CLEARANCE = "*"
"""The exercise id of a clinician's clearance after a referral (an override with ``resume``)."""


class Person(Record):
    """Someone whose measurements and programme are kept (``created_at`` in UTC)."""

    id: int
    name: str
    birth_year: int | None = None
    notes: str = ""
    created_at: UtcTime


class PsfsItem(Record):
    """One Patient-Specific Functional Scale activity and how able the person is to do it."""

    activity: Annotated[str, Field(min_length=1, max_length=200)]
    score: PainScore

    @field_validator("activity")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a PSFS activity needs a name (for example 'lifting a bag')")
        return value.strip()


class CheckIn(Record):
    """A check-in: pain now and on average over the last week (0-10), PSFS activities,
    clinic questionnaires' scores by id, free notes, and when (UTC)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    pain_now: PainScore | None = None
    pain_week: PainScore | None = None
    psfs: tuple[PsfsItem, ...] = ()
    questionnaires: dict[str, Any] = Field(default_factory=dict)
    notes: str = ""
    checked_at: UtcTime = Field(default_factory=utc_now)

    @model_validator(mode="after")
    def _both_pain_scores_or_neither(self) -> Self:
        if (self.pain_now is None) != (self.pain_week is None):
            raise ValueError("give both pain now and pain over the last week, or neither")
        if len(self.psfs) > PSFS_MAX_ACTIVITIES:
            raise ValueError(
                f"the PSFS takes at most {PSFS_MAX_ACTIVITIES} activities; got {len(self.psfs)}"
            )
        names = [item.activity.lower() for item in self.psfs]
        if len(set(names)) != len(names):
            raise ValueError("each PSFS activity may be named only once")
        return self


class DoseChange(Record):
    """A dose a clinician sets: sets, repetitions (or holds) per set, hold time in seconds.

    Only the types are checked here; the limits are the exercise format's, checked against the
    exercise (:func:`kinesense.program.dose.check_dose`)."""

    sets: StrictInt | None = None
    reps: StrictInt | None = None
    hold_s: Number | None = None

    @model_validator(mode="after")
    def _something_and_finite(self) -> Self:
        if self.sets is None and self.reps is None and self.hold_s is None:
            raise ValueError("a dose needs sets, reps and/or hold_s")
        if self.hold_s is not None and not math.isfinite(self.hold_s):
            raise ValueError("hold_s must be a finite number of seconds")
        return self

    def to_json(self) -> dict[str, Any]:
        """Only the figures given."""
        return self.model_dump(mode="json", exclude_none=True)


class ClinicianOverride(Record):
    """A clinician's decision that overrides the progression rules for one exercise, kept for
    good. ``exercise_id`` :data:`CLEARANCE` with ``resume`` clears a person after a referral;
    ``dose`` takes ``value``."""

    exercise_id: Annotated[str, Field(min_length=1, max_length=100)]
    action: OverrideAction
    value: DoseChange | None = None
    clinician: Text
    reason: Text
    made_at: UtcTime = Field(default_factory=utc_now)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.exercise_id == CLEARANCE and self.action != "resume":
            raise ValueError(
                "an override of '*' (clearance after a referral) takes the action resume"
            )
        if self.action == "dose" and self.value is None:
            raise ValueError('a dose override needs a value like {"sets": 2, "reps": 8}')
        if self.action != "dose" and self.value is not None:
            raise ValueError("only a dose override takes a value")
        if not self.clinician.strip() or not self.reason.strip():
            raise ValueError("an override needs the clinician's name and the reason")
        return self

    @field_serializer("value")
    def _value(self, value: DoseChange | None) -> dict[str, Any] | None:
        return None if value is None else value.to_json()

    @property
    def is_clearance(self) -> bool:
        """Whether this clears a person to exercise after a referral."""
        return self.exercise_id == CLEARANCE and self.action == "resume"

    def key(self) -> str:
        """Identity of an override (so a one-off one is applied once)."""
        return f"{self.made_at.isoformat()}|{self.exercise_id}|{self.action}"


class CoachedSession(Record):
    """A coached session as saved: the ``kinesense coach --json`` object (every field kept),
    with when it started (UTC) and the pain before and after it (0-10), which the plan's pain
    rule reads."""

    model_config = ConfigDict(frozen=True, extra="allow")

    exercise: Annotated[str, Field(min_length=1)]
    exercise_name: str = ""
    reps: int = 0
    holds: list[dict[str, Any]] = Field(default_factory=list)
    summary: dict[str, Any] = Field(default_factory=dict)
    started_at: UtcTime = Field(default_factory=utc_now)
    pain_before: PainScore | None = None
    pain_after: PainScore | None = None
