"""The command line as a user meets it: real processes, real files, one-line errors."""

import json
from pathlib import Path

import numpy as np
import pytest

from tests.cli_runs import assert_one_line_error
from tests.cli_runs import run_kinesense as run
from tests.conftest import shared_file


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


# --- one error vocabulary: usage mistakes are one line too (issue 9) ----------------------


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("extract", "--bogus"), "No such option: --bogus"),
        (("plan",), "kinesense plan: Missing argument 'person'"),
        (("plan", "Ann", "--minutes", "2"), "Invalid value for '--minutes'"),
        (("checkin", "Ann", "--pain-now", "lots"), "Invalid value for '--pain-now'"),
        (("nosuchcommand",), "No such command 'nosuchcommand'"),
        (("person", "add"), "kinesense person add: Missing argument 'name'"),
        (("db", "shrink"), "No such command 'shrink'"),
    ],
)
def test_usage_errors_are_one_line_without_a_usage_box(
    args: tuple[str, ...], fragment: str
) -> None:
    """Issue 9: 24 errors printed a 5-line usage box instead of one line."""
    result = run(*args)
    assert_one_line_error(result, fragment)
    assert "Usage:" not in result.stderr
    assert "╭" not in result.stderr
    assert result.stdout == ""


def test_no_arguments_shows_the_help() -> None:
    result = run()
    assert result.returncode == 0
    assert "Usage:" in result.stdout
    assert "screen" in result.stdout


def test_control_characters_in_an_error_are_escaped(tmp_path: Path) -> None:
    """Issue 9: control characters in names reached the terminal raw."""
    result = run("info", str(tmp_path / "evil\x1b[2J\x07.csv"))
    assert_one_line_error(result, "evil\\x1b[2J\\x07.csv")
    assert "\x1b" not in result.stderr
    assert "\x07" not in result.stderr


# --- outputs never destroy inputs (issue 9) ------------------------------------------------


def test_extract_refuses_to_overwrite_its_input(tmp_path: Path, shared_data: Path) -> None:
    """Issue 9: '-o' equal to the input overwrote the recording."""
    original = shared_file(shared_data, "video/pose2sim_balancing_cam01.mp4")
    video = tmp_path / "clip.mp4"
    video.write_bytes(original.read_bytes())
    before = video.read_bytes()
    for output in (video, tmp_path / "." / "clip.mp4"):
        assert_one_line_error(run("extract", str(video), "-o", str(output)), "is also an input")
    link = tmp_path / "link.csv"
    link.symlink_to(video)
    assert_one_line_error(run("extract", str(video), "-o", str(link)), "is also an input")
    assert video.read_bytes() == before


@pytest.mark.parametrize(
    ("output", "fragment"),
    [
        ("missing/pose.npz", "does not exist"),
        (".", "it is a folder"),
        ("x" * 300 + ".npz", "longer than 255 bytes"),
    ],
)
def test_extract_checks_the_output_before_any_work(
    tmp_path: Path, shared_data: Path, output: str, fragment: str
) -> None:
    """Issue 9: an output into a missing folder, a folder or an impossible name was found only
    after the whole extraction (as a traceback)."""
    video = shared_file(shared_data, "video/sports2d_walk_side.mp4")
    assert_one_line_error(run("extract", str(video), "-o", str(tmp_path / output)), fragment)


@pytest.mark.slow
def test_extract_replaces_an_existing_output_whole_and_says_so(
    tmp_path: Path, shared_data: Path
) -> None:
    video = shared_file(shared_data, "video/pose2sim_balancing_cam01.mp4")
    out = tmp_path / "pose.csv"
    out.write_text("an older extraction\n")
    result = run("extract", str(video), "-o", str(out), "--model", "lite", "--json")
    assert result.returncode == 0, result.stderr
    assert f"replaced the existing file {out}" in result.stderr
    assert out.read_text().startswith("time_s,")
    assert json.loads(result.stdout)["output"] == str(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pose.csv"]  # no temporary file left


def test_report_checks_its_outputs_and_bounds_its_inputs(tmp_path: Path) -> None:
    result_file = tmp_path / "r.json"
    result_file.write_text("[" * 100_000 + "]" * 100_000)
    done = run("report", str(result_file), "-o", str(tmp_path / "r.html"))
    assert_one_line_error(done, "nests deeper than 64 levels")  # issue 9: deep JSON crashed
    same = run("report", str(result_file), "-o", str(result_file))
    assert_one_line_error(same, "is also an input")
    assert result_file.read_text().startswith("[[[")
    both = run("report", str(result_file), "-o", str(tmp_path / "r.html"), "--pdf",
               str(tmp_path / "r.html"))  # fmt: skip
    assert_one_line_error(both, "is also an input")
    assert_one_line_error(run("report", "/dev/zero"), "is a device, not a file")


def test_sample_output_must_be_a_folder(tmp_path: Path) -> None:
    existing = tmp_path / "notes.txt"
    existing.write_text("keep me")
    assert_one_line_error(run("sample", "-o", str(existing)), "is not a folder")
    assert existing.read_text() == "keep me"
    assert_one_line_error(run("sample", "-o", str(tmp_path / "a" / "b")), "does not exist")
