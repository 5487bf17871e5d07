"""The command line as a user meets it: real processes, real files, one-line errors."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import shared_file

KINESENSE = [sys.executable, "-m", "kinesense.cli"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KINESENSE, *args], capture_output=True, text=True, timeout=300, cwd=cwd, check=False
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def blank_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two seconds of a grey wall with noise: nobody in view."""
    import cv2

    path = tmp_path_factory.mktemp("clips") / "empty_room.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30.0, (320, 240))
    rng = np.random.default_rng(0)
    for _ in range(60):
        writer.write((128 + rng.integers(-10, 10, (240, 320, 3))).astype(np.uint8))
    writer.release()
    return path


def test_missing_file(tmp_path: Path) -> None:
    assert_one_line_error(run("extract", str(tmp_path / "nope.mp4")), "not found")


def test_folder_instead_of_video(tmp_path: Path) -> None:
    assert_one_line_error(run("extract", str(tmp_path)), "folder")


def test_text_file_named_like_a_video(tmp_path: Path) -> None:
    fake = tmp_path / "holiday.mp4"
    fake.write_text("this is not a video\n" * 100)
    assert_one_line_error(run("extract", str(fake)), "cannot open")


def test_corrupt_video(tmp_path: Path, shared_data: Path) -> None:
    real = shared_file(shared_data, "video/sports2d_walk_side.mp4").read_bytes()
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(real[:2048])
    result = run("extract", str(broken))
    assert_one_line_error(result, str(broken.name))


@pytest.mark.slow
def test_nobody_in_view(blank_video: Path, tmp_path: Path) -> None:
    assert_one_line_error(
        run("extract", str(blank_video), "-o", str(tmp_path / "o.npz")), "no person"
    )


def test_bad_model_name(tmp_path: Path, shared_data: Path) -> None:
    video = shared_file(shared_data, "video/pose2sim_balancing_cam01.mp4")
    assert_one_line_error(run("extract", str(video), "--model", "huge"), "pose model")


def test_csv_with_wrong_columns(tmp_path: Path) -> None:
    bad = tmp_path / "plate.csv"
    bad.write_text("when,left,right\n0,1,2\n1,2,3\n")
    result = run("info", str(bad))
    assert_one_line_error(result, "plate.csv")


@pytest.mark.slow
def test_extract_json_and_saved_series(tmp_path: Path, shared_data: Path) -> None:
    video = shared_file(shared_data, "video/pose2sim_balancing_cam01.mp4")
    out = tmp_path / "pose.npz"
    result = run("extract", str(video), "-o", str(out), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["frames"] == 100
    assert summary["detected_frames"] >= 95
    assert summary["duration_s"] == pytest.approx(100 / 60, abs=1e-3)
    assert summary["processing_fps"] > 0
    assert summary["output"] == str(out)
    info = run("info", str(out), "--json")
    assert info.returncode == 0, info.stderr
    described = json.loads(info.stdout)
    assert described["format"] == "series"
    assert described["kind"] == "pose"
    assert described["samples"] == 100
    assert described["model"] == "blazepose-full"


def test_info_on_a_video(shared_data: Path) -> None:
    video = shared_file(shared_data, "video/sports2d_walk_side.mp4")
    result = run("info", str(video), "--json")
    assert result.returncode == 0, result.stderr
    described = json.loads(result.stdout)
    assert (described["width"], described["height"]) == (1280, 720)
    assert described["fps"] == pytest.approx(30.0)
    assert described["frames"] == 401


def test_help_explains_commands() -> None:
    result = run("extract", "--help")
    assert result.returncode == 0
    assert "--workers" in result.stdout
    assert "--json" in result.stdout
