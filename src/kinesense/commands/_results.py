"""How every ``kinesense assess`` command checks its output path, shows progress, saves and
prints its result."""

import contextlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel

from kinesense.assess.result import AssessmentResult
from kinesense.cli_support import print_json
from kinesense.commands._saving import save_for_person
from kinesense.json_values import json_text
from kinesense.services.assessments import result_output, run_assessment, save_result

OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Also save the result as JSON here.")
]

DetailLines = Callable[[AssessmentResult], Iterable[str]]
Advance = Callable[[int, int], None]


def checked_output(output: Path | None, inputs: Iterable[Path | None]) -> Path | None:
    """``output`` checked before any work (:func:`kinesense.services.assessments.
    result_output`): never one of the ``inputs``, in an existing writable folder."""
    return result_output(output, inputs)


@contextlib.contextmanager
def analysis_progress() -> Iterator[Advance]:
    """A progress bar on the terminal while a video is analysed, native log lines kept off."""
    from kinesense.progress import frame_progress

    with frame_progress("Finding the person") as (_, advance):
        yield advance


def metric_lines(result: AssessmentResult) -> Iterable[str]:
    """One line per metric: name, value, unit."""
    for name, value in result.metrics.items():
        yield f"  {name:36s} {value:12.4g} {result.metric_info[name].unit}"


def emit_result(
    result: AssessmentResult,
    as_json: bool,
    output: Path | None,
    details: DetailLines = metric_lines,
) -> None:
    """Save the result as JSON when asked (atomically: a complete file or the old one), then
    print it: one JSON line, or plain text.

    Plain text gives the reasons of an unusable result and nothing else; otherwise the
    interpretation, ``details`` (the metrics by default), the norms compared and the notes.
    """
    data = result.to_json()
    if output is not None:
        save_result(output, json_text(data, indent=1) + "\n")
    if as_json:
        print_json(data)
        return
    if not result.usable:
        typer.echo(f"{result.test}: cannot be judged")
        for reason in result.reasons:
            typer.echo(f"  - {reason}")
        return
    typer.echo(result.interpretation)
    for line in details(result):
        typer.echo(line)
    for norm in result.norms:
        typer.echo(f"norm: {norm.text}")
    for note in result.notes:
        typer.echo(f"note: {note}")


def run_and_emit(
    name: str,
    inputs: Any,
    params: BaseModel | None = None,
    *,
    as_json: bool,
    output: Path | None,
    person: str | None,
    details: DetailLines = metric_lines,
) -> None:
    """Run the test ``name`` on ``inputs`` with ``params`` (default: the test's), save and print
    its result (:func:`emit_result`), and keep it in ``person``'s history when one is given."""
    result = run_assessment(name, inputs, params)
    emit_result(result, as_json, output, details)
    save_for_person(person, "assessment", result.to_json())
