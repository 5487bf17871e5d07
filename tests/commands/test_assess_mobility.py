"""``kinesense assess mobility`` on saved synthetic series, sensor CSVs and one real video."""

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from kinesense.cli import app
from kinesense.series import MotionSeries, save_series, write_csv
from tests.assess.test_lumbopelvic import lumbar_of
from tests.assess.test_mobility import (
    bend_profile,
    front_view_series,
    profile_duration,
    side_view_series,
    time_axis,
)
from tests.conftest import shared_file

runner = CliRunner()


def _invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["assess", "mobility", *args])
    return result.exit_code, result.stdout, result.stderr


def test_help_explains_every_protocol() -> None:
    code, out, _ = _invoke("--help")
    assert code == 0
    for words in ("side-on", "2-3 m", "STILL for 2 s", "waiters-bow", "--imu-pelvis", "3 times"):
        assert words in out


def test_lateral_bending_json_and_output_file(tmp_path: Path) -> None:
    t = time_axis(profile_duration(6))
    saved = save_series(
        front_view_series(t, bend_profile(t, [25.0, -20.0] * 3)), tmp_path / "l.npz"
    )
    out_file = tmp_path / "result.json"
    code, out, err = _invoke(
        "--movement", "lateral", "--video", str(saved), "--json", "-o", str(out_file)
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["usable"]
    assert data["metrics"]["left_rom_mean_deg"] == pytest.approx(25.0, rel=0.01)
    assert data["metrics"]["symmetry_index_pct"] == pytest.approx(100 * 5 / 22.5, rel=1e-3)
    assert set(data["plot_data"]) == {"time_s", "angle_deg", "peaks"}
    assert {"time_s", "angle_deg", "side"} == set(data["plot_data"]["peaks"][0])
    assert json.loads(out_file.read_text())["metrics"] == data["metrics"]


def test_plain_text_flexion_and_a_wrong_view(tmp_path: Path) -> None:
    t = time_axis(profile_duration(3))
    saved = save_series(side_view_series(t, bend_profile(t, [60.0] * 3)), tmp_path / "f.npz")
    code, out, _ = _invoke("--movement", "flexion", "--video", str(saved))
    assert code == 0
    assert "Trunk flexion: up to 60 deg" in out
    code, out, _ = _invoke("--movement", "rotation", "--video", str(saved))
    assert code == 0
    assert "cannot be judged" in out
    assert "front or back view" in out


def test_forward_bend_from_two_sensor_csvs(tmp_path: Path) -> None:
    t = np.arange(0.0, profile_duration(3), 0.01)
    trunk = bend_profile(t, [90.0] * 3)
    paths = []
    for name, angle in (("trunk", trunk), ("pelvis", trunk - lumbar_of(trunk))):
        a = np.radians(angle)
        acc = 9.81 * np.column_stack([np.cos(a), np.sin(a), np.zeros_like(a)])
        series = MotionSeries(time_s=t, acc_m_s2=acc, gyr_rad_s=np.zeros_like(acc))
        paths.append(str(write_csv(series, tmp_path / f"{name}.csv")))
    code, out, err = _invoke(
        "--movement", "forward-bend", "--imu-trunk", paths[0], "--imu-pelvis", paths[1], "--json"
    )
    assert code == 0, err
    assert json.loads(out)["metrics"]["lumbopelvic_ratio"] == pytest.approx(0.8, rel=0.02)


def test_user_mistakes_are_one_line_errors(tmp_path: Path) -> None:
    code, _, err = _invoke("--movement", "flexion", "--video", str(tmp_path / "missing.mp4"))
    assert code == 2
    assert "not found" in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = _invoke("--movement", "flexion")
    assert code == 2
    assert "--video" in err
    csv = tmp_path / "imu.csv"
    t = np.arange(0.0, 4.0, 0.01)
    write_csv(
        MotionSeries(time_s=t, acc_m_s2=np.ones((t.size, 3)), gyr_rad_s=np.zeros((t.size, 3))), csv
    )
    code, _, err = _invoke("--movement", "flexion", "--video", str(csv))
    assert code == 2
    assert "no body landmarks" in err
    code, _, err = _invoke(
        "--movement", "flexion", "--imu-trunk", str(csv), "--imu-pelvis", str(csv)
    )
    assert code == 2
    code, _, _ = _invoke("--movement", "twist", "--video", str(csv))
    assert code == 2


@pytest.mark.slow
def test_real_oblique_video_is_refused_before_it_is_measured(shared_data: Path) -> None:
    # 1.67 s of single-leg balancing filmed obliquely: flexion needs a side view; the view is
    # a precondition checked before the test runs (runs the pose model)
    video = shared_file(shared_data, "video/pose2sim_balancing_cam01.mp4")
    code, out, err = _invoke("--movement", "flexion", "--video", str(video), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert not data["usable"]
    assert data["reasons"] == [
        "flexion needs a side view (stand side-on to the camera); this recording's view is oblique"
    ]
    assert data["parameters"]["min_duration_s"] == 3.0


def test_rotation_from_one_trunk_sensor_csv(tmp_path: Path) -> None:
    from tests.assess.test_mobility import RATE_IMU, trunk_sensor

    t = np.arange(0.0, profile_duration(2), 1.0 / RATE_IMU)
    sensor = trunk_sensor(t, np.zeros_like(t), bend_profile(t, [40.0, -30.0]))
    path = str(write_csv(sensor, tmp_path / "sternum.csv"))
    code, out, err = _invoke("--movement", "rotation", "--imu-trunk", path, "--json")
    assert code == 0, err
    metrics = json.loads(out)["metrics"]
    assert metrics["left_rom_max_deg"] == pytest.approx(40.0, rel=0.01)
    assert metrics["right_rom_max_deg"] == pytest.approx(30.0, rel=0.01)
    code, _, err = _invoke("--movement", "lateral", "--imu-trunk", path)
    assert code == 2
    assert "lateral bending needs a video" in err
