"""Coaching at the plan's dose."""

from dataclasses import replace
from datetime import date

import pytest

from kinesense.exercises import load_exercise, load_library
from kinesense.program.dose import apply_planned_dose, planned_exercise
from kinesense.program.planner import PlannedExercise, Profile, build_plan
from kinesense.program.screening import screen


def _default_plan():  # type: ignore[no-untyped-def]
    profile = Profile(
        age=None,
        goals=(),
        minutes_per_session=20,
        sessions_per_week=3,
        equipment=frozenset({"mat", "chair"}),
    )
    return build_plan(profile, screen({}), [], [], load_library(), today=date(2026, 11, 30))


def test_the_plan_entry_of_an_exercise_is_found() -> None:
    plan = _default_plan()
    planned = planned_exercise(plan, "glute_bridge")
    assert planned is not None
    assert planned.exercise_id == "glute_bridge"
    assert planned_exercise(plan, "side_plank") is None


def test_repetitions_sets_rest_and_side_come_from_the_plan() -> None:
    exercise = load_exercise("glute_bridge")
    planned = PlannedExercise(
        exercise_id="glute_bridge",
        sets=3,
        reps=12,
        hold_s=None,
        rest_s=20.0,
        side="none",
        reason="test",
        track="core",
    )
    dosed = apply_planned_dose(exercise, planned)
    assert (dosed.dose.sets, dosed.dose.reps, dosed.dose.rest_s) == (3, 12, 20.0)
    assert dosed.hold == exercise.hold
    assert exercise.dose.reps != 12  # the library entry itself is untouched


def test_a_hold_takes_the_planned_time() -> None:
    exercise = load_exercise("front_plank")
    assert exercise.hold is not None
    planned = PlannedExercise(
        exercise_id="front_plank",
        sets=2,
        reps=3,
        hold_s=exercise.hold.target_s + 10.0,
        rest_s=60.0,
        side=exercise.dose.side,
        reason="test",
        track="core",
    )
    dosed = apply_planned_dose(exercise, planned)
    assert dosed.hold is not None
    assert dosed.hold.target_s == exercise.hold.target_s + 10.0
    assert (dosed.dose.sets, dosed.dose.reps) == (2, 3)


def test_an_entry_for_another_exercise_is_refused() -> None:
    planned = PlannedExercise("squat", 1, 5, None, 30.0, "none", "test", "core")
    with pytest.raises(ValueError, match="not 'glute_bridge'"):
        apply_planned_dose(load_exercise("glute_bridge"), replace(planned))
