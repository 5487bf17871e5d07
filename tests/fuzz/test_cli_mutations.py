"""``kinesense info`` on damaged copies of real files: exit 0 (still valid) or 2 with one line
on stderr, within 10 s and 1 GB of memory (peak resident size of the command and the processes
it waited for, from ``wait4``), never a traceback, a crash or a hang.
"""

import json
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.fuzz.seeds import SHARED, mutate, seeds, write_input

if not SHARED.is_dir():
    pytest.skip("real recordings absent", allow_module_level=True)

TIME_LIMIT_S = 10.0
MEMORY_LIMIT_KB = 1024 * 1024
SEEDS = seeds()
MUTANTS = 3
C3D_CRASHERS = [(550, 0x80), (879, 0xFF), (900, 0x80), (538, 0xD6)]
"""Byte changes of the small C3D that crash ezc3d (the first three) or make it allocate past
12 GB (the last) when it runs in-process (see tests/capture/readers/test_c3d_bounds.py)."""


MEASURE = """
import json, resource, subprocess, sys, time
started = time.monotonic()
try:
    done = subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, timeout=float(sys.argv[1]))
    code, stderr = done.returncode, done.stderr.decode("utf-8", "replace")
except subprocess.TimeoutExpired:
    code, stderr = None, "timed out"
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps([code, stderr, time.monotonic() - started, peak]))
"""
"""Runs a command and reports its exit code, stderr, seconds and the peak resident size (kB)
of it and its descendants. A small process of its own starts the command, because a child's
``ru_maxrss`` includes the resident size of the process it was forked from (here pytest)."""


def run_info(path: Path, folder: Path) -> tuple[int, str, float, int]:
    """Exit code, stderr, seconds and peak resident kB of ``kinesense info PATH``."""
    command = [sys.executable, "-m", "kinesense.cli", "info", str(path)]
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(TIME_LIMIT_S), *command],
        capture_output=True, text=True, cwd=folder, timeout=TIME_LIMIT_S + 30, check=True,
    )  # fmt: skip
    code, stderr, elapsed, peak_kb = json.loads(done.stdout)
    if code is None:
        pytest.fail(f"kinesense info {path.name} ran longer than {TIME_LIMIT_S} s")
    return int(code), str(stderr), float(elapsed), int(peak_kb)


def assert_clean(path: Path, folder: Path, *, must_fail: bool = False) -> str:
    code, stderr, elapsed, peak_kb = run_info(path, folder)
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert code in ((2,) if must_fail else (0, 2)), stderr
    if code == 2:
        assert len(lines) == 1, stderr
        assert lines[0].startswith("error: ")
    assert elapsed < TIME_LIMIT_S
    assert peak_kb < MEMORY_LIMIT_KB, f"{peak_kb} kB"
    return lines[0] if lines else ""


CASES = [(fmt, i) for fmt in SEEDS for i in range(MUTANTS)]


@pytest.mark.parametrize(("fmt", "index"), CASES, ids=[f"{f}-{i}" for f, i in CASES])
def test_mutated_files(fmt: str, index: int, tmp_path: Path) -> None:
    name, seed = SEEDS[fmt]
    data = mutate(seed, random.Random(1000 * index + len(fmt)), edits=2 + index)
    assert_clean(write_input(fmt, name, data, tmp_path), tmp_path)


@pytest.mark.parametrize(("offset", "value"), C3D_CRASHERS)
def test_c3d_files_that_crash_or_exhaust_the_parser(
    tmp_path: Path, offset: int, value: int
) -> None:
    data = bytearray(SEEDS["c3d"][1])
    data[offset] = value
    path = tmp_path / "damaged.c3d"
    path.write_bytes(bytes(data))
    line = assert_clean(path, tmp_path, must_fail=True)
    assert "C3D" in line


def test_truncated_c3d(tmp_path: Path) -> None:
    c3d = tmp_path / "cut.c3d"
    c3d.write_bytes(SEEDS["c3d"][1][:5573])
    assert "is truncated" in assert_clean(c3d, tmp_path, must_fail=True)


def test_bombs_and_special_files(tmp_path: Path) -> None:
    """A 2-MB zip whose member unpacks to 2.2 GB, a header with 400k trailing commas (over 60 s
    before), a deeply nested JSON frame, a FIFO (which blocked) and /dev/zero."""
    bomb = tmp_path / "phone.zip"
    with (
        zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
        zf.open("Accelerometer.csv", "w", force_zip64=True) as member,
    ):
        member.write(b"time,seconds_elapsed,z,y,x\n")
        block = b"0" * (1 << 24)
        for _ in range(132):  # 2.2 GB of zeros, about 2 MB packed
            member.write(block)
    assert "larger than the 128 MiB" in assert_clean(bomb, tmp_path, must_fail=True)
    wide = tmp_path / "wide.csv"  # the empty cells are trimmed, in linear time
    wide.write_text("Time,CoPx,CoPy" + "," * 400_000 + "\n0,0,0\n")
    assert assert_clean(wide, tmp_path) == ""
    frames = write_input("openpose", "cam01.0001.json", b"[" * 500_000, tmp_path / "deep")
    assert "nests deeper" in assert_clean(frames, tmp_path, must_fail=True)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert "FIFO" in assert_clean(fifo, tmp_path, must_fail=True)
    if Path("/dev/zero").exists():
        assert "device" in assert_clean(Path("/dev/zero"), tmp_path, must_fail=True)
