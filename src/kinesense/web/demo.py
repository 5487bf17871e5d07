"""``kinesense serve --demo``: a demo therapist and a demo person, and a one-time link that signs
the browser in as the person (loopback only).

The demo accounts have random passwords nobody knows: they are reached only through the link
printed by ``--demo``. The person's results from the bundled sample recording are added here
once ``kinesense.services`` can analyse it.
"""

from kinesense.store.accounts import AccountRecord
from kinesense.web import auth
from kinesense.web.passwords import hash_password
from kinesense.web.security import new_token
from kinesense.web.state import INVITATION_LIFETIME, AppState

DEMO_THERAPIST = ("Demo Therapist", "demo-therapist@kinesense.invalid")
DEMO_PERSON = ("Demo Person", "demo-person@kinesense.invalid")


def _account(
    state: AppState, role: str, name: str, email: str, invited_by: int | None
) -> AccountRecord:
    found = state.accounts.password_of(email)
    if found is not None:
        return found[0]
    token = new_token()
    state.accounts.create_link(
        token, role, lifetime=INVITATION_LIFETIME, invited_by=invited_by, name=name
    )
    return state.accounts.accept_link(
        token, email=email, name=name, password_hash=hash_password(new_token())
    )


def prepare_demo(state: AppState) -> str:
    """Create the demo accounts if missing; returns the path that signs in as the person."""
    therapist = _account(state, "therapist", *DEMO_THERAPIST, invited_by=None)
    person = _account(state, "person", *DEMO_PERSON, invited_by=therapist.id)
    return auth.signin_link(state, person.id)
