"""JSON from files kinesense did not write, read within a size and a nesting-depth cap.

Python's :mod:`json` parser recurses once per nesting level: a file of a million ``[`` ends in
a ``RecursionError`` (a traceback, or worse in code that walks the result recursively), and
nothing stops a file of gigabytes from being read whole. :func:`load_json_file` reads at most
``max_bytes`` (without opening FIFOs or devices), measures the nesting depth with a linear scan
before parsing (brackets inside strings do not count), and turns every problem into one
:class:`~kinesense.errors.InputFileError` (or the error class the caller names) naming the
file.

Used by the OpenPose reader; meant for every JSON file a user gives (result files for
``report``, answers, overrides). :func:`read_data_file` reads a data file (shipped with
kinesense or a clinic's: tracks, norms, questionnaires) through the same parser.
"""

import json
import re
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import numpy as np

from kinesense._checks import check_input_file, open_regular, read_capped
from kinesense.errors import DataFileError, InputFileError, KinesenseError

MAX_BYTES = 16 * 1024 * 1024
"""Default size cap (16 MiB)."""
MAX_DEPTH = 64
"""Default nesting cap: kinesense's own documents nest at most about 8 levels."""

NOT_JSON = "{source} is not valid JSON ({reason})"
"""How a text that is not JSON is refused by default: ``{source}`` names the file, ``{reason}``
is the parser's message (``Expecting value: line 1 column 2 (char 1)``)."""
NOT_JSON_AT = "{source} is not valid JSON ({where})"
"""The same, with ``{where}`` as ``line 1, column 2: Expecting value`` (the parser's message
where it has a position, else ``{reason}``)."""
NOT_JSON_TABLE = "{source} is not valid JSON: {reason}"
"""The wording of the tables of published figures (norms, anthropometry)."""

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


def nesting_depth(raw: bytes) -> int:
    """Deepest nesting of ``[`` and ``{`` in a JSON text, strings excepted (0 for a scalar).

    Linear in the input. In a text that is not valid JSON (an unterminated string) brackets
    may be over-counted, never under-counted.
    """
    stripped = _STRING.sub(b'""', raw)
    codes = np.frombuffer(stripped, dtype=np.uint8)
    if codes.size == 0:
        return 0
    opening = (codes == ord("[")) | (codes == ord("{"))
    closing = (codes == ord("]")) | (codes == ord("}"))
    steps = opening.astype(np.int64) - closing.astype(np.int64)
    return int(max(0, int(np.cumsum(steps).max())))


def loads_bounded(
    raw: bytes | str,
    source: str,
    *,
    max_depth: int = MAX_DEPTH,
    allow_nan: bool = True,
    error: type[KinesenseError] = InputFileError,
    not_json: str = NOT_JSON,
) -> Any:
    """Parse ``raw`` as JSON after checking its nesting depth.

    Args:
        raw: the JSON text (bytes in UTF-8, UTF-16 or UTF-32, or str).
        source: the file name used in messages.
        max_depth: most nesting levels accepted.
        allow_nan: whether ``NaN``, ``Infinity`` and ``-Infinity`` (not JSON, but written by
            Python) are accepted.
        error: the exception class raised.
        not_json: the message of a text that is not JSON (:data:`NOT_JSON`,
            :data:`NOT_JSON_AT` or a caller's own wording with the same fields).
    """
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    depth = nesting_depth(data)
    if depth > max_depth:
        raise error(
            f"{source} nests deeper than {max_depth} levels ({depth}): it is not a file "
            "kinesense reads"
        )

    def refuse_constant(name: str) -> Any:
        raise error(f"{source} holds {name}, which is not a JSON number")

    try:
        if allow_nan:
            return json.loads(data)
        return json.loads(data, parse_constant=refuse_constant)
    except RecursionError:
        raise error(f"{source} nests too deeply to be read") from None
    except ValueError as exc:  # JSONDecodeError, bad encoding, integers of 4300+ digits
        reason = " ".join(str(exc).split())[:120]
        if isinstance(exc, json.JSONDecodeError):
            where = f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
        else:
            where = reason
        raise error(not_json.format(source=source, reason=reason, where=where)) from None


def load_json_file(
    path: str | Path,
    what: str = "JSON file",
    *,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    allow_nan: bool = True,
    error: type[KinesenseError] = InputFileError,
) -> Any:
    """Read and parse a JSON file within ``max_bytes`` and ``max_depth``.

    Raises:
        InputFileError: a missing path, a folder, a FIFO or device, a name too long, an
            unreadable file, a file over ``max_bytes`` (always this class, whatever ``error``
            is).
        error: a file nested deeper than ``max_depth`` or not valid JSON.
    """
    source = check_input_file(path, what)
    try:
        with open_regular(source) as handle:
            raw = read_capped(handle, max_bytes, str(source), f"the {what}")
    except OSError as exc:
        raise InputFileError(f"cannot read {what} {source}: {exc.strerror}") from exc
    return loads_bounded(raw, str(source), max_depth=max_depth, allow_nan=allow_nan, error=error)


def read_data_file(
    path: Path | Traversable,
    what: str,
    error: type[KinesenseError] = DataFileError,
    *,
    source: str | None = None,
    not_json: str = NOT_JSON_AT,
) -> Any:
    """The parsed JSON content of a data file: one shipped with kinesense (a package resource)
    or a clinic's.

    Args:
        path: the file.
        what: what it is, in messages (``tracks file``).
        error: the exception class raised (a :class:`DataFileError` by default).
        source: how messages name the file (default: ``path``).
        not_json: the message of a file that is not JSON (see :func:`loads_bounded`).

    Raises:
        error: ``WHAT PATH not found``, ``cannot read WHAT PATH: REASON``, or a file that is
            not JSON or nests too deeply.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{what} {path} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read {what} {path}: {exc}") from None
    name = str(path) if source is None else source
    return loads_bounded(text, name, error=error, not_json=not_json)
