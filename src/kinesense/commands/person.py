"""``kinesense person add NAME`` and ``kinesense person list``: the people whose history is kept."""

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from kinesense.cli_support import JsonOption, print_json, user_errors

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
    name: Annotated[str, typer.Argument(help="The person's name (as you will look them up).")],
    birth_year: Annotated[
        int | None, typer.Option("--birth-year", help="Year of birth, for age-matched norms.")
    ] = None,
    notes: Annotated[str, typer.Option("--notes", help="Free notes.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Add a person; prints their id (names may repeat: then use the id)."""
    from kinesense.store import Store

    with Store() as store:
        namesakes = [p for p in store.people() if p.name == name.strip()]
        person_id = store.add_person(name, birth_year=birth_year, notes=notes)
        person = store.person(person_id)
    if as_json:
        print_json(person.to_json())
        return
    typer.echo(f"added {person.name} (id {person.id})")
    if namesakes:
        ids = ", ".join(str(p.id) for p in namesakes)
        typer.echo(f"note: someone else is called {person.name} (id {ids}); use ids to tell apart")


@person_app.command("list")
@user_errors
def list_people(as_json: JsonOption = False) -> None:
    """List everyone in the history."""
    from kinesense.store import Store

    with Store() as store:
        people = store.people()
    if as_json:
        print_json([p.to_json() for p in people])
        return
    if not people:
        typer.echo("nobody yet: add someone with kinesense person add NAME")
        return
    table = Table("id", "name", "birth year", "added (UTC)", "notes")
    for p in people:
        born = "" if p.birth_year is None else str(p.birth_year)
        table.add_row(str(p.id), p.name, born, p.created_at[:16].replace("T", " "), p.notes)
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add the ``person`` group to the main application."""
    app.add_typer(person_app, name="person")
