"""C3D files that are damaged: header claims checked against the size, the parser in a child
process with limits, every failure one line.

The mutations below were found by mutating ``tests/data/readers/pose2sim_30frames.c3d`` (a
valid 11,776-byte file) one byte at a time: read in-process by ezc3d 1.7.2, the first three
crash the process (SIGSEGV) and the fourth grows it past 12 GB in 52 s.
"""

import struct
import time
from pathlib import Path

import numpy as np
import pytest

from kinesense.capture.readers.c3d import parse_in_child, read_c3d
from kinesense.capture.readers.c3d_header import BLOCK_BYTES, read_c3d_header
from kinesense.capture.readers.trc import read_trc
from kinesense.errors import ImplausibleRecordingError, InputFileError
from tests.conftest import shared_file

pytest.importorskip("ezc3d")

SMALL_C3D = Path(__file__).resolve().parents[2] / "data" / "readers" / "pose2sim_30frames.c3d"
CRASHING = [(550, 0x80), (879, 0xFF), (900, 0x80)]
"""(offset, new byte) of mutations that make ezc3d crash (parameter dimension bytes)."""
MEMORY_BOMB = (538, 0xD6)
"""A parameter byte that makes ezc3d allocate without bound."""


def mutated(tmp_path: Path, offset: int, value: int, name: str = "m.c3d") -> Path:
    data = bytearray(SMALL_C3D.read_bytes())
    data[offset] = value
    path = tmp_path / name
    path.write_bytes(bytes(data))
    return path


def test_the_header_of_the_small_file_is_read_by_hand_values() -> None:
    header = read_c3d_header(SMALL_C3D)
    assert (header.parameter_block, header.data_block, header.parameter_blocks) == (2, 4, 2)
    assert (header.points, header.analogs_per_frame) == (21, 0)
    assert (header.first_frame, header.last_frame, header.frames) == (1, 30, 30)
    assert header.scale == -1.0
    assert header.value_bytes == 4
    assert header.frame_rate_hz == 60.0
    assert header.frame_bytes == 21 * 4 * 4
    assert header.data_offset == 3 * BLOCK_BYTES
    assert header.complete_frames == (11776 - 1536) // 336 == 30


def test_the_small_file_reads_like_the_trc_it_was_made_from(shared_data: Path) -> None:
    trc = read_trc(shared_file(shared_data, "keypoints/pose2sim_balancing_3d.trc"))
    c3d = read_c3d(SMALL_C3D, up_axis="+y")
    assert len(c3d) == 30
    # the file was written with first frame 0, the TRC starts at frame 1 (1/60 s)
    np.testing.assert_allclose(c3d.time_s + 1 / 60, trc.time_s[:30], atol=1e-9)
    np.testing.assert_allclose(c3d.world_xyz_m, trc.world_xyz_m[:30], atol=1e-6, equal_nan=True)


@pytest.mark.parametrize(("offset", "value"), CRASHING)
def test_a_parser_crash_is_one_line(tmp_path: Path, offset: int, value: int) -> None:
    path = mutated(tmp_path, offset, value)
    with pytest.raises(InputFileError, match=r"crashed on it \(signal SIGSEGV\)") as caught:
        read_c3d(path)
    assert "\n" not in str(caught.value)


def test_a_memory_bomb_stops_at_the_limit(tmp_path: Path) -> None:
    path = mutated(tmp_path, *MEMORY_BOMB)
    started = time.monotonic()
    with pytest.raises(InputFileError, match=r"needs more than \d+ MB of memory"):
        read_c3d(path)
    assert time.monotonic() - started < 10


def test_a_slow_parse_is_stopped_by_the_time_limit() -> None:
    with pytest.raises(InputFileError, match="took longer than 0 s"):
        parse_in_child(SMALL_C3D, SMALL_C3D.stat().st_size, timeout_s=0.001)


def test_a_truncated_file_is_refused_not_read_in_part(tmp_path: Path) -> None:
    path = tmp_path / "cut.c3d"
    path.write_bytes(SMALL_C3D.read_bytes()[: 1536 + 12 * 336 + 5])  # 12 whole frames of 30
    with pytest.raises(ImplausibleRecordingError, match="30 frames but the file holds 12"):
        read_c3d(path)


def _with_word(offset: int, fmt: str, value: float, tmp_path: Path) -> Path:
    data = bytearray(SMALL_C3D.read_bytes())
    struct.pack_into(fmt, data, offset, value)
    path = tmp_path / "h.c3d"
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("offset", "fmt", "value", "message"),
    [
        (0, "<B", 40, "puts the parameters at block 40, outside"),
        (1, "<B", 0x51, "second byte is not 0x50"),
        (512 + 3, "<B", 99, "processor type 99"),
        (512 + 2, "<B", 60, "announces 60 parameter blocks"),
        (16, "<H", 2, "data block 2 is not after the parameters"),
        (16, "<H", 400, "data block 400 is not after the parameters"),
        (2, "<H", 0, "holds no 3D points"),
        (8, "<H", 0, "last frame 0 comes before its first 1"),
        (12, "<f", float("nan"), "scale factor"),
        (20, "<f", float("inf"), "frame rate"),
        (8, "<H", 31, "announces 31 frames but the file holds 30"),
        (2, "<H", 40, "announces 30 frames but the file holds 16"),
    ],
)
def test_header_claims_that_do_not_fit_the_file(
    tmp_path: Path, offset: int, fmt: str, value: float, message: str
) -> None:
    path = _with_word(offset, fmt, value, tmp_path)
    with pytest.raises(InputFileError, match=message):
        read_c3d_header(path)


def test_not_c3d_at_all(tmp_path: Path) -> None:
    short = tmp_path / "short.c3d"
    short.write_bytes(b"\x02\x50" + b"\0" * 100)
    with pytest.raises(InputFileError, match="shorter than a C3D header"):
        read_c3d(short)
