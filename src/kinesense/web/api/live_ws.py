"""The ``/live/ws`` WebSocket: the live landmark protocol (:mod:`kinesense.live.protocol`,
``docs/live-protocol.md``) between the live page and :mod:`kinesense.services.live`.

Only a signed-in person who accepted the consent may connect, and only from a page of this
site (the ``Origin`` must be the ``Host``: the sign-in cookie alone would let another site open
the socket). Every message is validated; a bad, oversized or out-of-order message, or a refusal
by the service, is answered with an ``error`` message and the socket is closed with a reason
and a 4xxx code, never a server error.

A frame is coached on the event loop itself (about a millisecond of the engine's work: handing
it to a thread would cost more than it saves), and so is the live store's note of it (nothing in
memory; one Redis round trip on the clinic stack); the store's other reads and writes (starting,
resuming and saving a session) run in the thread pool. With several web processes the sessions
are in Redis (:mod:`kinesense.live.redis_state`): a client that reconnects to another process
resumes there, and the connection that had the session is closed with 4000 at its next frame.
"""

import logging
import time
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool

from kinesense.clinic.runner import ServiceUnavailableError
from kinesense.errors import KinesenseError
from kinesense.live.protocol import (
    CLOSE_BAD_MESSAGE,
    CLOSE_NOT_SIGNED_IN,
    CLOSE_REFUSED,
    CLOSE_SUPERSEDED,
    CLOSE_UNKNOWN_SESSION,
    FinishMessage,
    FrameMessage,
    ProtocolError,
    ResumeMessage,
    SkipSetupMessage,
    StartMessage,
    error_message,
    parse_client,
)
from kinesense.live.redis_state import live_store_for
from kinesense.live.session import LiveSession
from kinesense.live.state import LiveStore
from kinesense.services.live import (
    LiveSessionNotFoundError,
    feed_live,
    finish_live,
    resume_live,
    start_live,
)
from kinesense.settings import load_settings
from kinesense.store.accounts import AccountRecord
from kinesense.web import access
from kinesense.web.security import SESSION_COOKIE
from kinesense.web.state import SESSION_IDLE, AppState

LOG = logging.getLogger(__name__)
SUPERSEDED = "the session continues on another connection"
CLOSE_TRY_AGAIN = 1013
"""RFC 6455's "try again later": the live sessions' store is away for now."""
router = APIRouter()


def live_store(app_state: Any) -> LiveStore:
    """The app's live sessions (made on first use, kept on the Starlette app's state): in Redis
    with a Redis broker (the clinic stack), otherwise in this process."""
    store: LiveStore | None = getattr(app_state, "live_sessions", None)
    if store is None:
        secret = app_state.kinesense.config.secret_key
        store = live_store_for(load_settings().broker_url, secret)
        app_state.live_sessions = store
    return store


def same_origin(socket: WebSocket) -> bool:
    """Whether the handshake's ``Origin`` is this site (scheme-less host and port compared)."""
    origin = socket.headers.get("origin", "")
    host = socket.headers.get("host", "")
    return bool(origin) and bool(host) and urlsplit(origin).netloc == host


def person_account(socket: WebSocket, state: AppState) -> AccountRecord | None:
    """The signed-in person's account (consent accepted) of the handshake, or None."""
    token = socket.cookies.get(SESSION_COOKIE, "")
    if not token:
        return None
    account = state.accounts.session_account(token, idle=SESSION_IDLE)
    if account is None or account.role != "person" or account.person_id is None:
        return None
    return account if access.has_consented(account) else None


async def receive_message(socket: WebSocket) -> str | bytes:
    """The next message, text or binary (a binary one is read as UTF-8 JSON, or refused by
    :func:`~kinesense.live.protocol.parse_client`)."""
    message = await socket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    data: str | bytes | None = message.get("text")
    if data is None:
        data = message.get("bytes") or b""
    return data


async def close_error(socket: WebSocket, code: int, message: str) -> None:
    """Send the ``error`` message, then close with ``code`` and the message as reason."""
    await socket.send_json(error_message(code, message))
    await socket.close(code=code, reason=message[:120])


async def accept_person(socket: WebSocket, state: AppState) -> AccountRecord | None:
    """Accept a live socket and return the signed-in person's account; None (the socket closed
    with the reason) when it comes from another site or nobody is signed in as a person."""
    await socket.accept()
    if not same_origin(socket):
        await close_error(socket, CLOSE_REFUSED, "the live connection must come from this site")
        return None
    account = await run_in_threadpool(person_account, socket, state)
    if account is None:
        await close_error(socket, CLOSE_NOT_SIGNED_IN, "please sign in as a person first")
    return account


@router.websocket("/live/ws")
async def live_socket(socket: WebSocket) -> None:
    """One connection: ``start`` or ``resume`` first, then frames, ``skip_setup``, ``finish``."""
    state: AppState = socket.app.state.kinesense
    account = await accept_person(socket, state)
    if account is None:
        return
    sessions = live_store(socket.app.state)
    try:
        await _serve(socket, state, sessions, account)
    except WebSocketDisconnect:
        return
    except ProtocolError as exc:
        await close_error(socket, exc.code, str(exc))
    except LiveSessionNotFoundError as exc:
        await close_error(socket, CLOSE_UNKNOWN_SESSION, str(exc))
    except ServiceUnavailableError as exc:  # Redis away (clinic stack): the client retries
        await close_error(socket, CLOSE_TRY_AGAIN, str(exc))
    except KinesenseError as exc:
        await close_error(socket, CLOSE_REFUSED, str(exc))


async def _serve(
    socket: WebSocket, state: AppState, sessions: LiveStore, account: AccountRecord
) -> None:
    first = parse_client(await receive_message(socket))
    assert account.person_id is not None
    if isinstance(first, StartMessage):
        token, session = await run_in_threadpool(
            start_live, sessions, state.store, account.person_id, account.id, first
        )
        resumed = False
    elif isinstance(first, ResumeMessage):
        token = first.token
        session = await run_in_threadpool(resume_live, sessions, token, account.id)
        resumed = True
    else:
        raise ProtocolError("the first message must be 'start' or 'resume'", CLOSE_BAD_MESSAGE)
    try:
        await _stream(socket, state, sessions, token, session, resumed)
    finally:
        if not session.finished:
            await run_in_threadpool(sessions.release, token, session)


async def _stream(
    socket: WebSocket, state: AppState, sessions: LiveStore, token: str, session: LiveSession,
    resumed: bool,
) -> None:  # fmt: skip
    generation = session.generation
    await socket.send_json(session.ready_json(token, resumed))
    while True:
        text = await receive_message(socket)
        began = time.perf_counter()
        message = parse_client(text)
        if session.generation != generation:
            await close_error(socket, CLOSE_SUPERSEDED, SUPERSEDED)
            return
        if isinstance(message, FrameMessage):
            step = feed_live(session, message)
            if not sessions.applied(token, session, None if step.get("dup") else text):
                await close_error(socket, CLOSE_SUPERSEDED, SUPERSEDED)
                return
            step["server_ms"] = round((time.perf_counter() - began) * 1000, 3)
            await socket.send_json(step)
        elif isinstance(message, SkipSetupMessage):
            session.skip_setup()
            if not sessions.applied(token, session, None):
                await close_error(socket, CLOSE_SUPERSEDED, SUPERSEDED)
                return
        elif isinstance(message, FinishMessage):
            await _finish(socket, state, sessions, token, session, message)
            return
        else:
            raise ProtocolError(f"'{message.type}' is only allowed as the first message")


async def _finish(
    socket: WebSocket, state: AppState, sessions: LiveStore, token: str, session: LiveSession,
    message: FinishMessage,
) -> None:  # fmt: skip
    saved = await run_in_threadpool(finish_live, sessions, token, session, state.store, message)
    url = None
    if saved.record_id is not None:
        url = f"/people/{session.person_id}/sessions/{saved.record_id}"
    await socket.send_json({"type": "saved", "record_id": saved.record_id, "url": url,
                            "reps": saved.reps, "holds_s": saved.holds_s,
                            "practice_summary": saved.practice_summary})  # fmt: skip
    await socket.close(code=1000, reason="finished")
