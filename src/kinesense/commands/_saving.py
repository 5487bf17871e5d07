"""Saving what a command measured in a person's history (``--person NAME_OR_ID``)."""

from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.console import Console

PersonOption = Annotated[
    str | None,
    typer.Option(
        "--person",
        help="Save the result in this person's history (name or id; see kinesense person list).",
    ),
]

SAVERS = {"assessment": "save_assessment", "session": "save_session"}


def save_for_person(person: str | None, kind: str, payload: dict[str, Any]) -> int | None:
    """Save ``payload`` (an ``AssessmentResult.to_json()`` for ``kind="assessment"``, the
    ``kinesense coach --json`` object for ``kind="session"``) for ``person``; returns the record
    id, or None when no person was given. A session without ``started_at`` gets the current UTC
    time. An unknown person raises :class:`kinesense.store.StoreError` (a one-line error)."""
    if person is None:
        return None
    from kinesense.store import Store

    if kind not in SAVERS:
        raise ValueError(f"cannot save a {kind!r} for a person; known: {', '.join(SAVERS)}")
    data = dict(payload)
    if kind == "session" and not data.get("started_at"):
        data["started_at"] = datetime.now(UTC).isoformat()
    with Store() as store:
        found = store.person(person)
        record_id: int = getattr(store, SAVERS[kind])(found.id, data)
    Console(stderr=True).print(
        f"saved in the history of {found.name} (id {found.id})", highlight=False
    )
    return record_id
