"""Reports: a readable HTML page (and a PDF) from assessment result files, or from the results
kept in a person's history.

Result files come from users and are read within bounds before they are parsed: at most
:data:`MAX_RESULT_BYTES` bytes and :data:`MAX_JSON_DEPTH` levels of nesting (deeply nested JSON
would otherwise exhaust the interpreter's recursion). The output paths are checked before
anything is read (never an input, never a folder), and each file is replaced only whole
(written beside it, then renamed).
"""

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kinesense.assess.result import AssessmentResult
from kinesense.errors import InputFileError, NotFoundError
from kinesense.outputs import atomic_path, atomic_write, check_output_path
from kinesense.store import Store

MAX_RESULT_BYTES = 32 * 1024 * 1024
"""The largest result file read (a result with its plot data is well under 1 MB)."""
MAX_JSON_DEPTH = 64
"""The deepest nesting of objects and lists accepted in a result file (results nest < 10)."""


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """The deepest nesting of objects and lists in JSON ``text`` (brackets inside strings do
    not count), in linear time."""
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def read_result_file(path: Path) -> Any:
    """The JSON content of a result file, read within the bounds of the module docstring."""
    if not path.exists():
        raise InputFileError(f"result file {path} not found")
    if path.is_dir():
        raise InputFileError(f"{path} is a folder; give the result's .json file")
    if not path.is_file():
        raise InputFileError(f"{path} is not a regular file (a device or a pipe?)")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_RESULT_BYTES + 1)
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_RESULT_BYTES:
        raise InputFileError(
            f"{path} is larger than {MAX_RESULT_BYTES // (1024 * 1024)} MB: not a result file"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputFileError(f"{path} is not UTF-8 text: not a result file") from None
    if json_depth(text) > MAX_JSON_DEPTH:
        raise InputFileError(
            f"{path} is nested more than {MAX_JSON_DEPTH} levels deep: not a result file"
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def load_result_files(paths: Sequence[Path]) -> list[AssessmentResult]:
    """The results in the files, in order (one result per file, or a JSON list of them)."""
    from kinesense.report import parse_results

    results: list[AssessmentResult] = []
    for path in paths:
        results.extend(parse_results(read_result_file(path), str(path)))
    return results


@dataclass(frozen=True)
class ReportSummary:
    """What a report holds and where it was written."""

    results: int
    usable: int
    html: Path
    pdf: Path | None
    pdf_pages: int | None

    def to_json(self) -> dict[str, Any]:
        """JSON form (``kinesense report --json``)."""
        return {
            "results": self.results,
            "usable": self.usable,
            "html": str(self.html),
            "pdf": str(self.pdf) if self.pdf is not None else None,
            "pdf_pages": self.pdf_pages,
        }


def _check_outputs(output: Path, pdf: Path | None, inputs: Sequence[Path]) -> None:
    check_output_path(output, inputs=inputs, what="report")
    if pdf is not None:
        check_output_path(pdf, inputs=[*inputs, output], what="PDF report")


def _write(
    results: Sequence[AssessmentResult], output: Path, pdf: Path | None, title: str,
    person: str | None,
) -> ReportSummary:  # fmt: skip
    from kinesense.report.html import render_html

    if not results:
        raise InputFileError("no assessment result to report")
    atomic_write(output, render_html(results, title=title, person=person))
    pages = None
    if pdf is not None:
        from kinesense.report.pdf import write_pdf

        with atomic_path(pdf) as temporary:
            pages = write_pdf(results, temporary, title=title, person=person)
    usable = sum(1 for r in results if r.usable)
    return ReportSummary(len(results), usable, output, pdf, pages)


def report_from_files(
    paths: Sequence[Path],
    output: Path,
    *,
    pdf: Path | None = None,
    title: str = "Assessment report",
    person: str | None = None,
) -> ReportSummary:
    """A report of the result files (``person`` is the name shown on top)."""
    if not paths:
        raise InputFileError("give at least one result file (or --history PERSON)")
    _check_outputs(output, pdf, paths)
    return _write(load_result_files(paths), output, pdf, title, person)


def report_for_person(
    store: Store,
    person_ref: str,
    output: Path,
    *,
    pdf: Path | None = None,
    title: str = "Assessment report",
) -> ReportSummary:
    """A report of every assessment result kept in a person's history."""
    _check_outputs(output, pdf, [])
    with store.transaction(write=False) as unit:
        person = unit.person(person_ref)
        results = unit.assessments(person.id)
    if not results:
        raise NotFoundError(f"no assessment is saved for {person.name} (id {person.id}) yet")
    return _write(results, output, pdf, title, person.name)
