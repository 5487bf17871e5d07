"""``kinesense assess TEST ...``: the assessment battery; each test adds its own sub-command."""

import typer

assess_app = typer.Typer(
    name="assess",
    help=(
        "Run a test of balance, position sense, posture or mobility on a recording. "
        "Each test explains its protocol: kinesense assess TEST --help."
    ),
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the ``assess`` group to the main application."""
    app.add_typer(assess_app, name="assess")
