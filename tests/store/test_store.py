"""The Store: people, records of every kind, time order, and one transaction per change."""

import math
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import event

from kinesense.store import Store, StoreError
from kinesense.store.models import Record


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'history.db'}"


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    with Store(url) as opened:
        yield opened


def _assessment(test: str, at: str, **metrics: float) -> dict[str, Any]:
    return {
        "test": test,
        "usable": True,
        "metrics": metrics,
        "metric_info": {m: {"unit": "mm", "definition": "", "reference": ""} for m in metrics},
        "recorded_at": at,
    }


# --- people -------------------------------------------------------------------------------------


def test_people_by_id_and_name(store: Store) -> None:
    ann = store.add_person("  Ann  ", birth_year=1970, notes="knee")
    bob = store.add_person("Bob")
    assert (ann, bob) == (1, 2)
    found = store.person("Ann")
    assert (found.id, found.name, found.birth_year, found.notes) == (1, "Ann", 1970, "knee")
    assert found.created_at.endswith("+00:00")
    assert store.person(2).name == "Bob"
    assert store.person("2").name == "Bob"  # an id typed on the command line
    assert [p.name for p in store.people()] == ["Ann", "Bob"]


def test_unknown_and_ambiguous_people(store: Store) -> None:
    store.add_person("Ann Smith")
    store.add_person("Ann Smith")
    with pytest.raises(StoreError, match=r"several people are called 'Ann Smith' \(ids 1, 2\)"):
        store.person("Ann Smith")
    with pytest.raises(StoreError, match="did you mean Ann Smith"):
        store.person("ann")
    with pytest.raises(StoreError, match="see kinesense person list"):
        store.person("Zoe")
    with pytest.raises(StoreError, match="no person with id 9"):
        store.person(9)


def test_person_values_are_checked(store: Store) -> None:
    with pytest.raises(StoreError, match="needs a name"):
        store.add_person("   ")
    with pytest.raises(StoreError, match="birth year"):
        store.add_person("Ann", birth_year=1850)
    assert store.people() == []


# --- records ------------------------------------------------------------------------------------


def test_assessments_are_time_ordered_in_utc_and_filtered_by_test(store: Store) -> None:
    pid = store.add_person("Ann")
    store.save_assessment(pid, _assessment("sway", "2026-11-02T09:00:00+01:00", rms_ap_mm=5.0))
    store.save_assessment(pid, _assessment("stance", "2026-11-01T10:00:00+00:00", time_s=30.0))
    store.save_assessment(pid, _assessment("sway", "2026-11-02T07:30:00+00:00", rms_ap_mm=4.0))
    # 09:00+01:00 is 08:00 UTC: after 07:30 UTC although saved first
    assert [a["metrics"] for a in store.assessments(pid, "sway")] == [
        {"rms_ap_mm": 4.0},
        {"rms_ap_mm": 5.0},
    ]
    assert [a["test"] for a in store.assessments(pid)] == ["stance", "sway", "sway"]
    assert store.history(pid)[1]["at"] == "2026-11-02T07:30:00+00:00"


def test_screening_latest(store: Store) -> None:
    pid = store.add_person("Ann")
    assert store.latest_screening(pid) is None
    first = {"decision": "proceed", "red_flags": [], "screened_at": "2026-11-01T08:00:00+00:00"}
    second = {
        "decision": "refer",
        "red_flags": ["saddle_numbness"],
        "urgency": "emergency",
        "screened_at": "2026-11-08T08:00:00+00:00",
    }
    store.save_screening(pid, second)
    store.save_screening(pid, first)
    assert store.latest_screening(pid) == second


def test_a_new_plan_becomes_active_and_old_ones_are_kept(store: Store) -> None:
    pid = store.add_person("Ann")
    assert store.active_plan(pid) is None
    store.save_plan(pid, {"status": "active", "week_start": "2026-11-02"}, reason="first")
    store.save_plan(pid, {"status": "active", "week_start": "2026-11-09"}, reason="progressed")
    active = store.active_plan(pid)
    assert active is not None
    assert active["week_start"] == "2026-11-09"
    assert [p["week_start"] for p in store.plans(pid)] == ["2026-11-02", "2026-11-09"]
    plans = [h for h in store.history(pid) if h["kind"] == "plan"]
    assert [(p["active"], p["reason"]) for p in plans] == [(False, "first"), (True, "progressed")]
    other = store.add_person("Bob")
    store.save_plan(other, {"status": "active"}, reason="Bob's")
    assert store.active_plan(pid) == active  # one person's plan does not retire another's


def test_sessions_since_and_missing_start_time(store: Store) -> None:
    pid = store.add_person("Ann")
    store.save_session(pid, {"exercise": "bridge", "reps": 8, "started_at": "2026-11-01T18:00Z"})
    store.save_session(pid, {"exercise": "bridge", "reps": 10, "started_at": "2026-11-05T18:00Z"})
    assert [s["reps"] for s in store.sessions(pid)] == [8, 10]
    assert [s["reps"] for s in store.sessions(pid, since="2026-11-03")] == [10]
    store.save_session(pid, {"exercise": "squat", "reps": 5})
    latest = store.sessions(pid)[-1]
    assert latest["started_at"].endswith("+00:00")  # filled with the time it was saved


def test_checkins_and_overrides(store: Store) -> None:
    pid = store.add_person("Ann")
    checkin = {
        "pain_now": 4,
        "pain_week": 5,
        "psfs": [{"activity": "gardening", "score": 4}, {"activity": "walking", "score": 7}],
        "questionnaires": {},
        "notes": "",
        "checked_at": "2026-11-03T07:00:00+00:00",
    }
    override = {
        "exercise_id": "bird_dog",
        "action": "hold",
        "value": None,
        "clinician": "J. Physio",
        "reason": "flare-up after gardening",
        "made_at": "2026-11-04T07:00:00+00:00",
    }
    store.save_checkin(pid, checkin)
    store.save_override(pid, override)
    assert store.checkins(pid) == [checkin]
    assert store.overrides(pid) == [override]
    summaries = [h["summary"] for h in store.history(pid)]
    assert summaries == [
        "check-in: pain now 4/10, week average 5/10, PSFS mean 5.5/10",
        "override bird_dog: hold by J. Physio: flare-up after gardening",
    ]


def test_history_is_every_record_in_time_order(store: Store) -> None:
    pid = store.add_person("Ann")
    store.save_checkin(pid, {"pain_now": 6, "pain_week": 6, "checked_at": "2026-11-03T00:00Z"})
    store.save_screening(pid, {"decision": "proceed", "screened_at": "2026-11-01T00:00Z"})
    store.save_assessment(pid, _assessment("sway", "2026-11-02T00:00Z", rms_ap_mm=4.25))
    history = store.history(pid)
    assert [h["kind"] for h in history] == ["screening", "assessment", "checkin"]
    assert [h["at"][:10] for h in history] == ["2026-11-01", "2026-11-02", "2026-11-03"]
    assert history[1]["summary"] == "assessment sway: rms_ap_mm 4.25 mm"
    assert set(history[0]) == {"id", "kind", "at", "summary", "data"}
    with pytest.raises(StoreError, match="no person with id 7"):
        store.history(7)


def test_records_need_an_existing_person(store: Store) -> None:
    with pytest.raises(StoreError, match="no person with id 3"):
        store.save_checkin(3, {"pain_now": 2})


def test_numpy_values_and_nan_become_plain_json(store: Store) -> None:
    pid = store.add_person("Ann")
    store.save_assessment(
        pid,
        {
            "test": "sway",
            "metrics": {"a": np.float64(1.5), "b": math.nan, "c": np.int64(3)},
            "plot_data": {"x": np.arange(3.0)},
        },
    )
    saved = store.assessments(pid)[0]
    assert saved["metrics"] == {"a": 1.5, "b": None, "c": 3}
    assert saved["plot_data"] == {"x": [0.0, 1.0, 2.0]}
    assert type(saved["metrics"]["c"]) is int


def test_bad_time_and_unstorable_payloads_save_nothing(store: Store) -> None:
    pid = store.add_person("Ann")
    with pytest.raises(StoreError, match="not an ISO 8601 time"):
        store.save_checkin(pid, {"pain_now": 2, "checked_at": "last tuesday"})
    with pytest.raises(StoreError, match="cannot store a object"):
        store.save_checkin(pid, {"pain_now": 2, "extra": object()})
    assert store.history(pid) == []


# --- interrupted writes -------------------------------------------------------------------------


def test_a_write_failing_mid_transaction_changes_nothing(store: Store) -> None:
    """save_plan first retires the active plan, then inserts the new one; if the insert fails,
    the retirement is rolled back with it."""
    pid = store.add_person("Ann")
    store.save_plan(pid, {"status": "active", "week_start": "2026-11-02"}, reason="first")

    def fail(*_: Any) -> None:
        raise RuntimeError("disk unplugged")

    event.listen(Record, "before_insert", fail)
    try:
        with pytest.raises(RuntimeError, match="disk unplugged"):
            store.save_plan(pid, {"status": "active", "week_start": "2026-11-09"}, reason="new")
    finally:
        event.remove(Record, "before_insert", fail)
    active = store.active_plan(pid)
    assert active is not None
    assert active["week_start"] == "2026-11-02"
    assert len(store.plans(pid)) == 1
    store.save_plan(pid, {"status": "active", "week_start": "2026-11-09"}, reason="new")
    assert len(store.plans(pid)) == 2


KILLED_WRITER = """
import os, signal, sys
from kinesense.store import Store
from kinesense.store.models import Record
from kinesense.store.store import utc_now

store = Store(sys.argv[1])
with store._sessions.begin() as session:
    for i in range(500):
        session.add(Record(person_id=1, kind="checkin", at=utc_now(), saved_at=utc_now(),
                           label="", note="", active=False, payload={"pain_now": i % 11}))
    session.flush()  # the rows are written to the database file's log, not committed
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_process_killed_during_a_write_leaves_the_history_intact(
    url: str, tmp_path: Path
) -> None:
    with Store(url) as store:
        pid = store.add_person("Ann")
        store.save_checkin(pid, {"pain_now": 3, "pain_week": 4})
    result = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, url], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == -9, result.stderr  # killed, not finished
    with sqlite3.connect(tmp_path / "history.db") as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with Store(url) as store:
        assert [c["pain_now"] for c in store.checkins(pid)] == [3]
        store.save_checkin(pid, {"pain_now": 2})
        assert [c["pain_now"] for c in store.checkins(pid)] == [3, 2]
