"""Adherence: planned against done sessions and streaks, counted by hand on built weeks."""

from datetime import date, datetime, timedelta

import pytest

from kinesense.exercises import load_library
from kinesense.program.adherence import adherence
from kinesense.program.plan import Plan, Profile
from kinesense.program.planner import build_plan
from kinesense.program.records import CoachedSession
from kinesense.program.screening import screen

LIBRARY = load_library()
MONDAY = date(2026, 11, 2)


def plan_at(day: date, sessions_per_week: int = 3, status: str = "active") -> Plan:
    plan = build_plan(Profile(sessions_per_week=sessions_per_week), screen({}), [], [], LIBRARY,
                      today=day)  # fmt: skip
    return plan.changed(status=status)


def done(*offsets: int, per_day: int = 1) -> list[CoachedSession]:
    """Sessions on MONDAY + offset days (``per_day`` exercises each day)."""
    return [
        CoachedSession.from_json(
            {
                "exercise": f"ex{i}",
                "started_at": datetime.combine(MONDAY + timedelta(d), datetime.min.time()),
            }
        )
        for d in offsets
        for i in range(per_day)
    ]


def test_planned_done_rate_by_hand() -> None:
    # week 1: Mon, Wed, Fri (3 of 3); week 2: Tue only (1 of 3); week 3: 4 days (counts 3 of 3)
    sessions = done(0, 2, 4, 8, 14, 15, 16, 17, per_day=2)
    result = adherence([plan_at(MONDAY)], sessions, until=MONDAY + timedelta(days=21))
    assert [(w.planned, w.done) for w in result.weeks] == [(3, 3), (3, 1), (3, 4)]
    assert result.planned == 9
    assert result.done == 3 + 1 + 3
    assert result.rate == pytest.approx(7 / 9)
    assert result.longest_streak_weeks == 1
    assert result.current_streak_weeks == 1
    assert result.longest_streak_days == 4  # days 14-17
    assert result.current_streak_days == 0  # days 18-20 without a session


def test_streaks_and_a_week_in_progress() -> None:
    sessions = done(0, 2, 4, 7, 9, 11, 14, 15, 16, 17, 18)
    result = adherence([plan_at(MONDAY)], sessions, until=MONDAY + timedelta(days=18))
    # the third week is in progress but its 3 sessions are done, so it counts
    assert result.current_streak_weeks == 3
    assert result.current_streak_days == 5
    unfinished = adherence([plan_at(MONDAY)], done(0, 2, 4, 14), until=MONDAY + timedelta(15))
    assert [w.planned for w in unfinished.weeks] == [3, 3]  # week 3 not judged yet
    # today without a session does not break the day streak
    today = adherence([plan_at(MONDAY)], done(12, 13), until=MONDAY + timedelta(days=14))
    assert today.current_streak_days == 2


def test_plan_changes_and_referral_change_what_is_planned() -> None:
    plans = [
        plan_at(MONDAY, 3),
        plan_at(MONDAY + timedelta(days=9), 5),
        plan_at(MONDAY + timedelta(days=16), 3, status="referred"),
    ]
    result = adherence(plans, done(0, 1, 2), until=MONDAY + timedelta(days=27))
    assert [w.planned for w in result.weeks] == [3, 5, 0, 0]
    assert result.planned == 8
    assert result.rate == pytest.approx(3 / 8)


def test_nothing_planned() -> None:
    result = adherence([], done(0), until=MONDAY)
    assert result.rate is None
    assert result.planned == 0
