"""Damaged or hostile ``.npz`` series files: every problem one InputFileError naming the file
and the field, nothing allocated from an array header's claims.

Each case starts from a real saved series (the Pose2Sim TRC keypoints, or a force-plate trial)
and changes one thing in the file.
"""

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kinesense.capture.readers import read_cop_csv, read_trc
from kinesense.errors import InputFileError
from kinesense.series import load_series
from tests.conftest import shared_file

Meta = dict[str, Any]


@pytest.fixture
def pose_npz(shared_data: Path, tmp_path: Path) -> Path:
    series = read_trc(shared_file(shared_data, "keypoints/pose2sim_balancing_3d.trc"))
    return series.save(tmp_path / "pose.npz")


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rewrite(path: Path, changed: dict[str, bytes | None], name: str = "changed.npz") -> Path:
    """A copy of the zip at ``path`` with members replaced (None removes one)."""
    content = members(path) | changed
    target = path.with_name(name)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, data in content.items():
            if data is not None:
                archive.writestr(member, data)
    return target


def npy(array: np.ndarray, *, allow_pickle: bool = False) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def meta_bytes(meta: Any) -> bytes:
    return npy(np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))


def with_meta(path: Path, change: Callable[[Meta], Any]) -> Path:
    meta = json.loads(np.load(io.BytesIO(members(path)["__meta__.npy"])).tobytes())
    return rewrite(path, {"__meta__.npy": meta_bytes(change(meta))})


def test_the_saved_file_loads(pose_npz: Path) -> None:
    assert len(load_series(pose_npz)) == 100


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: [m], "is not a kinesense series file"),
        (lambda m: m | {"format": "other"}, "is not a kinesense series file"),
        (lambda m: m | {"format_version": 7}, r"newer kinesense \(format 7\)"),
        (lambda m: m | {"kind": "eeg"}, "unknown series kind 'eeg'"),
        (lambda m: m | {"kind": ["pose"]}, r"unknown series kind \['pose'\]"),
        (lambda m: m | {"frame_rate_hz": "fast"}, "field 'frame_rate_hz'"),
        (lambda m: m | {"frame_rate_hz": float("inf")}, "field 'frame_rate_hz'"),
        (lambda m: m | {"world_up": [0, 2, 0]}, "field 'world_up': Value error, must be a unit"),
        (lambda m: m | {"landmark_names": "nose"}, "field 'landmark_names'"),
        (lambda m: {k: v for k, v in m.items() if k != "world_up"}, "field 'world_up'"),
        (lambda m: m | {"provenance": {**m["provenance"], "camera_view": "ceiling"}},
         "field 'provenance.camera_view'"),
        (lambda m: m | {"provenance": {**m["provenance"], "resolution": [0, 5]}},
         "field 'provenance.resolution.0'"),
        (lambda m: m | {"provenance": {**m["provenance"], "details": [1]}},
         "field 'provenance.details'"),
        (lambda m: m | {"landmark_names": m["landmark_names"][:-1]},
         "damaged pose series: image_xyz must have shape"),
    ],
)  # fmt: skip
def test_bad_meta_is_one_line(pose_npz: Path, change: Callable[[Meta], Any], message: str) -> None:
    with pytest.raises(InputFileError, match=message) as caught:
        load_series(with_meta(pose_npz, change))
    text = str(caught.value)
    assert "\n" not in text
    assert "changed.npz" in text


def test_meta_missing_not_json_or_not_text(pose_npz: Path) -> None:
    with pytest.raises(InputFileError, match="numpy archive but not a kinesense series"):
        load_series(rewrite(pose_npz, {"__meta__.npy": None}))
    not_json = npy(np.frombuffer(b"{nope", dtype=np.uint8))
    with pytest.raises(InputFileError, match="__meta__ is not valid JSON"):
        load_series(rewrite(pose_npz, {"__meta__.npy": not_json}))
    with pytest.raises(InputFileError, match="__meta__ is not UTF-8 JSON text"):
        load_series(rewrite(pose_npz, {"__meta__.npy": npy(np.zeros(3))}))
    deep = npy(np.frombuffer(b"[" * 100 + b"]" * 100, dtype=np.uint8))
    with pytest.raises(InputFileError, match="nests deeper than 32 levels"):
        load_series(rewrite(pose_npz, {"__meta__.npy": deep}))


def test_arrays_inconsistent_with_the_meta(pose_npz: Path) -> None:
    arrays = {n: np.load(io.BytesIO(b)) for n, b in members(pose_npz).items()}
    time_s = arrays["time_s.npy"].copy()
    time_s[3] = np.inf
    with pytest.raises(InputFileError, match="time_s must hold finite seconds only"):
        load_series(rewrite(pose_npz, {"time_s.npy": npy(time_s)}))
    with pytest.raises(InputFileError, match="time_s must be strictly increasing"):
        load_series(rewrite(pose_npz, {"time_s.npy": npy(arrays["time_s.npy"][::-1].copy())}))
    with pytest.raises(InputFileError, match=r"array\(s\) visibility missing"):
        load_series(rewrite(pose_npz, {"visibility.npy": None}))
    with pytest.raises(
        InputFileError, match=r"visibility must have shape \(100, 33\); got \(99, 33\)"
    ):
        load_series(rewrite(pose_npz, {"visibility.npy": npy(arrays["visibility.npy"][1:])}))


def test_object_arrays_and_foreign_members_are_refused(pose_npz: Path) -> None:
    pickled = npy(np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(InputFileError, match="holds object values; a series holds numbers only"):
        load_series(rewrite(pose_npz, {"detected.npy": pickled}))
    with pytest.raises(InputFileError, match="holds <U3 values"):
        load_series(rewrite(pose_npz, {"detected.npy": npy(np.array(["abc"]))}))
    with pytest.raises(InputFileError, match=r"member 'notes\.txt'"):
        load_series(rewrite(pose_npz, {"notes.txt": b"hello"}))


def test_an_array_header_announcing_more_than_it_holds_allocates_nothing(pose_npz: Path) -> None:
    """A 1-TB shape announced with 8 bytes of data: refused from the header and the member's
    size, before anything is allocated."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**11,)}
    )
    bomb = header.getvalue() + b"\0" * 8
    with pytest.raises(InputFileError, match=r"announces shape \(100000000000,\)"):
        load_series(rewrite(pose_npz, {"time_s.npy": bomb}))
    with pytest.raises(InputFileError, match="time_s is not a numpy array"):
        load_series(rewrite(pose_npz, {"time_s.npy": b"\x93NUMPY\x01\x00garbage"}))


@pytest.mark.parametrize(
    "header",
    [
        b"{'descr': '<f8', 'fortran_order': False, 'shape': (3,",  # found by atheris
        b"{'descr': '<f8', 'fortran_order': False, 'shape': " + b"(" * 3000 + b")" * 3000 + b"}",
        b"{'descr': [('a', '<f8')] * 9, 'fortran_order': False, 'shape': (3,)}",
    ],
    ids=["unclosed", "deep", "expression"],
)
def test_damaged_array_headers_are_one_line(pose_npz: Path, header: bytes) -> None:
    """numpy's header parser raises tokenize.TokenError, RecursionError or SyntaxError on such
    headers; each is a one-line InputFileError."""
    padded = header + b" " * (-(len(header) + 11) % 64) + b"\n"
    raw = b"\x93NUMPY\x01\x00" + len(padded).to_bytes(2, "little") + padded + b"\0" * 24
    with pytest.raises(InputFileError, match="time_s is not a numpy array") as caught:
        load_series(rewrite(pose_npz, {"time_s.npy": raw}))
    assert "\n" not in str(caught.value)


def test_too_many_members_are_refused_from_the_zip_directory(pose_npz: Path) -> None:
    extra: dict[str, bytes | None] = {f"x{i}.npy": npy(np.zeros(1)) for i in range(20)}
    with pytest.raises(InputFileError, match="announces 26 members"):
        load_series(rewrite(pose_npz, extra))


def test_big_endian_arrays_read_as_numbers(shared_data: Path, tmp_path: Path) -> None:
    cop = read_cop_csv(shared_file(shared_data, "cop/eyesOpen_1.csv.gz"))
    path = cop.save(tmp_path / "cop.npz")
    big = npy(np.asarray(cop.cop_m, dtype=">f8"))
    loaded = load_series(rewrite(path, {"cop_m.npy": big}))
    np.testing.assert_array_equal(loaded.cop_m, cop.cop_m)


def test_a_member_name_that_is_not_utf8_is_one_line(pose_npz: Path) -> None:
    """Found by atheris: zipfile raises UnicodeDecodeError for a name flagged UTF-8 that is
    not (here 'é' = C3 A9 changed to CD 41 in both headers)."""
    named = rewrite(pose_npz, {"é.npy": npy(np.zeros(1))})
    broken = named.with_name("broken.npz")
    broken.write_bytes(named.read_bytes().replace(b"\xc3\xa9.npy", b"\xcd\x41.npy"))
    with pytest.raises(InputFileError, match=r"is not a kinesense series file .*utf-8") as caught:
        load_series(broken)
    assert "\n" not in str(caught.value)
