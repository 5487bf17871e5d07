"""The iCalendar file, checked by parsing it back (RFC 5545 rules the output must follow)."""

from datetime import date, datetime

import pytest

from kinesense.errors import KinesenseError
from kinesense.exercises import load_library
from kinesense.program.calendar import escape_text, fold, plan_to_ical, session_days
from kinesense.program.plan import Plan, Profile
from kinesense.program.planner import build_plan
from kinesense.program.screening import screen

LIBRARY = load_library()
START = date(2026, 12, 1)
STAMP = datetime(2026, 11, 30, 8, 0)


def plan(sessions_per_week: int = 3) -> Plan:
    return build_plan(Profile(sessions_per_week=sessions_per_week), screen({}), [], [], LIBRARY,
                      today=date(2026, 11, 30), person_id=7)  # fmt: skip


def unfold(text: str) -> list[str]:
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in physical)
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return logical


def events(lines: list[str]) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            found.append(current)
            current = None
        elif current is not None and ":" in line:
            key, _, value = line.partition(":")
            current.setdefault(key, value)
    return found


def test_calendar_structure_and_events() -> None:
    text = plan_to_ical(plan(3), start=START, weeks=6, hour=7, library=LIBRARY, stamp=STAMP)
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)
    found = events(lines)
    assert [e["DTSTART"] for e in found] == [
        "20261201T070000",
        "20261203T070000",
        "20261206T070000",
    ]
    assert all(e["RRULE"] == "FREQ=WEEKLY;COUNT=6" for e in found)
    assert all(e["DTSTAMP"] == "20261130T080000Z" for e in found)
    assert len({e["UID"] for e in found}) == 3
    assert "Glute bridge: 2 x 8" in found[0]["DESCRIPTION"]
    assert "\\n" in found[0]["DESCRIPTION"]  # newlines escaped
    assert "does not replace" in found[0]["DESCRIPTION"]
    assert lines.count("BEGIN:VALARM") == 3


def test_days_are_spread_over_the_week() -> None:
    assert session_days(1) == [0]
    assert session_days(2) == [0, 4]  # round(3.5) -> 4 (banker's rounding gives 4)
    assert session_days(3) == [0, 2, 5]
    assert session_days(7) == list(range(7))


def test_folding_never_splits_a_character() -> None:
    line = "DESCRIPTION:" + "é" * 100
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert "".join([pieces[0], *(p[1:] for p in pieces[1:])]) == line
    assert fold("SHORT:x") == "SHORT:x"


def test_escaping() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_referred_plan_has_no_calendar() -> None:
    referred = plan().changed(status="referred", sessions=())
    with pytest.raises(KinesenseError, match="referred"):
        plan_to_ical(referred, start=START, library=LIBRARY)
