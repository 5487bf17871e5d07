"""Pairing a phone as a motion sensor: the computer's pages and the phone's page.

* ``GET /pair``: a signed-in person is sent to their own pairing page.
* ``GET /people/{person_id}/pair`` (the person or their therapist): choose the test (sway with
  the phone on the sternum or the lower back, eyes open or closed; trunk repositioning).
* ``POST /people/{person_id}/pair``: makes a one-time token (:mod:`kinesense.phone.tokens`) and
  shows it as a QR code (an SVG drawn here with ``segno``) and as a link, with what the phone
  will ask and where it goes. The page follows the pairing (``GET /people/{person_id}/pair/
  status?pairing=ID``, JSON) until the result is saved, and links to it.
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
from kinesense.errors import NotFoundError
from kinesense.phone.protocols import COUNTDOWN_S, PhoneTest
from kinesense.phone.tokens import Pairing, PairingRefusedError, PairingStore
from kinesense.services.assessments import user_values
from kinesense.web.deps import CurrentUser, OwnPerson
from kinesense.web.errors import ForbiddenError
from kinesense.web.pages.forms import redirect
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


@router.get("/pair")
def pair_start_page(user: CurrentUser) -> Response:
    """A person's own pairing page; others choose a person first."""
    if user.role != "person" or user.person_id is None:
        raise ForbiddenError("choose one of your people first: Phone sensor, on their page")
    return redirect(f"/people/{user.person_id}/pair")


@router.get("/people/{person_id}/pair")
def pair_page(request: Request, person_id: OwnPerson) -> Response:
    """Choose the test the phone records."""
    context = {"title": "Use your phone as a sensor", "person_id": person_id}
    return render(request, "pair.html", context)


@router.post("/people/{person_id}/pair")
def pair_code_page(
    request: Request,
    person_id: OwnPerson,
    user: CurrentUser,
    test: Annotated[str, Form()],
    placement: Annotated[str, Form()] = "sternum",
    eyes: Annotated[str, Form()] = "open",
) -> Response:
    """Make the one-time link and show it as a QR code."""
    with user_values():
        choice = PhoneTest.model_validate({"test": test, "placement": placement, "eyes": eyes})
    issued = pairings_of(request).issue(person_id, user.id, choice)
    link = f"{phone_base(request)}/phone/{issued.token}"
    context = {
        "title": "Pair your phone",
        "person_id": person_id,
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


def status_json(pairing: Pairing | None) -> dict[str, Any]:
    """What the computer page needs to follow a pairing (``unknown`` when there is none)."""
    if pairing is None:
        return {"status": "unknown", "message": "", "result_url": None, "expires_at": None}
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


@router.get("/people/{person_id}/pair/status")
def pair_status(
    request: Request, person_id: OwnPerson, pairing: Annotated[str, Query(max_length=64)] = ""
) -> Response:
    """The state of one of the person's pairings (``unknown`` for any other id, whoever made
    it, so that ids cannot be probed)."""
    try:
        found: Pairing | None = pairings_of(request).for_person(pairing, person_id)
    except NotFoundError:
        found = None
    return JSONResponse(status_json(found))


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
