"""Saving what a command measured in a person's history (``--person ID_OR_NAME``)."""

from typing import Annotated, Any

import typer
from rich.console import Console

from kinesense.cli_support import say
from kinesense.services.database import open_store
from kinesense.services.history import save_payload

PersonOption = Annotated[
    str | None,
    typer.Option(
        "--person",
        help="Save the result in this person's history (id, or name; see kinesense person list).",
    ),
]


def save_for_person(person: str | None, kind: str, payload: dict[str, Any]) -> int | None:
    """Save ``payload`` (an ``AssessmentResult.to_json()`` for ``kind="assessment"``, the
    ``kinesense coach --json`` object for ``kind="session"``) for ``person``; returns the record
    id, or None when no person was given. An unknown person is a one-line error."""
    if person is None:
        return None
    with open_store() as store:
        saved = save_payload(store, person, kind, payload)
    say(
        f"saved in the history of {saved.person.name} (id {saved.person.id})",
        console=Console(stderr=True),
    )
    return saved.record_id
