"""The text tables of one recording: a single file, a folder of ``.csv`` files, or a zip.

Zip members are streamed with a cap (:data:`~kinesense.capture.readers.limits.MAX_TEXT_BYTES`)
and their headers are read from the first line only, so a zip that unpacks to gigabytes is
refused after reading one cap's worth, not after unpacking it all.
"""

import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from kinesense._checks import ZIP_ERRORS, check_input_file, check_input_path, open_regular
from kinesense.capture.readers._bounded import (
    ZIP_MAGIC,
    check_zip,
    decode_bytes,
    files_in,
    first_line,
    first_line_of_member,
    read_member,
)
from kinesense.capture.readers._tabular import read_text, split_header
from kinesense.capture.readers.limits import MAX_COLUMNS
from kinesense.errors import InputFileError

MAX_MEMBERS = 1000
"""Most files considered in a folder or zip (a Sensor Logger export holds about 15)."""


@dataclass(frozen=True)
class Bundle:
    """The text tables of one recording.

    Attributes:
        path: what the user gave.
        members: basename -> where to read it (a file path, or a member name inside the zip).
        archive: the zip file, or ``None`` for a file or folder.
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
        return label, decode_bytes(read_member(self.archive, where), label)

    def header(self, name: str) -> list[str]:
        """Column names of member ``name`` (its first non-empty line), ``[]`` when unreadable."""
        where = self.members[name]
        if self.archive is None:
            line = first_line(Path(where))
        else:
            line = first_line_of_member(self.archive, where)
        return split_header(line)[:MAX_COLUMNS]


def _is_csv_name(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith((".csv", ".csv.gz", ".txt", ".txt.gz"))


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def open_bundle(path: str | Path, what: str = "recording") -> Bundle:
    """A :class:`Bundle` for a file, a folder of ``.csv`` files or a ``.zip`` of them.

    Raises:
        InputFileError: the path does not exist or is not a file or folder, or a folder/zip
            holds no ``.csv`` file.
    """
    target = check_input_path(path, what)
    if target.is_dir():
        files = files_in(
            target,
            lambda entry: _is_csv_name(entry.name) and _regular(entry),
            MAX_MEMBERS,
            f"folder {target} holds more than {MAX_MEMBERS} tables; give the recording's own "
            "folder",
        )
        if not files:
            raise InputFileError(f"no .csv files in folder {target}")
        return Bundle(target, {p.name: str(p) for p in files})
    source = check_input_file(target, what)
    try:
        with open_regular(source) as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise InputFileError(f"cannot read {what} {source}: {exc.strerror}") from exc
    if magic != ZIP_MAGIC:
        return Bundle(source, {source.name: str(source)})
    check_zip(source)
    try:
        with zipfile.ZipFile(source) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
    except ZIP_ERRORS as exc:
        raise InputFileError(f"{source} is not a readable zip file ({exc})") from exc
    members = {
        n.rsplit("/", 1)[-1]: n for n in names if _is_csv_name(n) and "/meta/" not in f"/{n}"
    }
    if not members:
        raise InputFileError(f"no .csv files in zip {source}")
    if len(members) > MAX_MEMBERS:
        raise InputFileError(f"zip {source} holds more than {MAX_MEMBERS} tables")
    return Bundle(source, members, archive=source)
