"""The ``/live/tests/ws`` WebSocket: a guided live test (``docs/live-protocol.md``, "Guided
tests") between the page ``/measure/live/{test}`` and :mod:`kinesense.services.live_tests`.

The handshake's checks are those of live coaching (:mod:`kinesense.web.api.live_ws`: a
signed-in person who accepted the consent, a page of this site) and so are the messages after
``start``: frames, ``skip_setup``, ``finish`` (:func:`~kinesense.live.protocol.parse_client`,
with its size limit). When the recording is over (its time is up, or the person sent
``finish``) the server measures it, saves the result, sends ``result`` and closes with 1000. A
refusal (a person not screened, nobody seen) is an ``error`` and a 4403 close, with the CLI's
words. A guided test is short and is not resumed after a dropped connection: it starts again.
"""

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool

from kinesense.errors import KinesenseError
from kinesense.live.guided import parse_guided_start
from kinesense.live.protocol import (
    CLOSE_REFUSED,
    FinishMessage,
    FrameMessage,
    ProtocolError,
    SkipSetupMessage,
    parse_client,
)
from kinesense.services.live_tests import (
    GuidedSession,
    finish_guided,
    result_json,
    start_guided,
)
from kinesense.web.api.live_ws import (
    accept_person,
    close_error,
    receive_message,
)
from kinesense.web.state import AppState

router = APIRouter()


@router.websocket("/live/tests/ws")
async def live_tests_socket(socket: WebSocket) -> None:
    """One guided test: ``start`` first, then frames, ``skip_setup``, ``finish``."""
    state: AppState = socket.app.state.kinesense
    account = await accept_person(socket, state)
    if account is None:
        return
    assert account.person_id is not None
    try:
        start = parse_guided_start(await receive_message(socket))
        session = await run_in_threadpool(start_guided, state.store, account.person_id, start)
        await socket.send_json(ready_json(session))
        await _serve(socket, state, session)
    except WebSocketDisconnect:
        return
    except ProtocolError as exc:
        await close_error(socket, exc.code, str(exc))
    except KinesenseError as exc:
        await close_error(socket, CLOSE_REFUSED, str(exc))


def ready_json(session: GuidedSession) -> dict[str, object]:
    """The ``ready`` message: the plan as the server will run it (no token: not resumable)."""
    run, plan = session.run, session.run.plan
    return {"type": "ready", "v": 1, "last_seq": -1, "resumed": False,
            "test": {"id": plan.test, "option": plan.option, "title": plan.title,
                     "assessment": plan.assessment, "camera_view": plan.camera_view,
                     "countdown_s": run.countdown_s, "duration_s": run.duration_s}}  # fmt: skip


async def _serve(socket: WebSocket, state: AppState, session: GuidedSession) -> None:
    run = session.run
    while not run.done:
        message = parse_client(await receive_message(socket))
        if isinstance(message, FrameMessage):
            await socket.send_json(run.feed(message))
        elif isinstance(message, SkipSetupMessage):
            run.skip_setup()
        elif isinstance(message, FinishMessage):
            break
        else:
            raise ProtocolError(f"'{message.type}' is only allowed as the first message")
    outcome = await run_in_threadpool(finish_guided, state.store, session)
    url = f"/people/{session.person_id}/results/{outcome.record_id}"
    await socket.send_json(result_json(outcome, url))
    await socket.close(code=1000, reason="finished")
