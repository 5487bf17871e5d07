"""``/api/v1/me``: the signed-in account - consent, sign out everywhere, export, deletion.

These work before a person accepted the consent (someone who does not accept can still see,
export and delete what they have).
"""

from fastapi import APIRouter, Response

from kinesense.web import auth
from kinesense.web.deps import SignedInUser, StateDep
from kinesense.web.schemas import (
    AccountDelete,
    AccountPublic,
    ConsentAccept,
    DataExport,
    SessionsClosed,
)
from kinesense.web.security import SESSION_COOKIE

router = APIRouter(prefix="/me", tags=["account"])


@router.get("", response_model=AccountPublic)
def me(user: SignedInUser) -> AccountPublic:
    """The signed-in account."""
    return AccountPublic.of(user)


@router.post("/consent", response_model=AccountPublic)
def consent(body: ConsentAccept, user: SignedInUser, state: StateDep) -> AccountPublic:
    """Accept the consent and disclaimer (people only; ``version`` must be the current one)."""
    auth.accept_consent(state, user, body.version)
    return AccountPublic.of(state.accounts.get(user.id))


@router.post("/sessions/close-all", response_model=SessionsClosed)
def close_all_sessions(user: SignedInUser, state: StateDep, response: Response) -> SessionsClosed:
    """Sign out on every device, this one included."""
    closed = state.accounts.close_all_sessions(user.id)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return SessionsClosed(closed=closed)


@router.get("/export", response_model=DataExport)
def export(user: SignedInUser, state: StateDep) -> DataExport:
    """Everything kinesense keeps about the signed-in person (people only)."""
    return auth.export_data(state, user)


@router.delete("", status_code=204)
def delete(body: AccountDelete, user: SignedInUser, state: StateDep) -> Response:
    """Delete the signed-in person's account, person record, history and uploads (people only;
    the password is asked again)."""
    auth.delete_account(state, user, body.password)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
