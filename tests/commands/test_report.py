"""``kinesense report`` as a user runs it: real processes, real files, one-line errors."""

import json
from pathlib import Path

import pytest

from tests.cli_runs import assert_one_line_error
from tests.cli_runs import run_kinesense as run
from tests.conftest import shared_file
from tests.report import stance_result, sway_result, unusable_result


def test_html_and_pdf_from_several_files(tmp_path: Path) -> None:
    listed = tmp_path / "battery.json"
    visits = [sway_result("2026-10-01T09:00:00+00:00", scale=1.5), sway_result(), unusable_result()]
    listed.write_text(json.dumps([r.to_json() for r in visits]))
    single = tmp_path / "stance.json"
    single.write_text(json.dumps(stance_result().to_json()))
    html, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    done = run(
        "report", str(listed), str(single), "-o", str(html), "--pdf", str(pdf),
        "--title", "Visit 3", "--person", "Alex Example", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["results"] == 4
    assert summary["usable"] == 3
    assert summary["pdf_pages"] > 5
    page = html.read_text(encoding="utf-8")
    assert "<title>Visit 3</title>" in page
    assert "For Alex Example" in page
    assert "Progress over time" in page
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_plain_output_names_the_files(tmp_path: Path) -> None:
    source = tmp_path / "sway.json"
    source.write_text(json.dumps(sway_result().to_json()))
    done = run("report", str(source), "-o", str(tmp_path / "r.html"))
    assert done.returncode == 0, done.stderr
    assert "1 result(s), 1 usable" in done.stdout
    assert "r.html" in done.stdout


def test_errors(tmp_path: Path) -> None:
    assert_one_line_error(run("report", str(tmp_path / "nope.json")), "not found")
    broken = tmp_path / "broken.json"
    broken.write_text('{"test": "sway", ')
    assert_one_line_error(run("report", str(broken)), "not valid JSON")
    other = tmp_path / "other.json"
    other.write_text('{"frames": 10}')
    assert_one_line_error(run("report", str(other)), "not an assessment result")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(stance_result().to_json()))
    assert_one_line_error(
        run("report", str(good), "-o", str(tmp_path / "no" / "r.html")), "does not exist"
    )


def test_report_of_a_real_force_plate_assessment(shared_data: Path, tmp_path: Path) -> None:
    """Real recording end to end: ``kinesense assess sway --json`` then ``kinesense report``."""
    recording = shared_file(shared_data, "cop/eyesOpen_1.csv.gz")
    assessed = run("assess", "sway", "--cop", str(recording), "--json")
    assert assessed.returncode == 0, assessed.stderr
    result = tmp_path / "sway.json"
    result.write_text(assessed.stdout)
    metrics = json.loads(assessed.stdout)["metrics"]
    html = tmp_path / "r.html"
    done = run("report", str(result), "-o", str(html))
    assert done.returncode == 0, done.stderr
    page = html.read_text(encoding="utf-8")
    assert page.count('<img src="data:image/png;base64,') == 3  # stabilogram, time, spectrum
    for name in metrics:
        assert f"<code>{name}</code>" in page


@pytest.mark.parametrize("flag", ["--help"])
def test_help_mentions_offline_html(flag: str) -> None:
    done = run("report", flag)
    assert done.returncode == 0
    assert "self-contained" in done.stdout


def test_real_romberg_conditions_drawn_side_by_side(shared_data: Path, tmp_path: Path) -> None:
    """The Romberg JSON nests two trials; both are drawn at one scale."""
    from kinesense.report import parse_results
    from kinesense.report.plots import result_charts

    eo = shared_file(shared_data, "cop/eyesOpen_1.csv.gz")
    ec = shared_file(shared_data, "cop/eyesClosed_1.csv.gz")
    assessed = run("assess", "romberg", "--eo", str(eo), "--ec", str(ec), "--json")
    assert assessed.returncode == 0, assessed.stderr
    (result,) = parse_results(json.loads(assessed.stdout), "romberg.json")
    charts, problems = result_charts(result)
    assert problems == []
    assert [c.title for c in charts] == ["Stabilogram", "Sway over time"]
    assert "eyes open: " in charts[0].caption
    assert "eyes closed: " in charts[0].caption
