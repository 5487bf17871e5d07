"""One vocabulary for validating arguments, so that every error reads the same and names the fix.

Input paths are checked WITHOUT opening them first: opening a FIFO blocks until someone writes to
it and a device such as ``/dev/zero`` never ends, so only regular files (and folders where a
folder is expected) are accepted, from their ``stat``.
"""

import lzma
import os
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any, Protocol

from kinesense.errors import InputFileError, InvalidValueError

MAX_NAME_BYTES = 255
"""Longest file or folder name (one path component) in bytes: the limit of ext4, XFS, APFS, NTFS
(255 UTF-16 units) and most other file systems (``NAME_MAX``)."""


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


def check_path_names(path: str | Path, what: str = "file") -> Path:
    """Return ``path`` (``~`` expanded) if none of its components is longer than
    :data:`MAX_NAME_BYTES` bytes; :class:`InputFileError` otherwise (the operating system would
    answer "File name too long" to any use of it)."""
    resolved = Path(path).expanduser()
    for part in resolved.parts:
        size = len(os.fsencode(part))
        if size > MAX_NAME_BYTES:
            shown = part[:40] + "…"
            raise InputFileError(
                f"{what} name too long: the path component {shown!r} has {size} bytes, more than "
                f"the {MAX_NAME_BYTES} a file system allows; rename or move the file"
            )
    return resolved


def _stat(path: Path, what: str) -> os.stat_result:
    try:
        return path.stat()
    except FileNotFoundError:
        raise InputFileError(f"{what} not found: {path}") from None
    except OSError as exc:
        raise InputFileError(f"cannot read {what} {path}: {exc.strerror}") from None


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_input_path(path: str | Path, what: str = "file") -> Path:
    """Return ``path`` as a :class:`Path` if it names a regular file or a folder (not opened).

    Raises :class:`InputFileError` with a one-line message for a missing path, a name too long,
    or a FIFO, device or socket (which would block or never end).
    """
    resolved = check_path_names(path, what)
    mode = _stat(resolved, what).st_mode
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise InputFileError(
            f"{what} {resolved} is {_kind(mode)}, not a file: save what it holds to a file first "
            "and give that file"
        )
    return resolved


def check_input_file(path: str | Path, what: str = "file") -> Path:
    """Return ``path`` as a :class:`Path` if it names a readable regular file.

    Raises :class:`InputFileError` with a one-line message otherwise: missing, a folder, a FIFO
    or a device (refused before any attempt to open it), a name too long, no permission.
    """
    resolved = check_input_path(path, what)
    if resolved.is_dir():
        raise InputFileError(f"{what} is a folder, not a file: {resolved}")
    if not os.access(resolved, os.R_OK):
        raise InputFileError(f"cannot read {what} {resolved}: permission denied")
    return resolved


def check_input_dir(path: str | Path, what: str = "folder") -> Path:
    """Return ``path`` as a :class:`Path` if it names an existing folder."""
    resolved = check_input_path(path, what)
    if not resolved.is_dir():
        raise InputFileError(f"{what} is not a folder: {resolved}")
    return resolved


def open_regular(path: Path) -> IO[bytes]:
    """``path`` opened for reading, checked AFTER opening (without blocking) to be a regular
    file, so that a FIFO or a device swapped in after :func:`check_input_file` is still refused.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputFileError(f"{path} is {_kind(mode)}, not a file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class ByteStream(Protocol):
    """Anything with ``read(size) -> bytes`` (files, gzip and zip streams)."""

    def read(self, size: int = -1, /) -> bytes: ...


def read_capped(stream: ByteStream, max_bytes: int, source: str, what: str) -> bytes:
    """All of ``stream``, read in chunks; :class:`InputFileError` naming the cap as soon as it
    holds more than ``max_bytes`` (so at most ``max_bytes + 1`` bytes are ever held)."""
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(min(1 << 20, max_bytes + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise InputFileError(
                f"{source}: {what} is larger than the {max_bytes / (1 << 20):g} MiB kinesense "
                "reads; split the recording into shorter files"
            )


ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    zlib.error,
    lzma.LZMAError,
    RuntimeError,
    ValueError,
    NotImplementedError,
    KeyError,
    struct.error,
    OverflowError,
)
"""What :mod:`zipfile` raises on a damaged or hostile archive: bad structure, CRC or
decompression errors, names that are not UTF-8 (``UnicodeDecodeError``), encrypted members
(``RuntimeError``), unknown compression methods (``NotImplementedError``)."""

ZIP_END_SIGNATURE = b"PK\x05\x06"
ZIP_END_SEARCH_BYTES = 22 + 65535
"""The end-of-central-directory record: 22 bytes and a comment of up to 65,535 (APPNOTE 4.3.16)."""


def check_zip_directory(path: Path, what: str, *, max_entries: int, max_bytes: int) -> None:
    """Refuse a zip archive whose central directory announces more than ``max_entries``
    entries or ``max_bytes`` bytes, before :mod:`zipfile` builds an object for each entry.

    Reads only the end-of-central-directory record (PKWARE APPNOTE.TXT 4.3.16: total entries
    at offset 10, directory size at offset 12, little-endian). A ZIP64 archive (counts of
    0xFFFF or 0xFFFFFFFF) is refused: recordings never need one. A file without the record is
    left to :mod:`zipfile` to refuse.
    """
    try:
        with open_regular(path) as handle:
            size = os.fstat(handle.fileno()).st_size
            handle.seek(max(0, size - ZIP_END_SEARCH_BYTES))
            tail = handle.read(ZIP_END_SEARCH_BYTES)
    except OSError as exc:
        raise InputFileError(f"cannot read {what} {path}: {exc.strerror}") from exc
    at = tail.rfind(ZIP_END_SIGNATURE)
    if at < 0 or at + 22 > len(tail):
        return
    entries, directory_bytes = struct.unpack("<HI", tail[at + 10 : at + 16])
    if entries == 0xFFFF or directory_bytes == 0xFFFFFFFF:
        raise InputFileError(f"{what} {path} is a ZIP64 archive, which kinesense does not read")
    if entries > max_entries or directory_bytes > max_bytes:
        raise InputFileError(
            f"{what} {path} announces {entries} members ({directory_bytes} bytes of directory), "
            f"more than the {max_entries} kinesense reads"
        )
