"""Time stamps: timezone-aware UTC everywhere, ISO 8601 with an explicit offset in JSON."""

from datetime import UTC, datetime


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive time is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_time(text: str) -> datetime:
    """An ISO 8601 time (``Z`` accepted) as an aware UTC datetime; a time without an offset is
    taken as UTC. Raises ``ValueError`` for anything else."""
    return as_utc(datetime.fromisoformat(text.strip().replace("Z", "+00:00")))


def iso_utc(moment: datetime | None = None, timespec: str = "seconds") -> str:
    """``moment`` (default now) as ISO 8601 in UTC with its ``+00:00`` offset."""
    return as_utc(moment or utc_now()).isoformat(timespec=timespec)
