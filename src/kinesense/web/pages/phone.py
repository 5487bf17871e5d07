"""Pairing a phone as a motion sensor: the computer's pages and the phone's page.

* ``GET /pair`` (signed in): choose the test (sway with the phone on the sternum or the lower
  back, eyes open or closed; trunk repositioning). A person pairs for themselves; a therapist
  adds ``?person_id=N`` for one of their people.
* ``POST /pair``: makes a one-time token (:mod:`kinesense.phone.tokens`) and shows it as a QR
  code (an SVG drawn here with ``segno``) and as a link, with what the phone will ask and where
  it goes. The page follows the pairing (``GET /pair/{pairing_id}/status``, JSON) until the
  result is saved, and links to it.
* ``GET /phone/{token}`` (no sign-in: the token is the credential): the page that records
  DeviceMotion and streams it to ``/ws/phone/{token}`` (:mod:`kinesense.web.api.phone_ws`).
  A used, expired or unknown token gets a plain message (410).
"""

from typing import Annotated, Any

import segno
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import JSONResponse
from markupsafe import Markup, escape
from starlette.responses import Response

from kinesense.clock import utc_now
from kinesense.phone.protocols import COUNTDOWN_S, PhoneTest
from kinesense.phone.tokens import Pairing, PairingRefusedError, PairingStore
from kinesense.services.assessments import user_values
from kinesense.store.accounts import AccountRecord
from kinesense.web import access
from kinesense.web.deps import CurrentUser, StateDep
from kinesense.web.errors import ForbiddenError
from kinesense.web.templating import render

router = APIRouter()

PHONE_BASE_ATTRIBUTE = "phone_base_url"
"""``app.state`` attribute with the address phones reach this server at (``kinesense serve
--lan`` sets it to the HTTPS address on the local network); the browser's own address
otherwise."""


def pairings_of(request: Request) -> PairingStore:
    """The app's pairing store (made by :func:`kinesense.web.app.create_app`)."""
    store: PairingStore = request.app.state.phone_pairings
    return store


def phone_base(request: Request) -> str:
    """The address a phone opens the link at (see :data:`PHONE_BASE_ATTRIBUTE`)."""
    configured = getattr(request.app.state, PHONE_BASE_ATTRIBUTE, None)
    return str(configured or request.base_url).rstrip("/")


def qr_svg(text: str) -> Markup:
    """``text`` as a QR code (error correction M), an inline SVG with a title."""
    code = segno.make(text, error="m", micro=False)
    return Markup(code.svg_inline(scale=5, border=4, title="QR code of the phone link"))


LINK_CHUNK = 16
"""Characters between the line-break opportunities of a shown link (a phone screen is narrow)."""


def breakable(text: str) -> Markup:
    """``text`` escaped, with a ``<wbr>`` every :data:`LINK_CHUNK` characters, so that a long
    link wraps instead of widening the page."""
    return Markup("<wbr>").join(
        escape(text[i : i + LINK_CHUNK]) for i in range(0, len(text), LINK_CHUNK)
    )


def person_for(user: AccountRecord, person_id: int | None, state: StateDep) -> int:
    """The person a pairing is for: the signed-in person, or a therapist's person named by
    ``person_id`` (checked by :func:`kinesense.web.access.check_person`)."""
    if user.role == "person":
        if user.person_id is None:
            raise ForbiddenError("this account has no measurements")
        if person_id is not None and person_id != user.person_id:
            access.check_person(user, person_id, state.accounts)
        return user.person_id
    if person_id is None:
        raise ForbiddenError("choose one of your people first (Pair a phone from their page)")
    access.check_person(user, person_id, state.accounts)
    return person_id


@router.get("/pair")
def pair_page(
    request: Request,
    user: CurrentUser,
    state: StateDep,
    person_id: Annotated[int | None, Query()] = None,
) -> Response:
    """Choose the test the phone records."""
    who = person_for(user, person_id, state)
    context = {"title": "Use your phone as a sensor", "person_id": who}
    return render(request, "pair.html", context)


@router.post("/pair")
def pair_start(
    request: Request,
    user: CurrentUser,
    state: StateDep,
    test: Annotated[str, Form()],
    placement: Annotated[str, Form()] = "sternum",
    eyes: Annotated[str, Form()] = "open",
    person_id: Annotated[int | None, Form()] = None,
) -> Response:
    """Make the one-time link and show it as a QR code."""
    who = person_for(user, person_id, state)
    with user_values():
        choice = PhoneTest.model_validate({"test": test, "placement": placement, "eyes": eyes})
    issued = pairings_of(request).issue(who, user.id, choice)
    link = f"{phone_base(request)}/phone/{issued.token}"
    context = {
        "title": "Pair your phone",
        "person_id": who,
        "choice": choice,
        "link": link,
        "link_text": breakable(link),
        "qr": qr_svg(link),
        "pairing": issued.pairing,
        "secure_link": link.startswith("https://"),
        "lan": getattr(request.app.state, PHONE_BASE_ATTRIBUTE, None) is not None,
        "countdown_s": COUNTDOWN_S,
    }
    return render(request, "pair_code.html", context)


def status_json(pairing: Pairing) -> dict[str, Any]:
    """What the computer page needs to follow a pairing."""
    status: str = pairing.status
    if status == "waiting" and utc_now() >= pairing.expires_at:
        status = "expired"
    result_url = (
        f"/people/{pairing.person_id}/results/{pairing.record_id}"
        if pairing.record_id is not None
        else None
    )
    return {"status": status, "message": pairing.message, "result_url": result_url,
            "expires_at": pairing.expires_at.isoformat()}  # fmt: skip


@router.get("/pair/{pairing_id}/status")
def pair_status(request: Request, pairing_id: str, user: CurrentUser) -> Response:
    """The pairing's state, for the account that made it (404 for anyone else)."""
    pairing = pairings_of(request).for_owner(pairing_id, user.id)
    return JSONResponse(status_json(pairing))


@router.get("/phone/{token}")
def phone_page(request: Request, token: str) -> Response:
    """The phone's recording page (the token is checked, not spent: the WebSocket spends it)."""
    try:
        pairing = pairings_of(request).check(token)
    except PairingRefusedError as exc:
        refused = {"title": "Link not valid", "message": str(exc)}
        return render(request, "phone_refused.html", refused, status_code=exc.http_status)
    context: dict[str, Any] = {
        "title": "Recording with your phone",
        "choice": pairing.test,
        "token": token,
        "countdown_s": COUNTDOWN_S,
    }
    return render(request, "phone.html", context)
