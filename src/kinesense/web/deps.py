"""The dependencies routes declare, as ``Annotated`` types.

=================  ==============================================================================
``StateDep``       the running app's :class:`~kinesense.web.state.AppState`
``StoreDep``       the history store (:class:`kinesense.store.Store`), the one the CLI uses
``AccountsDep``    the accounts repository
``JobsDep``        the job runner
``SessionDep``     the browser's sign-in session (:class:`SignIn`) or None; never raises
``SignedInUser``   the signed-in account, or 401; checks the CSRF token of unsafe requests
``CurrentUser``    as ``SignedInUser``, and a person must have accepted the consent (403)
``PublicForm``     for forms used signed out (sign in, join): checks their CSRF token
``OwnPerson``      the path's ``person_id`` once :func:`access.check_person` allowed it
``OwnJob``         the path's ``job_id`` as a :class:`~kinesense.jobs.JobRecord`, allowed
``TherapistUser``  ``CurrentUser`` who is a therapist; ``InviterUser``: admin or therapist
=================  ==============================================================================
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from kinesense.jobs import JobRecord, JobRunner
from kinesense.store import Store
from kinesense.store.accounts import AccountRecord, Accounts
from kinesense.web import access
from kinesense.web.errors import ConsentNeededError, CsrfError, NotSignedInError
from kinesense.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    csrf_matches,
    csrf_token,
)
from kinesense.web.state import SESSION_IDLE, AppState

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_UNKNOWN = object()


@dataclass(frozen=True)
class SignIn:
    """A browser's sign-in: its session token (from the cookie) and account."""

    token: str
    account: AccountRecord


def app_state(request: Request) -> AppState:
    """The state :func:`kinesense.web.app.create_app` attached to the app."""
    state: AppState = request.app.state.kinesense
    return state


StateDep = Annotated[AppState, Depends(app_state)]


def get_store(state: StateDep) -> Store:
    """The history store."""
    return state.store


def get_accounts(state: StateDep) -> Accounts:
    """The accounts repository."""
    return state.accounts


def get_jobs(state: StateDep) -> JobRunner:
    """The job runner."""
    return state.jobs


StoreDep = Annotated[Store, Depends(get_store)]
AccountsDep = Annotated[Accounts, Depends(get_accounts)]
JobsDep = Annotated[JobRunner, Depends(get_jobs)]


def sign_in_of(request: Request) -> SignIn | None:
    """The request's sign-in, looked up once per request (None when signed out)."""
    if getattr(request.state, "sign_in", _UNKNOWN) is _UNKNOWN:
        token = request.cookies.get(SESSION_COOKIE, "")
        account = None
        if token:
            account = app_state(request).accounts.session_account(token, idle=SESSION_IDLE)
        request.state.sign_in = SignIn(token, account) if account is not None else None
    found: SignIn | None = request.state.sign_in
    return found


def current_sign_in(request: Request) -> SignIn | None:
    """Dependency form of :func:`sign_in_of`."""
    return sign_in_of(request)


SessionDep = Annotated[SignIn | None, Depends(current_sign_in)]


def form_csrf_token(request: Request) -> str:
    """The CSRF token forms of this page must carry."""
    sign_in = sign_in_of(request)
    return csrf_token(
        app_state(request).config.secret_key,
        request.cookies.get(CSRF_COOKIE, ""),
        sign_in.token if sign_in else "",
    )


async def check_csrf(request: Request) -> None:
    """Refuse an unsafe request (POST, DELETE...) without this browser's CSRF token, sent in the
    ``X-CSRF-Token`` header or, for forms, in the ``csrf_token`` field."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER, "")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not sent and content_type in FORM_TYPES:
        value = (await request.form()).get(CSRF_FIELD, "")
        sent = value if isinstance(value, str) else ""
    sign_in = sign_in_of(request)
    if not csrf_matches(
        app_state(request).config.secret_key,
        request.cookies.get(CSRF_COOKIE, ""),
        sign_in.token if sign_in else "",
        sent,
    ):
        raise CsrfError()


async def signed_in_user(request: Request, sign_in: SessionDep) -> AccountRecord:
    """The signed-in account (401 otherwise), after the CSRF check of unsafe requests."""
    if sign_in is None:
        raise NotSignedInError()
    await check_csrf(request)
    return sign_in.account


SignedInUser = Annotated[AccountRecord, Depends(signed_in_user)]


def current_user(user: SignedInUser) -> AccountRecord:
    """The signed-in account, once a person among them accepted the consent."""
    if not access.has_consented(user):
        raise ConsentNeededError()
    return user


CurrentUser = Annotated[AccountRecord, Depends(current_user)]


async def public_form(request: Request) -> None:
    """The CSRF check of forms sent while signed out (sign in, joining by invitation)."""
    await check_csrf(request)


PublicForm = Annotated[None, Depends(public_form)]


def own_person(person_id: int, user: CurrentUser, accounts: AccountsDep) -> int:
    """``person_id`` once the user is allowed to see that person (404 or 403 otherwise)."""
    access.check_person(user, person_id, accounts)
    return person_id


OwnPerson = Annotated[int, Depends(own_person)]


def own_job(job_id: str, user: CurrentUser, state: StateDep) -> JobRecord:
    """The job ``job_id`` once the user is allowed to see it (404 otherwise)."""
    job = state.jobs.repository.get(job_id)
    access.check_job(user, job, state.accounts)
    return job


OwnJob = Annotated[JobRecord, Depends(own_job)]


def therapist_user(user: CurrentUser) -> AccountRecord:
    """The current user if a therapist (403 otherwise)."""
    return access.require_role(user, "therapist")


def inviter_user(user: CurrentUser) -> AccountRecord:
    """The current user if they may invite (administrators and therapists; 403 otherwise)."""
    return access.require_role(user, "admin", "therapist")


TherapistUser = Annotated[AccountRecord, Depends(therapist_user)]
InviterUser = Annotated[AccountRecord, Depends(inviter_user)]
