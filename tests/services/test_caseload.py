"""A therapist's caseload: each alert from the programme's rules at its threshold, the light
read agreeing with the whole history, and the most urgent people first."""

from datetime import UTC, datetime, timedelta

from kinesense.program.tracks import load_tracks
from kinesense.services.caseload import (
    alerts_of,
    caseload,
    facts_of,
    last_sunday,
    read_facts,
)
from kinesense.services.checkin import CheckInRequest, check_in
from kinesense.services.journey import person_journey
from kinesense.services.people import add_person
from kinesense.services.plans import OverrideRequest, PlanRequest, make_or_show_plan, override_plan
from kinesense.services.screening import run_screening
from kinesense.store import Store
from tests.services.journey_data import save_session

MONDAY = datetime(2026, 3, 2, 10, tzinfo=UTC)
RULES = load_tracks().rules


def kinds(store: Store, pid: int, today: datetime) -> list[str]:
    """The alert kinds, from the whole history and from the light read (they must agree)."""
    whole = [a.kind for a in alerts_of(facts_of(person_journey(store, pid, today=today)))]
    with store.transaction(write=False) as unit:
        light = [a.kind for a in alerts_of(read_facts(unit, pid, today))]
    assert whole == light
    return light


def planned(store: Store, name: str, sessions_per_week: int = 3) -> int:
    pid = add_person(store, name).person.id
    run_screening({}, store=store, person=str(pid), at=MONDAY)
    make_or_show_plan(store, str(pid), PlanRequest(sessions_per_week=sessions_per_week),
                      today=MONDAY)  # fmt: skip
    return pid


def test_the_rules_read_here_are_the_programmes() -> None:
    assert (RULES.pain_rise_points, RULES.reassess_weeks) == (2, 4)


def test_last_sunday() -> None:
    assert last_sunday(datetime(2026, 3, 9, 0, 1, tzinfo=UTC)).isoformat() == "2026-03-08"
    assert last_sunday(datetime(2026, 3, 8, 23, tzinfo=UTC)).isoformat() == "2026-03-01"


def test_a_red_flag_until_cleared(store: Store) -> None:
    pid = add_person(store, "Ann").person.id
    assert kinds(store, pid, MONDAY) == []  # never screened: nothing to alert yet
    run_screening({"saddle_numbness": True}, store=store, person=str(pid), at=MONDAY)
    assert kinds(store, pid, MONDAY) == ["red_flag"]
    reason = alerts_of(facts_of(person_journey(store, pid, today=MONDAY)))[0].reason
    assert reason == "referred at the screening of 2026-03-02 (saddle numbness); not cleared yet"
    override_plan(store, str(pid), OverrideRequest("*", "resume", "Dr Who", "seen"),
                  today=MONDAY + timedelta(hours=1))  # fmt: skip
    assert "red_flag" not in kinds(store, pid, MONDAY + timedelta(hours=2))


def test_a_pain_rise_of_two_points(store: Store) -> None:
    pid = planned(store, "Bo")
    for offset, pain in ((0, 3), (7, 4)):
        check_in(
            store, str(pid), CheckInRequest({}, pain, pain), today=MONDAY + timedelta(days=offset)
        )
    assert "pain_rise" not in kinds(store, pid, MONDAY + timedelta(days=8))  # +1
    check_in(store, str(pid), CheckInRequest({}, 6, 5), today=MONDAY + timedelta(days=8))
    assert "pain_rise" in kinds(store, pid, MONDAY + timedelta(days=9))  # +2 exactly
    line = caseload(store, [pid], today=MONDAY + timedelta(days=9))[0]
    assert "pain rose from 4 to 6 (0-10) at the last check-in" in [a.reason for a in line.alerts]
    assert line.pain_now == 6


def test_missed_sessions_last_week(store: Store) -> None:
    pid = planned(store, "Cy", sessions_per_week=3)
    save_session(store, pid, MONDAY + timedelta(days=1))
    today = MONDAY + timedelta(days=8)  # the next Tuesday: the first week has ended
    assert kinds(store, pid, today) == ["missed_sessions"]
    line = caseload(store, [pid], today=today)[0]
    assert [a.reason for a in line.alerts] == [
        "1 of 3 planned sessions done in the week of 2026-03-02"
    ]
    assert line.last_week is not None
    assert (line.last_week.planned, line.last_week.done) == (3, 1)
    for day in (3, 5):
        save_session(store, pid, MONDAY + timedelta(days=day))
    assert kinds(store, pid, today) == []


def test_weeks_are_judged_once_they_end(store: Store) -> None:
    pid = planned(store, "Di", sessions_per_week=1)
    for week in range(3):
        save_session(store, pid, MONDAY + timedelta(days=7 * week))
    sunday = MONDAY + timedelta(days=27)  # the fourth week, without a session, is not over
    assert kinds(store, pid, sunday) == []
    assert kinds(store, pid, sunday + timedelta(days=1)) == ["missed_sessions", "reassess_due"]


def test_reassessment_due(store: Store) -> None:
    pid = planned(store, "Ed", sessions_per_week=1)
    journey = person_journey(store, pid, today=MONDAY)
    assert journey.plan is not None
    assert journey.plan.reassess_after == (MONDAY + timedelta(weeks=4)).date()
    for week in range(5):
        save_session(store, pid, MONDAY + timedelta(days=7 * week, hours=1))
    due = MONDAY + timedelta(weeks=4)
    assert kinds(store, pid, due - timedelta(hours=11)) == []
    assert kinds(store, pid, due) == ["reassess_due"]


def test_the_most_urgent_come_first(store: Store) -> None:
    calm = planned(store, "Zoe", sessions_per_week=1)
    save_session(store, calm, MONDAY + timedelta(days=1))
    flagged = add_person(store, "Yan").person.id
    run_screening({"saddle_numbness": True}, store=store, person=str(flagged), at=MONDAY)
    missed = planned(store, "Abe", sessions_per_week=3)
    today = MONDAY + timedelta(days=8)
    lines = caseload(store, [calm, missed, flagged], today=today)
    assert [line.name for line in lines] == ["Yan", "Abe", "Zoe"]
    assert [len(line.alerts) for line in lines] == [1, 1, 0]
    assert lines[0].to_json()["alerts"][0]["kind"] == "red_flag"
