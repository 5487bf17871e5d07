"""Reading delimited text tables (CSV, semicolon- or tab-separated, optionally gzip) into numbers.

Shared by the IMU, force-plate and TRC readers so that every file mistake reads the same: a
one-line :class:`~kinesense.errors.InputFileError` naming the file, the line and the column, and
never a raw ``csv``/``numpy`` traceback.

Numbers: an empty cell or ``NaN`` (any case) is a missing value (NaN). When the separator is not a
comma, a decimal comma is accepted (``1,5`` = 1.5), as phyphox's "decimal comma" exports write.

Parsing takes time and memory linear in the input: lines are read one at a time, rows are
converted to numbers in blocks, and the caps of :mod:`kinesense.capture.readers.limits` (line
length, columns, rows, cells) are checked as the table is read.
"""

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kinesense.arrays import FloatArray, IntArray
from kinesense.capture.readers import limits
from kinesense.capture.readers._bounded import (
    GZIP_MAGIC,
    ZIP_MAGIC,
    decode_bytes,
    first_line,
    read_file,
)
from kinesense.errors import InputFileError

__all__ = [
    "DELIMITERS",
    "GZIP_MAGIC",
    "ZIP_MAGIC",
    "CleanTime",
    "FloatArray",
    "Table",
    "clean_time",
    "decode_bytes",
    "first_line",
    "missing_columns",
    "parse_table",
    "read_text",
    "require_columns",
    "sniff_delimiter",
    "split_header",
]

DELIMITERS = (",", ";", "\t")
BLOCK_ROWS = 4096
"""Rows converted to numbers at a time (bounds the memory held as text)."""
_MISSING = {"", "nan", "-nan", "+nan", "na", "n/a"}


def read_text(path: str | Path, what: str = "file") -> tuple[Path, str]:
    """Check that ``path`` is a readable regular file and return it with its text (gzip
    unpacked), within the size caps."""
    source = Path(path).expanduser()
    raw = read_file(source, what)
    return source, decode_bytes(raw, str(source))


def sniff_delimiter(header: str) -> str:
    """The separator of a header line: the most frequent of comma, semicolon and tab."""
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def trim_trailing_empty(cells: list[str]) -> list[str]:
    """``cells`` without its trailing empty strings (in time linear in the number of cells)."""
    end = len(cells)
    while end and cells[end - 1] == "":
        end -= 1
    return cells[:end] if end < len(cells) else cells


@dataclass(frozen=True)
class Table:
    """A numeric table read from text.

    Attributes:
        source: the file (or ``archive.zip:member``) it came from, for messages.
        columns: the header names, stripped of spaces and quotes.
        values: (N, C) numbers, NaN where a cell was empty or ``NaN``.
        lines: (N,) line number in the file of each row (1 = first line), for messages.
    """

    source: str
    columns: tuple[str, ...]
    values: FloatArray
    lines: IntArray = field(repr=False)

    def index(self, name: str) -> int:
        """Position of column ``name`` (exact match); :class:`InputFileError` if absent."""
        if name not in self.columns:
            raise missing_columns(self.source, [name], self.columns)
        return self.columns.index(name)

    def column(self, name: str) -> FloatArray:
        """(N,) values of column ``name``."""
        return self.values[:, self.index(name)]


def missing_columns(source: str, missing: Sequence[str], found: Sequence[str]) -> InputFileError:
    """The error for absent columns: names the missing ones and lists those found."""
    shown = [repr(c[:60]) for c in found[:40]]
    listed = ", ".join(shown) + (f" and {len(found) - 40} more" if len(found) > 40 else "")
    wanted = ", ".join(repr(m) for m in missing)
    return InputFileError(
        f"{source} lacks column(s) {wanted}; columns found: {listed if found else 'none'}"
    )


def require_columns(table: Table, names: Sequence[str]) -> None:
    """Raise the :func:`missing_columns` error unless every one of ``names`` is in ``table``."""
    missing = [n for n in names if n not in table.columns]
    if missing:
        raise missing_columns(table.source, missing, table.columns)


class _Lines:
    """The lines of a text after ``skip`` lines, checked for length, counting line numbers."""

    def __init__(self, text: str, source: str, skip: int) -> None:
        self.source = source
        self.number = 0  # 1-based number of the last line handed out
        self._lines = iter(io.StringIO(text, newline=None))
        for _ in range(skip):
            if next(self._lines, None) is None:
                break
            self.number += 1

    def __iter__(self) -> Iterator[str]:
        for line in self._lines:
            self.number += 1
            if len(line) > limits.MAX_LINE_CHARS:
                raise InputFileError(
                    f"{self.source} line {self.number} has {len(line)} characters, more than the "
                    f"{limits.MAX_LINE_CHARS} kinesense reads in one line: this is not a table of "
                    "measurements"
                )
            yield line


def _first_non_empty(lines: _Lines) -> str | None:
    for line in lines:
        if line.strip():
            return line
    return None


def parse_table(
    text: str, source: str, *, delimiter: str | None = None, header_line: int = 0
) -> Table:
    """Parse a header row and numeric data rows.

    Args:
        text: the whole file.
        source: the name used in messages.
        delimiter: the separator; sniffed from the header when ``None``.
        header_line: number of lines to skip before the header (0-based index of the header).

    Raises:
        InputFileError: empty file, no data rows, a row with too many cells, a cell that is
            not a number (named by line and column), or a table beyond the caps (line length,
            columns, rows, cells; the message names the cap).
    """
    lines = _Lines(text, source, header_line)
    header_text = _first_non_empty(lines)
    if header_text is None:
        raise InputFileError(f"{source} is empty")
    sep = delimiter or sniff_delimiter(header_text)
    try:
        header = next(csv.reader([header_text], delimiter=sep), [])
    except csv.Error as exc:
        raise InputFileError(f"{source} is not a readable delimited text file ({exc})") from exc
    columns = tuple(trim_trailing_empty([c.strip().strip('"').strip() for c in header]))
    if not columns:
        raise InputFileError(f"{source} has no header row")
    if len(columns) > limits.MAX_COLUMNS:
        raise InputFileError(
            f"{source} has {len(columns)} columns, more than the {limits.MAX_COLUMNS} "
            "kinesense reads"
        )
    max_rows = min(limits.MAX_ROWS, limits.MAX_CELLS // len(columns))
    blocks: list[FloatArray] = []
    pending: list[list[str]] = []
    line_numbers: list[int] = []
    reader = csv.reader(lines, delimiter=sep)
    try:
        for raw in reader:
            row = [cell.strip() for cell in raw]
            if not any(row):
                continue
            row = trim_trailing_empty(row)
            if len(row) > len(columns):
                raise InputFileError(
                    f"{source} line {lines.number} has {len(row)} cells but the header names "
                    f"{len(columns)}"
                )
            if len(line_numbers) >= max_rows:
                raise InputFileError(
                    f"{source} has more than {max_rows} rows of {len(columns)} columns, more "
                    f"than kinesense reads ({limits.MAX_ROWS} rows, {limits.MAX_CELLS} "
                    "numbers); split the recording into shorter files"
                )
            pending.append(row + [""] * (len(columns) - len(row)))
            line_numbers.append(lines.number)
            if len(pending) == BLOCK_ROWS:
                blocks.append(_block(pending, columns, line_numbers, source, sep))
                pending = []
    except csv.Error as exc:
        raise InputFileError(
            f"{source} line {lines.number} is not readable delimited text ({exc})"
        ) from exc
    if pending:
        blocks.append(_block(pending, columns, line_numbers, source, sep))
    if not blocks:
        raise InputFileError(f"{source} has a header but no data rows")
    values = np.concatenate(blocks) if len(blocks) > 1 else blocks[0]
    return Table(source, columns, values, np.asarray(line_numbers, dtype=np.int64))


def _block(
    rows: list[list[str]],
    columns: tuple[str, ...],
    line_numbers: list[int],
    source: str,
    sep: str,
) -> FloatArray:
    """The last ``len(rows)`` rows as numbers (``line_numbers`` covers every row so far)."""
    first = len(line_numbers) - len(rows)
    return _to_float(rows, columns, line_numbers[first:], source, decimal_comma=sep != ",")


def _to_float(
    rows: list[list[str]],
    columns: tuple[str, ...],
    line_numbers: list[int],
    source: str,
    *,
    decimal_comma: bool,
) -> FloatArray:
    if decimal_comma:
        rows = [[cell.replace(",", ".") for cell in row] for row in rows]
    try:
        return np.array(rows, dtype=np.float64)
    except (ValueError, OverflowError):
        pass
    out = np.empty((len(rows), len(columns)), dtype=np.float64)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if cell.lower() in _MISSING:
                out[i, j] = np.nan
                continue
            try:
                out[i, j] = float(cell)
            except (ValueError, OverflowError):
                raise InputFileError(
                    f"{source} line {line_numbers[i]}, column {columns[j][:60]!r}: "
                    f"{cell[:40]!r} is not a number"
                ) from None
    return out


@dataclass(frozen=True)
class CleanTime:
    """Which samples to keep after checking a time column, and what was done."""

    keep: IntArray
    notes: dict[str, Any]


def clean_time(
    time_s: FloatArray, source: str, *, lines: IntArray | None = None, label: str = "time"
) -> CleanTime:
    """Check a time column and say which samples to keep.

    * Missing times at the end (padding, as phyphox writes for shorter columns) are dropped.
    * Exactly repeated time stamps are dropped (the first sample is kept) and counted in
      ``notes["dropped_duplicate_times"]``.
    * A missing time elsewhere, an infinite time, or a time that goes backwards, raises
      :class:`InputFileError` naming the line.
    """
    t = np.asarray(time_s, dtype=np.float64)
    finite = ~np.isnan(t)
    notes: dict[str, Any] = {}
    if not finite.any():
        raise InputFileError(f"{source}: the {label} column holds no numbers")
    last = int(np.flatnonzero(finite)[-1])
    if last < t.size - 1:
        notes["dropped_trailing_rows_without_time"] = int(t.size - 1 - last)
    head = t[: last + 1]
    bad = np.flatnonzero(~np.isfinite(head))
    if bad.size:
        i = int(bad[0])
        what = "missing" if np.isnan(head[i]) else f"not a finite number ({head[i]:g})"
        raise InputFileError(f"{source}: {label} is {what} at {_where(i, lines)}")
    step = np.diff(head)
    back = np.flatnonzero(step < 0)
    if back.size:
        i = int(back[0]) + 1
        raise InputFileError(
            f"{source}: {label} goes backwards at {_where(i, lines)} "
            f"({head[i - 1]:g} then {head[i]:g}); samples must be in time order"
        )
    keep = np.concatenate([[0], np.flatnonzero(step > 0) + 1]).astype(np.int64)
    if keep.size < head.size:
        notes["dropped_duplicate_times"] = int(head.size - keep.size)
    return CleanTime(keep, notes)


def _where(index: int, lines: IntArray | None) -> str:
    return f"line {int(lines[index])}" if lines is not None else f"sample {index}"


def split_header(line: str) -> list[str]:
    """Column names of a header line (separator sniffed, quotes and spaces stripped)."""
    if not line:
        return []
    try:
        cells = next(csv.reader([line], delimiter=sniff_delimiter(line)))
    except (csv.Error, StopIteration):
        return []
    return [c.strip().strip('"').strip() for c in cells[: limits.MAX_COLUMNS]]
