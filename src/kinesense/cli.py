"""The ``kinesense`` command line: one sub-command per job (``kinesense.commands``).

Every error a user can cause - a missing file, a file that is not a video, nobody in view, an
unknown option, a person who must be screened first - is reported on one line on stderr with
exit code 2 (:class:`kinesense.cli_support.OneLineErrorGroup`); a bug keeps its traceback.
"""

from typing import Annotated

import typer

from kinesense import __version__
from kinesense.cli_support import OneLineErrorGroup

app = typer.Typer(
    name="kinesense",
    help="Measure and train the body's kinesthetic sense (proprioception).",
    cls=OneLineErrorGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        typer.echo(f"kinesense {__version__}")
        raise typer.Exit()


def main() -> None:
    """Entry point of the ``kinesense`` command."""
    app(prog_name="kinesense")


def _register_commands() -> None:
    from kinesense.commands import register_all

    register_all(app)


_register_commands()


if __name__ == "__main__":
    main()
