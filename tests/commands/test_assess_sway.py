"""``kinesense assess sway|romberg|ctsib`` as a user runs them: real processes, real files."""

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.cli_runs import assert_one_line_error
from tests.cli_runs import run_kinesense as run
from tests.conftest import shared_file

REQUIRED = (
    "path_length_mm",
    "mean_velocity_mm_s",
    "rms_ap_mm",
    "rms_ml_mm",
    "range_ap_mm",
    "range_ml_mm",
    "ellipse95_area_mm2",
    "mean_frequency_hz",
)


def one_json(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def cop_files(shared_data: Path) -> tuple[Path, Path]:
    return (
        shared_file(shared_data, "cop/eyesOpen_1.csv.gz"),
        shared_file(shared_data, "cop/eyesClosed_1.csv.gz"),
    )


def test_sway_cop_json_and_saved_result(cop_files: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    data = one_json(
        run("assess", "sway", "--cop", str(cop_files[0]), "--json", "-o", str(out),
            "--stance", "feet-apart")
    )  # fmt: skip
    assert data["test"] == "sway"
    assert data["usable"] is True
    metrics = data["metrics"]
    assert isinstance(metrics, dict)
    for key in REQUIRED:
        assert isinstance(metrics[key], float)
        assert metrics[key] > 0
    assert data["conditions"]["stance"] == "feet-apart"
    assert len(data["plot_data"]["time_s"]) <= 2000
    assert json.loads(out.read_text())["metrics"] == metrics


def test_sway_no_filter_and_cutoff_change_the_path(cop_files: tuple[Path, Path]) -> None:
    filtered = one_json(run("assess", "sway", "--cop", str(cop_files[0]), "--json"))
    raw = one_json(run("assess", "sway", "--cop", str(cop_files[0]), "--json", "--no-filter"))
    low = one_json(run("assess", "sway", "--cop", str(cop_files[0]), "--json", "--cutoff-hz", "2"))
    paths = [d["metrics"]["path_length_mm"] for d in (raw, filtered, low)]
    assert paths[0] > paths[1] > paths[2]


def test_romberg_from_two_files(cop_files: tuple[Path, Path]) -> None:
    eo = one_json(run("assess", "sway", "--cop", str(cop_files[0]), "--json"))
    ec = one_json(run("assess", "sway", "--cop", str(cop_files[1]), "--json", "--eyes", "closed"))
    data = one_json(
        run("assess", "romberg", "--eo", str(cop_files[0]), "--ec", str(cop_files[1]), "--json")
    )
    assert data["test"] == "romberg"
    assert data["usable"] is True
    velocity = "mean_velocity_mm_s"
    expected = ec["metrics"][velocity] / eo["metrics"][velocity]
    assert data["metrics"]["romberg_quotient"] == pytest.approx(expected)


def test_ctsib_from_four_files(cop_files: tuple[Path, Path]) -> None:
    eo, ec = (str(p) for p in cop_files)
    data = one_json(
        run("assess", "ctsib", "--eo-firm", eo, "--ec-firm", ec, "--eo-foam", eo,
            "--ec-foam", ec, "--source", "cop", "--json")
    )  # fmt: skip
    assert data["test"] == "ctsib"
    assert data["usable"] is True
    metrics = data["metrics"]
    assert metrics["eo_firm_mean_velocity_mm_s"] == metrics["eo_foam_mean_velocity_mm_s"]
    assert data["conditions"]["ec_foam"]["surface"] == "foam"


def test_missing_column_is_a_one_line_error(cop_files: tuple[Path, Path]) -> None:
    result = run("assess", "sway", "--cop", str(cop_files[0]), "--ml-column", "CoPz", "--json")
    assert_one_line_error(result, "CoPz")


def test_no_recording_and_bad_option_are_one_line_errors(
    cop_files: tuple[Path, Path], tmp_path: Path
) -> None:
    assert_one_line_error(run("assess", "sway", "--json"), "exactly one recording")
    bad_eyes = run("assess", "sway", "--cop", str(cop_files[0]), "--eyes", "half")
    assert_one_line_error(bad_eyes, "eyes")
    bad_direction = run("assess", "sway", "--cop", str(cop_files[0]), "--direction", "up")
    assert_one_line_error(bad_direction, "direction must be one of")
    missing = run("assess", "sway", "--cop", str(tmp_path / "nope.csv"))
    assert_one_line_error(missing, "not found")


def test_imu_exercise_recording_gives_a_result(shared_data: Path) -> None:
    path = shared_file(shared_data, "imu/uci_s1/e4/u5/test.txt.gz")
    data = one_json(run("assess", "sway", "--imu", str(path), "--json"))
    assert data["usable"] is False  # z is vertical in this recording, not forward
    assert any("forward axis" in r for r in data["reasons"])


def test_help_explains_the_protocol() -> None:
    for command in ("sway", "romberg", "ctsib"):
        result = run("assess", command, "--help")
        assert result.returncode == 0
        text = " ".join(result.stdout.split())
        for words in ("30 s", "tripod", "sternum", "3 trials"):
            assert words in text, (command, words)


@pytest.mark.slow
def test_oblique_real_video_is_refused_before_it_is_measured(shared_data: Path) -> None:
    clip = shared_file(shared_data, "video/pose2sim_balancing_cam01.mp4")
    data = one_json(run("assess", "sway", "--video", str(clip), "--json"))
    assert data["usable"] is False
    assert not data["metrics"]
    assert data["reasons"] == [
        "the camera view is oblique: film the person from the front (side-to-side sway) or "
        "exactly from the side (forward-backward sway)"
    ]
    assert data["conditions"]["source"] == "video"


def test_output_equal_to_the_input_is_refused_before_any_work(
    cop_files: tuple[Path, Path], tmp_path: Path
) -> None:
    copy = tmp_path / "eo.csv.gz"
    copy.write_bytes(cop_files[0].read_bytes())
    before = copy.read_bytes()
    result = run("assess", "sway", "--cop", str(copy), "-o", str(copy), "--json")
    assert_one_line_error(result, "is also an input")
    assert copy.read_bytes() == before
    result = run("assess", "sway", "--cop", str(copy), "-o", str(tmp_path / "no" / "r.json"))
    assert_one_line_error(result, "does not exist")


def test_json_prints_parameters_and_software_version_beside_metrics(
    cop_files: tuple[Path, Path],
) -> None:
    import kinesense

    data = one_json(run("assess", "sway", "--cop", str(cop_files[0]), "--json"))
    assert data["parameters"] == {"duration_s": 30.0, "cutoff_hz": 10.0, "filter": True}
    assert data["software_version"] == kinesense.__version__
    keys = list(data)
    assert keys.index("parameters") == keys.index("metric_info") + 1
