"""Live recording, driven by a video file opened the way a camera is."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kinesense.capture.live import record_camera
from kinesense.errors import InputFileError
from kinesense.series import load_series
from tests.conftest import shared_file


@pytest.mark.slow
def test_record_follows_the_person_with_increasing_clock_times(shared_data: Path) -> None:
    video = shared_file(shared_data, "video/pose2sim_balancing_cam01.mp4")
    seen: list[bool] = []
    series = record_camera(
        str(video), duration_s=60, on_frame=lambda frame, det: seen.append(det is not None)
    )
    assert len(series) == 100  # the "camera" ran out of frames before the minute was over
    assert seen == list(series.detected)
    assert series.n_detected >= 95
    assert np.all(np.diff(series.time_s) > 0)
    assert series.provenance.reader == "camera"
    assert series.provenance.resolution == (1080, 1920)
    assert series.frame_rate_hz > 0


def test_missing_camera_is_a_clear_error() -> None:
    with pytest.raises(InputFileError, match="cannot open camera 9"):
        record_camera(9, duration_s=1)


def test_duration_must_be_positive() -> None:
    with pytest.raises(ValueError, match="duration_s"):
        record_camera(0, duration_s=0)


@pytest.mark.slow
def test_record_command(shared_data: Path, tmp_path: Path) -> None:
    video = shared_file(shared_data, "video/pose2sim_balancing_cam01.mp4")
    out = tmp_path / "live.npz"
    result = subprocess.run(
        [
            *(sys.executable, "-m", "kinesense.cli", "record"),
            *("--camera", str(video), "-s", "30", "-o", str(out), "--json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["frames"] == 100
    assert len(load_series(out)) == 100
