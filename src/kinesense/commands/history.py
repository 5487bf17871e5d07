"""``kinesense history PERSON``: everything kept for a person, oldest first."""

from typing import Annotated

import typer

from kinesense.cli_support import JsonOption, print_json, say, user_errors
from kinesense.services.database import open_store
from kinesense.services.history import person_history

HELP = """Show a person's history, oldest first.

Screenings, assessments (test and main metrics), plans,
coached sessions (exercise, repetitions, holds), check-ins (pain) and clinicians' overrides,
oldest first, with times in UTC. PERSON is an id, or a name exactly as added.

With --json prints {"person": {...}, "history": [{"id", "kind", "at", "summary", "data"}, ...]}.
"""


@user_errors
def history(
    person: Annotated[str, typer.Argument(help="Id or name (see kinesense person list).")],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Only this kind: screening, assessment, plan, session, checkin or override.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    with open_store() as store:
        found = person_history(store, person, kind)
    if as_json:
        print_json(found.to_json())
        return
    record = found.person
    born = f", born {record.birth_year}" if record.birth_year is not None else ""
    say(f"{record.name} (id {record.id}{born})")
    if not found.entries:
        say("  nothing recorded yet")
    for entry in found.entries:
        when = entry.at.strftime("%Y-%m-%d %H:%M")
        mark = " [active]" if entry.active else ""
        say(f"  {when}  {entry.summary}{mark}")


def register(app: typer.Typer) -> None:
    """Add ``history`` to the main application."""
    app.command("history", help=HELP)(history)
