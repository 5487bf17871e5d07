"""The consent and disclaimer, and the account page: sign out everywhere, export, delete.

All of these work before a person accepted the consent: someone who does not accept can still
leave, take their data with them and delete it.
"""

import json
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from kinesense.errors import KinesenseError
from kinesense.web import access, auth
from kinesense.web.deps import SignedInUser, StateDep
from kinesense.web.pages.forms import redirect, signed_out_redirect
from kinesense.web.security import SESSION_COOKIE
from kinesense.web.templating import render

router = APIRouter()


@router.get("/consent")
def consent_page(request: Request, user: SignedInUser) -> Response:
    """The consent and disclaimer a person accepts before anything else."""
    access.require_role(user, "person")
    context = {"title": "Before you start", "version": access.CONSENT_VERSION,
               "accepted": access.has_consented(user)}  # fmt: skip
    return render(request, "consent.html", context)


@router.post("/consent")
def consent(
    user: SignedInUser, state: StateDep, version: Annotated[str, Form(max_length=40)]
) -> Response:
    """Record the acceptance and go to the person's start page."""
    auth.accept_consent(state, user, version)
    return redirect("/")


@router.get("/account")
def account_page(request: Request, user: SignedInUser, state: StateDep) -> Response:
    """The account: who is signed in, sign out everywhere, export and delete."""
    context = {"title": "Your account", "sessions": state.accounts.session_count(user.id),
               "error": ""}  # fmt: skip
    return render(request, "account.html", context)


@router.post("/account/signout-everywhere")
def signout_everywhere(user: SignedInUser, state: StateDep) -> Response:
    """End every sign-in of the account, this one included."""
    state.accounts.close_all_sessions(user.id)
    return signed_out_redirect("/signin")


@router.get("/account/export")
def export(user: SignedInUser, state: StateDep) -> Response:
    """Download everything kept about the signed-in person, as one JSON file."""
    data = auth.export_data(state, user)
    body = json.dumps(data.model_dump(mode="json"), indent=2, ensure_ascii=False)
    stamp = data.exported_at.strftime("%Y%m%d")
    return Response(
        body,
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="kinesense-export-{stamp}.json"'},
    )


@router.post("/account/delete")
def delete(
    request: Request,
    user: SignedInUser,
    state: StateDep,
    password: Annotated[str, Form(max_length=1024)],
) -> Response:
    """Delete the person's account and everything kept about them (password asked again)."""
    try:
        auth.delete_account(state, user, password)
    except KinesenseError as exc:
        context = {"title": "Your account", "error": str(exc),
                   "sessions": state.accounts.session_count(user.id)}  # fmt: skip
        return render(request, "account.html", context, status_code=exc.http_status)
    request.state.sign_in = None
    response = render(request, "deleted.html", {"title": "Your account was deleted"})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
