"""Who may see what: the only place the web app decides it.

* A person sees only their own ``people`` row and what hangs from it (history, uploads, jobs).
* A therapist sees the people they invited, and nobody else.
* An administrator manages therapists and sees no one's health data (DESIGN.md, principle 7:
  every patient record is visible only to that patient and the clinicians they are linked to).

Another person's data answers 404, as if it did not exist, so that ids cannot be probed; a
role that can never see a kind of data answers 403.
"""

from kinesense.errors import NotFoundError
from kinesense.jobs import JobRecord
from kinesense.store.accounts import AccountRecord, Accounts, LinkRecord
from kinesense.web.errors import ForbiddenError

CONSENT_VERSION = "2026-12"
"""The version of the consent and disclaimer text (templates/consent.html); a person accepts
each new version before going on."""

ROLE_NAMES = {"person": "people", "therapist": "therapists", "admin": "administrators"}


def require_role(user: AccountRecord, *roles: str) -> AccountRecord:
    """``user`` if their role is one of ``roles``; :class:`ForbiddenError` otherwise."""
    if user.role not in roles:
        allowed = " and ".join(ROLE_NAMES[r] for r in roles)
        raise ForbiddenError(f"this is only for {allowed}")
    return user


def has_consented(user: AccountRecord) -> bool:
    """Whether the account may go on: people must have accepted the current consent."""
    return user.role != "person" or user.consent_version == CONSENT_VERSION


def check_person(user: AccountRecord, person_id: int, accounts: Accounts) -> None:
    """Raise unless ``user`` may see the person ``person_id``."""
    require_role(user, "person", "therapist")
    if user.role == "person":
        allowed = user.person_id == person_id
    else:
        account = accounts.for_person(person_id)
        allowed = account is not None and account.therapist_id == user.id
    if not allowed:
        raise NotFoundError(f"no person with id {person_id}")


def check_job(user: AccountRecord, job: JobRecord, accounts: Accounts) -> None:
    """Raise unless ``user`` may see ``job`` (a job about a person follows the person)."""
    try:
        if job.person_id is not None:
            check_person(user, job.person_id, accounts)
        elif job.account_id != user.id:
            raise NotFoundError(job.id)
    except (NotFoundError, ForbiddenError):
        raise NotFoundError(f"no job with id {job.id}") from None


def check_invitation(user: AccountRecord, link: LinkRecord) -> None:
    """Raise unless ``user`` made the invitation ``link``."""
    if link.invited_by != user.id or link.purpose not in ("therapist", "person"):
        raise NotFoundError(f"no invitation with id {link.id}")


def invitation_role(user: AccountRecord) -> str:
    """The role of the accounts ``user`` may invite: administrators invite therapists,
    therapists invite people."""
    require_role(user, "admin", "therapist")
    return "therapist" if user.role == "admin" else "person"
