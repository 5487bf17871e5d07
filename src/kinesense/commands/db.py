"""``kinesense db status`` and ``kinesense db upgrade``: the database's schema.

The embedded SQLite default is migrated automatically; a server database (PostgreSQL) is
migrated only by ``kinesense db upgrade``, when its administrator chooses.
"""

import typer

from kinesense.cli_support import JsonOption, print_json, say, user_errors
from kinesense.services.database import DatabaseStatus, database_status, upgrade_database

db_app = typer.Typer(
    name="db",
    help="The history database's schema: its status, and the upgrade a server database needs.",
    no_args_is_help=True,
)

STATES = {
    "empty": "empty: no schema yet (kinesense db upgrade creates it)",
    "behind": "behind: run kinesense db upgrade",
    "current": "up to date",
    "newer": "written by a newer kinesense: use a newer kinesense",
}


def _line(status: DatabaseStatus) -> str:
    revision = status.revision or "none"
    return (
        f"{status.url} ({status.dialect}): schema {revision}, this kinesense {status.head}; "
        f"{STATES[status.state]}"
    )


@db_app.command("status")
@user_errors
def status(as_json: JsonOption = False) -> None:
    """Where the database's schema stands against this kinesense."""
    found = database_status()
    if as_json:
        print_json(found.to_json())
        return
    say(_line(found))


@db_app.command("upgrade")
@user_errors
def upgrade(as_json: JsonOption = False) -> None:
    """Bring the database's schema forward to this kinesense's (all steps in one transaction)."""
    before, after = upgrade_database()
    if as_json:
        print_json({"before": before.to_json(), "after": after.to_json()})
        return
    if before.state == "current":
        say(f"nothing to do: {_line(after)}")
    else:
        say(f"upgraded from schema {before.revision or 'none'} to {after.revision}: {after.url}")


def register(app: typer.Typer) -> None:
    """Add the ``db`` group."""
    app.add_typer(db_app, name="db")
