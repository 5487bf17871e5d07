"""``kinesense person add NAME`` and ``kinesense person list``: the people whose history is kept."""

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from kinesense.cli_support import JsonOption, print_json, say, user_errors
from kinesense.services.database import open_store
from kinesense.services.people import add_person, list_people
from kinesense.text import printable

person_app = typer.Typer(
    name="person",
    help=(
        "Add or list the people whose measurements, plans and sessions are kept. The history "
        "is a SQLite file in your data folder unless KINESENSE_DATABASE_URL names another "
        "database."
    ),
    no_args_is_help=True,
)


@person_app.command("add")
@user_errors
def add(
    name: Annotated[
        str,
        typer.Argument(help="The person's name (not only digits: a number is always an id)."),
    ],
    birth_year: Annotated[
        int | None, typer.Option("--birth-year", help="Year of birth, for age-matched norms.")
    ] = None,
    notes: Annotated[str, typer.Option("--notes", help="Free notes.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Add a person; prints their id (names may repeat: then use the id)."""
    with open_store() as store:
        added = add_person(store, name, birth_year=birth_year, notes=notes)
    person = added.person
    if as_json:
        print_json(person.to_json())
        return
    say(f"added {person.name} (id {person.id})")
    if added.namesakes:
        ids = ", ".join(str(p.id) for p in added.namesakes)
        say(f"note: someone else is called {person.name} (id {ids}); use ids to tell apart")


@person_app.command("list")
@user_errors
def list_people_command(as_json: JsonOption = False) -> None:
    """List everyone in the history."""
    with open_store() as store:
        people = list_people(store)
    if as_json:
        print_json([p.to_json() for p in people])
        return
    if not people:
        say("nobody yet: add someone with kinesense person add NAME")
        return
    table = Table("id", "name", "birth year", "added (UTC)", "notes")
    for p in people:
        born = "" if p.birth_year is None else str(p.birth_year)
        added = p.created_at.strftime("%Y-%m-%d %H:%M")
        table.add_row(str(p.id), printable(p.name), born, added, printable(p.notes))
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add the ``person`` group to the main application."""
    app.add_typer(person_app, name="person")
