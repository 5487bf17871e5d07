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

from datetime import date, datetime
from typing import Annotated, Any, Self, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer
from pydantic_core import ErrorDetails

from kinesense.clock import as_utc, parse_time
from kinesense.errors import DataFileError, InvalidValueError
from kinesense.validation_errors import Wording, validated

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


def _value_worth_showing(error: ErrorDetails) -> bool:
    return error["type"] != "missing" and not isinstance(error.get("input"), dict | list)


WORDING = Wording(
    field="{origin}: field '{path}': ",
    top_level="{origin}: field '(top level)': ",
    dotted=True,
    show_input=_value_worth_showing,
    input_limit=60,
    more="; and {count} more problem(s)",
)
"""Records and the programme's data files: ``WHERE: field 'a.0.b': message (got VALUE); and N
more problem(s)``."""


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
        return validated(cls, data, where or f"not a {cls.__name__}", InvalidValueError, WORDING)

    def changed(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied and validated again."""
        return type(self).model_validate(self.model_dump() | changes)


class DataFile(BaseModel):
    """The content of a data file (see the module docstring); text is stripped of surrounding
    spaces, and unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def load_data_file(
    model: type[M], data: Any, where: str, error: type[DataFileError] = DataFileError
) -> M:
    """``data`` (parsed JSON, see :func:`kinesense.safe_json.read_data_file`) validated as
    ``model``; ``error`` naming ``where`` (the file) and the field when it does not fit."""
    return validated(model, data, where, error, WORDING)
