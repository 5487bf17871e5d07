"""Bounded JSON: nesting measured before parsing, size capped, every problem one line."""

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kinesense.errors import DataFileError, InputFileError
from kinesense.safe_json import load_json_file, loads_bounded, nesting_depth


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ("[]", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('["[[[[", "{{{{", "\\"[["]', 1),  # brackets inside strings, escaped quotes
        ("[[1], [2], [[3]]]", 3),
        ("", 0),
    ],
)
def test_nesting_depth_by_hand(text: str, depth: int) -> None:
    assert nesting_depth(text.encode()) == depth


def test_depth_agrees_with_a_recursive_count_on_a_real_openpose_frame(shared_data: Path) -> None:
    path = shared_data / "keypoints" / "pose2sim_balancing_cam01_openpose" / "cam01.0000.json"
    if not path.exists():
        pytest.skip("OpenPose frame absent")

    def depth(value: object) -> int:
        if isinstance(value, dict):
            return 1 + max((depth(v) for v in value.values()), default=0)
        if isinstance(value, list):
            return 1 + max((depth(v) for v in value), default=0)
        return 0

    raw = path.read_bytes()
    assert nesting_depth(raw) == depth(json.loads(raw)) == 4
    assert load_json_file(path) == json.loads(raw)


def refused_fast(
    read: Callable[[Path], Any], path: Path, levels: int, match: str, seconds: float
) -> None:
    """``read`` refuses a file of ``levels`` nested lists with one line matching ``match``,
    within ``seconds``."""
    path.write_text("[" * levels + "]" * levels)
    started = time.monotonic()
    with pytest.raises(InputFileError, match=match):
        read(path)
    assert time.monotonic() - started < seconds


def test_a_deeply_nested_file_is_one_line_not_a_recursion_error(tmp_path: Path) -> None:
    refused_fast(
        load_json_file, tmp_path / "result.json", 1_000_000,
        r"nests deeper than 64 levels \(1000000\)", 5,
    )  # fmt: skip
    with pytest.raises(DataFileError, match="nests deeper than 3 levels"):
        loads_bounded("[[[[1]]]]", "x.json", max_depth=3, error=DataFileError)
    assert loads_bounded("[[[[1]]]]", "x.json", max_depth=4) == [[[[1]]]]


def test_plain_json_loads_recursion_for_reference() -> None:
    """What the cap protects from: the standard parser fails with a RecursionError."""
    with pytest.raises(RecursionError):
        json.loads("[" * (sys.getrecursionlimit() * 100) + "]" * (sys.getrecursionlimit() * 100))


def test_size_cap_names_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"people": [0] * 1000}))
    with pytest.raises(InputFileError, match=r"larger than the 0\.000953674 MiB"):
        load_json_file(path, max_bytes=1000)
    assert load_json_file(path, max_bytes=10_000)["people"][0] == 0


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{", "not valid JSON"),
        (b"\xff\xfe\x00", "not valid JSON"),
        (b"1" * 5000, "not valid JSON"),  # beyond Python's 4300-digit integer limit
        (b'{"a": NaN}', "holds NaN"),
    ],
)
def test_bad_content_is_one_line(tmp_path: Path, raw: bytes, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(raw)
    with pytest.raises(InputFileError, match=message) as caught:
        load_json_file(path, allow_nan=False)
    assert "\n" not in str(caught.value)


def test_nan_is_accepted_unless_refused() -> None:
    value = loads_bounded('{"a": NaN}', "x.json")
    assert value["a"] != value["a"]


def test_fifo_and_missing_files(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(InputFileError, match="FIFO"):
        load_json_file(fifo)
    with pytest.raises(InputFileError, match="not found"):
        load_json_file(tmp_path / "absent.json")
