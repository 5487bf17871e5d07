"""``kinesense assess stance`` and ``kinesense assess posture`` on saved synthetic series."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kinesense.cli import app
from tests.assess.synthetic_pose import pose_series, repeat, standing_front, standing_side
from tests.assess.test_stance import FPS, lift

runner = CliRunner()


def _invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["assess", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def stance_file(tmp_path: Path) -> Path:
    frames = repeat(standing_front(), 300)
    lift(frames, "left", 30, 150)  # 4.0 s
    lift(frames, "right", 180, 285)  # 3.5 s
    return pose_series(frames, frame_rate_hz=FPS, camera_view="front").save(tmp_path / "s.npz")


def test_stance_help_explains_the_protocol() -> None:
    code, out, _ = _invoke("stance", "--help")
    assert code == 0
    text = " ".join(out.split())
    for words in ("2-3 m", "hip height", "bare feet", "45 s", "3 trials", "--hands-on-hips"):
        assert words in text


def test_stance_json_and_output_file(stance_file: Path, tmp_path: Path) -> None:
    saved = tmp_path / "result.json"
    code, out, err = _invoke(
        "stance", "--video", str(stance_file), "--age", "45", "--json", "-o", str(saved)
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["usable"]
    assert data["metrics"]["stance_time_s"] == pytest.approx(4.0, abs=1 / FPS)
    assert data["norms"][0]["low"] is None
    assert "(41.9 s)" in data["norms"][0]["text"]
    assert [t["ended_by"] for t in data["plot_data"]["trials"]] == ["foot_down", "foot_down"]
    assert json.loads(saved.read_text())["metrics"] == data["metrics"]


def test_stance_text_output_and_options(stance_file: Path) -> None:
    code, out, _ = _invoke(
        "stance", "--video", str(stance_file), "--age", "70", "--eyes", "closed", "--sex", "male"
    )
    assert code == 0
    assert "stance_time_s" in out
    assert "norm:" in out
    code, out, _ = _invoke("stance", "--video", str(stance_file), "--max-time", "2")
    assert code == 0
    assert "ceiling" in out


def test_stance_unusable_recording_is_explained(tmp_path: Path) -> None:
    still = pose_series(repeat(standing_front(), 60), camera_view="front").save(tmp_path / "x.npz")
    code, out, _ = _invoke("stance", "--video", str(still))
    assert code == 0
    assert "cannot be judged" in out
    assert "no single-leg stance" in out


def test_stance_user_errors_are_one_line(tmp_path: Path) -> None:
    code, _, err = _invoke("stance", "--video", str(tmp_path / "missing.mp4"))
    assert code == 2
    assert "not found" in err
    code, _, _ = _invoke("stance", "--video", str(tmp_path), "--eyes", "half")
    assert code == 2


def test_posture_help_explains_the_protocol() -> None:
    code, out, _ = _invoke("posture", "--help")
    assert code == 0
    text = " ".join(out.split())
    for words in ("side-on", "2-4 m", "chest height", "shorts", "--image", "3-5 s"):
        assert words in text


def test_posture_from_a_saved_side_view_series(tmp_path: Path) -> None:
    series = pose_series(repeat(standing_side("left"), 10), camera_view="right-side")
    saved = series.save(tmp_path / "side.npz")
    code, out, err = _invoke("posture", "--video", str(saved), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["metrics"]["trunk_inclination_deg"] == pytest.approx(0.0, abs=1e-6)
    assert data["metrics"]["craniovertebral_angle_deg"] == pytest.approx(90.0, abs=1e-6)
    assert "shoulder_obliquity_deg" in data["quality"]["not_measured"]
    assert data["plot_data"]["view"] == "right-side"
    code, out, _ = _invoke("posture", "--video", str(saved))
    assert code == 0
    assert "not measured" in out


def test_posture_needs_exactly_one_recording(tmp_path: Path) -> None:
    code, _, err = _invoke("posture")
    assert code == 2
    assert "--image" in err
    photo = tmp_path / "p.jpg"
    photo.write_text("no picture here")
    code, _, err = _invoke("posture", "--image", str(photo))
    assert code == 2
    assert "not an image" in err


def test_stance_filmed_from_the_side_is_refused_by_the_command(
    shared_data: Path, tmp_path: Path
) -> None:
    from kinesense.capture.readers import read_trc
    from tests.assess.virtual_camera import filmed
    from tests.conftest import shared_file

    trc = read_trc(shared_file(shared_data, "keypoints/pose2sim_balancing_3d.trc"))
    side = filmed(trc, 90.0).save(tmp_path / "side.npz")
    code, out, err = _invoke("stance", "--video", str(side), "--age", "40", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["usable"] is False
    assert "from the side (left-side view)" in data["reasons"][0]
    assert data["norms"] == []
    assert data["parameters"]["max_time_s"] == 45.0
