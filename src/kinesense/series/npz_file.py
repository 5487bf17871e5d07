"""Reading a kinesense ``.npz`` series file that may be damaged or hostile, within bounds.

A ``.npz`` is a zip of ``.npy`` arrays; numpy's own loader trusts each array's header and
allocates the shape it announces, and the ``__meta__`` JSON it holds may be anything. Here:

* the zip's directory is checked before :mod:`zipfile` reads it, every member must be a
  ``.npy`` whose header (numpy format 1.0 or 2.0, NEP 1) announces a plain numeric or boolean
  dtype and exactly as many bytes as the member unpacks to, within :data:`MAX_ARRAY_BYTES`;
* data are streamed with a cap, never trusting the sizes announced;
* ``__meta__`` is bounded JSON (:mod:`kinesense.safe_json`) validated by a pydantic model per
  series kind (:class:`PoseMeta`, :class:`MotionMeta`, :class:`CopMeta`, :class:`HeadMeta`).

Every problem is one :class:`~kinesense.errors.InputFileError` naming the file and the field.
"""

import math
import tokenize
import zipfile
import zlib
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kinesense._checks import ZIP_ERRORS, check_input_file, check_zip_directory, read_capped
from kinesense.errors import InputFileError
from kinesense.safe_json import loads_bounded
from kinesense.series.provenance import CAMERA_VIEWS
from kinesense.validation_errors import Wording, one_line, raw_message

MAX_MEMBERS = 16
"""A series file holds at most 6 arrays."""
MAX_ARRAY_BYTES = 512 * 1024 * 1024
"""Largest total of unpacked array data (512 MiB: hours of landmarks at 30 frames/s)."""
MAX_META_BYTES = 4 * 1024 * 1024
"""Largest ``__meta__`` (provenance details included)."""
MAX_HEADER_BYTES = 10_000
"""Largest ``.npy`` header (numpy's own default)."""
ARRAY_KINDS = "biuf"
"""Dtype kinds accepted: bool, signed and unsigned integers, floats (no objects, no strings)."""

Text = Annotated[str, Field(max_length=10_000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class ProvenanceMeta(BaseModel):
    """``__meta__["provenance"]``: see :class:`kinesense.series.Provenance`."""

    model_config = ConfigDict(extra="ignore")

    source: Text = ""
    reader: Text = ""
    model: Text = ""
    resolution: tuple[Annotated[int, Field(ge=1, le=100_000)], ...] | None = None
    camera_view: Literal[CAMERA_VIEWS] = "unknown"  # type: ignore[valid-type]
    details: dict[str, Any] = Field(default_factory=dict)

    @field_validator("resolution")
    @classmethod
    def _two_sizes(cls, value: tuple[int, ...] | None) -> tuple[int, ...] | None:
        if value is not None and len(value) != 2:
            raise ValueError("must be [width, height] in pixels")
        return value


class SeriesMeta(BaseModel):
    """What every ``__meta__`` holds."""

    model_config = ConfigDict(extra="ignore")

    format: Literal["kinesense-series"]
    format_version: Annotated[int, Field(ge=1)]
    kind: Literal["pose", "motion", "cop", "head"]
    provenance: ProvenanceMeta = Field(default_factory=ProvenanceMeta)


class PoseMeta(SeriesMeta):
    """``__meta__`` of a pose series."""

    landmark_names: Annotated[list[Name], Field(min_length=1, max_length=1000)]
    frame_rate_hz: Annotated[float, Field(ge=0, le=1e6, allow_inf_nan=False)]
    world_up: tuple[float, float, float]

    @field_validator("world_up")
    @classmethod
    def _unit(cls, value: tuple[float, float, float]) -> tuple[float, float, float]:
        norm = math.sqrt(sum(v * v for v in value))
        if not math.isfinite(norm) or abs(norm - 1.0) > 1e-6:
            raise ValueError("must be a unit 3-vector")
        return value


class MotionMeta(SeriesMeta):
    """``__meta__`` of a motion (IMU) series."""

    mag_unit: Annotated[str, Field(max_length=20)]
    placement: Annotated[str, Field(max_length=200)]


class CopMeta(SeriesMeta):
    """``__meta__`` of a centre-of-pressure series."""

    axes: tuple[Text, Text]


class HeadMeta(SeriesMeta):
    """``__meta__`` of a head-orientation series."""

    frame_rate_hz: Annotated[float, Field(ge=0, le=1e6, allow_inf_nan=False)]


META_MODELS: dict[str, type[SeriesMeta]] = {
    "pose": PoseMeta,
    "motion": MotionMeta,
    "cop": CopMeta,
    "head": HeadMeta,
}
META_WORDING = Wording(
    field="{origin}: __meta__ field {path!r}: ",
    top_level="{origin}: __meta__ field '(top)': ",
    dotted=True,
    message=raw_message,
    more=" (and {count} more problems)",
)
"""A series file's metadata refused: ``FILE: __meta__ field 'fps': message (and N more
problems)``."""


def read_npz(path: str | Path) -> tuple[Path, dict[str, NDArray[Any]]]:
    """The arrays of a ``.npz`` (names without ``.npy``), read within bounds.

    Raises:
        InputFileError: not a zip, a member that is not a plain ``.npy`` array, sizes beyond
            the caps or inconsistent with the array headers.
    """
    source = check_input_file(path, "series file")
    check_zip_directory(source, "series file", max_entries=MAX_MEMBERS, max_bytes=64 * 1024)
    arrays: dict[str, NDArray[Any]] = {}
    total = 0
    try:
        with zipfile.ZipFile(source) as archive:
            for info in archive.infolist():
                if not info.filename.endswith(".npy"):
                    raise InputFileError(
                        f"{source} is not a kinesense series file (member {info.filename!r})"
                    )
                total += info.file_size
                if total > MAX_ARRAY_BYTES:
                    raise InputFileError(
                        f"{source} unpacks to more than {MAX_ARRAY_BYTES >> 20} MiB of arrays, "
                        "more than kinesense reads"
                    )
                with archive.open(info) as stream:
                    name = info.filename[: -len(".npy")]
                    arrays[name] = _read_array(stream, info.file_size, f"{source}:{name}")
    except ZIP_ERRORS as exc:
        raise InputFileError(f"{source} is not a kinesense series file ({exc})") from exc
    return source, arrays


def _read_array(stream: Any, member_bytes: int, label: str) -> NDArray[Any]:
    fmt = np.lib.format
    try:
        version = fmt.read_magic(stream)
        reader = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
        shape, fortran, dtype = reader(stream, max_header_size=MAX_HEADER_BYTES)
        header_bytes = stream.tell()
    except (
        ValueError,
        TypeError,
        SyntaxError,
        OSError,
        EOFError,
        tokenize.TokenError,
        RecursionError,
        MemoryError,
        zlib.error,
    ) as exc:  # what numpy's header parser (tokenize, ast.literal_eval) raises on damage
        reason = " ".join(str(exc).split())[:120]
        raise InputFileError(f"{label} is not a numpy array ({reason})") from None
    if dtype.kind not in ARRAY_KINDS or dtype.hasobject or dtype.fields is not None:
        raise InputFileError(f"{label} holds {dtype} values; a series holds numbers only")
    count = math.prod(shape)
    nbytes = count * dtype.itemsize
    if header_bytes + nbytes != member_bytes:
        raise InputFileError(
            f"{label} announces shape {shape} ({nbytes} bytes) but holds "
            f"{member_bytes - header_bytes} bytes of data: the file is damaged"
        )
    data = read_capped(stream, nbytes, label, "the array")
    if len(data) != nbytes:
        raise InputFileError(f"{label} is truncated: the file is damaged")
    array = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")
    return array.astype(dtype.newbyteorder("="), copy=True)


def parse_meta(raw: NDArray[Any] | None, source: Path) -> SeriesMeta:
    """The validated ``__meta__`` of a series file.

    Raises:
        InputFileError: missing, not JSON, not a kinesense series, written by a newer
            kinesense, an unknown kind, or a field of the wrong type (named).
    """
    if raw is None:
        raise InputFileError(f"{source} is a numpy archive but not a kinesense series")
    if raw.dtype != np.uint8 or raw.ndim != 1 or raw.size > MAX_META_BYTES:
        raise InputFileError(f"{source}: __meta__ is not UTF-8 JSON text")
    data = loads_bounded(raw.tobytes(), f"{source}: __meta__", max_depth=32)
    if not isinstance(data, dict) or data.get("format") != "kinesense-series":
        raise InputFileError(f"{source} is not a kinesense series file")
    version = data.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > 1:
        raise InputFileError(
            f"{source} was written by a newer kinesense (format {version}); "
            "upgrade kinesense to read it"
        )
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in META_MODELS:
        shown = repr(kind)[:40]
        raise InputFileError(
            f"{source} holds an unknown series kind {shown}; expected pose, motion, cop or head"
        )
    try:
        return META_MODELS[kind].model_validate(data)
    except ValidationError as exc:
        raise InputFileError(one_line(exc, str(source), META_WORDING)) from None
