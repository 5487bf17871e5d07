"""``kinesense coach`` as a user meets it: real processes, a real clip with known repetitions."""

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.cli_runs import assert_one_line_error, run_kinesense
from tests.coach.test_session import (
    EXERCISE_ID,
    FPS,
    reps_segments,
    two_frames,
    write_clip,
    write_exercise_folder,
)
from tests.conftest import shared_file


def run(*args: str, exercises: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COLUMNS="400")
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    if exercises is not None:
        env["KINESENSE_EXERCISES"] = str(exercises)
    return run_kinesense("coach", *args, env=env)


@pytest.fixture(scope="module")
def exercises(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_exercise_folder(tmp_path_factory.mktemp("exercises"))


def test_list_shows_the_exercises(exercises: Path) -> None:
    result = run("--list", "--json", exercises=exercises)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    ours = [row for row in rows if row["id"] == EXERCISE_ID]
    assert ours == [
        {
            "id": EXERCISE_ID,
            "name": "Test knee bend",
            "category": "mobility",
            "level": 1,
            "camera_view": "side",
            "mode": "reps",
        }
    ]
    table = run("--list", exercises=exercises)
    assert table.returncode == 0, table.stderr
    assert EXERCISE_ID in table.stdout


def test_unknown_exercise_names_close_matches(exercises: Path, tmp_path: Path) -> None:
    video = tmp_path / "none.mp4"
    video.write_bytes(b"")
    result = run("test_knee_bnd", "--video", str(video), exercises=exercises)
    assert_one_line_error(result, "unknown exercise 'test_knee_bnd'; did you mean test_knee_bend")


def test_mistakes_are_one_line_errors(exercises: Path, tmp_path: Path) -> None:
    assert_one_line_error(run(EXERCISE_ID, exercises=exercises), "give either --video")
    assert_one_line_error(run(exercises=exercises), "name an exercise")
    missing = run(EXERCISE_ID, "--video", str(tmp_path / "missing.mp4"), exercises=exercises)
    assert_one_line_error(missing, "missing.mp4")
    side = run(EXERCISE_ID, "--video", "x.mp4", "--side", "up", exercises=exercises)
    assert_one_line_error(side, "--side must be left or right")


def test_camera_without_display_says_so(exercises: Path) -> None:
    result = run(EXERCISE_ID, "--camera", "0", exercises=exercises)
    assert_one_line_error(result, "no display")


def test_help_explains_the_setup() -> None:
    result = run("--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for fragment in ("hip height", "2.5 to 3 m", "(--side) faces", "--strict", "--list"):
        assert fragment in text


@pytest.mark.slow
def test_coach_video_json_on_a_mirrored_clip(
    shared_data: Path, exercises: Path, tmp_path: Path
) -> None:
    straight, bent = two_frames(shared_file(shared_data, "video/sports2d_walk_side.mp4"))
    # Mirrored left-right (a known transform), the woman's left side seen from the camera looks
    # like a right side: coached with --side right, the count and knee angles do not change.
    clip = write_clip(tmp_path / "bends.mp4", reps_segments(straight[:, ::-1], bent[:, ::-1], 4))
    out = tmp_path / "annotated.mp4"
    result = run(EXERCISE_ID, "--video", str(clip), "--model", "lite", "--out", str(out),
                 "--side", "right", "--json", exercises=exercises)  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"exercise", "reps", "holds", "events", "summary", "setup"}
    assert data["exercise"] == EXERCISE_ID
    assert data["reps"] == 4
    assert isinstance(data["reps"], int)
    assert data["holds"] == []
    assert [e["kind"] for e in data["events"]].count("rep") == 4
    assert all(set(e) == {"kind", "time_s", "message", "data"} for e in data["events"])
    assert len(data["summary"]["reps"]) == 4
    assert data["setup"]["ok"] is True
    assert data["setup"]["view"] == "right-side"
    assert data["frames"] == round((1.5 + 4 * 1.2) * FPS)
    assert out.stat().st_size > 10_000
    rep_times = [e["time_s"] for e in data["events"] if e["kind"] == "rep"]
    assert np.allclose(rep_times, [2.1 + 1.2 * k for k in range(4)], atol=0.3)


@pytest.mark.slow
def test_strict_refuses_a_badly_framed_clip(
    shared_data: Path, exercises: Path, tmp_path: Path
) -> None:
    straight, _ = two_frames(shared_file(shared_data, "video/sports2d_walk_side.mp4"))
    # Keep only the upper 55 % of the picture (scaled back up): the feet are out of frame.
    import cv2

    def crop(image: np.ndarray) -> np.ndarray:
        top = image[: int(0.55 * image.shape[0])]
        return np.asarray(cv2.resize(top, (image.shape[1], image.shape[0])), dtype=np.uint8)

    clip = write_clip(tmp_path / "cropped.mp4", [(crop(straight), 2.0)])
    result = run(EXERCISE_ID, "--video", str(clip), "--model", "lite", "--strict",
                 exercises=exercises)  # fmt: skip
    assert_one_line_error(result, "Step back until your feet are in the picture")
    relaxed = run(EXERCISE_ID, "--video", str(clip), "--model", "lite", "--json",
                  exercises=exercises)  # fmt: skip
    assert relaxed.returncode == 0, relaxed.stderr
    setup = json.loads(relaxed.stdout)["setup"]
    assert "feet_out" in [p["code"] for p in setup["problems"]]


@pytest.mark.slow
def test_camera_session_on_a_stream_without_window(
    shared_data: Path, exercises: Path, tmp_path: Path
) -> None:
    # OpenCV opens a file like a camera; frames are then timed by the clock, as live.
    straight, bent = two_frames(shared_file(shared_data, "video/sports2d_walk_side.mp4"))
    clip = write_clip(tmp_path / "live.mp4", reps_segments(straight, bent, 2))
    result = run(EXERCISE_ID, "--camera", str(clip), "--no-window", "--no-speak", "--model",
                 "lite", "--json", exercises=exercises)  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["frames"] == round((1.5 + 2 * 1.2) * FPS)
    assert data["setup"]["ok"] is True
    assert data["setup"]["skipped"] is None
    assert data["source"] == f"camera:{clip}"
