"""Coaching at the plan's dose."""

from datetime import date

import pytest

from kinesense.errors import InvalidValueError
from kinesense.exercises import load_exercise, load_library
from kinesense.program.dose import apply_planned_dose, check_dose, planned_exercise
from kinesense.program.plan import PlannedExercise, Profile
from kinesense.program.planner import build_plan
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
    planned = PlannedExercise(
        exercise_id="squat", sets=1, reps=5, hold_s=None, rest_s=30.0, side="none",
        reason="test", track="core",
    )  # fmt: skip
    with pytest.raises(ValueError, match="not 'glute_bridge'"):
        apply_planned_dose(load_exercise("glute_bridge"), planned)


@pytest.mark.parametrize(
    ("exercise_id", "dose", "message"),
    [
        ("glute_bridge", {"sets": -3}, r"field 'dose.sets': must be a whole number 1-20; got -3"),
        ("glute_bridge", {"sets": 21}, r"dose.sets': must be a whole number 1-20"),
        ("glute_bridge", {"reps": 1e9}, r"dose.reps': must be a whole number"),
        ("glute_bridge", {"reps": 101}, r"dose.reps': must be a whole number 1-100"),
        ("glute_bridge", {"reps": 2.5}, r"dose.reps'"),
        ("glute_bridge", {"sets": True}, r"dose.sets'"),
        (
            "front_plank",
            {"hold_s": -1},
            r"dose for front_plank: field 'hold.target_s': must be 1.0 or more; got -1",
        ),
        ("front_plank", {"hold_s": 0}, r"hold.target_s"),
        ("glute_bridge", {"hold_s": 10}, "counted in repetitions"),
        ("glute_bridge", {"sets": 2, "tempo": 3}, "tempo"),
        ("glute_bridge", {}, "nothing"),
    ],
)
def test_doses_outside_the_exercise_format_are_refused(
    exercise_id: str, dose: dict[str, object], message: str
) -> None:
    """The limits are the exercise format's own (sets 1-20, reps 1-100, a positive hold time):
    the issue's {"sets": -3, "reps": 1e9, "hold_s": -1} is refused field by field."""
    with pytest.raises(InvalidValueError, match=message):
        check_dose(load_exercise(exercise_id), dose)


def test_doses_inside_the_format_are_kept_as_given() -> None:
    assert check_dose(load_exercise("glute_bridge"), {"sets": 20, "reps": 1}).to_json() == {
        "sets": 20,
        "reps": 1,
    }
    plank = check_dose(load_exercise("front_plank"), {"sets": 1, "hold_s": 45.5})
    assert plank.to_json() == {"sets": 1, "hold_s": 45.5}
