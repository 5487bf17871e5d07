"""Reading the journey's forms into the services' requests: the safety questions, a check-in,
the plan's settings and a clinician's override. Only parsing happens here: every rule (what a
red flag leads to, which dose is allowed) is the services'.

Each question of the screening is answered with a ``q_<id>`` field of ``yes`` or ``no``; none
may be left out, because the services never assume an answer.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from kinesense.errors import InvalidValueError
from kinesense.services.checkin import CheckInRequest
from kinesense.services.plans import OverrideRequest, PlanRequest
from kinesense.services.screening import ScreeningQuestion, questions

PSFS_ROWS = 5
"""Rows for PSFS activities (the scale takes up to five; Stratford et al. 1995)."""
GOAL_ROWS = 3
NOTES_MAX = 2000

Form = Mapping[str, str]
"""A submitted form's text fields."""


@dataclass(frozen=True)
class Filled:
    """What a form held, to show it again with the reason when a service refused it."""

    values: dict[str, str] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        """The value sent for ``name``."""
        return self.values.get(name, default)


def text_fields(form: Mapping[str, object]) -> dict[str, str]:
    """The form's text fields (files and repeated names aside: the last value is kept)."""
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _small_int(form: Form, name: str, label: str, low: int, high: int) -> int | None:
    text = form.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        raise InvalidValueError(f"{label} must be a whole number from {low} to {high}")
    return int(text)


def screening_answers(form: Form, asked: tuple[ScreeningQuestion, ...] = ()) -> dict[str, bool]:
    """Every question's answer (``True`` for yes); refused when one is missing."""
    answers: dict[str, bool] = {}
    missing = []
    for number, question in enumerate(asked or questions(), start=1):
        value = form.get(f"q_{question.id}", "")
        if value not in ("yes", "no"):
            missing.append(str(number))
            continue
        answers[question.id] = value == "yes"
    if missing:
        which = ", ".join(missing)
        raise InvalidValueError(
            f"please answer every question with yes or no (not answered: {which}); "
            "nothing was saved"
        )
    return answers


def psfs_items(form: Form) -> tuple[str, ...]:
    """PSFS activities as the check-in service takes them (``activity=score``); a row with an
    activity needs a score, and a score needs an activity."""
    items = []
    for row in range(1, PSFS_ROWS + 1):
        activity = " ".join(form.get(f"psfs_activity_{row}", "").split())
        score = form.get(f"psfs_score_{row}", "").strip()
        if activity and not score:
            raise InvalidValueError(f"give a score from 0 to 10 for {activity!r}")
        if score and not activity:
            raise InvalidValueError(f"activity {row} has a score but no name")
        if activity:
            items.append(f"{activity}={score}")
    return tuple(items)


def checkin_request(form: Form) -> CheckInRequest:
    """A check-in from its form: every safety question, pain now and over the week (0-10,
    both or neither), PSFS activities and notes."""
    return CheckInRequest(
        answers=screening_answers(form),
        pain_now=_small_int(form, "pain_now", "pain now", 0, 10),
        pain_week=_small_int(form, "pain_week", "pain over the last week", 0, 10),
        psfs=psfs_items(form),
        notes=form.get("notes", "").strip()[:NOTES_MAX],
    )


def plan_request(form: Form, equipment: tuple[str, ...]) -> PlanRequest:
    """A new plan from the plan settings' form: goals (one a row), minutes per session,
    sessions a week and the equipment ticked (``equip_<name>``) among ``equipment``."""
    goals = tuple(
        " ".join(form.get(f"goal_{row}", "").split())
        for row in range(1, GOAL_ROWS + 1)
        if form.get(f"goal_{row}", "").strip()
    )
    kit = [name for name in equipment if form.get(f"equip_{name}") == "yes"]
    return PlanRequest(
        new=True,
        minutes=_small_int(form, "minutes", "minutes per session", 5, 180),
        sessions_per_week=_small_int(form, "sessions", "sessions a week", 1, 7),
        goals=goals,
        equipment=",".join(kit),
    )


def override_request(form: Form, clinician: str) -> OverrideRequest:
    """A clinician's override of one exercise (``dose`` takes sets, repetitions and hold
    seconds); the clinician is the therapist signed in."""
    action = form.get("action", "").strip()
    value: dict[str, float] | None = None
    if action == "dose":
        value = {}
        for name, label in (("sets", "sets"), ("reps", "repetitions")):
            number = _small_int(form, name, label, 1, 100)
            if number is not None:
                value[name] = number
        hold = form.get("hold_s", "").strip()
        if hold:
            try:
                value["hold_s"] = float(hold)
            except ValueError:
                raise InvalidValueError("hold seconds must be a number") from None
    return OverrideRequest(
        exercise_id=form.get("exercise_id", "").strip(),
        action=action or None,
        clinician=clinician,
        reason=form.get("reason", "").strip() or None,
        value=value,
    )


def clearance_request(form: Form, clinician: str) -> OverrideRequest:
    """The clearance after a referral (the override ``*`` with ``resume``), with its reason."""
    return OverrideRequest(
        exercise_id="*",
        action="resume",
        clinician=clinician,
        reason=form.get("reason", "").strip() or None,
    )
