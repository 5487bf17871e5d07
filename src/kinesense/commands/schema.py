"""``kinesense schema [NAME] [--list]``: the JSON Schemas of kinesense's payloads and data files."""

import json
from typing import Annotated

import typer

from kinesense.cli_support import JsonOption, print_json, say, user_errors
from kinesense.errors import InvalidValueError
from kinesense.schemas import CATALOGUE, schema


@user_errors
def schema_command(
    name: Annotated[
        str | None, typer.Argument(help="Schema name (see --list).", show_default=False)
    ] = None,
    list_names: Annotated[bool, typer.Option("--list", help="List the schema names.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Print the JSON Schema of a payload (a plan, a check-in...) or a data file (tracks,
    questionnaires, exercises), generated from kinesense's models."""
    if list_names and name is not None:
        raise InvalidValueError("give a NAME or --list, not both")
    if name is None:
        rows = [
            {
                "name": item.name,
                "description": item.description,
                "published": item.unpublished_reason() is None,
            }
            for item in CATALOGUE
        ]
        if as_json:
            print_json(rows)
            return
        for row in rows:
            mark = "" if row["published"] else " (not published yet)"
            say(f"{row['name']:20s} {row['description']}{mark}")
        return
    found = schema(name)
    if as_json:
        print_json(found)
    else:
        typer.echo(json.dumps(found, indent=2))


def register(app: typer.Typer) -> None:
    """Add ``kinesense schema``."""
    app.command("schema")(schema_command)
