"""``kinesense report RESULT.json ... -o report.html [--pdf report.pdf]``: readable reports."""

from pathlib import Path
from typing import Annotated

import typer

from kinesense.cli_support import JsonOption, print_json, say, user_errors
from kinesense.errors import InvalidValueError
from kinesense.services.database import open_store
from kinesense.services.reports import report_for_person, report_from_files


@user_errors
def report(
    results: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Result files saved by 'kinesense assess TEST ... --json' or '-o' "
            "(one result per file, or a JSON list of results).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the HTML report.")
    ] = Path("report.html"),
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Also write the report as a PDF here.")
    ] = None,
    title: Annotated[str, typer.Option("--title", help="Title of the report.")] = (
        "Assessment report"
    ),
    person: Annotated[
        str | None, typer.Option("--person", help="Whom the report is about (shown on top).")
    ] = None,
    history: Annotated[
        str | None,
        typer.Option(
            "--history",
            help="Report every assessment kept in this person's history (id or name) instead "
            "of result files.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Turn assessment results into a readable report with charts (HTML; PDF with --pdf).

    The HTML page is self-contained: it works offline and can be printed or e-mailed. Each
    result shows its protocol, measurements with units, definitions and references, the norms
    compared and a plain interpretation; a test repeated on different dates adds a progress
    chart. The report is not a diagnosis.
    """
    if history is not None:
        if results:
            raise InvalidValueError("give result files or --history PERSON, not both")
        with open_store() as store:
            summary = report_for_person(store, history, output, pdf=pdf, title=title)
    else:
        summary = report_from_files(results or [], output, pdf=pdf, title=title, person=person)
    if as_json:
        print_json(summary.to_json())
        return
    say(f"{summary.results} result(s), {summary.usable} usable; report written to {summary.html}")
    if summary.pdf is not None:
        say(f"PDF ({summary.pdf_pages} pages) written to {summary.pdf}")


def register(app: typer.Typer) -> None:
    """Add ``kinesense report``."""
    app.command("report")(report)
