"""Invitations: administrators invite therapists, therapists invite people."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from kinesense.clock import utc_now
from kinesense.errors import KinesenseError
from kinesense.store.accounts import AccountRecord
from kinesense.web import auth
from kinesense.web.deps import InviterUser, StateDep
from kinesense.web.pages.forms import absolute, redirect
from kinesense.web.state import AppState
from kinesense.web.templating import render

router = APIRouter()


def _page(
    request: Request, user: AccountRecord, state: AppState, *, new_link: str = "",
    new_name: str = "", error: str = "", status_code: int = 200,
) -> Response:  # fmt: skip
    links = [link for link in state.accounts.links_by(user.id) if link.purpose != "signin"]
    therapists = state.accounts.by_role("therapist") if user.role == "admin" else []
    context = {
        "title": "Invite a therapist" if user.role == "admin" else "Invite a person",
        "links": links, "therapists": therapists, "new_link": new_link, "new_name": new_name,
        "error": error, "now": utc_now(),
    }  # fmt: skip
    return render(request, "invitations.html", context, status_code=status_code)


@router.get("/invitations")
def invitations_page(request: Request, user: InviterUser, state: StateDep) -> Response:
    """The invitation form and the invitations made."""
    return _page(request, user, state)


@router.post("/invitations")
def create_invitation(
    request: Request, user: InviterUser, state: StateDep,
    name: Annotated[str, Form(max_length=200)],
) -> Response:  # fmt: skip
    """A new invitation, its link shown once to be copied and given."""
    try:
        link, path = auth.invite(state, user, name)
    except KinesenseError as exc:
        return _page(request, user, state, error=str(exc), status_code=exc.http_status)
    return _page(request, user, state, new_link=absolute(request, path), new_name=link.name)


@router.post("/invitations/{invitation_id}/revoke")
def revoke_invitation(invitation_id: int, user: InviterUser, state: StateDep) -> Response:
    """Withdraw an unused invitation."""
    auth.revoke_invitation(state, user, invitation_id)
    return redirect("/invitations")
