"""The person's journey: where they stand and what comes next, read from their history; the
plan's calendar without saving anything."""

from datetime import UTC, datetime, timedelta

import pytest

from kinesense.errors import InvalidValueError, NotFoundError
from kinesense.program.adherence import adherence
from kinesense.services.checkin import CheckInRequest, check_in
from kinesense.services.journey import (
    CHECKIN_INTERVAL,
    equipment_choices,
    person_journey,
    plan_calendar,
)
from kinesense.services.people import add_person
from kinesense.services.plans import OverrideRequest, PlanRequest, make_or_show_plan, override_plan
from kinesense.services.screening import run_screening
from kinesense.store import Store
from tests.services.journey_data import real_result, save_result, save_session

MONDAY = datetime(2026, 3, 2, 10, tzinfo=UTC)


def test_the_steps_follow_the_programme(store: Store) -> None:
    pid = add_person(store, "Ann", birth_year=1960).person.id
    step = lambda today=MONDAY: person_journey(store, pid, today=today).next_step  # noqa: E731
    assert step() == "screen"
    run_screening({}, store=store, person=str(pid), at=MONDAY)
    assert step() == "plan"
    make_or_show_plan(store, str(pid), PlanRequest(minutes=20), today=MONDAY)
    assert step() == "assess"
    save_result(store, pid, real_result("sway_cop_eo", MONDAY))
    assert step() == "checkin"  # never checked in
    check_in(store, str(pid), CheckInRequest({}, 4, 5), today=MONDAY)
    assert step(MONDAY + timedelta(hours=1)) == "train"
    assert step(MONDAY + CHECKIN_INTERVAL - timedelta(seconds=1)) == "train"
    assert step(MONDAY + CHECKIN_INTERVAL) == "checkin"
    journey = person_journey(store, pid, today=MONDAY)
    assert journey.plan is not None
    assert journey.plan.reassess_after is not None
    due = datetime.combine(journey.plan.reassess_after, datetime.min.time(), UTC)
    assert not person_journey(store, pid, today=due - timedelta(seconds=1)).reassess_due
    assert person_journey(store, pid, today=due).reassess_due
    assert step(due) == "assess"
    assert journey.next_checkin == MONDAY + CHECKIN_INTERVAL


def test_a_referral_stands_until_a_clinician_clears_it(store: Store) -> None:
    pid = add_person(store, "Bo").person.id
    run_screening({"saddle_numbness": True}, store=store, person=str(pid), at=MONDAY)
    journey = person_journey(store, pid, today=MONDAY)
    assert journey.referred
    assert journey.next_step == "referred"
    run_screening({}, store=store, person=str(pid), at=MONDAY + timedelta(days=1))
    assert person_journey(store, pid).next_step == "referred"  # a later "no" does not lift it
    clearance = OverrideRequest("*", "resume", "Dr Who", "examined: no cauda equina signs")
    override_plan(store, str(pid), clearance, today=MONDAY + timedelta(days=2))
    cleared = person_journey(store, pid, today=MONDAY + timedelta(days=2))
    assert not cleared.referred
    assert cleared.plan is not None
    assert cleared.plan.status == "active"
    assert cleared.next_step == "assess"
    assert [o.reason for o in cleared.overrides] == ["examined: no cauda equina signs"]


def test_the_history_is_typed_with_its_ids(store: Store) -> None:
    ann = add_person(store, "Ann").person.id
    bo = add_person(store, "Bo").person.id
    run_screening({}, store=store, person=str(ann), at=MONDAY)
    result_id = save_result(store, ann, real_result("sway_cop_eo", MONDAY))
    session_id = save_session(store, ann, MONDAY + timedelta(hours=2))
    other = save_result(store, bo, real_result("sway_cop_eo", MONDAY))
    journey = person_journey(store, ann, today=MONDAY)
    assert journey.assessment(result_id).result.metrics["path_length_mm"] == pytest.approx(
        230.7589, abs=1e-3
    )
    assert journey.session(session_id).session.exercise == "squat"
    with pytest.raises(NotFoundError, match="no result with id"):
        journey.assessment(other)
    with pytest.raises(NotFoundError, match="no session with id"):
        journey.session(result_id)


def test_adherence_is_the_programmes(store: Store) -> None:
    pid = add_person(store, "Cy").person.id
    run_screening({}, store=store, person=str(pid), at=MONDAY)
    make_or_show_plan(store, str(pid), PlanRequest(sessions_per_week=3), today=MONDAY)
    for day in (0, 2, 7, 8, 9, 10):
        save_session(store, pid, MONDAY + timedelta(days=day, hours=1))
    journey = person_journey(store, pid, today=MONDAY + timedelta(days=15))
    expected = adherence(journey.plans, [s.session for s in journey.sessions],
                         until=MONDAY + timedelta(days=15))  # fmt: skip
    assert journey.adherence == expected
    assert (journey.adherence.planned, journey.adherence.done) == (6, 5)  # 2 of 3, then 3 of 3


def test_the_calendar_is_read_only(store: Store) -> None:
    pid = add_person(store, "Di").person.id
    with pytest.raises(NotFoundError, match="no plan with sessions"):
        plan_calendar(store, pid)
    run_screening({}, store=store, person=str(pid), at=MONDAY)
    make_or_show_plan(store, str(pid), PlanRequest(sessions_per_week=2), today=MONDAY)
    text = plan_calendar(store, pid, weeks=3, hour=7, today=MONDAY.date())
    assert text.startswith("BEGIN:VCALENDAR")
    assert text.count("BEGIN:VEVENT") == 2  # one weekly event a session...
    assert text.count("RRULE:FREQ=WEEKLY;COUNT=3") == 2  # ...repeated for the three weeks
    assert "DTSTART:20260302T070000\r\n" in text  # floating: 7 o'clock wherever they are
    with store.transaction(write=False) as unit:
        assert len(unit.plans(pid)) == 1
    for weeks, hour, message in ((0, 7, "weeks"), (53, 7, "weeks"), (4, 24, "hour")):
        with pytest.raises(InvalidValueError, match=message):
            plan_calendar(store, pid, weeks=weeks, hour=hour)


def test_a_referred_plan_has_no_calendar(store: Store) -> None:
    pid = add_person(store, "Ed").person.id
    run_screening({"saddle_numbness": True}, store=store, person=str(pid), at=MONDAY)
    make_or_show_plan(store, str(pid), PlanRequest(), today=MONDAY)
    with pytest.raises(NotFoundError):
        plan_calendar(store, pid)


def test_equipment_choices_are_the_tracks() -> None:
    assert set(equipment_choices()) == {"mat", "chair", "counter"}
    assert all(text for text in equipment_choices().values())
