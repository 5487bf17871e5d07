"""Coaching an exercise at the dose of a person's plan rather than the library's default."""

from kinesense.exercises.schema import Exercise
from kinesense.program.planner import Plan, PlannedExercise


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
