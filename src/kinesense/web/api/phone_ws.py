"""``/ws/phone/{token}``: the phone's WebSocket (messages: :mod:`kinesense.phone.messages`).

The first thing the server does is spend the token (:meth:`PairingStore.claim`): a second
connection with the same link is refused, so one link makes one recording. It then takes the
batches (:class:`~kinesense.phone.session.PhoneRecording` checks each against the caps), and at
the phone's ``end`` runs the test (:func:`kinesense.services.phone.assess_phone`, in a worker
thread), saves it for the person the link was made for, and sends the result. A refused
message, a silence longer than :data:`IDLE_S`, or a recording past its time limit closes the
socket with a reason, and the pairing is marked failed so the computer page can say why.
"""

import asyncio
import time

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from kinesense.errors import KinesenseError
from kinesense.phone.messages import EndMessage
from kinesense.phone.protocols import COUNTDOWN_S
from kinesense.phone.session import POLICY, PhoneProtocolError, PhoneRecording
from kinesense.phone.tokens import Pairing, PairingRefusedError, PairingStore
from kinesense.services.phone import assess_phone, result_message
from kinesense.web.state import AppState

router = APIRouter()

IDLE_S = 30.0
"""Longest silence accepted from the phone, in seconds."""
EXTRA_S = 120.0
"""Time allowed beyond the countdown and the protocol's duration (a slow start, a pause)."""
NORMAL = 1000
INTERNAL_ERROR = 1011
UNEXPECTED = "something went wrong on the server: the recording was not measured"
MAX_REASON = 120
"""Close reasons are at most 123 bytes (RFC 6455, section 5.5)."""


async def close_with(websocket: WebSocket, code: int, message: str) -> None:
    """Send the error to the page, then close with ``code`` and the message as reason."""
    try:
        await websocket.send_json({"type": "error", "message": message})
        reason = message.encode()[:MAX_REASON].decode("utf-8", "ignore")
        await websocket.close(code=code, reason=reason)
    except (RuntimeError, WebSocketDisconnect):
        pass  # the phone has gone already


@router.websocket("/ws/phone/{token}")
async def phone_socket(websocket: WebSocket, token: str) -> None:
    """One phone recording (see the module docstring)."""
    pairings: PairingStore = websocket.app.state.phone_pairings
    state: AppState = websocket.app.state.kinesense
    await websocket.accept()
    try:
        pairing = pairings.claim(token)
    except PairingRefusedError as exc:
        await close_with(websocket, POLICY, str(exc))
        return
    recording = PhoneRecording(pairing.test, source=f"phone ({pairing.test.title.lower()})")
    await websocket.send_json({"type": "ready", "test": pairing.test.model_dump(),
                               "duration_s": pairing.test.duration_s,
                               "countdown_s": COUNTDOWN_S})  # fmt: skip
    try:
        await _receive_all(websocket, recording, pairing)
        series = recording.series()
        outcome = await run_in_threadpool(
            assess_phone, state.store, pairing.person_id, pairing.test, series
        )
    except (PhoneProtocolError, KinesenseError, TimeoutError) as exc:
        message = str(exc) or "the phone stopped sending"
        pairings.finish(pairing.pairing_id, "failed", message=message)
        code = exc.close_code if isinstance(exc, PhoneProtocolError) else POLICY
        await close_with(websocket, code, message)
        return
    except WebSocketDisconnect:
        pairings.finish(pairing.pairing_id, "failed",
                        message="the phone disconnected before the end")  # fmt: skip
        return
    except Exception:
        # a bug, not the phone's fault: say so on both screens, keep the traceback in the log
        pairings.finish(pairing.pairing_id, "failed", message=UNEXPECTED)
        await close_with(websocket, INTERNAL_ERROR, UNEXPECTED)
        raise
    pairings.finish(pairing.pairing_id, "done", record_id=outcome.record_id,
                    message=outcome.result.interpretation)  # fmt: skip
    await websocket.send_json(result_message(outcome).model_dump())
    await websocket.close(code=NORMAL)


async def _receive_all(websocket: WebSocket, recording: PhoneRecording, pairing: Pairing) -> None:
    """Take messages until the phone's ``end`` (or raise)."""
    deadline = time.monotonic() + COUNTDOWN_S + pairing.test.duration_s + EXTRA_S
    while True:
        left = min(IDLE_S, deadline - time.monotonic())
        if left <= 0:
            raise TimeoutError("the recording took too long: start again with a new link")
        try:
            text = await asyncio.wait_for(websocket.receive_text(), timeout=left)
        except TimeoutError:
            raise TimeoutError("the phone stopped sending: start again with a new link") from None
        message = recording.receive(text, time.monotonic())
        if isinstance(message, EndMessage):
            return
        await websocket.send_json({"type": "received", "samples": len(recording.motion)})
