"""Doses: coaching an exercise at the dose of a person's plan rather than the library's default,
and checking a dose a clinician sets against the limits of the exercise format."""

from collections.abc import Mapping
from typing import Any

from kinesense.errors import InvalidValueError, KinesenseError
from kinesense.exercises import Exercise
from kinesense.program.plan import Plan, PlannedExercise
from kinesense.program.records import DoseChange


def planned_exercise(plan: Plan, exercise_id: str) -> PlannedExercise | None:
    """The plan's entry for ``exercise_id`` (its first occurrence in the week), or None."""
    return next((item for item in plan.exercises() if item.exercise_id == exercise_id), None)


def apply_planned_dose(exercise: Exercise, planned: PlannedExercise) -> Exercise:
    """``exercise`` with the sets, repetitions, hold time, rest and side the plan set for it.

    The plan's progression and regression work on these figures (and a clinician may have
    set them), so a coached session counts against them: sets end after the planned
    repetitions, and a hold is complete at the planned time.
    """
    if planned.exercise_id != exercise.id:
        raise ValueError(f"the plan entry is for {planned.exercise_id!r}, not {exercise.id!r}")
    return exercise.with_dose(
        sets=planned.sets,
        reps=planned.reps,
        rest_s=planned.rest_s,
        side=planned.side,
        hold_s=planned.hold_s,
    )


def check_dose(exercise: Exercise, dose: Mapping[str, Any]) -> DoseChange:
    """``dose`` (``sets``, ``reps`` and/or ``hold_s``, as given) checked for ``exercise``;
    refused as the exercise format would refuse it.

    The limits are not repeated here: :meth:`Exercise.with_dose` validates the exercise with the
    new sets, repetitions and hold time against the format's own limits
    (:data:`kinesense.exercises.schema.DOSE_LIMITS`), so a clinician's dose obeys exactly the
    limits a therapist's exercise file does. A hold time for an exercise counted in repetitions
    is refused. Raises :class:`InvalidValueError` naming the field and the limit.
    """
    unknown = sorted(set(dose) - {"sets", "reps", "hold_s"})
    if unknown or not dose:
        raise InvalidValueError(
            f"a dose takes sets, reps and/or hold_s; got {', '.join(unknown) or 'nothing'}"
        )
    if dose.get("hold_s") is not None and exercise.hold is None:
        raise InvalidValueError(
            f"{exercise.id} is counted in repetitions, not holds: a dose for it takes sets and "
            "reps, not hold_s"
        )
    try:
        exercise.with_dose(
            sets=dose.get("sets"),
            reps=dose.get("reps"),
            hold_s=dose.get("hold_s"),
            source=f"dose for {exercise.id}",
        )
    except KinesenseError as exc:
        raise InvalidValueError(str(exc)) from None
    return DoseChange.from_json(dict(dose), where=f"dose for {exercise.id}")
