"""Doses: coaching an exercise at the dose of a person's plan rather than the library's default,
and checking a dose a clinician sets against the limits of the exercise format."""

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from kinesense.errors import InvalidValueError, KinesenseError
from kinesense.exercises import Exercise, exercise_from_dict
from kinesense.program.plan import Plan, PlannedExercise
from kinesense.program.records import DoseChange

T = TypeVar("T")


def _replace(value: T, **changes: Any) -> T:
    """A copy of a frozen dataclass or pydantic model with ``changes``."""
    copy = getattr(value, "model_copy", None)
    if copy is not None:
        copied: T = copy(update=changes)
        return copied
    return dataclasses.replace(value, **changes)  # type: ignore[type-var]


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
    dose = _replace(
        exercise.dose,
        sets=planned.sets,
        reps=planned.reps if planned.reps is not None else exercise.dose.reps,
        rest_s=planned.rest_s,
        side=planned.side,
    )
    hold = exercise.hold
    if hold is not None and planned.hold_s is not None:
        hold = _replace(hold, target_s=planned.hold_s)
    return _replace(exercise, dose=dose, hold=hold)


def check_dose(exercise: Exercise, dose: Mapping[str, Any]) -> DoseChange:
    """``dose`` (``sets``, ``reps`` and/or ``hold_s``, as given) checked for ``exercise``;
    refused as the exercise format would refuse it.

    The limits are not repeated here: the exercise's own file, with the new sets, repetitions
    and hold time written in, is validated again by the exercise format
    (:func:`kinesense.exercises.exercise_from_dict`), so a clinician's dose obeys exactly the
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
        data: dict[str, Any] = json.loads(Path(exercise.source_file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidValueError(
            f"cannot check a dose for {exercise.id}: its file {exercise.source_file!r} cannot be "
            f"read ({exc})"
        ) from None
    data["dose"] = {**data["dose"], **{k: dose[k] for k in ("sets", "reps") if k in dose}}
    if dose.get("hold_s") is not None:
        data["hold"] = {**data["hold"], "target_s": dose["hold_s"]}
    try:
        exercise_from_dict(data, source=f"dose for {exercise.id}")
    except KinesenseError as exc:
        raise InvalidValueError(str(exc)) from None
    return DoseChange.from_json(dict(dose), where=f"dose for {exercise.id}")
