"""Adherence: sessions planned against sessions done, and streaks.

A *session done* is a calendar day with at least one coached exercise (several exercises on one
day are one session). Planned sessions are counted per week (Monday to Sunday) from the plan
in force at the end of that week (``sessions_per_week`` of an active plan; none while a plan is
referred or paused), from the Monday of the first plan to ``until``; the week containing
``until`` counts only if it has ended or its target is already met, so a week in progress is not
judged early. Done sessions count towards a week up to its planned number, so extra sessions do
not hide missed weeks; ``rate`` is their ratio (0-1).
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from kinesense.program.plan import Plan, as_datetime
from kinesense.program.records import CoachedSession


@dataclass(frozen=True)
class WeekAdherence:
    """One week from ``start`` (a Monday): sessions planned and done (days with a session)."""

    start: str
    planned: int
    done: int


@dataclass(frozen=True)
class Adherence:
    """Sessions planned and done, their ratio, and streaks (days in a row with a session; weeks
    in a row whose planned sessions were all done)."""

    planned: int
    done: int
    rate: float | None
    current_streak_days: int
    longest_streak_days: int
    current_streak_weeks: int
    longest_streak_weeks: int
    weeks: tuple[WeekAdherence, ...]

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return asdict(self)


def _session_days(sessions: Sequence[CoachedSession], until: date) -> set[date]:
    return {s.started_at.date() for s in sessions if s.started_at.date() <= until}


def _planned_in_week(plans: Sequence[Plan], monday: date) -> int:
    sunday = monday + timedelta(days=6)
    in_force = [p for p in plans if p.created.date() <= sunday]
    if not in_force or in_force[-1].status != "active":
        return 0
    return len(in_force[-1].sessions)


def _streaks(flags: Sequence[bool]) -> tuple[int, int]:
    longest = run = 0
    for flag in flags:
        run = run + 1 if flag else 0
        longest = max(longest, run)
    return run, longest


def adherence(
    plan_history: Sequence[Plan], sessions: Sequence[CoachedSession], *, until: date | datetime
) -> Adherence:
    """Adherence from the plans (oldest first or in any order) and the coached sessions."""
    end = as_datetime(until).date()
    plans = sorted(plan_history, key=lambda p: p.created)
    days = _session_days(sessions, end)
    if not plans:
        return Adherence(0, len(days), None, 0, 0, 0, 0, ())
    first = plans[0].created.date()
    monday = first - timedelta(days=first.weekday())
    weeks: list[WeekAdherence] = []
    while monday <= end:
        planned = _planned_in_week(plans, monday)
        week_days = [monday + timedelta(days=i) for i in range(7)]
        done = sum(1 for day in week_days if day in days)
        finished = monday + timedelta(days=6) < end
        if finished or done >= planned:
            weeks.append(WeekAdherence(monday.isoformat(), planned, done))
        monday += timedelta(days=7)
    planned_total = sum(w.planned for w in weeks)
    done_total = sum(min(w.done, w.planned) for w in weeks)
    rate = done_total / planned_total if planned_total else None
    current_weeks, longest_weeks = _streaks([w.planned > 0 and w.done >= w.planned for w in weeks])
    span = [first + timedelta(days=i) for i in range((end - first).days + 1)]
    flags = [day in days for day in span]
    if flags and not flags[-1]:  # today without a session yet does not break the streak
        flags = flags[:-1]
    current_days, longest_days = _streaks(flags)
    return Adherence(
        planned=planned_total,
        done=done_total,
        rate=rate,
        current_streak_days=current_days,
        longest_streak_days=longest_days,
        current_streak_weeks=current_weeks,
        longest_streak_weeks=longest_weeks,
        weeks=tuple(weeks),
    )
