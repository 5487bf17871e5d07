"""``kinesense plan`` and ``kinesense checkin`` as a user meets them, on a temporary database."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kinesense.cli import app
from kinesense.program.records import CoachedSession
from kinesense.store import Store


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("KINESENSE_DATABASE_URL", url)
    return url


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def json_of(*args: str) -> dict[str, Any]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def one_line_error(result: Any, fragment: str) -> None:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert fragment in lines[0]


def test_plan_needs_a_screening_first(db: str) -> None:
    assert run("person", "add", "Ann").exit_code == 0
    one_line_error(run("plan", "Ann"), "has not been screened yet")
    one_line_error(run("plan", "Nobody"), "Nobody")


def test_plan_checkin_override_and_calendar(db: str, tmp_path: Path) -> None:
    assert run("person", "add", "Ann", "--birth-year", "1980").exit_code == 0
    assert run("screen", "--person", "Ann", "--no-input").exit_code == 0
    plan = json_of("plan", "Ann", "--minutes", "10", "--goal", "lift my shopping")
    assert plan["status"] == "active"
    assert [t["id"] for t in plan["tracks"]] == ["core"]
    assert plan["profile"]["minutes_per_session"] == 10
    assert all(e["reason"] for s in plan["sessions"] for e in s)
    assert "does not replace" in plan["disclaimer"]
    shown = json_of("plan", "Ann")  # shows the same plan, makes no new one
    assert shown["created"] == plan["created"]

    # a clinician's hold is recorded and shown in the plan
    first = plan["sessions"][0][0]["exercise_id"]
    result = run("plan", "Ann", "--override", first, "--action", "hold", "--clinician",
                 "PT Jones", "--reason", "wait for review")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "held by PT Jones" in " ".join(result.output.split())
    with Store() as store, store.transaction() as unit:
        person_id = unit.person("Ann").id
        assert unit.overrides(person_id)[0].clinician == "PT Jones"
        item = next(e for e in plan["sessions"][0] if e["exercise_id"] == first)
        for _ in range(2):  # two good sessions of every exercise, after the plan was made
            for e in plan["sessions"][0]:
                count = e["sets"] * e["reps"] * 2
                done = [{"form_score": 1.0, "duration_s": e["hold_s"] or 0} for _ in range(count)]
                summary = {"holds": done, "reps": []} if e["hold_s"] else {"reps": done}
                at = datetime.now(UTC).isoformat()
                session = {"exercise": e["exercise_id"], "summary": summary, "started_at": at}
                unit.save_session(person_id, CoachedSession.from_json(session))
    out = json_of(
        "checkin", "Ann", "--none", "--pain-now", "3", "--pain-week", "4", "--psfs", "lifting=5"
    )
    assert out["screening"]["decision"] == "proceed"
    assert out["checkin"]["psfs"] == [{"activity": "lifting", "score": 5}]
    actions = {d["exercise_id"]: d["action"] for d in out["decisions"]}
    assert actions[first] == "keep"  # held by the clinician
    assert "progress" in actions.values(), [d["reason"] for d in out["decisions"]]
    held = next(e for e in out["plan"]["sessions"][0] if e["exercise_id"] == first)
    assert held["step"] == item["step"]
    assert held["clinician"] == "PT Jones"

    ics = tmp_path / "plan.ics"
    assert run("plan", "Ann", "--ical", str(ics)).exit_code == 0
    text = ics.read_bytes().decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 3


def test_red_flag_at_checkin_refers_and_clearance_rebuilds(db: str, tmp_path: Path) -> None:
    assert run("person", "add", "Bo").exit_code == 0
    assert run("screen", "--person", "Bo", "--no-input").exit_code == 0
    assert json_of("plan", "Bo")["status"] == "active"
    out = json_of("checkin", "Bo", "--yes", "saddle_numbness")
    assert out["screening"]["decision"] == "refer"
    assert out["plan"]["status"] == "referred"
    assert out["plan"]["sessions"] == []
    one_line_error(run("plan", "Bo", "--ical", str(tmp_path / "x.ics")), "referred")
    # a later check-in without the flag still has no exercise until a clinician clears it
    assert json_of("checkin", "Bo", "--none")["plan"]["status"] == "referred"
    cleared = json_of("plan", "Bo", "--override", "*", "--action", "resume", "--clinician",
                      "Dr Lee", "--reason", "examined")  # fmt: skip
    assert cleared["status"] == "active"
    assert any("Dr Lee" in r and "saddle_numbness" in r for r in cleared["reasons"])
    # a new plan later still says who cleared the red flag, and stays active
    again = json_of("plan", "Bo", "--new")
    assert again["status"] == "active"
    assert any("Dr Lee" in r for r in again["reasons"])


def test_new_plan_after_a_referral_without_clearance_stays_referred(db: str) -> None:
    assert run("person", "add", "Di").exit_code == 0
    assert run("screen", "--person", "Di", "--yes", "saddle_numbness").exit_code == 0
    assert run("screen", "--person", "Di", "--no-input").exit_code == 0  # a later "all clear"
    plan = json_of("plan", "Di", "--new")
    assert plan["status"] == "referred"
    assert plan["sessions"] == []


def test_bad_options_are_one_line_errors(db: str) -> None:
    assert run("person", "add", "Cy").exit_code == 0
    assert run("screen", "--person", "Cy", "--no-input").exit_code == 0
    one_line_error(run("checkin", "Cy", "--none", "--pain-now", "3"), "--pain-week")
    one_line_error(
        run("checkin", "Cy", "--none", "--pain-now", "11", "--pain-week", "2"), "0 to 10"
    )
    one_line_error(run("checkin", "Cy", "--none", "--psfs", "walking"), "activity=score")
    one_line_error(run("checkin", "Cy", "--yes", "no_such_flag"), "no_such_flag")
    one_line_error(run("checkin", "Cy", "--json"), "the safety questions are not asked")
    one_line_error(run("plan", "Cy", "--override", "bird_dog", "--action", "hold"), "--clinician")
    one_line_error(run("plan", "Cy", "--override", "moonwalk", "--action", "hold", "--clinician",
                       "A", "--reason", "b"), "unknown exercise")  # fmt: skip
    one_line_error(run("plan", "Cy", "--equipment", "trampoline"), "unknown equipment")


def test_checkin_without_answers_records_nothing(db: str) -> None:
    """Issue 9: 'checkin' recorded an all-"no" screening without asking, and built an active
    plan for a person who was never screened. Now it asks; a closed input decides nothing and
    saves nothing."""
    assert run("person", "add", "Ed").exit_code == 0
    result = CliRunner().invoke(app, ["checkin", "Ed", "--pain-now", "3", "--pain-week", "3"])
    assert result.exit_code == 2, result.output
    assert "nothing was decided" in result.output
    with Store() as store, store.transaction(write=False) as unit:
        assert unit.history(unit.person("Ed").id) == []


def test_checkin_answers_on_the_terminal(db: str) -> None:
    assert run("person", "add", "Flo").exit_code == 0
    replies = "\n".join(["n"] * 16) + "\n"
    result = CliRunner().invoke(
        app, ["checkin", "Flo", "--pain-now", "2", "--pain-week", "2"], input=replies
    )
    assert result.exit_code == 0, result.output
    assert "[y/n]" in result.output
    with Store() as store, store.transaction(write=False) as unit:
        kinds = [e.kind for e in unit.history(unit.person("Flo").id)]
    assert sorted(kinds) == ["checkin", "plan", "screening"]


def test_a_dose_override_outside_the_exercise_format_is_refused(db: str) -> None:
    """Issue 9: clinician overrides accepted any dose; {"sets": -3, "reps": 1e9, "hold_s": -1}
    was written into a plan. Refused, and nothing is saved."""
    assert run("person", "add", "Gil").exit_code == 0
    assert run("screen", "--person", "Gil", "--none").exit_code == 0
    assert json_of("plan", "Gil")["status"] == "active"
    for value, fragment in (
        ('{"sets": -3, "reps": 1e9, "hold_s": -1}', "not holds"),
        ('{"sets": -3}', "dose.sets': must be a whole number 1-20; got -3"),
        ('{"reps": 1e9}', "dose.reps': must be a whole number; got 1000000000.0"),
        ('{"reps": 101}', "dose.reps': must be a whole number 1-100"),
        ('{"sets": 2, "tempo": 1}', "tempo"),
    ):
        one_line_error(
            run("plan", "Gil", "--override", "glute_bridge", "--action", "dose", "--value", value,
                "--clinician", "A", "--reason", "b"),
            fragment,
        )  # fmt: skip
    one_line_error(
        run("plan", "Gil", "--override", "front_plank_knees", "--action", "dose", "--value",
            '{"hold_s": -1}', "--clinician", "A", "--reason", "b"),
        "hold.target_s': must be 1.0 or more; got -1",
    )  # fmt: skip
    with Store() as store, store.transaction(write=False) as unit:
        assert unit.overrides(unit.person("Gil").id) == []


def test_a_calendar_that_cannot_be_written_fails_before_any_work(db: str, tmp_path: Path) -> None:
    assert run("person", "add", "Hal").exit_code == 0
    assert run("screen", "--person", "Hal", "--none").exit_code == 0
    one_line_error(run("plan", "Hal", "--ical", str(tmp_path / "missing" / "p.ics")), "does not")
    one_line_error(run("plan", "Hal", "--ical", str(tmp_path)), "folder")
    with Store() as store, store.transaction(write=False) as unit:
        assert unit.plans(unit.person("Hal").id) == []  # the plan was not made either


def test_names_with_control_characters_are_printed_escaped(db: str) -> None:
    assert run("person", "add", "Eve\x1b[2J\x07").exit_code == 0
    assert run("screen", "--person", "Eve\x1b[2J\x07", "--none").exit_code == 0
    shown = run("plan", "1")
    assert shown.exit_code == 0, shown.output
    listed = run("person", "list")
    history = run("history", "1")
    for result in (listed, history):
        assert "\x1b" not in result.output
        assert "\\x1b[2J\\x07" in result.output
    missing = run("history", "Zed\x1b[31m")
    one_line_error(missing, "\\x1b[31m")
