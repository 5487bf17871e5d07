"""``/api/v1/invitations``: therapists invite people, administrators invite therapists."""

from fastapi import APIRouter, Response

from kinesense.web import auth
from kinesense.web.deps import InviterUser, StateDep
from kinesense.web.schemas import InvitationCreate, InvitationCreated, InvitationPublic

router = APIRouter(prefix="/invitations", tags=["invitations"])


@router.get("", response_model=list[InvitationPublic])
def invitations(user: InviterUser, state: StateDep) -> list[InvitationPublic]:
    """The invitations the signed-in account made, newest first."""
    links = state.accounts.links_by(user.id)
    return [InvitationPublic.of(link) for link in links if link.purpose in ("person", "therapist")]


@router.post("", response_model=InvitationCreated, status_code=201)
def create(body: InvitationCreate, user: InviterUser, state: StateDep) -> InvitationCreated:
    """A new invitation; its ``link`` (a path on this server) is shown only now."""
    link, path = auth.invite(state, user, body.name)
    return InvitationCreated(**InvitationPublic.of(link).model_dump(), link=path)


@router.delete("/{invitation_id}", status_code=204)
def revoke(invitation_id: int, user: InviterUser, state: StateDep) -> Response:
    """Withdraw an invitation (its link stops working)."""
    auth.revoke_invitation(state, user, invitation_id)
    return Response(status_code=204)
