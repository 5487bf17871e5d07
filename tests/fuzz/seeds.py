"""Small valid files for each reader, cut from the real recordings in ../shared/data, and
deterministic ways to damage them; shared by the hypothesis tests, the command-line test and
``scripts/fuzz_readers.py`` (which seeds its corpus with them).

Each seed is (file name, bytes): a file's name tells the reader (``.c3d``, ``.trc``,
``.npz``, ``.csv``), an OpenPose seed is one frame's JSON (the reader gets a folder holding it
and a valid second frame).
"""

import gzip
import random
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[2]
SHARED = PROJECT.parent / "shared" / "data"
SMALL_C3D = PROJECT / "tests" / "data" / "readers" / "pose2sim_30frames.c3d"
OPENPOSE_DIR = SHARED / "keypoints" / "pose2sim_balancing_cam01_openpose"
OPENPOSE_VIDEO = SHARED / "video" / "pose2sim_balancing_cam01.mp4"
FORMATS = ("c3d", "cop-csv", "imu-csv", "trc", "openpose", "npz")
OPENPOSE_RESOLUTION = (1080, 1920)


def _lines(path: Path, count: int) -> bytes:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return b"\n".join(raw.splitlines()[:count]) + b"\n"


def _npz_seed() -> bytes:
    """The first 10 frames of the Pose2Sim keypoints saved as a kinesense series."""
    from kinesense.capture.readers import read_trc

    series = read_trc(SHARED / "keypoints" / "pose2sim_balancing_3d.trc").take(slice(0, 10))
    with tempfile.TemporaryDirectory() as folder:
        return series.save(Path(folder) / "pose.npz").read_bytes()


def seeds(rows: int = 200) -> dict[str, tuple[str, bytes]]:
    """format -> (file name, bytes) of one small valid file per reader; text tables keep about
    ``rows`` rows (the TRC ``rows / 8`` frames, its rows being long)."""
    return {
        "c3d": ("trial.c3d", SMALL_C3D.read_bytes()),
        "cop-csv": ("plate.csv", _lines(SHARED / "cop" / "eyesOpen_1.csv.gz", rows)),
        "imu-csv": ("imu.txt", _lines(SHARED / "imu/uci_s1/e1/u5/test.txt.gz", rows)),
        "trc": ("trial.trc", _lines(SHARED / "keypoints/pose2sim_balancing_3d.trc", 5 + rows // 8)),
        "openpose": ("cam01.0001.json", (OPENPOSE_DIR / "cam01.0001.json").read_bytes()),
        "npz": ("pose.npz", _npz_seed()),
    }  # fmt: skip


def readers() -> dict[str, Callable[[Path], Any]]:
    """format -> the reader it exercises (imported on the call, so that a fuzzer can instrument
    kinesense's modules before they load)."""
    from kinesense.capture.readers import (
        read_c3d,
        read_cop_csv,
        read_imu_csv,
        read_openpose,
        read_trc,
    )
    from kinesense.series import load_series

    return {
        "c3d": read_c3d,
        "cop-csv": read_cop_csv,
        "imu-csv": read_imu_csv,
        "trc": read_trc,
        "openpose": lambda folder: read_openpose(folder, resolution=OPENPOSE_RESOLUTION),
        "npz": load_series,
    }


def mutate(data: bytes, rng: random.Random, edits: int = 3) -> bytes:
    """``data`` with a few random edits: byte changes (to 0, 0xFF, 0x80, 0x7F or random),
    insertions, deletions, a duplicated chunk or a truncation."""
    out = bytearray(data)
    for _ in range(edits):
        if not out:
            out.append(rng.randrange(256))
        kind = rng.choice(("set", "set", "set", "insert", "delete", "repeat", "truncate"))
        at = rng.randrange(len(out))
        if kind == "set":
            out[at] = rng.choice((0, 0xFF, 0x80, 0x7F, rng.randrange(256)))
        elif kind == "insert":
            out[at:at] = bytes(rng.choice((b",", b"\t", b"\n", b"[", b"-", b"e9", b"nan")))
        elif kind == "delete":
            del out[at : at + rng.randrange(1, 16)]
        elif kind == "repeat":
            chunk = out[at : at + rng.randrange(1, 64)]
            out[at:at] = chunk * rng.randrange(2, 50)
        else:
            del out[at:]
    return bytes(out)


def write_input(fmt: str, name: str, data: bytes, folder: Path) -> Path:
    """Write ``data`` where its reader expects it; return the path to give the reader (for
    OpenPose, a folder ``cam01_json`` holding the file and a valid first frame, beside a link
    to the video it was made from, which gives the image size)."""
    folder.mkdir(parents=True, exist_ok=True)
    if fmt != "openpose":
        path = folder / name
        path.write_bytes(data)
        return path
    frames = folder / "cam01_json"
    frames.mkdir(exist_ok=True)
    video = folder / "cam01.mp4"
    if not video.exists() and OPENPOSE_VIDEO.exists():
        video.symlink_to(OPENPOSE_VIDEO)
    (frames / "cam01.0000.json").write_bytes((OPENPOSE_DIR / "cam01.0000.json").read_bytes())
    (frames / name).write_bytes(data)
    return frames
