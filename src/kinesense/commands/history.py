"""``kinesense history PERSON``: everything kept for a person, oldest first."""

from typing import Annotated

import typer

from kinesense.cli_support import JsonOption, print_json, user_errors

HELP = """Show a person's history, oldest first.

Screenings, assessments (test and main metrics), plans,
coached sessions (exercise, repetitions, holds), check-ins (pain) and clinicians' overrides,
oldest first, with times in UTC. PERSON is a name (exactly as added) or an id.

With --json prints {"person": {...}, "history": [{"id", "kind", "at", "summary", "data"}, ...]}.
"""


@user_errors
def history(
    person: Annotated[str, typer.Argument(help="Name or id (see kinesense person list).")],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Only this kind: screening, assessment, plan, session, checkin or override.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    from kinesense.errors import KinesenseError
    from kinesense.store import Store
    from kinesense.store.models import KINDS

    if kind is not None and kind not in KINDS:
        raise KinesenseError(f"--kind must be one of {', '.join(KINDS)}; got {kind!r}")
    with Store() as store:
        record = store.person(person)
        entries = store.history(record.id)
    if kind is not None:
        entries = [e for e in entries if e["kind"] == kind]
    if as_json:
        print_json({"person": record.to_json(), "history": entries})
        return
    born = f", born {record.birth_year}" if record.birth_year is not None else ""
    typer.echo(f"{record.name} (id {record.id}{born})")
    if not entries:
        typer.echo("  nothing recorded yet")
    for entry in entries:
        when = entry["at"][:16].replace("T", " ")
        mark = " [active]" if entry.get("active") else ""
        typer.echo(f"  {when}  {entry['summary']}{mark}")


def register(app: typer.Typer) -> None:
    """Add ``history`` to the main application."""
    app.command("history", help=HELP)(history)
