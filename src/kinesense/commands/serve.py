"""``kinesense serve``: the web app."""

from typing import Annotated

import typer

from kinesense.cli_support import user_errors


@user_errors
def serve(
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to listen on. Anything but 127.0.0.1/localhost opens kinesense to the "
            "network and needs KINESENSE_SECRET_KEY.",
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    demo: Annotated[
        bool,
        typer.Option("--demo", help="Create demo accounts and sign this browser in as the person."),
    ] = False,
    browser: Annotated[
        bool, typer.Option("--browser/--no-browser", help="Open the browser (when there is one).")
    ] = True,
    lan: Annotated[
        bool,
        typer.Option(
            "--lan",
            help="Serve HTTPS on every network interface with a self-signed certificate (made "
            "once, kept in the data folder), so that a phone on the same network can be paired "
            "as a motion sensor. Needs KINESENSE_SECRET_KEY.",
        ),
    ] = False,
) -> None:
    """Serve the kinesense web app: people and their therapists in the browser.

    The first run prints a one-time link that creates the administrator's account. The
    database is the one the other commands use (KINESENSE_DATABASE_URL); uploads are kept in
    KINESENSE_DATA_DIR (default: the user data folder).
    """
    from kinesense.web.serving import serve as run_server

    run_server(host, port, demo=demo, open_browser=browser, lan=lan)


def register(app: typer.Typer) -> None:
    """Add ``kinesense serve``."""
    app.command()(serve)
