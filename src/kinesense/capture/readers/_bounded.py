"""Reading files, gzip streams and zip members without ever holding more than a cap.

A 300-kB zip can unpack to gigabytes and a gzip stream to more; a file may be a FIFO or a
device. Everything here reads in a streaming way and stops one byte past its cap, so that the
memory used is bounded by the caps of :mod:`kinesense.capture.readers.limits`, and errors are
one-line :class:`~kinesense.errors.InputFileError` naming the file and the cap.
"""

import gzip
import io
import stat
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from kinesense._checks import (
    ZIP_ERRORS,
    check_input_file,
    check_zip_directory,
    open_regular,
    read_capped,
)
from kinesense.capture.readers import limits
from kinesense.errors import InputFileError

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
SNIFF_ERRORS: tuple[type[BaseException], ...] = (*ZIP_ERRORS, InputFileError)
"""What reading a member's first line may raise; the answer is then "no header"."""
MAX_ZIP_ENTRIES = 10_000
"""Most members a zip may announce (a Sensor Logger export holds about 15)."""
MAX_ZIP_DIRECTORY_BYTES = 4 * 1024 * 1024


def files_in(folder: Path, wanted: Callable[[Path], bool], limit: int, too_many: str) -> list[Path]:
    """The entries of ``folder`` that ``wanted`` keeps; :class:`InputFileError` ``too_many`` as
    soon as more than ``limit`` are found (a folder of millions is not listed whole)."""
    found = []
    for entry in folder.iterdir():
        if wanted(entry):
            found.append(entry)
            if len(found) > limit:
                raise InputFileError(too_many)
    return found


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g} MiB"


def read_file(path: str | Path, what: str = "file", max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` (default
    :data:`~kinesense.capture.readers.limits.MAX_FILE_BYTES`)."""
    max_bytes = max_bytes or limits.MAX_FILE_BYTES
    source = check_input_file(path, what)
    try:
        with open_regular(source) as handle:
            return read_capped(handle, max_bytes, str(source), f"the {what}")
    except OSError as exc:
        raise InputFileError(f"cannot read {what} {source}: {exc.strerror}") from exc


def gunzip(raw: bytes, source: str, max_bytes: int | None = None) -> bytes:
    """``raw`` unpacked (every gzip member), stopping at ``max_bytes`` (default
    :data:`~kinesense.capture.readers.limits.MAX_TEXT_BYTES`)."""
    max_bytes = max_bytes or limits.MAX_TEXT_BYTES
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            return read_capped(stream, max_bytes, source, "the unpacked gzip content")
    except (OSError, EOFError, zlib.error) as exc:
        raise InputFileError(
            f"{source} looks gzip-compressed but cannot be unpacked ({exc})"
        ) from exc


def read_member(archive: Path, member: str, max_bytes: int | None = None) -> bytes:
    """The unpacked bytes of one zip member, streamed with a cap (default
    :data:`~kinesense.capture.readers.limits.MAX_TEXT_BYTES`; the sizes the archive announces
    are not trusted)."""
    max_bytes = max_bytes or limits.MAX_TEXT_BYTES
    label = f"{archive}:{member}"
    check_zip(archive)
    try:
        with zipfile.ZipFile(archive) as opened, opened.open(member) as stream:
            return read_capped(stream, max_bytes, label, "the unpacked member")
    except ZIP_ERRORS as exc:
        raise InputFileError(f"cannot read {label} ({exc})") from exc


def check_zip(archive: Path) -> None:
    """Refuse a zip whose directory is out of bounds (see :func:`check_zip_directory`)."""
    check_zip_directory(
        archive, "zip", max_entries=MAX_ZIP_ENTRIES, max_bytes=MAX_ZIP_DIRECTORY_BYTES
    )


class _LineStream(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


def first_line_of(stream: _LineStream, limit: int) -> str:
    """First non-empty line among the first 50 lines of ``stream`` (each cut at ``limit``
    bytes), decoded; ``""`` when there is none."""
    for _ in range(50):
        line = stream.readline(limit)
        if not line:
            break
        text = line.decode("utf-8-sig", errors="replace").strip()
        if text:
            return str(text)
    return ""


def first_line(path: Path, limit: int = 64 * 1024) -> str:
    """First non-empty line of a regular text file (gzip unpacked), or ``""``; never raises
    on content, never opens a FIFO or device."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return ""
        with open_regular(path) as handle:
            compressed = handle.read(2) == GZIP_MAGIC
            handle.seek(0)
            if not compressed:
                return first_line_of(handle, limit)
            with gzip.GzipFile(fileobj=handle) as stream:
                return first_line_of(stream, limit)
    except (OSError, EOFError, zlib.error, InputFileError):
        return ""


def first_line_of_member(archive: Path, member: str, limit: int = 64 * 1024) -> str:
    """First non-empty line of a zip member (streamed, gzip unpacked), or ``""``; never raises
    on content."""
    try:
        check_zip(archive)
        with zipfile.ZipFile(archive) as opened:
            with opened.open(member) as stream:
                compressed = stream.read(2) == GZIP_MAGIC
            with opened.open(member) as stream:
                if not compressed:
                    return first_line_of(stream, limit)
                with gzip.GzipFile(fileobj=stream) as inner:
                    return first_line_of(inner, limit)
    except SNIFF_ERRORS:
        return ""


def decode_bytes(raw: bytes, source: str) -> str:
    """Text of ``raw`` (gunzipped with a cap when it starts with the gzip magic), UTF-8 or else
    Latin-1."""
    if raw[:2] == GZIP_MAGIC:
        raw = gunzip(raw, source)
    if len(raw) > limits.MAX_TEXT_BYTES:
        raise InputFileError(
            f"{source}: the text is larger than the {_megabytes(limits.MAX_TEXT_BYTES)} kinesense "
            "reads; split the recording into shorter files"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
