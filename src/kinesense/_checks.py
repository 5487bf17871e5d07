"""One vocabulary for validating arguments, so that every error reads the same and names the fix."""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kinesense.errors import InputFileError, InvalidValueError


def check_option(name: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is in ``allowed``; else raise :class:`InvalidValueError` (a
    ``ValueError``) listing the choices."""
    choices = list(allowed)
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise InvalidValueError(f"{name} must be one of {listed}; got {value!r}")
    return value


def check_positive(name: str, value: float, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float if it is positive (or zero when allowed) and finite."""
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise InvalidValueError(f"{name} must be a finite number; got {value!r}")
    if number < 0 or (number == 0 and not allow_zero):
        bound = "zero or more" if allow_zero else "greater than zero"
        raise InvalidValueError(f"{name} must be {bound}; got {value!r}")
    return number


def check_input_file(path: str | Path, what: str = "file") -> Path:
    """Return ``path`` as a :class:`Path` if it names a readable regular file.

    Raises :class:`InputFileError` with a one-line message otherwise.
    """
    resolved = Path(path).expanduser()
    if not resolved.exists():
        raise InputFileError(f"{what} not found: {resolved}")
    if resolved.is_dir():
        raise InputFileError(f"{what} is a folder, not a file: {resolved}")
    try:
        with resolved.open("rb"):
            pass
    except OSError as exc:
        raise InputFileError(f"cannot read {what} {resolved}: {exc.strerror}") from exc
    return resolved


def check_input_dir(path: str | Path, what: str = "folder") -> Path:
    """Return ``path`` as a :class:`Path` if it names an existing folder."""
    resolved = Path(path).expanduser()
    if not resolved.exists():
        raise InputFileError(f"{what} not found: {resolved}")
    if not resolved.is_dir():
        raise InputFileError(f"{what} is not a folder: {resolved}")
    return resolved
