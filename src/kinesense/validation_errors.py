"""A pydantic :class:`~pydantic.ValidationError` worded on one line: the one way every layer
turns a model's refusal into a message a person can act on.

The message names where the problem is (the file or record, then the field as a path such as
``rows[2].sd``) and what is wrong. Families of messages differ in their framing (a data file
says ``FILE: field 'rows[2].sd': ...``, a setting names its environment variable), so each
family declares a :class:`Wording` once and calls :func:`one_line`; the path, the first
problem, the value shown and the count of further problems are worked out here only.
"""

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

VALUE_ERROR_PREFIX = "Value error, "
"""What pydantic puts before the message of a ``ValueError`` raised in a validator."""
NO_ALIASES: Mapping[str, str] = MappingProxyType({})
M = TypeVar("M", bound=BaseModel)


def field_path(
    location: tuple[int | str, ...],
    *,
    dotted: bool = False,
    aliases: Mapping[str, str] = NO_ALIASES,
) -> str:
    """A pydantic error location as a field path: ``("rows", 0, "mean")`` -> ``rows[0].mean``
    (``rows.0.mean`` when ``dotted``); ``aliases`` renames parts (``maximum`` -> ``max``)."""
    if dotted:
        return ".".join(str(aliases.get(str(part), part)) for part in location)
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = aliases.get(part, part)
            text += f".{name}" if text else name
    return text


def plain_message(error: ErrorDetails) -> str:
    """pydantic's message without the ``Value error, `` it puts before a validator's own."""
    return str(error["msg"]).removeprefix(VALUE_ERROR_PREFIX)


def raw_message(error: ErrorDetails) -> str:
    """pydantic's message as it is."""
    return str(error["msg"])


def _never(error: ErrorDetails) -> bool:
    return False


@dataclass(frozen=True)
class Wording:
    """How one family of messages frames a validation problem.

    Attributes:
        field: the text before the message when the problem has a field path; ``{origin}``,
            ``{path}`` (also ``{path!r}``) and ``{PATH}`` (the path in capitals, as in an
            environment variable's name) are filled in.
        top_level: the same when the problem is the whole object (an empty path); ``{origin}``
            is filled in.
        dotted: paths as ``rows.0.mean`` rather than ``rows[0].mean``.
        aliases: parts of the path renamed.
        message: the message of one problem (default: pydantic's, see :func:`plain_message`).
        explain: instead of the path and ``message``, a family's own reading of one problem
            as ``(path, message)`` (the exercise format words pydantic's errors its own way).
        show_input: whether the value given is added as `` (got VALUE)``.
        input_limit: the longest ``repr`` of that value shown (cut with ``...``).
        more: added when there are further problems; ``{count}`` is their number.
    """

    field: str = "{origin}: {path}: "
    top_level: str = "{origin}: "
    dotted: bool = False
    aliases: Mapping[str, str] = dataclasses.field(default_factory=dict)
    message: Callable[[ErrorDetails], str] = plain_message
    explain: Callable[[ErrorDetails], tuple[str, str]] | None = None
    show_input: Callable[[ErrorDetails], bool] = _never
    input_limit: int | None = None
    more: str = ""


def one_line(exc: ValidationError, origin: str, wording: Wording = Wording()) -> str:
    """The first problem of ``exc`` on one line, framed by ``wording`` around ``origin`` (the
    file, record or object the data came from)."""
    errors = exc.errors(include_url=False)
    error = errors[0]
    if wording.explain is not None:
        path, message = wording.explain(error)
    else:
        path = field_path(tuple(error["loc"]), dotted=wording.dotted, aliases=wording.aliases)
        message = wording.message(error)
    if path:
        text = wording.field.format(origin=origin, path=path, PATH=path.upper()) + message
    else:
        text = wording.top_level.format(origin=origin) + message
    if wording.show_input(error):
        got = repr(error.get("input"))
        limit = wording.input_limit
        if limit is not None and len(got) > limit:
            got = got[: limit - 3] + "..."
        text += f" (got {got})"
    if len(errors) > 1 and wording.more:
        text += wording.more.format(count=len(errors) - 1)
    return text


def validated(
    model: type[M], data: Any, origin: str, error: type[Exception], wording: Wording = Wording()
) -> M:
    """``data`` validated as ``model``; ``error`` with :func:`one_line` when it does not fit."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(one_line(exc, origin, wording)) from None
