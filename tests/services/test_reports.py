"""Reports from result files within bounds, and from a person's stored results."""

import json
from pathlib import Path

import pytest

from kinesense.assess.result import AssessmentResult
from kinesense.errors import InputFileError, NotFoundError, OutputFileError
from kinesense.services.history import save_assessment
from kinesense.services.people import add_person
from kinesense.services.reports import (
    MAX_JSON_DEPTH,
    load_result_files,
    read_result_file,
    report_for_person,
    report_from_files,
)
from kinesense.store import Store
from tests.report import all_results, stance_result, sway_result
from tests.test_safe_json import refused_fast


def test_deep_nesting_is_refused_fast(tmp_path: Path) -> None:
    match = f"nests deeper than {MAX_JSON_DEPTH} levels"
    refused_fast(read_result_file, tmp_path / "deep.json", 2_000_000, match, 10)
    ok = tmp_path / "ok.json"
    ok.write_text(json.dumps({"a": [[[1]]]}))
    assert read_result_file(ok) == {"a": [[[1]]]}


def test_what_is_not_a_result_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="not found"):
        read_result_file(tmp_path / "absent.json")
    with pytest.raises(InputFileError, match="is a folder"):
        read_result_file(tmp_path)
    binary = tmp_path / "b.json"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InputFileError, match="not valid JSON"):
        read_result_file(binary)
    with pytest.raises(InputFileError, match="is a device, not a file"):
        read_result_file(Path("/dev/zero"))


def test_result_files_hold_one_result_or_a_list(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(sway_result().to_json()))
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([r.to_json() for r in all_results()]))
    loaded = load_result_files([good, listed])
    assert len(loaded) == 1 + len(all_results())
    assert isinstance(loaded[0], AssessmentResult)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InputFileError, match=r"bad.json is not valid JSON \(.*line 1"):
        load_result_files([bad])


def test_a_report_from_files_replaces_its_output_whole(tmp_path: Path) -> None:
    results = tmp_path / "r.json"
    results.write_text(json.dumps([sway_result().to_json(), stance_result().to_json()]))
    html = tmp_path / "report.html"
    html.write_text("old")
    summary = report_from_files([results], html)
    assert (summary.results, summary.html) == (2, html)
    assert html.read_text().startswith("<!DOCTYPE html>")
    with pytest.raises(OutputFileError, match="is also an input"):
        report_from_files([results], results)
    assert json.loads(results.read_text())[0]["test"] == "sway"


def test_a_report_of_a_persons_history(store: Store, tmp_path: Path) -> None:
    add_person(store, "Ann")
    with pytest.raises(NotFoundError, match="no assessment is saved for Ann"):
        report_for_person(store, "Ann", tmp_path / "r.html")
    save_assessment(store, "Ann", sway_result())
    summary = report_for_person(store, "1", tmp_path / "r.html", title="Ann's balance")
    assert summary.results == 1
    page = (tmp_path / "r.html").read_text()
    assert "Ann&#x27;s balance" in page or "Ann's balance" in page
    assert "Ann" in page
