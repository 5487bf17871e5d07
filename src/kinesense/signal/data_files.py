"""Packaged data files (tables of published figures) read into frozen pydantic models.

A data file is JSON validated by a model when it is loaded; anything wrong becomes one
:class:`kinesense.errors.DataFileError` that names the file and the field (``rows[2].sd``), so a
person editing a table sees at once what to fix.
"""

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from kinesense.errors import DataFileError

Model = TypeVar("Model", bound=BaseModel)


def field_path(location: tuple[int | str, ...]) -> str:
    """A pydantic error location as a field path: ``("rows", 0, "mean")`` -> ``rows[0].mean``."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def validation_message(error: ValidationError, origin: str) -> str:
    """The first problem of ``error`` on one line: ``origin: field: what is wrong``."""
    first = error.errors(include_url=False)[0]
    where = field_path(tuple(first["loc"]))
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{origin}: {where}: {message}" if where else f"{origin}: {message}"


def parse_data(
    model: type[Model], data: Any, origin: str, error: type[DataFileError] = DataFileError
) -> Model:
    """``data`` (parsed JSON) validated as ``model``; ``error`` names ``origin`` and the field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(validation_message(exc, origin)) from None


def parse_json_text(
    model: type[Model], text: str, origin: str, error: type[DataFileError] = DataFileError
) -> Model:
    """JSON ``text`` validated as ``model`` (see :func:`parse_data`)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{origin} is not valid JSON: {exc}") from None
    return parse_data(model, data, origin, error)
