"""The base of the programme's typed records and data files (pydantic v2).

* :class:`Record` - a payload kinesense produces and keeps (a screening, a plan, a check-in, a
  clinician's override, a coached session): immutable, ``to_json()`` gives the plain JSON object
  the command line prints and the store keeps, ``from_json()`` reads it back and refuses a
  malformed one with one line naming the field (:class:`~kinesense.errors.InvalidValueError`).
* :class:`DataFile` - the content of a data file shipped with kinesense or supplied by a clinic;
  :func:`load_data_file` refuses a malformed one with
  :class:`~kinesense.errors.DataFileError` naming the file and the field.
* :data:`UtcTime` - a time stamp: timezone-aware UTC inside (a time written without an offset is
  taken as UTC), ISO 8601 with ``+00:00`` in JSON (:mod:`kinesense.clock`).
"""

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Self, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, ValidationError

from kinesense.clock import as_utc, parse_time
from kinesense.errors import DataFileError, InvalidValueError

M = TypeVar("M", bound=BaseModel)


def _to_utc(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return parse_time(value)
        except ValueError:
            raise ValueError(f"not an ISO 8601 time: {value!r}") from None
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, date):
        return as_utc(datetime(value.year, value.month, value.day))
    return value


def _iso(moment: datetime) -> str:
    return as_utc(moment).isoformat()


def _plain_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number; got {value!r}")
    return value


Number = Annotated[float, BeforeValidator(_plain_number)]
"""A JSON number (not text, not true/false), as a float."""

UtcTime = Annotated[
    datetime, BeforeValidator(_to_utc), PlainSerializer(_iso, return_type=str, when_used="json")
]
"""A timezone-aware UTC time; ISO 8601 text with its offset in JSON."""


def describe_error(exc: ValidationError, where: str) -> str:
    """The first problem of ``exc`` in one line: ``WHERE: field.path: message (got VALUE)``."""
    error = exc.errors()[0]
    path = ".".join(str(part) for part in error["loc"]) or "(top level)"
    message = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    got = repr(value)
    if len(got) > 60:
        got = got[:57] + "..."
    quiet = error["type"] == "missing" or isinstance(value, dict | list)
    shown = "" if quiet else f" (got {got})"
    more = len(exc.errors()) - 1
    extra = f"; and {more} more problem(s)" if more else ""
    return f"{where}: field '{path}': {message}{shown}{extra}"


class Record(BaseModel):
    """A payload kinesense produces and keeps (see the module docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def to_json(self) -> dict[str, Any]:
        """The plain JSON object (times as ISO 8601 text)."""
        return self.model_dump(mode="json")

    @classmethod
    def from_json(cls, data: Any, *, where: str | None = None) -> Self:
        """Read back an object written by :meth:`to_json`.

        Raises :class:`InvalidValueError` with one line naming ``where`` and the field.
        """
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise InvalidValueError(describe_error(exc, where or f"not a {cls.__name__}")) from None

    def changed(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied and validated again."""
        return type(self).model_validate(self.model_dump() | changes)


class DataFile(BaseModel):
    """The content of a data file (see the module docstring); text is stripped of surrounding
    spaces, and unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def load_data_file(model: type[M], data: Any, where: str) -> M:
    """``data`` (parsed JSON) validated as ``model``; :class:`DataFileError` naming ``where`` (the
    file) and the field when it does not fit."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise DataFileError(describe_error(exc, where)) from None


def read_json_file(path: Path, what: str) -> Any:
    """The JSON content of ``path``; :class:`DataFileError` naming the file when it cannot be read
    or parsed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(f"{what} {path} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"cannot read {what} {path}: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFileError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise DataFileError(f"{path} is nested too deeply to be a {what}") from None
