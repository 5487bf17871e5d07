"""The claims of a C3D file's header, checked against the file's size before any parsing.

Layout (C3D.ORG, "The C3D File Format User Guide", Motion Lab Systems 2008, chapters 2-3): a
file is a sequence of 512-byte blocks. Block 1 is the header, whose 16-bit words (1-based) are:

====  ========================================================================================
word  meaning
====  ========================================================================================
1     low byte: block number of the first parameter block; high byte: ``0x50`` (the key)
2     number of 3D points per frame
3     number of analog measurements per 3D frame (channels x samples per frame)
4, 5  first and last frame numbers (1-based)
6     largest interpolation gap
7-8   scale factor (32-bit float); negative means the data are stored as floats
9     block number where the 3D and analog data start
10    analog samples per 3D frame
11-12 3D frame rate (32-bit float, Hz)
====  ========================================================================================

The parameter section starts with 4 bytes: (reserved), ``0x50``, the number of parameter
blocks, and the processor type: 84 Intel (little-endian IEEE floats), 85 DEC (little-endian
words, VAX floats: word-swapped and 4 times the IEEE value), 86 MIPS (big-endian IEEE).
Each 3D frame holds, per point, X, Y, Z and a residual/camera word, then the analog samples:
``(4 x points + analogs)`` values of 2 bytes (integers) or 4 bytes (floats).

:func:`read_c3d_header` refuses a file whose claims cannot hold (a parameter section or data
block past the end of the file, an unknown processor, a count of frames the file is too short
to contain) with a one-line error, so that the parser never sees it.
"""

import math
import struct
from dataclasses import dataclass
from pathlib import Path

from kinesense._checks import check_input_file
from kinesense.errors import ImplausibleRecordingError, InputFileError

BLOCK_BYTES = 512
C3D_KEY = 0x50
PROCESSORS = {84: "intel", 85: "dec", 86: "mips"}


@dataclass(frozen=True)
class C3DHeader:
    """What the header and the parameter-section prefix of a C3D file announce.

    Attributes:
        parameter_block, data_block: 1-based block numbers of the parameters and the data.
        parameter_blocks: number of parameter blocks.
        processor: ``"intel"``, ``"dec"`` or ``"mips"``.
        points: 3D points per frame.
        analogs_per_frame: analog measurements per 3D frame (all channels).
        first_frame, last_frame: 1-based frame numbers.
        scale: the scale factor (negative: float storage).
        frame_rate_hz: the 3D frame rate.
        file_bytes: the size of the file.
    """

    parameter_block: int
    data_block: int
    parameter_blocks: int
    processor: str
    points: int
    analogs_per_frame: int
    first_frame: int
    last_frame: int
    scale: float
    frame_rate_hz: float
    file_bytes: int

    @property
    def frames(self) -> int:
        """Number of 3D frames announced (the header's 16-bit count; C3D files longer than
        65,535 frames keep the real count in their parameters)."""
        return max(0, self.last_frame - self.first_frame + 1)

    @property
    def value_bytes(self) -> int:
        """Bytes per stored value: 4 for float storage, 2 for integers."""
        return 4 if self.scale < 0 else 2

    @property
    def frame_bytes(self) -> int:
        """Bytes of one 3D frame with its analog samples."""
        return (4 * self.points + self.analogs_per_frame) * self.value_bytes

    @property
    def data_offset(self) -> int:
        """Byte offset of the first frame."""
        return (self.data_block - 1) * BLOCK_BYTES

    @property
    def complete_frames(self) -> int:
        """Frames the file is long enough to hold entirely."""
        room = self.file_bytes - self.data_offset
        return max(0, room // self.frame_bytes) if self.frame_bytes else 0


def _float(raw: bytes, processor: str) -> float:
    if processor == "mips":
        return float(struct.unpack(">f", raw)[0])
    if processor == "dec":
        swapped = raw[2:4] + raw[0:2]
        return float(struct.unpack("<f", swapped)[0]) / 4.0
    return float(struct.unpack("<f", raw)[0])


def read_c3d_header(path: str | Path) -> C3DHeader:
    """Read and check a C3D header (see the module docstring).

    Raises:
        InputFileError: not a C3D file, or a header whose claims do not fit the file.
        ImplausibleRecordingError: a truncated file (fewer complete frames than announced).
    """
    source = check_input_file(path, "C3D file")
    size = source.stat().st_size
    with source.open("rb") as handle:
        head = handle.read(BLOCK_BYTES)
        if len(head) < BLOCK_BYTES:
            raise InputFileError(
                f"{source} is not a C3D file: {len(head)} bytes, shorter than a C3D header"
            )
        if head[1] != C3D_KEY:
            raise InputFileError(f"{source} is not a C3D file: its second byte is not 0x50")
        parameter_block = head[0]
        if parameter_block < 2 or (parameter_block - 1) * BLOCK_BYTES + 4 > size:
            raise InputFileError(
                f"{source} is a damaged C3D file: its header puts the parameters at block "
                f"{parameter_block}, outside the file's {math.ceil(size / BLOCK_BYTES)} blocks"
            )
        handle.seek((parameter_block - 1) * BLOCK_BYTES)
        prefix = handle.read(4)
    if prefix[3] not in PROCESSORS:
        raise InputFileError(
            f"{source} is a damaged C3D file: processor type {prefix[3]} is none of 84 (Intel), "
            "85 (DEC), 86 (MIPS)"
        )
    processor = PROCESSORS[prefix[3]]
    order = ">" if processor == "mips" else "<"
    words = struct.unpack(f"{order}6H", head[2:14])
    points, analogs, first, last, _gap, _ = words
    scale = _float(head[12:16], processor)
    (data_block,) = struct.unpack(f"{order}H", head[16:18])
    rate = _float(head[20:24], processor)
    header = C3DHeader(
        parameter_block=parameter_block,
        data_block=data_block,
        parameter_blocks=prefix[2],
        processor=processor,
        points=points,
        analogs_per_frame=analogs,
        first_frame=first,
        last_frame=last,
        scale=scale,
        frame_rate_hz=rate,
        file_bytes=size,
    )
    _check_claims(header, str(source))
    return header


def _check_claims(header: C3DHeader, source: str) -> None:
    damaged = f"{source} is a damaged C3D file:"
    parameters_end = (header.parameter_block - 1 + header.parameter_blocks) * BLOCK_BYTES
    if header.parameter_blocks == 0 or parameters_end > header.file_bytes:
        raise InputFileError(
            f"{damaged} it announces {header.parameter_blocks} parameter blocks from block "
            f"{header.parameter_block}, past the end of the file"
        )
    if header.data_block <= header.parameter_block or header.data_offset > header.file_bytes:
        raise InputFileError(
            f"{damaged} its data block {header.data_block} is not after the parameters "
            f"(block {header.parameter_block}) and inside the file"
        )
    if not math.isfinite(header.scale) or header.scale == 0:
        raise InputFileError(f"{damaged} its scale factor {header.scale!r} is not usable")
    if not math.isfinite(header.frame_rate_hz) or not 0 <= header.frame_rate_hz <= 1e6:
        raise InputFileError(f"{damaged} its frame rate {header.frame_rate_hz!r} Hz is not usable")
    if header.points == 0:
        raise InputFileError(f"{source} holds no 3D points (its header announces 0)")
    if header.last_frame < header.first_frame:
        raise InputFileError(
            f"{damaged} its last frame {header.last_frame} comes before its first "
            f"{header.first_frame}"
        )
    if header.complete_frames < header.frames:
        raise ImplausibleRecordingError(
            f"{source} is truncated: its header announces {header.frames} frames but the file "
            f"holds {header.complete_frames} complete ones ({header.file_bytes} bytes); copy the "
            "whole file again from the recording system"
        )
