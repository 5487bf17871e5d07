"""The check-in service: one transaction, the branching, the pain change."""

from datetime import UTC, datetime, timedelta

import pytest

from kinesense.errors import InvalidValueError, NotFoundError
from kinesense.services.checkin import CheckInRequest, check_in, parse_psfs
from kinesense.services.people import add_person
from kinesense.store import Store, StoreError
from kinesense.store.models import Record

DAY = datetime(2026, 11, 2, 9, tzinfo=UTC)


def test_options_are_checked_before_any_question_is_asked(store: Store) -> None:
    add_person(store, "Ann")
    asked: list[int] = []

    def answers() -> dict[str, bool]:
        asked.append(1)
        return {}

    for request, message in (
        (CheckInRequest(answers, pain_now=3), "give both --pain-now and --pain-week"),
        (CheckInRequest(answers, pain_now=11, pain_week=2), "--pain-now must be from 0 to 10"),
        (CheckInRequest(answers, psfs=("walking",)), "activity=score"),
        (CheckInRequest(answers, psfs=tuple(f"a{i}=1" for i in range(6))), "at most 5"),
        (CheckInRequest(answers, psfs=("walking=1", "Walking=2")), "only once"),
    ):
        with pytest.raises(InvalidValueError, match=message):
            check_in(store, "Ann", request)
    with pytest.raises(NotFoundError):
        check_in(store, "Zoe", CheckInRequest(answers))
    assert asked == []


def test_psfs_items() -> None:
    items = parse_psfs(["lifting a bag=3", "walking = 7"])
    assert [(i.activity, i.score) for i in items] == [("lifting a bag", 3), ("walking", 7)]
    with pytest.raises(InvalidValueError, match="--psfs"):
        parse_psfs(["gardening=12"])


def test_first_check_in_builds_a_plan_then_reviews_it(store: Store) -> None:
    add_person(store, "Ann", birth_year=1970)
    first = check_in(store, "Ann", CheckInRequest({}, 5, 5), today=DAY)
    assert first.screening.decision == "proceed"
    assert first.plan.status == "active"
    assert first.decisions == ()
    assert first.pain_change is None
    second = check_in(store, "Ann", CheckInRequest({}, 2, 3), today=DAY + timedelta(days=7))
    assert {d.action for d in second.decisions} == {"keep"}
    assert second.pain_change is not None
    assert second.pain_change.direction == "better"
    assert second.pain_change.meaningful  # 5 -> 2: 3 points
    with store.transaction(write=False) as unit:
        pid = unit.person("Ann").id
        assert len(unit.checkins(pid)) == 2
        assert len(unit.screenings(pid)) == 2
        assert len(unit.plans(pid)) == 2


def test_a_red_flag_refers_until_cleared(store: Store) -> None:
    add_person(store, "Bo")
    check_in(store, "Bo", CheckInRequest({}), today=DAY)
    flagged = check_in(store, "Bo", CheckInRequest({"saddle_numbness": True}), today=DAY)
    assert flagged.plan.status == "referred"
    assert flagged.plan.sessions == ()
    later = check_in(store, "Bo", CheckInRequest({}), today=DAY + timedelta(days=1))
    assert later.plan.status == "referred"
    assert [d.rule for d in later.decisions] == ["red_flag"]


def test_a_check_in_that_fails_saves_nothing(store: Store) -> None:
    """Issue 9: a check-in was three transactions (screening, check-in, plan); a failure after
    the first left it saved, so a retry duplicated it. Here the plan cannot be read, after the
    screening and the check-in were written in the same transaction: nothing stays."""
    add_person(store, "Cy")
    check_in(store, "Cy", CheckInRequest({}), today=DAY)
    with store.transaction() as unit:
        unit._session.query(Record).filter(Record.kind == "plan").update(
            {Record.payload: {"status": "lost"}}
        )
    with pytest.raises(StoreError, match=r"record \d+ \(plan\) of person 1 cannot be read"):
        check_in(store, "Cy", CheckInRequest({}, 3, 3), today=DAY + timedelta(days=1))
    with store.transaction(write=False) as unit:
        kinds = sorted(row.kind for row in unit._session.query(Record))
    assert kinds == ["checkin", "plan", "screening"]  # only the first check-in's
