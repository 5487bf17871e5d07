"""``kinesense assess repositioning``: IMU and landmark files in, a result out, one-line errors."""

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from kinesense.cli import app
from tests.assess.test_orientation import (
    FLEXION_AXIS,
    TILTED_MOUNT,
    axis_angle_matrix,
    neutral_profile,
    synthetic_imu,
    trials_profile,
)
from tests.assess.test_repositioning import synthetic_side_pose
from tests.conftest import shared_file

runner = CliRunner()
REPRODUCED = [28.0, 33.0, 31.0, 26.0, 35.0, 30.5]


@pytest.fixture(scope="module")
def trunk_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    profile = trials_profile(REPRODUCED, demonstration=30.0)
    motion = synthetic_imu(
        profile, body_axis=FLEXION_AXIS, mount=TILTED_MOUNT, acc_noise=0.05, gyr_noise_deg_s=0.3
    )
    return motion.to_csv(tmp_path_factory.mktemp("imu") / "trunk.csv")


def test_help_explains_the_protocol() -> None:
    result = runner.invoke(app, ["assess", "repositioning", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for words in (
        "eyes closed",
        "Revel",
        "4.5 deg",
        "lower back",
        "relative to the camera",
        "trunk must stay still",
    ):
        assert words in text


def test_imu_json_output_and_file(trunk_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    result = runner.invoke(
        app,
        [
            "assess",
            "repositioning",
            "--imu",
            str(trunk_csv),
            "--joint",
            "trunk",
            "--json",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    errors = [r - 30.0 for r in REPRODUCED]
    assert data["usable"] is True
    assert data["metrics"]["absolute_error_deg"] == pytest.approx(np.mean(np.abs(errors)), abs=0.1)
    assert data["metrics"]["constant_error_deg"] == pytest.approx(np.mean(errors), abs=0.1)
    assert data["metrics"]["variable_error_deg"] == pytest.approx(np.std(errors), abs=0.1)
    assert data["conditions"]["placement"] == "lower back"
    assert len(data["plot_data"]["trials"]) == 6
    assert json.loads(out.read_text())["metrics"] == data["metrics"]


def test_imu_text_output_lists_trials(trunk_csv: Path) -> None:
    result = runner.invoke(
        app,
        [
            "assess",
            "repositioning",
            "--imu",
            str(trunk_csv),
            "--joint",
            "trunk",
            "--target-deg",
            "30",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "trial 6" in result.output
    assert "absolute_error_deg" in result.output


def test_neck_rotation_npz(tmp_path: Path) -> None:
    profile = neutral_profile([60, -60, 60, -60, 60, -60], [6.0, -5.0, 7.0, -4.0, 6.0, -6.0])
    mount = axis_angle_matrix((0.0, 1.0, 0.0), np.radians(10.0))[0]
    path = synthetic_imu(profile, yaw=True, mount=mount).save(tmp_path / "neck.npz")
    result = runner.invoke(
        app,
        [
            "assess",
            "repositioning",
            "--imu",
            str(path),
            "--joint",
            "neck",
            "--axis",
            "rotation",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["conditions"]["placement"] == "head"
    assert data["norms"][0]["verdict"] == "above"


def test_video_landmarks(tmp_path: Path) -> None:
    profile = trials_profile(REPRODUCED, demonstration=30.0, rate_hz=30.0)
    path = synthetic_side_pose(profile.angle_deg, profile.time_s).save(tmp_path / "side.npz")
    result = runner.invoke(
        app, ["assess", "repositioning", "--video", str(path), "--joint", "trunk", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["metrics"]["target_deg"] == pytest.approx(30.0, abs=0.1)
    assert data["quality"]["measured_with"] == "video"


def test_unusable_recording_prints_the_reason(trunk_csv: Path) -> None:
    result = runner.invoke(
        app,
        ["assess", "repositioning", "--imu", str(trunk_csv), "--joint", "trunk", "--trials", "8"],
    )
    assert result.exit_code == 0
    assert "cannot be judged" in result.output
    assert "found 6 of the 8 trials required" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--joint", "trunk"], "exactly one recording"),
        (["--joint", "trunk", "--imu", "missing.csv"], "not found"),
        (["--joint", "knee", "--imu", "TRUNK"], "joint must be one of"),
        (
            ["--joint", "neck", "--imu", "TRUNK", "--task", "neutral", "--target-deg", "3"],
            "target task only",
        ),
    ],
)
def test_user_errors_are_one_line(args: list[str], message: str, trunk_csv: Path) -> None:
    args = [str(trunk_csv) if a == "TRUNK" else a for a in args]
    result = runner.invoke(app, ["assess", "repositioning", *args])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_real_uci_file_runs(shared_data: Path) -> None:
    path = shared_file(shared_data, "imu/uci_s1/e3/u5/test.txt.gz")
    result = runner.invoke(
        app,
        [
            "assess",
            "repositioning",
            "--imu",
            str(path),
            "--joint",
            "trunk",
            "--placement",
            "chest",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["usable"] is False
    assert data["conditions"]["placement"] == "chest"
