"""``--person NAME_OR_ID`` on ``kinesense assess ...`` and ``kinesense coach`` saves the result."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kinesense.cli import app
from kinesense.commands._saving import save_for_person
from kinesense.errors import InvalidValueError, NotFoundError, SafetyError
from kinesense.program.screening import screen
from kinesense.store import Store
from tests.assess.synthetic_pose import pose_series, repeat, standing_front
from tests.assess.test_stance import FPS, lift
from tests.conftest import shared_file

runner = CliRunner()


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'history.db'}"
    monkeypatch.setenv("KINESENSE_DATABASE_URL", url)
    with Store(url) as store, store.transaction() as unit:
        unit.add_person("Ann")
    return url


SWAY = {"test": "sway", "usable": True, "metrics": {}, "metric_info": {}}


def test_no_person_saves_nothing(db_url: str) -> None:
    assert save_for_person(None, "assessment", SWAY) is None
    with Store(db_url) as store, store.transaction(write=False) as unit:
        assert unit.history(1) == []


def test_saving_by_name_or_id(db_url: str) -> None:
    with Store(db_url) as store, store.transaction() as unit:
        unit.save_screening(1, screen({}))
    assert save_for_person("Ann", "assessment", SWAY) == 2
    assert save_for_person("1", "session", {"exercise": "bridge", "reps": 3}) == 3
    with Store(db_url) as store, store.transaction(write=False) as unit:
        assert [a.test for a in unit.assessments(1)] == ["sway"]
        session = unit.sessions(1)[0]
    assert session.to_json()["started_at"].endswith("+00:00")


def test_unknown_person_or_kind(db_url: str) -> None:
    with pytest.raises(NotFoundError, match="no person called 'Zoe'"):
        save_for_person("Zoe", "assessment", SWAY)
    with pytest.raises(InvalidValueError, match="cannot save a 'plan'"):
        save_for_person("Ann", "plan", {})


def test_a_session_is_not_saved_for_someone_never_screened(db_url: str) -> None:
    with pytest.raises(SafetyError, match="has not been screened yet"):
        save_for_person("Ann", "session", {"exercise": "bridge", "reps": 3})
    with Store(db_url) as store, store.transaction(write=False) as unit:
        assert unit.sessions(1) == []


def test_assess_sway_on_a_real_force_plate_recording_is_saved(
    db_url: str, shared_data: Path
) -> None:
    cop = shared_file(shared_data, "cop/eyesOpen_1.csv.gz")
    result = runner.invoke(app, ["assess", "sway", "--cop", str(cop), "--json", "--person", "Ann"])
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    assert "saved in the history of Ann (id 1)" in result.stderr
    with Store(db_url) as store, store.transaction(write=False) as unit:
        saved = unit.assessments(1, "sway")
    assert len(saved) == 1
    assert saved[0].metrics == printed["metrics"]
    assert saved[0].metrics["path_length_mm"] > 0


def test_assess_stance_on_a_synthetic_series_is_saved(db_url: str, tmp_path: Path) -> None:
    frames = repeat(standing_front(), 300)
    lift(frames, "left", 30, 150)  # 4.0 s at 30 fps
    path = pose_series(frames, frame_rate_hz=FPS, camera_view="front").save(tmp_path / "s.npz")
    result = runner.invoke(
        app, ["assess", "stance", "--video", str(path), "--json", "--person", "1"]
    )
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    with Store(db_url) as store, store.transaction(write=False) as unit:
        (saved,) = unit.assessments(1)
    assert saved.to_json() == printed  # exactly what the command printed
    assert saved.usable
    assert saved.metrics["stance_time_s"] == pytest.approx(4.0, abs=1 / FPS)


def test_assess_with_an_unknown_person_is_a_one_line_error(db_url: str, tmp_path: Path) -> None:
    frames = repeat(standing_front(), 300)
    lift(frames, "left", 30, 150)
    path = pose_series(frames, frame_rate_hz=FPS, camera_view="front").save(tmp_path / "s.npz")
    result = runner.invoke(app, ["assess", "stance", "--video", str(path), "--person", "Zoe"])
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1
    assert errors[0].startswith("error: no person called 'Zoe'")
