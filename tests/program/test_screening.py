"""Red-flag screening: every red flag refers with its urgency; nothing else does."""

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from importlib import resources
from typing import Any

import pytest

from kinesense.errors import DataFileError, InvalidValueError, KinesenseError
from kinesense.program.screening import (
    DISCLAIMER,
    NO_EXERCISE,
    PROCEED_MESSAGE,
    URGENCY_MESSAGES,
    ScreeningError,
    ScreeningResult,
    load_questions,
    parse_questions,
    screen,
)

QUESTIONS = load_questions()
RED_FLAGS = [q for q in QUESTIONS if q.red_flag]
ORDINARY = [q for q in QUESTIONS if not q.red_flag]


def raw_file() -> dict[str, Any]:
    resource = resources.files("kinesense.program") / "data" / "screening_questions.json"
    data: dict[str, Any] = json.loads(resource.read_text("utf-8"))
    return data


def test_questions_cover_the_red_flag_categories_of_the_guidance() -> None:
    categories = {q.category for q in RED_FLAGS}
    assert {"cauda_equina", "fracture", "infection", "cancer", "neurological_deficit"} <= categories
    ids = [q.id for q in QUESTIONS]
    assert len(ids) == len(set(ids))
    for required in ("saddle_numbness", "bladder_change", "bowel_change", "bilateral_leg_symptoms"):
        assert required in ids
    assert ORDINARY, "the planner needs at least one question that is not a red flag"
    assert all(q.urgency is None for q in ORDINARY)
    assert all("Finucane" in q.source or "NICE" in q.source for q in QUESTIONS)


def test_cauda_equina_signs_are_emergencies() -> None:
    for question in QUESTIONS:
        if question.category == "cauda_equina":
            assert question.urgency == "emergency", question.id


@pytest.mark.parametrize("question", RED_FLAGS, ids=lambda q: q.id)
def test_each_red_flag_refers_with_its_urgency(question: Any) -> None:
    result = screen({question.id: True})
    assert result.decision == "refer"
    assert result.referred
    assert result.red_flags == (question.id,)
    assert result.urgency == question.urgency
    assert URGENCY_MESSAGES[question.urgency] in result.message
    assert NO_EXERCISE in result.message


def test_no_answers_proceed() -> None:
    result = screen({})
    assert result.decision == "proceed"
    assert result.red_flags == ()
    assert result.urgency is None
    assert result.message == PROCEED_MESSAGE
    assert set(result.answers) == {q.id for q in QUESTIONS}
    assert not any(result.answers.values())


def test_yes_to_ordinary_questions_and_no_to_red_flags_proceeds() -> None:
    answers = {q.id: True for q in ORDINARY} | {q.id: False for q in RED_FLAGS}
    result = screen(answers)
    assert result.decision == "proceed"
    assert result.yes_answers() == tuple(q.id for q in ORDINARY)


def test_the_most_urgent_flag_sets_the_message() -> None:
    result = screen({"night_pain": True, "fever_unwell": True, "leg_pain_below_knee": True})
    assert result.red_flags == ("fever_unwell", "night_pain")  # question order
    assert result.urgency == "urgent"
    result = screen({"night_pain": True, "saddle_numbness": True})
    assert result.urgency == "emergency"
    assert "now" in result.message


def test_unknown_id_lists_the_valid_ones() -> None:
    with pytest.raises(
        ScreeningError, match="unknown screening question id 'sadle_numbness'"
    ) as info:
        screen({"sadle_numbness": True})
    assert "saddle_numbness" in str(info.value)
    assert isinstance(info.value, KinesenseError)


def test_answers_must_be_booleans() -> None:
    with pytest.raises(ScreeningError, match="true or false"):
        screen({"night_pain": "yes"})  # type: ignore[dict-item]


def test_time_is_recorded_in_utc() -> None:
    result = screen({}, at=datetime(2026, 3, 1, 10, 30, tzinfo=timezone(timedelta(hours=1))))
    assert result.screened_at == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    assert result.to_json()["screened_at"] == "2026-03-01T09:30:00+00:00"
    naive = screen({}, at=datetime(2026, 3, 1, 9, 30))  # taken as UTC
    assert naive.screened_at == result.screened_at


def test_json_round_trip() -> None:
    result = screen({"cancer_history": True, "pain_over_12_weeks": True})
    data = json.loads(json.dumps(result.to_json()))
    assert data["decision"] == "refer"
    assert data["red_flags"] == ["cancer_history"]
    assert ScreeningResult.from_json(data) == result


def test_from_json_refuses_inconsistent_results() -> None:
    data = screen({"cancer_history": True}).to_json()
    with pytest.raises(InvalidValueError, match="if and only if"):
        ScreeningResult.from_json(data | {"red_flags": []})
    with pytest.raises(InvalidValueError, match="decision"):
        ScreeningResult.from_json(data | {"decision": "maybe"})
    with pytest.raises(InvalidValueError, match="ScreeningResult: field 'red_flags'"):
        ScreeningResult.from_json({"decision": "proceed"})
    with pytest.raises(InvalidValueError, match=r"answers\.night_pain"):
        ScreeningResult.from_json(data | {"answers": {"night_pain": "yes"}})


def test_disclaimer_says_kinesense_does_not_replace_a_professional() -> None:
    assert "does not replace" in DISCLAIMER
    assert "diagnose" in DISCLAIMER


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda q: q.update(urgency=None), "questions.0': saddle_numbness: a red flag needs urg"),
        (lambda q: q.update(urgency="whenever"), "questions.0.urgency'"),
        (lambda q: q.update(id="Saddle-Numbness"), "questions.0.id': String should match"),
        (lambda q: q.update(source="NOWHERE"), r"unknown or missing source keys \['NOWHERE'\]"),
        (lambda q: q.update(red_flag="yes"), "questions.0.red_flag': Input should be a valid bool"),
        (lambda q: q.pop("category"), "questions.0.category': Field required"),
        (lambda q: q.update(text="  "), "questions.0.text': String should have at least 1"),
        (lambda q: q.update(colour="red"), "questions.0.colour': Extra inputs are not permitted"),
    ],
)
def test_invalid_question_files_are_refused(change: Any, fragment: str) -> None:
    data = copy.deepcopy(raw_file())
    change(data["questions"][0])
    with pytest.raises(DataFileError, match=fragment) as info:
        parse_questions(data)
    assert str(info.value).startswith("screening_questions.json: field '")


def test_repeated_ids_and_wrong_format_are_refused() -> None:
    data = copy.deepcopy(raw_file())
    data["questions"].append(copy.deepcopy(data["questions"][0]))
    with pytest.raises(DataFileError, match="repeated"):
        parse_questions(data)
    with pytest.raises(DataFileError, match="format"):
        parse_questions({"questions": []})
    data = copy.deepcopy(raw_file())
    data["questions"][-1]["urgency"] = "soon"  # an ordinary question may not carry urgency
    with pytest.raises(DataFileError, match="urgency must be null"):
        parse_questions(data)
