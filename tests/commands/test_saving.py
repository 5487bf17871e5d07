"""``--person NAME_OR_ID`` on ``kinesense assess ...`` and ``kinesense coach`` saves the result."""

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from typer.testing import CliRunner

from kinesense.cli import app
from kinesense.commands import coach as coach_command
from kinesense.commands._saving import save_for_person
from kinesense.store import Store, StoreError
from tests.assess.synthetic_pose import pose_series, repeat, standing_front
from tests.assess.test_stance import FPS, lift
from tests.conftest import shared_file

runner = CliRunner()


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'history.db'}"
    monkeypatch.setenv("KINESENSE_DATABASE_URL", url)
    with Store(url) as store:
        store.add_person("Ann")
    return url


def test_no_person_saves_nothing(db_url: str) -> None:
    assert save_for_person(None, "assessment", {"test": "sway"}) is None
    with Store(db_url) as store:
        assert store.history(1) == []


def test_saving_by_name_or_id(db_url: str) -> None:
    assert save_for_person("Ann", "assessment", {"test": "sway", "metrics": {}}) == 1
    assert save_for_person("1", "session", {"exercise": "bridge", "reps": 3}) == 2
    with Store(db_url) as store:
        assert [a["test"] for a in store.assessments(1)] == ["sway"]
        session = store.sessions(1)[0]
    assert session["started_at"].endswith("+00:00")


def test_unknown_person_or_kind(db_url: str) -> None:
    with pytest.raises(StoreError, match="no person called 'Zoe'"):
        save_for_person("Zoe", "assessment", {"test": "sway"})
    with pytest.raises(ValueError, match="cannot save a 'plan'"):
        save_for_person("Ann", "plan", {})


def test_assess_sway_on_a_real_force_plate_recording_is_saved(
    db_url: str, shared_data: Path
) -> None:
    cop = shared_file(shared_data, "cop/eyesOpen_1.csv.gz")
    result = runner.invoke(app, ["assess", "sway", "--cop", str(cop), "--json", "--person", "Ann"])
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    assert "saved in the history of Ann (id 1)" in result.stderr
    with Store(db_url) as store:
        saved = store.assessments(1, "sway")
    assert len(saved) == 1
    assert saved[0]["metrics"] == printed["metrics"]
    assert saved[0]["metrics"]["path_length_mm"] > 0


def test_assess_stance_on_a_synthetic_series_is_saved(db_url: str, tmp_path: Path) -> None:
    frames = repeat(standing_front(), 300)
    lift(frames, "left", 30, 150)  # 4.0 s at 30 fps
    path = pose_series(frames, frame_rate_hz=FPS, camera_view="front").save(tmp_path / "s.npz")
    result = runner.invoke(
        app, ["assess", "stance", "--video", str(path), "--json", "--person", "1"]
    )
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    with Store(db_url) as store:
        (saved,) = store.assessments(1)
    assert saved == printed  # exactly what the command printed
    assert saved["usable"]
    assert saved["metrics"]["stance_time_s"] == pytest.approx(4.0, abs=1 / FPS)


def test_assess_with_an_unknown_person_is_a_one_line_error(db_url: str, tmp_path: Path) -> None:
    frames = repeat(standing_front(), 300)
    lift(frames, "left", 30, 150)
    path = pose_series(frames, frame_rate_hz=FPS, camera_view="front").save(tmp_path / "s.npz")
    result = runner.invoke(app, ["assess", "stance", "--video", str(path), "--person", "Zoe"])
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1
    assert errors[0].startswith("error: no person called 'Zoe'")


def test_coach_session_is_saved(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session: dict[str, Any] = {
        "exercise": "sit_to_stand",
        "exercise_name": "Sit to stand",
        "reps": 7,
        "holds": [],
        "events": [{"kind": "rep", "time_s": 2.0, "message": "1", "data": {}}],
        "summary": {"done": True},
    }
    fake = SimpleNamespace(to_json=lambda: session)
    monkeypatch.setattr(coach_command, "_run", lambda *args: fake)
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"")
    result = runner.invoke(
        app, ["coach", "sit_to_stand", "--video", str(clip), "--json", "--person", "Ann"]
    )
    assert result.exit_code == 0, result.stderr
    with Store(db_url) as store:
        (saved,) = store.sessions(1)
        history = store.history(1)
    assert {k: saved[k] for k in session} == session
    assert saved["started_at"]
    assert history[0]["summary"] == "session Sit to stand: 7 repetition(s)"
