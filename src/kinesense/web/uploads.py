"""Receiving a recording: streamed to the data folder under a size limit, written atomically,
its format found from its content (never from its name) and refused unless kinesense reads it.

Files are kept as ``<data folder>/uploads/person-<id>/<random id><suffix>``: the suffix comes
from the detected format, and the name the user gave is kept only as a label.
"""

import gzip
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from kinesense.errors import InputFileError, KinesenseError, UnsupportedFormatError
from kinesense.jobs.tasks import with_user_name
from kinesense.outputs import atomic_path
from kinesense.text import printable
from kinesense.web.errors import UploadTooLargeError

ACCEPTED_FORMATS = ("video", "series", "trc", "c3d", "imu-csv", "cop-csv")
"""What may be uploaded: a video, a kinesense series, keypoints (TRC, C3D), an IMU recording
(CSV, or a zip of CSVs) or a force-plate recording. OpenPose needs a folder of files."""
ACCEPTED_TEXT = (
    "a video (.mp4, .mov, .avi, .mkv), a kinesense series (.npz), keypoints (.trc, .c3d), an IMU "
    "recording (.csv, .txt or .zip, optionally gzip-compressed) or a force-plate recording (.csv)"
)
VIDEO_TEXT = "a video (.mp4, .mov, .avi or .mkv)"
NAME_MAX = 120
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class StoredUpload:
    """An upload kept in the data folder: ``file`` is relative to the data folder."""

    file: str
    name: str
    format: str
    size_bytes: int


def clean_file_name(name: str) -> str:
    """The last part of a file name as the user's browser sent it, printable, at most 120
    characters (``recording`` when nothing is left)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = " ".join(printable(base).split())[:NAME_MAX]
    return cleaned or "recording"


def upload_folder(data_dir: Path, person_id: int) -> Path:
    """The folder of a person's uploads."""
    return data_dir / "uploads" / f"person-{person_id}"


def _suffix(fmt: str, magic: bytes) -> str:
    if fmt == "video":
        if magic[:4] == b"RIFF":
            return ".avi"
        return ".mkv" if magic[:4] == b"\x1a\x45\xdf\xa3" else ".mp4"
    if fmt in ("imu-csv", "cop-csv"):
        if magic.startswith(ZIP_MAGIC):
            return ".zip"
        return ".csv.gz" if magic.startswith(GZIP_MAGIC) else ".csv"
    return {"series": ".npz", "trc": ".trc", "c3d": ".c3d"}[fmt]


def sniff_format(path: Path, name: str) -> str:
    """The format of the received file at ``path`` (named ``name`` by the user), from its
    content; :class:`UnsupportedFormatError` when kinesense does not take it as an upload."""
    from kinesense.capture.readers.detect import detect_format

    try:
        fmt = detect_format(path)
    except KinesenseError as exc:
        raise with_user_name(exc, path, name) from None
    if fmt not in ACCEPTED_FORMATS:
        raise UnsupportedFormatError(
            f"{name}: {fmt} files cannot be uploaded; send {ACCEPTED_TEXT}"
        )
    with path.open("rb") as handle:
        compressed = handle.read(2) == GZIP_MAGIC
    if fmt != "video" and compressed:
        try:
            with gzip.open(path, "rb") as handle:
                handle.read(1)
        except (OSError, EOFError) as exc:
            raise InputFileError(
                f"{name} looks gzip-compressed but cannot be unpacked ({exc})"
            ) from None
    return fmt


async def receive_upload(
    chunks: AsyncIterator[bytes], *, data_dir: Path, person_id: int, name: str, max_bytes: int,
    declared_bytes: int | None = None,
) -> StoredUpload:  # fmt: skip
    """Stream ``chunks`` into the person's upload folder, refusing more than ``max_bytes``
    (before reading when ``declared_bytes``, the Content-Length, says so), then keep the file
    under a suffix matching its content. Nothing is left behind when it is refused."""
    label = clean_file_name(name)
    limit_mb = max_bytes / (1024 * 1024)
    too_large = f"{label} is larger than the {limit_mb:g} MB this server accepts"
    if declared_bytes is not None and declared_bytes > max_bytes:
        raise UploadTooLargeError(too_large)
    folder = upload_folder(data_dir, person_id)
    folder.mkdir(parents=True, exist_ok=True)
    upload_id = uuid.uuid4().hex
    incoming = folder / f"{upload_id}.incoming"
    size = 0
    with atomic_path(incoming) as temporary, temporary.open("wb") as handle:
        async for chunk in chunks:
            size += len(chunk)
            if size > max_bytes:
                raise UploadTooLargeError(too_large)
            handle.write(chunk)
    try:
        if size == 0:
            raise InputFileError(f"{label} is empty")
        fmt = sniff_format(incoming, label)
        with incoming.open("rb") as handle:
            final = folder / f"{upload_id}{_suffix(fmt, handle.read(12))}"
        os.replace(incoming, final)
    finally:
        incoming.unlink(missing_ok=True)
    return StoredUpload(
        file=final.relative_to(data_dir).as_posix(), name=label, format=fmt, size_bytes=size
    )
