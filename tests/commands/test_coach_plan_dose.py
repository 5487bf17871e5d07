"""`kinesense coach ... --person` coaches at the dose of the person's plan and saves the session."""

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli_runs import database_env
from tests.cli_runs import run_kinesense as _run
from tests.conftest import shared_file


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return database_env(f"sqlite:///{tmp_path / 'history.db'}")


def test_unknown_person_is_refused_before_any_work(env: dict[str, str], tmp_path: Path) -> None:
    result = _run(
        "coach", "glute_bridge", "--video", str(tmp_path / "x.mp4"), "--person", "Zoe", env=env
    )
    assert result.returncode == 2
    assert "Zoe" in result.stderr
    assert "Traceback" not in result.stderr


def one_line_error(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0]


def test_a_referred_person_is_not_coached(env: dict[str, str], tmp_path: Path) -> None:
    """Issue 9: 'coach --person' coached and saved a session for a referred person and for an
    unscreened one. The referral message comes before any video work (the video here does not
    even exist), and nothing is saved."""
    video = str(tmp_path / "never_opened.mp4")
    assert _run("person", "add", "Ann", env=env).returncode == 0
    never = _run("coach", "squat", "--video", video, "--person", "Ann", env=env)
    one_line_error(never, "Ann has not been screened yet")
    assert _run("screen", "--person", "Ann", "--yes", "bladder_change", env=env).returncode == 0
    referred = _run("coach", "squat", "--video", video, "--person", "Ann", "--json", env=env)
    one_line_error(referred, "Ann was referred to a clinician")
    assert "emergency department" in referred.stderr
    assert referred.stdout == ""
    # a later screening without the flag does not lift the referral: a clinician must
    assert _run("screen", "--person", "Ann", "--none", env=env).returncode == 0
    one_line_error(_run("coach", "squat", "--video", video, "--person", "1", env=env), "referred")
    history = json.loads(_run("history", "Ann", "--json", env=env).stdout)["history"]
    assert [e["kind"] for e in history] == ["screening", "screening"]
    cleared = _run("plan", "Ann", "--override", "*", "--action", "resume", "--clinician", "Dr Lee",
                   "--reason", "examined", env=env)  # fmt: skip
    assert cleared.returncode == 0, cleared.stderr
    after = _run("coach", "squat", "--video", video, "--person", "Ann", env=env)
    one_line_error(after, "never_opened.mp4")  # cleared: now the video itself is the problem


def test_an_annotated_video_may_not_overwrite_the_input(
    env: dict[str, str], tmp_path: Path
) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"precious")
    result = _run("coach", "squat", "--video", str(clip), "--out", str(clip), env=env)
    one_line_error(result, "is also an input")
    assert clip.read_bytes() == b"precious"


@pytest.mark.slow
def test_the_session_counts_against_the_planned_dose(
    env: dict[str, str], shared_data: Path
) -> None:
    video = shared_file(shared_data, "video/pose2sim_balancing_cam01.mp4")
    assert _run("person", "add", "Ann", env=env).returncode == 0
    assert _run("screen", "--person", "Ann", "--no-input", env=env).returncode == 0
    plan = _run("plan", "Ann", "--json", env=env)
    assert plan.returncode == 0, plan.stderr
    planned = [
        item
        for session in json.loads(plan.stdout)["sessions"]
        for item in session
        if item["exercise_id"] == "glute_bridge"
    ]
    assert planned, "the default plan has a glute bridge"
    coached = _run(
        "coach", "glute_bridge", "--video", str(video), "--model", "lite", "--json",
        "--person", "Ann", "--pain-before", "3", "--pain-after", "4", env=env,
    )  # fmt: skip
    assert coached.returncode == 0, coached.stderr
    assert "dose from Ann's plan" in coached.stderr
    summary = json.loads(coached.stdout)["summary"]
    assert summary["sets_total"] == planned[0]["sets"]
    assert summary["reps_target"] == planned[0]["reps"]
    history = json.loads(_run("history", "Ann", "--json", env=env).stdout)["history"]
    sessions = [entry["data"] for entry in history if entry["kind"] == "session"]
    assert len(sessions) == 1
    assert (sessions[0]["pain_before"], sessions[0]["pain_after"]) == (3, 4)
