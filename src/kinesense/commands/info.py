"""``kinesense info FILE``: what a file holds; ``kinesense info --settings``: what is in force."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from kinesense.cli_support import JsonOption, print_json, user_errors
from kinesense.errors import InvalidValueError
from kinesense.services.files import describe
from kinesense.settings import load_settings
from kinesense.text import printable


@user_errors
def info(
    file: Annotated[
        Path | None, typer.Argument(help="Any file kinesense reads.", show_default=False)
    ] = None,
    settings: Annotated[
        bool,
        typer.Option(
            "--settings",
            help="Show the settings in force (database, folders, server; passwords hidden).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Describe a video, a saved series, or a keypoint, IMU or force-plate file; or, with
    --settings, the settings in force (from KINESENSE_* variables and the config file)."""
    if settings == (file is not None):
        raise InvalidValueError("give a FILE to describe, or --settings")
    described = load_settings().shown() if settings else describe(file)  # type: ignore[arg-type]
    if as_json:
        print_json(described)
        return
    console = Console()
    for key, value in described.items():
        if key == "details" and isinstance(value, dict):
            for sub_key, sub_value in value.items():
                console.print(
                    f"  {printable(sub_key)}: {printable(sub_value)}", highlight=False, markup=False
                )
        else:
            console.print(
                Text.assemble((f"{printable(key)}", "bold"), f": {printable(value)}"),
                highlight=False,
            )


def register(app: typer.Typer) -> None:
    """Add ``kinesense info``."""
    app.command("info")(info)
