"""A ``--model FILE.task`` that is not a pose model: one line, before MediaPipe sees it."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kinesense.capture.models import POSE_BUNDLE_MEMBERS, check_pose_bundle, model_file
from kinesense.errors import InputFileError
from tests.conftest import shared_file


def test_the_shipped_bundles_pass() -> None:
    for name in ("full", "lite"):
        assert check_pose_bundle(model_file(name)) == model_file(name)


def bundle(tmp_path: Path, members: dict[str, bytes]) -> Path:
    path = tmp_path / "model.task"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    "content",
    [
        b"this is not a model",
        {"readme.txt": b"hi"},
        dict.fromkeys(POSE_BUNDLE_MEMBERS, b"\0\0\0\0NOPE"),
        {POSE_BUNDLE_MEMBERS[0]: b"\x1c\0\0\0TFL3"},
    ],
    ids=["text", "other zip", "not tflite", "one model only"],
)
def test_files_that_are_not_pose_bundles(tmp_path: Path, content: bytes | dict[str, bytes]) -> None:
    if isinstance(content, bytes):
        path = tmp_path / "model.task"
        path.write_bytes(content)
    else:
        path = bundle(tmp_path, content)
    with pytest.raises(InputFileError, match="is not a pose model: a MediaPipe pose landmarker"):
        model_file(str(path))


def test_extract_with_a_bad_model_prints_one_line(tmp_path: Path, shared_data: Path) -> None:
    video = shared_file(shared_data, "video/pose2sim_balancing_cam01.mp4")
    bad = tmp_path / "bad.task"
    bad.write_text("not a model")
    done = subprocess.run(
        [sys.executable, "-m", "kinesense.cli", "extract", str(video), "--model", str(bad),
         "-o", str(tmp_path / "out.npz"), "--json"],
        capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert "is not a pose model" in lines[0]


def test_a_file_that_is_not_a_video_prints_one_line(tmp_path: Path) -> None:
    fake = tmp_path / "clip.mp4"
    fake.write_bytes(b"\0\0\0\x18ftypmp42" + bytes(range(256)) * 8)
    done = subprocess.run(
        [sys.executable, "-m", "kinesense.cli", "info", str(fake)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
