"""The plan as an iCalendar file (RFC 5545) for reminders, written without external packages.

One weekly recurring event (``RRULE:FREQ=WEEKLY;COUNT=weeks``) per planned session of the week,
spread evenly over the week from ``start``, at ``hour`` local (floating) time, lasting the plan's
estimated minutes, with a 15-minute display alarm. Lines end in CRLF and are folded at 75 octets
(RFC 5545 section 3.1) without splitting a UTF-8 character; text is escaped (section 3.3.11).
"""

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

from kinesense.errors import KinesenseError
from kinesense.exercises import Exercise
from kinesense.program.plan import Plan, estimate_s

PRODID = "-//kinesense//plan//EN"
MAX_OCTETS = 75


def escape_text(text: str) -> str:
    """RFC 5545 TEXT escaping: backslash, semicolon, comma and newlines."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold one content line into pieces of at most 75 octets joined by CRLF + space."""
    pieces: list[str] = []
    current = ""
    limit = MAX_OCTETS
    for char in line:
        if len((current + char).encode("utf-8")) > limit:
            pieces.append(current)
            current = ""
            limit = MAX_OCTETS - 1  # continuation lines start with a space
        current += char
    pieces.append(current)
    return "\r\n ".join(pieces)


def _uid_time(plan: Plan) -> str:
    """The plan's creation time as written in event UIDs (``YYYY-MM-DDTHHMMSS``)."""
    return plan.created.replace(tzinfo=None, microsecond=0).isoformat().replace(":", "")


def session_days(sessions_per_week: int) -> list[int]:
    """Day offsets (0-6) from the start for n sessions a week, spread evenly."""
    return [round(i * 7 / sessions_per_week) for i in range(sessions_per_week)]


def plan_to_ical(
    plan: Plan,
    *,
    start: date,
    weeks: int = 4,
    hour: int = 18,
    library: Mapping[str, Exercise] | None = None,
    stamp: datetime | None = None,
) -> str:
    """The plan's sessions as RFC 5545 text (see the module docstring).

    ``library`` gives exercise names and durations (the shipped library if None); ``stamp`` the
    DTSTAMP (now, UTC, if None). A plan without sessions (referred or paused) is refused.
    """
    if plan.status != "active" or not plan.sessions:
        raise KinesenseError(
            f"the plan is {plan.status}: there are no sessions to put in a calendar"
        )
    if not 1 <= weeks <= 104 or not 0 <= hour <= 23:
        raise KinesenseError("weeks must be 1-104 and hour 0-23")
    if library is None:
        from kinesense.exercises import load_library

        library = load_library()
    stamp_text = (stamp or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:kinesense exercise plan",
    ]
    offsets = session_days(len(plan.sessions))
    for number, (session, offset) in enumerate(zip(plan.sessions, offsets, strict=True), 1):
        day = start + timedelta(days=offset)
        minutes = max(5, round(sum(estimate_s(e, library) for e in session) / 60))
        exercises = [
            f"{library[e.exercise_id].name if e.exercise_id in library else e.exercise_id}: "
            f"{e.sets} x {e.reps}" + (f" x {e.hold_s:g} s" if e.hold_s else "")
            for e in session
        ]
        description = "\n".join([*exercises, "", plan.disclaimer])
        lines += [
            "BEGIN:VEVENT",
            f"UID:kinesense-{plan.person_id or 0}-{_uid_time(plan)}-{number}@kinesense",
            f"DTSTAMP:{stamp_text}",
            f"DTSTART:{day.strftime('%Y%m%d')}T{hour:02d}0000",
            f"DURATION:PT{minutes}M",
            f"RRULE:FREQ=WEEKLY;COUNT={weeks}",
            f"SUMMARY:{escape_text(f'kinesense exercises (session {number} of the week)')}",
            f"DESCRIPTION:{escape_text(description)}",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "TRIGGER:-PT15M",
            f"DESCRIPTION:{escape_text('Time for your kinesense exercises')}",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
