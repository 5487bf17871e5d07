"""Account workflows shared by the pages and the API: first run, invitations, signing in and
out, consent, export and deletion. Routes parse input, call one of these and present the answer.
"""

import shutil
from dataclasses import dataclass

from kinesense.clock import utc_now
from kinesense.errors import ConflictError, InvalidValueError, NotFoundError
from kinesense.services.history import person_history
from kinesense.store.accounts import AccountRecord, LinkRecord, clean_name
from kinesense.store.web_tables import ROLES
from kinesense.web import access, passwords, ratelimit
from kinesense.web.errors import ForbiddenError, NotSignedInError
from kinesense.web.schemas import AccountPublic, DataExport, JobPublic, PersonPublic
from kinesense.web.security import new_token
from kinesense.web.state import (
    INVITATION_LIFETIME,
    SESSION_LIFETIME,
    SETUP_LINK_LIFETIME,
    SIGNIN_LINK_LIFETIME,
    AppState,
)
from kinesense.web.uploads import upload_folder


@dataclass(frozen=True)
class NewSession:
    """A sign-in just made: the token for the cookie and the account."""

    token: str
    account: AccountRecord


def join_path(token: str) -> str:
    """The path of an invitation or first-run link."""
    return f"/join/{token}"


def invitation(state: AppState, token: str) -> LinkRecord:
    """The usable invitation (or first-run link) of ``token``; :class:`NotFoundError` for
    anything else, sign-in links included."""
    link = state.accounts.link(token)
    if link.purpose not in ROLES:
        raise NotFoundError("this link is not an invitation")
    return link


def setup_link(state: AppState) -> str | None:
    """When kinesense has no administrator yet, a new one-time path that creates one (earlier
    unused ones stop working); None once an administrator exists."""
    if state.accounts.count("admin"):
        return None
    state.accounts.revoke_unused("admin")
    token = new_token()
    state.accounts.create_link(token, "admin", lifetime=SETUP_LINK_LIFETIME)
    return join_path(token)


def signin_link(state: AppState, account_id: int) -> str:
    """A one-time path that signs ``account_id`` in (the ``--demo`` start), valid ten minutes."""
    token = new_token()
    state.accounts.create_link(
        token, "signin", lifetime=SIGNIN_LINK_LIFETIME, account_id=account_id
    )
    return f"/signin/link/{token}"


def invite(state: AppState, inviter: AccountRecord, name: str) -> tuple[LinkRecord, str]:
    """An invitation from ``inviter`` (a therapist invites a person, an administrator a
    therapist) for ``name``; returns it and its one-time path."""
    role = access.invitation_role(inviter)
    token = new_token()
    link = state.accounts.create_link(
        token, role, lifetime=INVITATION_LIFETIME, invited_by=inviter.id,
        name=clean_name(name, "name of the person invited"),
    )  # fmt: skip
    return link, join_path(token)


def open_session(
    state: AppState, account: AccountRecord, address: str, user_agent: str
) -> NewSession:
    """Sign ``account`` in from a browser."""
    token = new_token()
    state.accounts.open_session(
        token, account.id, lifetime=SESSION_LIFETIME, address=address, user_agent=user_agent
    )
    return NewSession(token, account)


def sign_in(
    state: AppState, email: str, password: str, *, address: str, user_agent: str
) -> NewSession:
    """Check a password (within the rate limits) and open a session."""
    ratelimit.check_allowed(state.accounts, email, address)
    found = state.accounts.password_of(email)
    if found is None or not passwords.verify_password(found[1], password):
        if found is None:
            passwords.verify_password(None, password)  # the same time as a wrong password
        ratelimit.record_failure(state.accounts, email, address)
        raise NotSignedInError("the email address or the password is not right")
    account, stored = found
    ratelimit.record_success(state.accounts, email)
    if passwords.needs_rehash(stored):
        state.accounts.set_password_hash(account.id, passwords.hash_password(password))
    return open_session(state, account, address, user_agent)


def join(
    state: AppState, token: str, *, email: str, name: str, password: str, password_again: str,
    address: str, user_agent: str,
) -> NewSession:  # fmt: skip
    """Accept an invitation (or the first-run link): create the account and sign it in."""
    if password != password_again:
        raise InvalidValueError("the two passwords are not the same")
    passwords.check_new_password(password, email=email)
    account = state.accounts.accept_link(
        token, email=email, name=name, password_hash=passwords.hash_password(password)
    )
    return open_session(state, account, address, user_agent)


def accept_consent(state: AppState, account: AccountRecord, version: str) -> None:
    """Record that a person accepted the consent and disclaimer of ``version`` (the current)."""
    access.require_role(account, "person")
    if version != access.CONSENT_VERSION:
        raise InvalidValueError(
            f"the consent text changed (now version {access.CONSENT_VERSION}); read it again"
        )
    state.accounts.record_consent(account.id, version)


def export_data(state: AppState, account: AccountRecord) -> DataExport:
    """Everything kept about the signed-in person: account, person, history and jobs."""
    access.require_role(account, "person")
    if account.person_id is None:
        raise ForbiddenError("this account has no person record")
    found = person_history(state.store, str(account.person_id))
    jobs = state.jobs.repository.for_person(account.person_id, limit=10_000)
    return DataExport(
        exported_at=utc_now(),
        account=AccountPublic.of(account),
        person=PersonPublic.of(found.person, account),
        history=[entry.to_json() for entry in found.entries],
        jobs=[JobPublic.of(job) for job in jobs],
    )


def delete_account(state: AppState, account: AccountRecord, password: str) -> None:
    """Delete a person's account with their person record, history, jobs and uploaded files,
    once their password is given again."""
    access.require_role(account, "person")
    if not passwords.verify_password(state.accounts.password_hash(account.id), password):
        raise InvalidValueError("the password is not right; the account was not deleted")
    person_id = state.accounts.delete_person_account(account.id)
    if person_id is not None:
        shutil.rmtree(upload_folder(state.config.data_dir, person_id), ignore_errors=True)


def revoke_invitation(state: AppState, user: AccountRecord, invitation_id: int) -> None:
    """Withdraw an invitation ``user`` made and nobody used yet."""
    link = state.accounts.link_by_id(invitation_id)
    access.check_invitation(user, link)
    if link.used_at is not None:
        raise ConflictError("this invitation was already accepted")
    state.accounts.revoke_link(invitation_id)
