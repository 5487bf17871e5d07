"""``kinesense person add|list`` and ``kinesense history PERSON`` as a user runs them."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kinesense.assess.result import AssessmentResult, MetricInfo
from kinesense.cli import app
from kinesense.program.plan import Plan
from kinesense.program.records import CheckIn, CoachedSession
from kinesense.program.screening import screen
from kinesense.store import Store

runner = CliRunner()


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'history.db'}"
    monkeypatch.setenv("KINESENSE_DATABASE_URL", url)
    return url


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def one_json(*args: str) -> Any:
    code, out, err = invoke(*args)
    assert code == 0, err
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1, out
    return json.loads(lines[0])


def assert_one_line_error(code: int, err: str, fragment: str) -> None:
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert fragment in lines[0]


def test_person_add_and_list(db_url: str) -> None:
    added = one_json("person", "add", "Ann Smith", "--birth-year", "1964", "--json")
    assert (added["id"], added["name"], added["birth_year"]) == (1, "Ann Smith", 1964)
    code, out, _ = invoke("person", "add", "Bob")
    assert code == 0
    assert out.strip() == "added Bob (id 2)"
    code, out, _ = invoke("person", "add", "Bob")
    assert "someone else is called Bob (id 2)" in out
    people = one_json("person", "list", "--json")
    assert [(p["id"], p["name"]) for p in people] == [(1, "Ann Smith"), (2, "Bob"), (3, "Bob")]
    code, out, _ = invoke("person", "list")
    assert code == 0
    assert "Ann Smith" in out
    assert "1964" in out


def test_person_list_when_empty(db_url: str) -> None:
    code, out, _ = invoke("person", "list")
    assert code == 0
    assert "nobody yet" in out
    assert one_json("person", "list", "--json") == []


def test_person_add_rejects_a_bad_birth_year(db_url: str) -> None:
    code, _, err = invoke("person", "add", "Ann", "--birth-year", "1700")
    assert_one_line_error(code, err, "birth year must be between 1900")


def test_history_text_and_json(db_url: str) -> None:
    result = AssessmentResult(
        test="stance",
        usable=True,
        metrics={"best_time_s": 12.5},
        metric_info={"best_time_s": MetricInfo("s", "best time", "a source")},
        recorded_at="2026-11-01T08:10:00+00:00",
    )
    plan = Plan.from_json(
        {"person_id": 1, "status": "active", "created": "2026-11-01T08:20Z",
         "week_start": "2026-10-26", "tracks": [{"id": "balance", "name": "balance",
         "reason": "poor stance"}], "sessions": [[], [], []]}
    )  # fmt: skip
    session = CoachedSession.from_json(
        {"exercise": "bridge", "exercise_name": "Bridge", "reps": 10, "holds": [],
         "events": [{"kind": "form_fault"}], "started_at": "2026-11-03T18:00Z"}
    )  # fmt: skip
    checkin = CheckIn.from_json({"pain_now": 3, "pain_week": 4, "checked_at": "2026-11-08T08:00Z"})
    with Store(db_url) as store, store.transaction() as unit:
        pid = unit.add_person("Ann", birth_year=1964).id
        unit.save_screening(pid, screen({}, at=datetime(2026, 11, 1, 8, tzinfo=UTC)))
        unit.save_assessment(pid, result)
        unit.save_plan(pid, plan, reason="poor single-leg stance")
        unit.save_session(pid, session)
        unit.save_checkin(pid, checkin)
    code, out, err = invoke("history", "Ann")
    assert code == 0, err
    assert out.splitlines() == [
        "Ann (id 1, born 1964)",
        "  2026-11-01 08:00  screening: proceed",
        "  2026-11-01 08:10  assessment stance: best_time_s 12.50 s",
        "  2026-11-01 08:20  plan (active): 3 session(s) a week; tracks: balance [active]",
        "  2026-11-03 18:00  session Bridge: 10 repetition(s), 1 form cue(s)",
        "  2026-11-08 08:00  check-in: pain now 3/10, week average 4/10",
    ]
    data = one_json("history", "1", "--json")
    assert data["person"]["name"] == "Ann"
    assert [e["kind"] for e in data["history"]] == [
        "screening", "assessment", "plan", "session", "checkin",
    ]  # fmt: skip
    assert data["history"][3]["data"]["reps"] == 10
    only = one_json("history", "Ann", "--kind", "checkin", "--json")
    assert [e["kind"] for e in only["history"]] == ["checkin"]


def test_history_of_someone_with_nothing_yet(db_url: str) -> None:
    invoke("person", "add", "Ann")
    code, out, _ = invoke("history", "Ann")
    assert code == 0
    assert "nothing recorded yet" in out


def test_history_errors_are_one_line(db_url: str, tmp_path: Path) -> None:
    invoke("person", "add", "Ann")
    invoke("person", "add", "Ann")
    code, _, err = invoke("history", "Zoe")
    assert_one_line_error(code, err, "no person called 'Zoe'")
    code, _, err = invoke("history", "Ann")
    assert_one_line_error(code, err, "several people are called 'Ann' (ids 1, 2); give the id")
    code, _, err = invoke("history", "Ann", "--kind", "dream")
    assert_one_line_error(code, err, "--kind must be one of")


def test_an_unreadable_database_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not sqlite\n" * 500)
    monkeypatch.setenv("KINESENSE_DATABASE_URL", f"sqlite:///{bad}")
    code, _, err = invoke("person", "list")
    assert_one_line_error(code, err, "cannot open the database")
