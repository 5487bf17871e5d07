"""The plan service: make or show, overrides with their checks, calendars, all or nothing."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kinesense.errors import InvalidValueError, KinesenseError, NotFoundError, SafetyError
from kinesense.services.library import exercise_library
from kinesense.services.people import add_person
from kinesense.services.plans import (
    CalendarRequest,
    OverrideRequest,
    PlanRequest,
    make_or_show_plan,
    make_override,
    override_plan,
)
from kinesense.services.screening import run_screening
from kinesense.store import Store

DAY = datetime(2026, 11, 2, 9, tzinfo=UTC)
LIBRARY = exercise_library()


def screened(store: Store, name: str, answers: dict[str, bool] | None = None) -> str:
    add_person(store, name)
    run_screening(answers or {}, store=store, person=name, at=DAY)
    return name


def test_no_plan_without_a_screening(store: Store) -> None:
    add_person(store, "Ann")
    with pytest.raises(SafetyError, match="has not been screened yet"):
        make_or_show_plan(store, "Ann", PlanRequest())


def test_make_then_show_then_rebuild_on_a_new_profile(store: Store) -> None:
    screened(store, "Ann")
    made = make_or_show_plan(store, "Ann", PlanRequest(minutes=10), today=DAY)
    shown = make_or_show_plan(store, "Ann", PlanRequest(), today=DAY)
    assert shown.plan == made.plan
    longer = make_or_show_plan(store, "Ann", PlanRequest(minutes=40), today=DAY)
    assert longer.plan.profile.minutes_per_session == 40
    with store.transaction(write=False) as unit:
        assert len(unit.plans(1)) == 2
    with pytest.raises(InvalidValueError, match="unknown equipment trampoline"):
        make_or_show_plan(store, "Ann", PlanRequest(equipment="mat,trampoline"))


@pytest.mark.parametrize(
    ("request_", "error", "message"),
    [
        (OverrideRequest("bird_dog", "jump", "A", "b"), InvalidValueError, "one of hold"),
        (OverrideRequest("bird_dog", "hold", None, "b"), InvalidValueError, "--clinician"),
        (OverrideRequest("bird_dog", "hold", "A", "  "), InvalidValueError, "--reason"),
        (OverrideRequest("moonwalk", "hold", "A", "b"), NotFoundError, "unknown exercise"),
        (OverrideRequest("*", "hold", "A", "b"), InvalidValueError, "takes --action resume"),
        (OverrideRequest("bird_dog", "dose", "A", "b", "{"), InvalidValueError, "--value like"),
        (OverrideRequest("bird_dog", "dose", "A", "b", "[2]"), InvalidValueError, "an object"),
        (OverrideRequest("bird_dog", "hold", "A", "b", '{"sets": 2}'), InvalidValueError,
         "dose only"),
        (OverrideRequest("bird_dog", "dose", "A", "b", '{"sets": -3, "reps": 1e9, "hold_s": -1}'),
         InvalidValueError, "not holds"),
        (OverrideRequest("bird_dog", "dose", "A", "b", '{"sets": -3, "reps": 1e9}'),
         InvalidValueError, "dose.sets': must be a whole number 1-20; got -3"),
    ],
)  # fmt: skip
def test_overrides_are_checked(
    request_: OverrideRequest, error: type[KinesenseError], message: str
) -> None:
    with pytest.raises(error, match=message):
        make_override(request_, LIBRARY, today=DAY)


def test_a_checked_dose_is_applied_and_kept(store: Store) -> None:
    screened(store, "Ann")
    make_or_show_plan(store, "Ann", PlanRequest(equipment="mat"), today=DAY)
    request = OverrideRequest("glute_bridge", "dose", "J. Smith", "review", {"sets": 2, "reps": 6})
    view = override_plan(store, "Ann", request, today=DAY)
    bridge = next(e for e in view.plan.exercises() if e.exercise_id == "glute_bridge")
    assert (bridge.sets, bridge.reps, bridge.clinician) == (2, 6, "J. Smith")
    assert view.plan.overrides[0].to_json()["value"] == {"sets": 2, "reps": 6}


def test_a_calendar_that_cannot_be_made_saves_nothing(store: Store, tmp_path: Path) -> None:
    """A referred plan has no session to put in a calendar: 'plan --new --ical' is refused and
    the new plan it built is not saved either (one transaction)."""
    screened(store, "Bo", {"saddle_numbness": True})
    make_or_show_plan(store, "Bo", PlanRequest(), today=DAY)
    calendar = CalendarRequest(tmp_path / "plan.ics")
    with pytest.raises(KinesenseError, match="the plan is referred"):
        make_or_show_plan(store, "Bo", PlanRequest(new=True), calendar=calendar, today=DAY)
    with store.transaction(write=False) as unit:
        assert len(unit.plans(1)) == 1
    assert not calendar.path.exists()


def test_a_calendar_is_written_whole_and_replaces_an_old_one(store: Store, tmp_path: Path) -> None:
    screened(store, "Ann")
    target = tmp_path / "plan.ics"
    target.write_text("old calendar")
    view = make_or_show_plan(store, "Ann", PlanRequest(), calendar=CalendarRequest(target))
    assert view.calendar == target
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert leftovers == []
