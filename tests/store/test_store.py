"""The Store: people, typed records of every kind, time order, and one transaction per action."""

import math
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import event

from kinesense.assess.result import AssessmentResult, MetricInfo
from kinesense.errors import InvalidValueError, NotFoundError
from kinesense.program.plan import Plan
from kinesense.program.records import CheckIn, ClinicianOverride, CoachedSession
from kinesense.program.screening import screen
from kinesense.store import Store, StoreError
from kinesense.store.models import Record


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'history.db'}"


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    with Store(url, migrate=True) as opened:
        yield opened


def _assessment(test: str, at: str, **metrics: float) -> AssessmentResult:
    info = MetricInfo("mm", "a metric", "a source")
    return AssessmentResult(
        test=test,
        usable=True,
        metrics=metrics,
        metric_info=dict.fromkeys(metrics, info),
        recorded_at=at,
    )


def _plan(week: str, status: str = "active") -> Plan:
    return Plan.from_json(
        {"person_id": 1, "created": f"{week}T08:00:00Z", "week_start": week, "status": status}
    )


def _checkin(pain: int | None, at: str | None = None, **fields: Any) -> CheckIn:
    data: dict[str, Any] = {"pain_now": pain, "pain_week": pain, **fields}
    if at is not None:
        data["checked_at"] = at
    return CheckIn.from_json(data)


def add(store: Store, name: str, **kwargs: Any) -> int:
    with store.transaction() as unit:
        return unit.add_person(name, **kwargs).id


# --- people -------------------------------------------------------------------------------------


def test_people_by_id_and_name(store: Store) -> None:
    ann = add(store, "  Ann  ", birth_year=1970, notes="knee")
    bob = add(store, "Bob")
    assert (ann, bob) == (1, 2)
    with store.transaction(write=False) as unit:
        found = unit.person("Ann")
        assert (found.id, found.name, found.birth_year, found.notes) == (1, "Ann", 1970, "knee")
        assert found.created_at.tzinfo is not None
        assert found.to_json()["created_at"].endswith("+00:00")
        assert unit.person(2).name == "Bob"
        assert unit.person("2").name == "Bob"  # an id typed on the command line
        assert unit.person(" 2 ").name == "Bob"
        assert [p.name for p in unit.people()] == ["Ann", "Bob"]


def test_an_all_digit_reference_is_always_an_id(store: Store) -> None:
    """Issue 9: a person named "2" hid id 2, and 'screen --person 2' saved into the wrong
    person. Names made only of digits are refused, and digits always mean an id."""
    add(store, "Ann")
    with pytest.raises(InvalidValueError, match="only of digits"):
        add(store, "2")
    with pytest.raises(InvalidValueError, match="only of digits"):
        add(store, " 007 ")
    add(store, "Bob")
    with store.transaction(write=False) as unit:
        assert unit.person("2").name == "Bob"
        with pytest.raises(NotFoundError, match="no person with id 3"):
            unit.person("3")


def test_a_digit_name_written_by_an_older_kinesense_no_longer_hides_an_id(store: Store) -> None:
    add(store, "Ann")
    add(store, "Bob")
    with store.transaction() as unit:  # as an older version could have stored it
        unit.person(1)
        from kinesense.store.models import Person as PersonRow

        unit._session.add(PersonRow(name="1", notes="", created_at=datetime(2026, 1, 1)))
    with store.transaction(write=False) as unit:
        assert unit.person("1").name == "Ann"


def test_unknown_and_ambiguous_people(store: Store) -> None:
    add(store, "Ann Smith")
    add(store, "Ann Smith")
    with store.transaction(write=False) as unit:
        with pytest.raises(StoreError, match=r"several people are called 'Ann Smith' \(ids 1, 2\)"):
            unit.person("Ann Smith")
        with pytest.raises(NotFoundError, match="did you mean Ann Smith"):
            unit.person("ann")
        with pytest.raises(NotFoundError, match="see kinesense person list"):
            unit.person("Zoe")
        with pytest.raises(NotFoundError, match="no person with id 9"):
            unit.person(9)


def test_person_values_are_checked(store: Store) -> None:
    with pytest.raises(InvalidValueError, match="needs a name"):
        add(store, "   ")
    with pytest.raises(InvalidValueError, match="birth year"):
        add(store, "Ann", birth_year=1850)
    with pytest.raises(InvalidValueError, match="at most 200"):
        add(store, "A" * 201)
    with store.transaction(write=False) as unit:
        assert unit.people() == []


# --- records ------------------------------------------------------------------------------------


def test_assessments_are_time_ordered_in_utc_and_filtered_by_test(store: Store) -> None:
    pid = add(store, "Ann")
    with store.transaction() as unit:
        unit.save_assessment(pid, _assessment("sway", "2026-11-02T09:00:00+01:00", rms_ap_mm=5.0))
        unit.save_assessment(pid, _assessment("stance", "2026-11-01T10:00:00+00:00", time_s=30.0))
        unit.save_assessment(pid, _assessment("sway", "2026-11-02T07:30:00+00:00", rms_ap_mm=4.0))
    with store.transaction(write=False) as unit:
        # 09:00+01:00 is 08:00 UTC: after 07:30 UTC although saved first
        assert [a.metrics for a in unit.assessments(pid, "sway")] == [
            {"rms_ap_mm": 4.0},
            {"rms_ap_mm": 5.0},
        ]
        assert [a.test for a in unit.assessments(pid)] == ["stance", "sway", "sway"]
        assert isinstance(unit.assessments(pid)[0], AssessmentResult)
        entry = unit.history(pid)[1]
    assert entry.at == datetime(2026, 11, 2, 7, 30, tzinfo=UTC)
    assert entry.to_json()["at"] == "2026-11-02T07:30:00+00:00"


def test_screening_latest(store: Store) -> None:
    pid = add(store, "Ann")
    first = screen({}, at=datetime(2026, 11, 1, 8, tzinfo=UTC))
    second = screen({"saddle_numbness": True}, at=datetime(2026, 11, 8, 8, tzinfo=UTC))
    with store.transaction() as unit:
        assert unit.latest_screening(pid) is None
        unit.save_screening(pid, second)
        unit.save_screening(pid, first)
    with store.transaction(write=False) as unit:
        assert unit.latest_screening(pid) == second
        assert unit.screenings(pid) == [first, second]


def test_a_new_plan_becomes_active_and_old_ones_are_kept(store: Store) -> None:
    pid = add(store, "Ann")
    with store.transaction() as unit:
        assert unit.active_plan(pid) is None
        unit.save_plan(pid, _plan("2026-11-02"), reason="first")
        unit.save_plan(pid, _plan("2026-11-09"), reason="progressed")
    with store.transaction(write=False) as unit:
        active = unit.active_plan(pid)
        assert active is not None
        assert active.week_start.isoformat() == "2026-11-09"
        assert [p.week_start.isoformat() for p in unit.plans(pid)] == ["2026-11-02", "2026-11-09"]
        plans = [h for h in unit.history(pid) if h.kind == "plan"]
    assert [(p.active, p.reason) for p in plans] == [(False, "first"), (True, "progressed")]
    assert set(plans[0].to_json()) == {"id", "kind", "at", "summary", "data", "active", "reason"}
    other = add(store, "Bob")
    with store.transaction() as unit:
        unit.save_plan(other, _plan("2026-11-16"), reason="Bob's")
        assert unit.active_plan(pid) == active  # one person's plan does not retire another's


def test_sessions_since_and_their_start_time(store: Store) -> None:
    pid = add(store, "Ann")
    with store.transaction() as unit:
        for reps, at in ((8, "2026-11-01T18:00Z"), (10, "2026-11-05T18:00Z")):
            unit.save_session(
                pid,
                CoachedSession.from_json({"exercise": "bridge", "reps": reps, "started_at": at}),
            )
    with store.transaction(write=False) as unit:
        assert [s.reps for s in unit.sessions(pid)] == [8, 10]
        since = datetime(2026, 11, 3, tzinfo=UTC)
        assert [s.reps for s in unit.sessions(pid, since=since)] == [10]
    before = datetime.now(UTC)
    with store.transaction() as unit:
        unit.save_session(pid, CoachedSession.from_json({"exercise": "squat", "reps": 5}))
        latest = unit.sessions(pid)[-1]
    assert latest.started_at >= before.replace(microsecond=0)  # the time it was made


def test_a_coached_session_keeps_every_field(store: Store) -> None:
    pid = add(store, "Ann")
    data = {
        "exercise": "squat",
        "reps": 2,
        "events": [{"kind": "rep", "time_s": 1.5}],
        "setup": {"ok": True},
        "started_at": "2026-11-01T18:00:00+00:00",
        "pain_before": 2,
        "pain_after": 3,
    }
    with store.transaction() as unit:
        unit.save_session(pid, CoachedSession.from_json(data))
        saved = unit.sessions(pid)[0]
    assert saved.to_json() == data | {"exercise_name": "", "holds": [], "summary": {}}


def test_checkins_and_overrides(store: Store) -> None:
    pid = add(store, "Ann")
    checkin = _checkin(
        4,
        "2026-11-03T07:00:00+00:00",
        pain_week=5,
        psfs=[{"activity": "gardening", "score": 4}, {"activity": "walking", "score": 7}],
    )
    override = ClinicianOverride.from_json(
        {
            "exercise_id": "bird_dog",
            "action": "hold",
            "value": None,
            "clinician": "J. Physio",
            "reason": "flare-up after gardening",
            "made_at": "2026-11-04T07:00:00+00:00",
        }
    )
    with store.transaction() as unit:
        unit.save_checkin(pid, checkin)
        unit.save_override(pid, override)
    with store.transaction(write=False) as unit:
        assert unit.checkins(pid) == [checkin]
        assert unit.overrides(pid) == [override]
        summaries = [h.summary for h in unit.history(pid)]
    assert summaries == [
        "check-in: pain now 4/10, week average 5/10, PSFS mean 5.5/10",
        "override bird_dog: hold by J. Physio: flare-up after gardening",
    ]


def test_history_is_every_record_in_time_order(store: Store) -> None:
    pid = add(store, "Ann")
    with store.transaction() as unit:
        unit.save_checkin(pid, _checkin(6, "2026-11-03T00:00Z"))
        unit.save_screening(pid, screen({}, at=datetime(2026, 11, 1, tzinfo=UTC)))
        unit.save_assessment(pid, _assessment("sway", "2026-11-02T00:00Z", rms_ap_mm=4.25))
    with store.transaction(write=False) as unit:
        history = unit.history(pid)
        with pytest.raises(NotFoundError, match="no person with id 7"):
            unit.history(7)
    assert [h.kind for h in history] == ["screening", "assessment", "checkin"]
    assert [h.at.date().isoformat() for h in history] == ["2026-11-01", "2026-11-02", "2026-11-03"]
    assert history[1].summary == "assessment sway: rms_ap_mm 4.25 mm"
    assert set(history[0].to_json()) == {"id", "kind", "at", "summary", "data"}
    assert history[0].to_json()["data"]["decision"] == "proceed"


def test_records_need_an_existing_person(store: Store) -> None:
    with store.transaction() as unit, pytest.raises(NotFoundError, match="no person with id 3"):
        unit.save_checkin(3, _checkin(2))


def test_numpy_values_and_nan_become_plain_json(store: Store) -> None:
    pid = add(store, "Ann")
    result = AssessmentResult(
        test="sway",
        usable=True,
        metrics={"a": np.float64(1.5), "b": math.nan, "c": np.int64(3)},  # type: ignore[dict-item]
        metric_info=dict.fromkeys("abc", MetricInfo("1", "a metric", "a source")),
        plot_data={"x": np.arange(3.0)},
    )
    with store.transaction() as unit:
        unit.save_assessment(pid, result)
        stored = unit._session.query(Record).one().payload
        saved = unit.assessments(pid)[0]
    assert stored["metrics"] == {"a": 1.5, "b": None, "c": 3}
    assert type(stored["metrics"]["c"]) is float  # the typed result holds metrics as floats
    assert stored["plot_data"] == {"x": [0.0, 1.0, 2.0]}
    assert saved.metrics["a"] == 1.5
    assert saved.plot_data == {"x": [0.0, 1.0, 2.0]}


def test_a_stored_record_that_cannot_be_read_is_a_one_line_error(store: Store) -> None:
    pid = add(store, "Ann")
    with store.transaction() as unit:
        unit.save_checkin(pid, _checkin(2))
        unit._session.query(Record).update({Record.payload: {"pain_now": "a lot"}})
    with store.transaction(write=False) as unit, pytest.raises(StoreError) as info:
        unit.checkins(pid)
    assert "record 1 (checkin) of person 1 cannot be read" in str(info.value)
    assert "\n" not in str(info.value)


# --- one transaction per action -----------------------------------------------------------------


def test_an_action_that_fails_saves_nothing(store: Store) -> None:
    """Issue 9: a check-in was three transactions, so a failure after the screening left the
    screening saved. Everything in one unit of work is saved together or not at all."""
    pid = add(store, "Ann")

    def check_in_then_fail() -> None:
        with store.transaction() as unit:
            unit.save_screening(pid, screen({}))
            unit.save_checkin(pid, _checkin(3))
            raise RuntimeError("the plan could not be built")

    with pytest.raises(RuntimeError, match="the plan could not be built"):
        check_in_then_fail()
    with store.transaction(write=False) as unit:
        assert unit.history(pid) == []


def test_a_write_failing_mid_transaction_changes_nothing(store: Store) -> None:
    """save_plan first retires the active plan, then inserts the new one; if the insert fails,
    the retirement is rolled back with it."""
    pid = add(store, "Ann")
    with store.transaction() as unit:
        unit.save_plan(pid, _plan("2026-11-02"), reason="first")

    def fail(*_: Any) -> None:
        raise RuntimeError("disk unplugged")

    event.listen(Record, "before_insert", fail)
    try:
        with pytest.raises(RuntimeError, match="disk unplugged"), store.transaction() as unit:
            unit.save_plan(pid, _plan("2026-11-09"), reason="new")
    finally:
        event.remove(Record, "before_insert", fail)
    with store.transaction() as unit:
        active = unit.active_plan(pid)
        assert active is not None
        assert active.week_start.isoformat() == "2026-11-02"
        assert len(unit.plans(pid)) == 1
        unit.save_plan(pid, _plan("2026-11-09"), reason="new")
        assert len(unit.plans(pid)) == 2


def test_sqlite_writers_take_the_write_lock_at_the_start(store: Store, url: str) -> None:
    """A write transaction begins with BEGIN IMMEDIATE: a second writer waits for the first
    instead of failing half-way with 'database is locked'."""
    if store.dialect != "sqlite":
        pytest.skip("SQLite only")
    statements: list[str] = []
    engine = store._engine

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with store.transaction() as unit:
            unit.people()
        with store.transaction(write=False) as unit:
            unit.people()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    begins = [s for s in statements if s.startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN"]


KILLED_WRITER = """
import os, signal, sys
from datetime import datetime
from kinesense.store import Store
from kinesense.store.models import Record

store = Store(sys.argv[1])
with store.transaction() as unit:
    now = datetime(2026, 11, 1)
    for i in range(500):
        unit._session.add(Record(person_id=1, kind="checkin", at=now, saved_at=now,
                           label="", note="", active=False, payload={"pain_now": i % 11}))
    unit._session.flush()  # the rows are written to the database file's log, not committed
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_process_killed_during_a_write_leaves_the_history_intact(
    url: str, tmp_path: Path
) -> None:
    with Store(url, migrate=True) as store:
        pid = add(store, "Ann")
        with store.transaction() as unit:
            unit.save_checkin(pid, _checkin(3))
    result = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, url], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == -9, result.stderr  # killed, not finished
    if url.startswith("sqlite"):
        with sqlite3.connect(tmp_path / "history.db") as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with Store(url) as store:
        with store.transaction() as unit:
            assert [c.pain_now for c in unit.checkins(pid)] == [3]
            unit.save_checkin(pid, _checkin(2))
        with store.transaction(write=False) as unit:
            assert [c.pain_now for c in unit.checkins(pid)] == [3, 2]


def test_a_writer_waits_for_the_lock_then_gives_up_with_one_line(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While another process holds the write lock, a writer waits (the busy timeout, here
    shortened to 0.2 s) and tries again a bounded number of times: it goes through when the
    lock is released in time, and otherwise fails with one line, having written nothing."""
    import threading

    from kinesense.store import engine
    from kinesense.store import store as store_module

    if not url.startswith("sqlite"):
        pytest.skip("SQLite only")
    monkeypatch.setattr(engine, "SQLITE_BUSY_TIMEOUT_MS", 200)
    with Store(url) as opened:
        add(opened, "Ann")
    holder = sqlite3.connect(tmp_path / "history.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    with Store(url) as opened:
        with pytest.raises(StoreError, match="stayed busy") as info:
            add(opened, "Bob")
        assert "\n" not in str(info.value)
        released = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
        released.start()
        assert store_module.BEGIN_ATTEMPTS * 0.2 > 0.3  # released within the attempts
        add(opened, "Cy")  # waited, tried again, went through
        released.join()
        with opened.transaction(write=False) as unit:
            assert [p.name for p in unit.people()] == ["Ann", "Cy"]
    holder.close()
