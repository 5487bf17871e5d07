"""Signing in and out, the first run and joining by invitation."""

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from kinesense.errors import KinesenseError
from kinesense.web import access, auth
from kinesense.web.deps import PublicForm, SessionDep, SignedInUser, StateDep
from kinesense.web.pages.forms import (
    client_address,
    redirect,
    safe_next,
    signed_in_redirect,
    signed_out_redirect,
    user_agent,
)
from kinesense.web.templating import render

router = APIRouter()

JOIN_TITLES = {
    "admin": "Set up kinesense",
    "therapist": "Join kinesense as a therapist",
    "person": "Join kinesense",
}


@router.get("/")
def home(request: Request, sign_in: SessionDep, state: StateDep) -> Response:
    """Where each role starts: people at their page, therapists at their list of people,
    administrators at their invitations; signed out, the sign-in page (or the first-run note)."""
    if sign_in is None:
        if not state.accounts.count("admin"):
            return render(request, "first_run.html", {"title": "kinesense is not set up yet"})
        return redirect("/signin")
    user = sign_in.account
    if not access.has_consented(user):
        return redirect("/consent")
    if user.role == "person":
        return redirect(f"/people/{user.person_id}")
    return redirect("/people" if user.role == "therapist" else "/invitations")


@router.get("/signin")
def signin_page(
    request: Request, next_page: Annotated[str, Query(alias="next", max_length=2000)] = "/"
) -> Response:
    """The sign-in form."""
    context = {"title": "Sign in", "next": safe_next(next_page), "email": "", "error": ""}
    return render(request, "signin.html", context)


@router.post("/signin")
def signin(
    request: Request,
    state: StateDep,
    _csrf: PublicForm,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=1024)],
    next_page: Annotated[str, Form(alias="next", max_length=2000)] = "/",
) -> Response:
    """Check the password and sign in; the form again with the reason when it fails."""
    try:
        session = auth.sign_in(
            state, email, password, address=client_address(request), user_agent=user_agent(request)
        )
    except KinesenseError as exc:
        context = {
            "title": "Sign in",
            "next": safe_next(next_page),
            "email": email,
            "error": str(exc),
        }
        response = render(request, "signin.html", context, status_code=exc.http_status)
        if exc.http_status == 429:
            response.headers["retry-after"] = str(getattr(exc, "retry_after_s", 60))
        return response
    return signed_in_redirect(request, session, safe_next(next_page))


@router.post("/signout")
def signout(user: SignedInUser, state: StateDep, sign_in: SessionDep) -> Response:
    """Sign this browser out."""
    if sign_in is not None:
        state.accounts.close_session(sign_in.token)
    return signed_out_redirect("/signin")


@router.get("/join/{token}")
def join_page(request: Request, token: str, state: StateDep) -> Response:
    """The form that creates an account from an invitation or the first-run link."""
    link = auth.invitation(state, token)
    context = {"title": JOIN_TITLES.get(link.purpose, "Join kinesense"), "link": link,
               "token": token, "email": "", "name": link.name, "error": ""}  # fmt: skip
    return render(request, "join.html", context)


@router.post("/join/{token}")
def join(
    request: Request,
    token: str,
    state: StateDep,
    _csrf: PublicForm,
    email: Annotated[str, Form(max_length=254)],
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
    password_again: Annotated[str, Form(max_length=1024)],
) -> Response:
    """Create the account, sign it in and go on (a person goes to the consent first)."""
    link = auth.invitation(state, token)
    try:
        session = auth.join(
            state, token, email=email, name=name, password=password,
            password_again=password_again, address=client_address(request),
            user_agent=user_agent(request),
        )  # fmt: skip
    except KinesenseError as exc:
        context = {"title": JOIN_TITLES.get(link.purpose, "Join kinesense"), "link": link,
                   "token": token, "email": email, "name": name, "error": str(exc)}  # fmt: skip
        return render(request, "join.html", context, status_code=exc.http_status)
    return signed_in_redirect(request, session, "/")


@router.get("/signin/link/{token}")
def signin_by_link(request: Request, token: str, state: StateDep) -> Response:
    """Sign in with a one-time link (made by ``kinesense serve --demo``)."""
    account = state.accounts.use_signin_link(token)
    session = auth.open_session(state, account, client_address(request), user_agent(request))
    return signed_in_redirect(request, session, "/")
