"""Reading delimited text tables (CSV, semicolon- or tab-separated, optionally gzip) into numbers.

Shared by the IMU, force-plate and TRC readers so that every file mistake reads the same: a
one-line :class:`~kinesense.errors.InputFileError` naming the file, the line and the column, and
never a raw ``csv``/``numpy`` traceback.

Numbers: an empty cell or ``NaN`` (any case) is a missing value (NaN). When the separator is not a
comma, a decimal comma is accepted (``1,5`` = 1.5), as phyphox's "decimal comma" exports write.
"""

import csv
import gzip
import io
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kinesense._checks import check_input_file
from kinesense.errors import InputFileError

FloatArray = NDArray[np.float64]

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
DELIMITERS = (",", ";", "\t")
_MISSING = {"", "nan", "-nan", "+nan", "na", "n/a"}


def decode_bytes(raw: bytes, source: str) -> str:
    """Text of ``raw`` (gunzipped when it starts with the gzip magic), UTF-8 or else Latin-1."""
    if raw[:2] == GZIP_MAGIC:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputFileError(
                f"{source} looks gzip-compressed but cannot be unpacked ({exc})"
            ) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read_text(path: str | Path, what: str = "file") -> tuple[Path, str]:
    """Check that ``path`` is a readable file and return it with its text (gzip unpacked)."""
    source = check_input_file(path, what)
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read {what} {source}: {exc.strerror}") from exc
    return source, decode_bytes(raw, str(source))


def first_line(path: Path, limit: int = 64 * 1024) -> str:
    """First non-empty line of a text file (gzip unpacked), or ``""``; never raises on content."""
    try:
        with path.open("rb") as handle:
            compressed = handle.read(2) == GZIP_MAGIC
        opener: Any = gzip.open if compressed else open
        with opener(path, "rb") as stream:
            for _ in range(50):
                line = stream.readline(limit)
                if not line:
                    break
                text = line.decode("utf-8-sig", errors="replace").strip()
                if text:
                    return str(text)
    except (OSError, EOFError, zlib.error):
        return ""
    return ""


def sniff_delimiter(header: str) -> str:
    """The separator of a header line: the most frequent of comma, semicolon and tab."""
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


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
    lines: NDArray[np.int64] = field(repr=False)

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
    listed = ", ".join(repr(c) for c in found) if found else "none"
    wanted = ", ".join(repr(m) for m in missing)
    return InputFileError(f"{source} lacks column(s) {wanted}; columns found: {listed}")


def require_columns(table: Table, names: Sequence[str]) -> None:
    """Raise the :func:`missing_columns` error unless every one of ``names`` is in ``table``."""
    missing = [n for n in names if n not in table.columns]
    if missing:
        raise missing_columns(table.source, missing, table.columns)


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
        InputFileError: empty file, no data rows, a row with too many cells, or a cell that is
            not a number (named by line and column).
    """
    all_lines = text.splitlines()
    body = all_lines[header_line:]
    if not any(line.strip() for line in body):
        raise InputFileError(f"{source} is empty")
    first = next(i for i, line in enumerate(body) if line.strip())
    header_text = body[first]
    sep = delimiter or sniff_delimiter(header_text)
    reader = csv.reader(io.StringIO("\n".join(body[first:])), delimiter=sep)
    try:
        rows = [[cell.strip() for cell in row] for row in reader]
    except csv.Error as exc:
        raise InputFileError(f"{source} is not a readable delimited text file ({exc})") from exc
    columns = tuple(cell.strip().strip('"').strip() for cell in rows[0])
    while columns and columns[-1] == "":
        columns = columns[:-1]
    if not columns:
        raise InputFileError(f"{source} has no header row")
    data: list[list[str]] = []
    line_numbers: list[int] = []
    for offset, row in enumerate(rows[1:], start=1):
        if not any(row):
            continue
        while len(row) > len(columns) and row[-1] == "":
            row = row[:-1]
        line_no = header_line + first + offset + 1
        if len(row) > len(columns):
            raise InputFileError(
                f"{source} line {line_no} has {len(row)} cells but the header names {len(columns)}"
            )
        row = row + [""] * (len(columns) - len(row))
        data.append(row)
        line_numbers.append(line_no)
    if not data:
        raise InputFileError(f"{source} has a header but no data rows")
    values = _to_float(data, columns, line_numbers, source, decimal_comma=sep != ",")
    return Table(source, columns, values, np.asarray(line_numbers, dtype=np.int64))


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
    except ValueError:
        pass
    out = np.empty((len(rows), len(columns)), dtype=np.float64)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if cell.lower() in _MISSING:
                out[i, j] = np.nan
                continue
            try:
                out[i, j] = float(cell)
            except ValueError:
                raise InputFileError(
                    f"{source} line {line_numbers[i]}, column {columns[j]!r}: "
                    f"{cell[:40]!r} is not a number"
                ) from None
    return out


@dataclass(frozen=True)
class CleanTime:
    """Which samples to keep after checking a time column, and what was done."""

    keep: NDArray[np.int64]
    notes: dict[str, Any]


def clean_time(
    time_s: FloatArray, source: str, *, lines: NDArray[np.int64] | None = None, label: str = "time"
) -> CleanTime:
    """Check a time column and say which samples to keep.

    * Missing times at the end (padding, as phyphox writes for shorter columns) are dropped.
    * Exactly repeated time stamps are dropped (the first sample is kept) and counted in
      ``notes["dropped_duplicate_times"]``.
    * A missing time elsewhere, or a time that goes backwards, raises :class:`InputFileError`
      naming the line.
    """
    t = np.asarray(time_s, dtype=np.float64)
    finite = np.isfinite(t)
    notes: dict[str, Any] = {}
    if not finite.any():
        raise InputFileError(f"{source}: the {label} column holds no numbers")
    last = int(np.flatnonzero(finite)[-1])
    if last < t.size - 1:
        notes["dropped_trailing_rows_without_time"] = int(t.size - 1 - last)
    head = t[: last + 1]
    bad = np.flatnonzero(~np.isfinite(head))
    if bad.size:
        raise InputFileError(f"{source}: {label} is missing at {_where(int(bad[0]), lines)}")
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


def _where(index: int, lines: NDArray[np.int64] | None) -> str:
    return f"line {int(lines[index])}" if lines is not None else f"sample {index}"


@dataclass(frozen=True)
class Bundle:
    """The text tables of one recording: a single file, a folder of ``.csv`` files, or a zip.

    Attributes:
        path: what the user gave.
        members: basename -> where to read it (a file path, or a member name inside the zip).
    """

    path: Path
    members: dict[str, str]
    archive: Path | None = None

    @property
    def names(self) -> list[str]:
        """Basenames of the tables, sorted."""
        return sorted(self.members)

    def find(self, basename: str) -> str | None:
        """The member whose basename equals ``basename`` ignoring case, or ``None``."""
        wanted = basename.lower()
        return next((n for n in self.members if n.lower() == wanted), None)

    def text(self, name: str) -> tuple[str, str]:
        """``(source label, text)`` of member ``name``."""
        where = self.members[name]
        if self.archive is None:
            path, text = read_text(where)
            return str(path), text
        label = f"{self.archive}:{where}"
        try:
            with zipfile.ZipFile(self.archive) as archive:
                raw = archive.read(where)
        except (OSError, zipfile.BadZipFile, KeyError) as exc:
            raise InputFileError(f"cannot read {label} ({exc})") from exc
        return label, decode_bytes(raw, label)

    def header(self, name: str) -> list[str]:
        """Column names of member ``name`` (its first non-empty line), ``[]`` when unreadable."""
        try:
            if self.archive is None:
                line = first_line(Path(self.members[name]))
            else:
                line = next((ln for ln in self.text(name)[1].splitlines() if ln.strip()), "")
        except InputFileError:
            return []
        return split_header(line)


def split_header(line: str) -> list[str]:
    """Column names of a header line (separator sniffed, quotes and spaces stripped)."""
    if not line:
        return []
    try:
        cells = next(csv.reader([line], delimiter=sniff_delimiter(line)))
    except (csv.Error, StopIteration):
        return []
    return [c.strip().strip('"').strip() for c in cells]


def open_bundle(path: str | Path, what: str = "recording") -> Bundle:
    """A :class:`Bundle` for a file, a folder of ``.csv`` files or a ``.zip`` of them.

    Raises:
        InputFileError: the path does not exist, or a folder/zip holds no ``.csv`` file.
    """
    target = Path(path).expanduser()
    if target.is_dir():
        files = [p for p in target.iterdir() if p.is_file() and _is_csv_name(p.name)]
        if not files:
            raise InputFileError(f"no .csv files in folder {target}")
        return Bundle(target, {p.name: str(p) for p in files})
    source = check_input_file(target, what)
    with source.open("rb") as handle:
        magic = handle.read(4)
    if magic != ZIP_MAGIC:
        return Bundle(source, {source.name: str(source)})
    try:
        with zipfile.ZipFile(source) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputFileError(f"{source} is not a readable zip file ({exc})") from exc
    members = {
        n.rsplit("/", 1)[-1]: n for n in names if _is_csv_name(n) and "/meta/" not in f"/{n}"
    }
    if not members:
        raise InputFileError(f"no .csv files in zip {source}")
    return Bundle(source, members, archive=source)


def _is_csv_name(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith((".csv", ".csv.gz", ".txt", ".txt.gz"))
