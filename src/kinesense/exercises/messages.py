"""Plain messages for the problems pydantic finds in an exercise file.

A therapist who writes an exercise file reads these, so each names the field as a path
(``form_rules[1].when.value``) and says what is accepted, in the words of ``FORMAT.md``
(``must be one of balance | core | ...; got 'cardio'``) rather than pydantic's own.
"""

from typing import Any

from pydantic_core import ErrorDetails

from kinesense.validation_errors import Wording, field_path

_ALIASES = {"minimum": "min", "maximum": "max"}


def _join(path: str, below: str) -> str:
    if not below:
        return path
    if below.startswith("["):
        return path + below
    return f"{path}.{below}" if path else below


def _listed(expected: str) -> str:
    """pydantic's ``'a', 'b' or 'c'`` as ``a | b | c``."""
    names = expected.replace(" or ", ", ").split(", ")
    return " | ".join(name.strip("'") for name in names)


def describe_error(error: ErrorDetails) -> tuple[str, str]:
    """The field path and the plain message of one pydantic error."""
    kind = error["type"]
    context: dict[str, Any] = dict(error.get("ctx") or {})
    location = tuple(part for part in error["loc"] if not _is_union_tag(part))
    path = field_path(location, aliases=_ALIASES)
    got = error.get("input")
    if kind == "field":
        return _join(path, str(context["path"])), str(context["message"])
    if kind == "missing":
        return path, "is missing"
    if kind == "extra_forbidden":
        return path, "is not a field of the format (see FORMAT.md)"
    if kind == "literal_error":
        return path, f"must be one of {_listed(str(context['expected']))}; got {got!r}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return path, f"must be a whole number; got {got!r}"
    if kind in ("greater_than_equal", "less_than_equal") and _whole(context):
        return path, _range_message(path, got)
    if kind == "greater_than":
        return path, f"must be greater than {context['gt']}; got {got!r}"
    if kind == "greater_than_equal":
        return path, f"must be {context['ge']} or more; got {got!r}"
    if kind == "less_than_equal":
        return path, f"must be {context['le']} or less; got {got!r}"
    if kind in ("float_type", "float_parsing", "finite_number"):
        return path, f"must be a number; got {got!r}"
    if kind in ("string_type", "string_too_short"):
        return path, f"must be non-empty text; got {got!r}"
    if kind in ("bool_type", "bool_parsing"):
        return path, f"must be true or false; got {got!r}"
    if kind in ("tuple_type", "list_type"):
        return path, f"must be a list; got {got!r}"
    if kind == "too_short":
        return path, f"must be a non-empty list; got {got!r}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return path, f"must be an object; got {got!r}"
    if kind == "value_error":
        return path, str(error["msg"]).removeprefix("Value error, ")
    return path, str(error["msg"])


def _is_union_tag(part: int | str) -> bool:
    # pydantic adds the member's type name to the location inside unions ("float", "tuple[...]")
    return isinstance(part, str) and ("[" in part or part in ("float", "str", "int", "bool"))


def _whole(context: dict[str, Any]) -> bool:
    bound = context.get("ge", context.get("le"))
    return isinstance(bound, int) and not isinstance(bound, bool)


def _range_message(path: str, got: Any) -> str:
    from kinesense.exercises.schema import DOSE_LIMITS

    low, high = {"level": (1, 5)}.get(path) or getattr(DOSE_LIMITS, path.split(".")[-1])
    return f"must be a whole number {low}-{high}; got {got!r}"


EXERCISE_WORDING = Wording(
    field="{origin}: field '{path}': ", top_level="{origin}: field '': ", explain=describe_error
)
"""An exercise file's problem on one line: ``FILE: field 'form_rules[1].when.value': MESSAGE``."""
