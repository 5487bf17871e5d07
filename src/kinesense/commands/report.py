"""``kinesense report RESULT.json ... -o report.html [--pdf report.pdf]``: readable reports."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kinesense.cli_support import JsonOption, print_json, user_errors
from kinesense.errors import InputFileError


@user_errors
def report(
    results: Annotated[
        list[Path],
        typer.Argument(
            help="Result files saved by 'kinesense assess TEST ... --json' or '-o' "
            "(one result per file, or a JSON list of results).",
            show_default=False,
        ),
    ],
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
    as_json: JsonOption = False,
) -> None:
    """Turn assessment results into a readable report with charts (HTML; PDF with --pdf).

    The HTML page is self-contained: it works offline and can be printed or e-mailed. Each
    result shows its protocol, measurements with units, definitions and references, the norms
    compared and a plain interpretation; a test repeated on different dates adds a progress
    chart. The report is not a diagnosis.
    """
    from kinesense.report import load_results
    from kinesense.report.html import write_html

    loaded = load_results(results)
    for target in (output, pdf):
        if target is not None and not target.parent.is_dir():
            raise InputFileError(f"cannot write {target}: folder {target.parent} does not exist")
    write_html(loaded, output, title=title, person=person)
    pages = None
    if pdf is not None:
        from kinesense.report.pdf import write_pdf

        pages = write_pdf(loaded, pdf, title=title, person=person)
    summary = {
        "results": len(loaded),
        "usable": sum(r.usable for r in loaded),
        "html": str(output),
        "pdf": str(pdf) if pdf is not None else None,
        "pdf_pages": pages,
    }
    if as_json:
        print_json(summary)
        return
    console = Console()
    console.print(
        f"{summary['results']} result(s), {summary['usable']} usable; report written to {output}",
        highlight=False,
    )
    if pdf is not None:
        console.print(f"PDF ({pages} pages) written to {pdf}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``kinesense report``."""
    app.command("report")(report)
