"""Reading the journey's forms: every safety question answered (none assumed), PSFS rows, the
plan's settings and a clinician's override, each refused with one line when malformed."""

import pytest

from kinesense.errors import InvalidValueError
from kinesense.services.screening import questions
from kinesense.web.journey_forms import (
    checkin_request,
    clearance_request,
    override_request,
    plan_request,
    psfs_items,
    screening_answers,
    text_fields,
)

ALL_NO = {f"q_{q.id}": "no" for q in questions()}


def test_every_question_must_be_answered() -> None:
    assert screening_answers(ALL_NO) == {q.id: False for q in questions()}
    first, second = questions()[0].id, questions()[1].id
    answers = screening_answers(ALL_NO | {f"q_{first}": "yes"})
    assert answers[first] is True
    assert sum(answers.values()) == 1
    missing = {k: v for k, v in ALL_NO.items() if k not in (f"q_{first}", f"q_{second}")}
    with pytest.raises(InvalidValueError, match=r"not answered: 1, 2\); nothing was saved"):
        screening_answers(missing)
    with pytest.raises(InvalidValueError, match="not answered: 1"):
        screening_answers(ALL_NO | {f"q_{first}": "maybe"})


def test_psfs_rows() -> None:
    form = {"psfs_activity_1": "  putting on   socks ", "psfs_score_1": "4",
            "psfs_activity_3": "walking=30 min", "psfs_score_3": "7"}  # fmt: skip
    assert psfs_items(form) == ("putting on socks=4", "walking=30 min=7")
    with pytest.raises(InvalidValueError, match="give a score from 0 to 10 for 'stairs'"):
        psfs_items({"psfs_activity_2": "stairs"})
    with pytest.raises(InvalidValueError, match="activity 2 has a score but no name"):
        psfs_items({"psfs_score_2": "5"})


def test_a_check_in() -> None:
    request = checkin_request(ALL_NO | {"pain_now": "3", "pain_week": "10", "notes": " tired "})
    assert (request.pain_now, request.pain_week, request.notes) == (3, 10, "tired")
    assert request.psfs == ()
    assert request.answers == {q.id: False for q in questions()}
    for bad in ("11", "-1", "3.5", "x"):
        with pytest.raises(InvalidValueError, match="pain now must be a whole number from 0 to 10"):
            checkin_request(ALL_NO | {"pain_now": bad, "pain_week": "3"})


def test_the_plan_settings() -> None:
    form = {"goal_1": "walk to  the shops", "goal_2": " ", "goal_3": "lift my grandchild",
            "minutes": "15", "sessions": "4", "equip_mat": "yes", "equip_counter": "yes",
            "equip_trampoline": "yes"}  # fmt: skip
    request = plan_request(form, ("mat", "chair", "counter"))
    assert request.new
    assert request.goals == ("walk to the shops", "lift my grandchild")
    assert (request.minutes, request.sessions_per_week) == (15, 4)
    assert request.equipment == "mat,counter"  # only the known equipment
    with pytest.raises(
        InvalidValueError, match="sessions a week must be a whole number from 1 to 7"
    ):
        plan_request({"sessions": "8"}, ())


def test_an_override_and_a_clearance() -> None:
    dose = override_request(
        {"exercise_id": "squat", "action": "dose", "sets": "2", "reps": "8", "hold_s": "",
         "reason": " knee sore "}, "Theo Therapist",
    )  # fmt: skip
    assert (dose.exercise_id, dose.action, dose.clinician, dose.reason) == (
        "squat", "dose", "Theo Therapist", "knee sore",
    )  # fmt: skip
    assert dose.value == {"sets": 2, "reps": 8}
    hold = override_request({"exercise_id": "bridge", "action": "hold", "sets": "9"}, "T")
    assert (hold.value, hold.reason) == (None, None)  # the service asks for the reason
    with pytest.raises(InvalidValueError, match="hold seconds must be a number"):
        override_request({"action": "dose", "hold_s": "long"}, "T")
    clear = clearance_request({"reason": "examined"}, "Dr Who")
    assert (clear.exercise_id, clear.action, clear.reason) == ("*", "resume", "examined")


def test_only_text_fields_are_read() -> None:
    assert text_fields({"a": "1", "file": object()}) == {"a": "1"}
