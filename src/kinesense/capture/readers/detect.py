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

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kinesense._checks import ZIP_ERRORS, check_input_path, open_regular
from kinesense.capture.readers._bounded import ZIP_MAGIC, check_zip, first_line
from kinesense.capture.readers.c3d import read_c3d
from kinesense.capture.readers.cop_csv import looks_like_cop, read_cop_csv
from kinesense.capture.readers.imu_csv import guess_imu_format, read_imu_csv
from kinesense.capture.readers.limits import MAX_JSON_DEPTH
from kinesense.capture.readers.openpose import VIDEO_SUFFIXES, read_openpose
from kinesense.capture.readers.trc import read_trc
from kinesense.errors import InputFileError, KinesenseError, UnsupportedFormatError
from kinesense.safe_json import load_json_file
from kinesense.series import AnySeries, load_series
from kinesense.series.plausibility import check_series, refuse_or_flag

SNIFF_ERRORS: tuple[type[BaseException], ...] = (*ZIP_ERRORS, KinesenseError)
"""What sniffing a zip may raise; sniffing answers "not this format" instead."""
FORMATS = ("video", "series", "openpose", "trc", "c3d", "imu-csv", "cop-csv")
SUPPORTED = (
    "video (.mp4 .avi .mov .mkv), series (.npz), openpose (folder of .json), trc, c3d, "
    "imu-csv (UCI, phyphox, Sensor Logger, kinesense CSV), cop-csv (force plate)"
)


def detect_format(path: str | Path) -> str:
    """One of :data:`FORMATS` for ``path`` (a file or a folder).

    Raises:
        InputFileError: the path does not exist, or is a FIFO or device (refused without
            opening it), or its name is too long.
        UnsupportedFormatError: nothing matches; the message lists the supported formats.
    """
    target = check_input_path(path, "file")
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
    target = check_input_path(path, "file")
    fmt = detect_format(target)
    if fmt == "video":
        raise UnsupportedFormatError(
            f"{target} is a video: extract its landmarks first with "
            "'kinesense extract VIDEO -o OUT.npz', then use the series"
        )
    if fmt == "series":
        if options:
            raise TypeError(f"a saved series takes no reading options; got {sorted(options)}")
        series = load_series(target)
        return refuse_or_flag(series, check_series(series))
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
    first_json = min(
        (p for p in folder.iterdir() if p.suffix.lower() == ".json" and p.is_file()), default=None
    )
    if first_json is not None and _is_openpose_json(first_json):
        return "openpose"
    return "imu-csv" if guess_imu_format(folder) else None


def _detect_file(path: Path) -> str | None:
    suffix = path.suffix.lower()
    try:
        with open_regular(path) as handle:
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
        check_zip(path)
        with zipfile.ZipFile(path) as archive:
            return "__meta__.npy" in archive.namelist()
    except SNIFF_ERRORS:
        return False


def _is_openpose_json(path: Path) -> bool:
    """Whether ``path`` is a JSON object with a ``people`` list (files over 1 MiB are not
    sniffed: an OpenPose frame is a few kB)."""
    try:
        data = load_json_file(path, max_bytes=1024 * 1024, max_depth=MAX_JSON_DEPTH)
    except KinesenseError:
        return False
    return isinstance(data, dict) and isinstance(data.get("people"), list)
