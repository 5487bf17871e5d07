"""How values are written to and read from the tables: plain JSON payloads, and times.

Times are stored as naive UTC ``DateTime`` values (SQLite keeps no zone): every time is
converted to UTC before it is written, and read back as an aware UTC time.
"""

from datetime import UTC, datetime
from typing import Any

from kinesense.clock import as_utc, parse_time, utc_now
from kinesense.json_values import plain_json
from kinesense.store.engine import StoreError


def stored_time(value: object = None) -> datetime:
    """``value`` (an aware or naive datetime, an ISO 8601 text, or None for now) as the naive
    UTC time the tables hold; :class:`StoreError` for anything else."""
    if value is None or value == "":
        moment = utc_now()
    elif isinstance(value, datetime):
        moment = as_utc(value)
    elif isinstance(value, str):
        try:
            moment = parse_time(value)
        except ValueError:
            raise StoreError(f"not an ISO 8601 time: {value!r}") from None
    else:
        raise StoreError(f"not a time: {value!r}")
    return moment.replace(tzinfo=None)


def to_aware(moment: datetime) -> datetime:
    """A time read from the tables (naive UTC) as an aware UTC time."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def optional_aware(moment: datetime | None) -> datetime | None:
    """:func:`to_aware` of a time that may be missing."""
    return None if moment is None else to_aware(moment)


def stored_json(value: Any) -> Any:
    """``value`` as the plain JSON a payload column holds (:func:`kinesense.json_values.
    plain_json` in strict mode): :class:`StoreError` for anything JSON cannot hold."""
    return plain_json(value, refuse_with=StoreError)
