"""Which reader a file needs, from its extension and, above all, its content.

A ``.csv`` may hold an IMU or a force-plate recording, and a TRC or a Sensor Logger export may
have any name, so the header is sniffed rather than trusted to the extension:

=============  =================================================================================
format         recognised by
=============  =================================================================================
``video``      extension (``.mp4 .avi .mov .mkv .m4v .webm``) or container magic (MP4 ``ftyp``,
               AVI ``RIFF....AVI``, Matroska ``1A 45 DF A3``)
``series``     a zip holding ``__meta__.npy`` (a kinesense ``.npz`` from :func:`save_series`)
``openpose``   a folder of ``.json`` files, or one ``.json`` file, with a ``people`` list
``trc``        first line starts with ``PathFileType``
``c3d``        extension ``.c3d`` or the C3D header (second byte ``0x50``)
``imu-csv``    a header of one of :data:`kinesense.capture.readers.imu_csv.FORMATS` (file, folder
               or zip)
``cop-csv``    a header with ``CoPx``/``CoPy`` (or ``Fz`` and a ``CoP…`` column), or our export
=============  =================================================================================
"""

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kinesense.capture.readers._tabular import ZIP_MAGIC, first_line
from kinesense.capture.readers.c3d import read_c3d
from kinesense.capture.readers.cop_csv import looks_like_cop, read_cop_csv
from kinesense.capture.readers.imu_csv import guess_imu_format, read_imu_csv
from kinesense.capture.readers.openpose import VIDEO_SUFFIXES, read_openpose
from kinesense.capture.readers.trc import read_trc
from kinesense.errors import InputFileError, UnsupportedFormatError
from kinesense.series import AnySeries, load_series

FORMATS = ("video", "series", "openpose", "trc", "c3d", "imu-csv", "cop-csv")
SUPPORTED = (
    "video (.mp4 .avi .mov .mkv), series (.npz), openpose (folder of .json), trc, c3d, "
    "imu-csv (UCI, phyphox, Sensor Logger, kinesense CSV), cop-csv (force plate)"
)


def detect_format(path: str | Path) -> str:
    """One of :data:`FORMATS` for ``path`` (a file or a folder).

    Raises:
        InputFileError: the path does not exist.
        UnsupportedFormatError: nothing matches; the message lists the supported formats.
    """
    target = Path(path).expanduser()
    if not target.exists():
        raise InputFileError(f"file not found: {target}")
    fmt = _detect_folder(target) if target.is_dir() else _detect_file(target)
    if fmt is None:
        raise UnsupportedFormatError(f"{target}: format not recognised; supported: {SUPPORTED}")
    return fmt


def read_any(path: str | Path, **options: Any) -> AnySeries:
    """Read ``path`` with the reader :func:`detect_format` picks, passing ``options`` on.

    Raises:
        UnsupportedFormatError: a video (extract landmarks from it first) or an unknown format.
        InputFileError: whatever the chosen reader finds wrong with the file.
    """
    target = Path(path).expanduser()
    fmt = detect_format(target)
    if fmt == "video":
        raise UnsupportedFormatError(
            f"{target} is a video: extract its landmarks first with "
            "'kinesense extract VIDEO -o OUT.npz', then use the series"
        )
    if fmt == "series":
        if options:
            raise TypeError(f"a saved series takes no reading options; got {sorted(options)}")
        return load_series(target)
    if fmt == "openpose":
        return read_openpose(target if target.is_dir() else target.parent, **options)
    readers: dict[str, Callable[..., AnySeries]] = {
        "trc": read_trc,
        "c3d": read_c3d,
        "imu-csv": read_imu_csv,
        "cop-csv": read_cop_csv,
    }
    return readers[fmt](target, **options)


def _detect_folder(folder: Path) -> str | None:
    jsons = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".json" and p.is_file())
    if jsons and _is_openpose_json(jsons[0]):
        return "openpose"
    return "imu-csv" if guess_imu_format(folder) else None


def _detect_file(path: Path) -> str | None:
    suffix = path.suffix.lower()
    try:
        with path.open("rb") as handle:
            magic = handle.read(12)
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror}") from exc
    if suffix in VIDEO_SUFFIXES or _is_video_magic(magic):
        return "video"
    if magic.startswith(ZIP_MAGIC):
        return "series" if _is_npz_series(path) else ("imu-csv" if guess_imu_format(path) else None)
    if suffix == ".c3d" or (len(magic) > 1 and 0 < magic[0] < 32 and magic[1] == 0x50):
        return "c3d"
    if first_line(path).startswith("PathFileType"):
        return "trc"
    if suffix == ".json":
        return "openpose" if _is_openpose_json(path) else None
    if guess_imu_format(path):
        return "imu-csv"
    return "cop-csv" if looks_like_cop(path) else None


def _is_video_magic(magic: bytes) -> bool:
    return (
        magic[4:8] == b"ftyp"
        or (magic[:4] == b"RIFF" and magic[8:12] == b"AVI ")
        or magic[:4] == b"\x1a\x45\xdf\xa3"
    )


def _is_npz_series(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "__meta__.npy" in archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def _is_openpose_json(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(data, dict) and isinstance(data.get("people"), list)
