"""The sample analysis behind ``make run``."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kinesense.sample import analyse_pose, sample_video_path
from kinesense.series import PoseSeries, Provenance, load_series


def test_sample_video_is_installed() -> None:
    path = sample_video_path()
    assert path.is_file()
    assert path.stat().st_size > 100_000


def _standing_person(n: int, lean_deg: float) -> PoseSeries:
    """A stick figure whose trunk leans ``lean_deg`` to the image right, left foot lifted."""
    from kinesense.landmarks import LANDMARK_INDEX

    idx = LANDMARK_INDEX
    image = np.full((n, 33, 3), np.nan)
    width, height = 1000, 1000
    lean = np.radians(lean_deg)
    hips_y = 500.0
    for side, dx in (("left", 20.0), ("right", -20.0)):
        image[:, idx[f"{side}_hip"], :2] = (500 + dx, hips_y)
        # Shoulders 300 px up the trunk, tilted by the lean.
        image[:, idx[f"{side}_shoulder"], :2] = (
            500 + dx + 300 * np.sin(lean),
            hips_y - 300 * np.cos(lean),
        )
        image[:, idx[f"{side}_knee"], :2] = (500 + dx, 700)
        image[:, idx[f"{side}_ankle"], :2] = (500 + dx, 900 if side == "right" else 850)
    image[:, idx["nose"], :2] = (500, 150)
    image[..., :2] /= [width, height]
    image[..., 2] = 0.0
    visibility = np.where(np.isfinite(image[..., 0]), 1.0, 0.0)
    return PoseSeries(
        time_s=np.arange(n) / 30.0,
        image_xyz=image,
        world_xyz_m=np.full((n, 33, 3), np.nan),
        visibility=visibility,
        detected=np.ones(n, bool),
        frame_rate_hz=30.0,
        provenance=Provenance(resolution=(width, height)),
    )


def test_analysis_recovers_known_angles() -> None:
    report = analyse_pose(_standing_person(40, lean_deg=12.0))
    assert report["trunk_inclination_deg"]["mean"] == pytest.approx(12.0, abs=0.01)
    # Straight legs: hip, knee and ankle in a vertical line.
    assert report["right_knee_flexion_deg"]["max"] == pytest.approx(0.0, abs=0.01)
    assert report["lifted_foot"] == "left"
    assert report["lifted_foot_share"] == 1.0


@pytest.mark.slow
def test_make_run_sample_end_to_end(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kinesense.cli", "sample", "--json", "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["extraction"]["frames"] == 100
    assert report["extraction"]["detected_frames"] >= 95
    saved = load_series(tmp_path / "sample_pose.npz")
    assert isinstance(saved, PoseSeries)
    assert len(saved) == 100
    # Single-leg balancing: one foot is off the ground for most of the clip.
    assert report["analysis"]["lifted_foot_share"] > 0.5
