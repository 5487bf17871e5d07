"""Clinic-supplied questionnaires: scoring by hand, skipped items, invalid files."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from kinesense.errors import InputFileError
from kinesense.program.questionnaire import (
    QuestionnaireError,
    load_questionnaire,
    parse_questionnaire,
)

FIXTURE = Path(__file__).parent / "data" / "clinic_questionnaire.json"


def fixture_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text("utf-8"))
    return data


def ten_sections(method: str = "percent_of_max") -> dict[str, Any]:
    """Ten neutral sections scored 0-5, the shape of the Oswestry index (no licensed text)."""
    options = [{"text": f"level {score}", "score": score} for score in range(6)]
    return {
        "format": "kinesense-questionnaire/1",
        "id": "ten",
        "title": "Ten sections",
        "source": "test",
        "items": [{"id": f"s{i}", "text": f"section {i}", "options": options} for i in range(10)],
        "scoring": {"method": method, "min_answered": 8},
        "higher_is": "worse",
        "mid": 10,
    }


def test_the_clinic_file_loads() -> None:
    questionnaire = load_questionnaire(FIXTURE)
    assert questionnaire.id == "example_disability"
    assert [item.id for item in questionnaire.items] == ["chores", "errands", "hobbies", "rest"]
    assert questionnaire.items[0].max_score == 5
    assert questionnaire.min_answered == 3
    assert questionnaire.mid_percent == 30


def test_percent_of_max_all_answered() -> None:
    questionnaire = load_questionnaire(FIXTURE)
    scored = questionnaire.score({"chores": 1, "errands": 2, "hobbies": 3, "rest": 4})
    assert scored.score == pytest.approx(100 * 10 / 20)  # 50 %
    assert scored.answered == 4
    assert scored.skipped == ()
    assert scored.usable


def test_percent_of_max_with_a_skipped_item_uses_the_answered_items_maximum() -> None:
    questionnaire = load_questionnaire(FIXTURE)
    scored = questionnaire.score({"chores": 1, "errands": 2, "hobbies": 3, "rest": None})
    assert scored.score == pytest.approx(100 * 6 / 15)  # 40 %
    assert scored.skipped == ("rest",)
    assert "rest" in scored.reason
    assert questionnaire.score({"chores": 1, "errands": 2, "hobbies": 3}).score == scored.score


def test_too_few_answers_give_no_score() -> None:
    scored = load_questionnaire(FIXTURE).score({"chores": 5, "errands": 5})
    assert scored.score is None
    assert not scored.usable
    assert "only 2 of 4" in scored.reason
    assert scored.to_json()["score"] is None


def test_the_oswestry_rule_worked_example() -> None:
    """Fairbank & Pynsent 2000: 16 of 50 = 32 %; one section missed, 16 of 45 = 35.6 %."""
    questionnaire = parse_questionnaire(ten_sections())
    answers: dict[str, int | None] = {f"s{i}": s for i, s in enumerate([2] * 8 + [0, 0])}
    assert questionnaire.score(answers).score == pytest.approx(32.0)
    answers = {f"s{i}": s for i, s in enumerate([2] * 8 + [0])}  # s9 skipped
    assert questionnaire.score(answers).score == pytest.approx(100 * 16 / 45)


def test_sum_and_mean_methods() -> None:
    answers: dict[str, int | None] = {f"s{i}": i % 6 for i in range(10)}  # 0,1,2,3,4,5,0,1,2,3
    assert parse_questionnaire(ten_sections("sum")).score(answers).score == 21
    assert parse_questionnaire(ten_sections("mean")).score(answers).score == pytest.approx(2.1)


def test_percent_of_max_with_options_not_starting_at_zero() -> None:
    data = ten_sections()
    data["items"] = data["items"][:2]
    data["scoring"]["min_answered"] = 2
    for item in data["items"]:
        item["options"] = [{"text": str(s), "score": s} for s in (1, 2, 3, 4)]
    # answers score 2 and 4: (6 - 2) / (8 - 2) = 66.7 %
    assert parse_questionnaire(data).score({"s0": 1, "s1": 3}).score == pytest.approx(400 / 6)


def test_change_uses_the_files_mid_and_direction() -> None:
    questionnaire = load_questionnaire(FIXTURE)
    assert questionnaire.change(40, 28).meaningful  # 12 points better
    assert not questionnaire.change(40, 32).meaningful  # 8 points, 20 %
    assert questionnaire.change(20, 14).meaningful  # 6 points but 30 %
    worse = questionnaire.change(30, 38)
    assert worse.direction == "worse"
    assert not worse.meaningful
    assert questionnaire.change(30, 40).meaningful


def test_bad_answers_are_refused() -> None:
    questionnaire = load_questionnaire(FIXTURE)
    with pytest.raises(QuestionnaireError, match="unknown item"):
        questionnaire.score({"sleep": 1})
    with pytest.raises(QuestionnaireError, match="option 6 does not exist"):
        questionnaire.score({"chores": 6})
    with pytest.raises(QuestionnaireError, match="option number"):
        questionnaire.score({"chores": True})


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="not found"):
        load_questionnaire(tmp_path / "absent.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": ')
    with pytest.raises(QuestionnaireError, match="not valid JSON"):
        load_questionnaire(broken)


def _mutations() -> list[tuple[Any, str]]:
    def drop_options(d: dict[str, Any]) -> None:
        d["items"][0]["options"] = d["items"][0]["options"][:1]

    def duplicate(d: dict[str, Any]) -> None:
        d["items"][1]["id"] = d["items"][0]["id"]

    def text_score(d: dict[str, Any]) -> None:
        d["items"][0]["options"][0]["score"] = "zero"

    def flat(d: dict[str, Any]) -> None:
        for option in d["items"][0]["options"]:
            option["score"] = 1

    return [
        (lambda d: d.update(format="other"), "format"),
        (lambda d: d.pop("title"), "'title'"),
        (lambda d: d.update(items=[]), "'items'"),
        (drop_options, "options': Tuple should have at least 2 items"),
        (duplicate, "unique"),
        (text_score, "score': must be a number; got 'zero'"),
        (flat, "same score"),
        (lambda d: d.update(scoring={"method": "median"}), "'scoring.method'"),
        (lambda d: d.update(scoring={"method": "sum", "min_answered": 9}), "from 1 to 4"),
        (lambda d: d.pop("higher_is"), "higher_is"),
        (lambda d: d.update(mid=0), "'mid'"),
        (lambda d: d.update(mid_percent=-5), "'mid_percent'"),
    ]


@pytest.mark.parametrize(("mutate", "fragment"), _mutations())
def test_invalid_files_name_the_problem(tmp_path: Path, mutate: Any, fragment: str) -> None:
    data = copy.deepcopy(fixture_data())
    mutate(data)
    path = tmp_path / "clinic.json"
    path.write_text(json.dumps(data))
    with pytest.raises(QuestionnaireError, match=fragment) as info:
        load_questionnaire(path)
    assert str(info.value).startswith(str(path))
    assert "\n" not in str(info.value)
