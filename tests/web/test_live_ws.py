"""The ``/live/ws`` WebSocket and the live page, through the app: who may connect, refusals as
the coaching service gives them, bad messages closing with a reason (never a server error), a
session resumed on a new connection, and the finished session saved at the plan's dose."""

import json
import re

import pytest
from fastapi.testclient import TestClient

from kinesense.capture.models import face_model_file
from kinesense.coach.events import CoachFrame
from kinesense.live.protocol import (
    CLOSE_BAD_MESSAGE,
    CLOSE_NOT_SIGNED_IN,
    CLOSE_OUT_OF_ORDER,
    CLOSE_REFUSED,
    CLOSE_TOO_BIG,
    CLOSE_UNKNOWN_SESSION,
    MAX_MESSAGE_BYTES,
)
from tests.coach import synthetic as syn
from tests.live.frames import text
from tests.web.conftest import ORIGIN, World, closed_with, screened, signed_in

START = {"type": "start", "v": 1, "exercise": "squat", "width": 1280, "height": 720}


def squat_frames(n_reps: int) -> list[CoachFrame]:
    time, angle, _ = syn.rep_profile(n_reps, rest_value=170, peak_value=90)
    return syn.frames(time, syn.squat_points(angle))


def test_a_session_is_coached_resumed_and_saved(world: World, person: TestClient) -> None:
    frames = squat_frames(3)
    half = len(frames) // 2
    with person.websocket_connect("/live/ws", headers=ORIGIN) as socket:
        socket.send_text(json.dumps(START))
        ready = socket.receive_json()
        assert ready["type"] == "ready"
        assert not ready["resumed"]
        assert ready["last_seq"] == -1
        assert ready["exercise"]["id"] == "squat"
        socket.send_text('{"type":"skip_setup"}')
        steps = []
        for seq in range(half):
            socket.send_text(text(seq, frames[seq]))
            steps.append(socket.receive_json())
    token = ready["token"]
    assert [s["seq"] for s in steps] == list(range(half))
    with person.websocket_connect("/live/ws", headers=ORIGIN) as socket:
        socket.send_text(json.dumps({"type": "resume", "v": 1, "token": token}))
        again = socket.receive_json()
        assert again["resumed"]
        assert again["last_seq"] == half - 1
        assert again["coaching"]
        socket.send_text(text(half - 1, frames[half - 1]))  # resent: acknowledged, ignored
        duplicate = socket.receive_json()
        assert duplicate.pop("server_ms") >= 0
        assert duplicate == {"type": "step", "seq": half - 1, "dup": True}
        for seq in range(half, len(frames)):
            socket.send_text(text(seq, frames[seq]))
            steps.append(socket.receive_json())
        socket.send_text('{"type":"finish","pain_before":3,"pain_after":2}')
        saved = socket.receive_json()
    reps = [e for s in steps for e in s.get("events", []) if e["kind"] == "rep"]
    assert len(reps) == 3
    assert saved["reps"] == 3
    assert steps[-1]["panel"]["reps"] == 3
    assert saved["url"] == f"/people/{world.person.person_id}/sessions/{saved['record_id']}"
    with world.state.store.transaction(write=False) as unit:
        stored = unit.sessions(world.person.person_id)  # type: ignore[arg-type]
    assert len(stored) == 1
    assert (stored[0].pain_before, stored[0].pain_after) == (3, 2)
    assert stored[0].source == "browser:live"
    page = person.get(saved["url"])
    assert page.status_code == 200
    assert "Squat" in page.text
    with person.websocket_connect("/live/ws", headers=ORIGIN) as socket:  # finished: forgotten
        socket.send_text(json.dumps({"type": "resume", "v": 1, "token": token}))
        error, code = closed_with(socket)
    assert code == CLOSE_UNKNOWN_SESSION
    assert "start a new one" in error["message"]


@pytest.mark.parametrize(
    ("messages", "code", "words"),
    [
        (["nonsense"], CLOSE_BAD_MESSAGE, "Invalid JSON"),
        ([json.dumps({"type": "skip_setup"})], CLOSE_BAD_MESSAGE, "'start' or 'resume'"),
        ([json.dumps(START | {"v": 9})], CLOSE_BAD_MESSAGE, "start.v"),
        ([json.dumps(START | {"exercise": "juggling"})], CLOSE_REFUSED, "juggling"),
        ([json.dumps(START), "x" * (MAX_MESSAGE_BYTES + 1)], CLOSE_TOO_BIG, "bytes"),
        ([json.dumps(START), json.dumps(START)], CLOSE_BAD_MESSAGE, "first message"),
        (
            [json.dumps(START), '{"type":"frame","seq":0,"t":50,"lm":null}',
             '{"type":"frame","seq":1,"t":50,"lm":null}'],
            CLOSE_OUT_OF_ORDER, "does not follow",
        ),
    ],
)  # fmt: skip
def test_a_bad_message_closes_with_its_reason(
    person: TestClient, messages: list[str], code: int, words: str
) -> None:
    with person.websocket_connect("/live/ws", headers=ORIGIN) as socket:
        for message in messages:
            socket.send_text(message)
            if message == json.dumps(START) and message is not messages[-1]:
                assert socket.receive_json()["type"] == "ready"
            elif '"seq":0' in message:  # the first frame is taken
                assert socket.receive_json()["type"] == "step"
        error, closed = closed_with(socket)
    assert (error["type"], error["code"], closed) == ("error", code, code)
    assert words in error["message"]


def test_a_binary_message_is_read_or_refused_like_text(person: TestClient) -> None:
    with person.websocket_connect("/live/ws", headers=ORIGIN) as socket:
        socket.send_bytes(json.dumps(START).encode())
        assert socket.receive_json()["type"] == "ready"
        socket.send_bytes(b"\xff\xfe not json")
        error, code = closed_with(socket)
    assert code == CLOSE_BAD_MESSAGE
    assert "Invalid JSON" in error["message"]


def test_only_a_signed_in_person_of_this_site_may_connect(world: World) -> None:
    screened(world, world.person)
    nobody = signed_in(world.app, None)
    therapist = signed_in(world.app, world.therapist)
    newcomer = signed_in(world.app, world.newcomer)
    person = signed_in(world.app, world.person)
    try:
        for browser in (nobody, therapist, newcomer):
            with browser.websocket_connect("/live/ws", headers=ORIGIN) as socket:
                error, code = closed_with(socket)
            assert code == CLOSE_NOT_SIGNED_IN, error
        for headers in ({"origin": "http://evil.example"}, {}):
            with person.websocket_connect("/live/ws", headers=headers) as socket:
                error, code = closed_with(socket)
            assert code == CLOSE_REFUSED
            assert "this site" in error["message"]
    finally:
        for browser in (nobody, therapist, newcomer, person):
            browser.close()


def test_a_person_not_screened_or_referred_is_refused_as_by_the_cli(world: World) -> None:
    browser = signed_in(world.app, world.person)
    try:
        with browser.websocket_connect("/live/ws", headers=ORIGIN) as socket:
            socket.send_text(json.dumps(START))
            never, code = closed_with(socket)
        assert code == CLOSE_REFUSED
        assert browser.get("/coach/squat").status_code == 403
        screened(world, world.person, {"saddle_numbness": True})
        with browser.websocket_connect("/live/ws", headers=ORIGIN) as socket:
            socket.send_text(json.dumps(START))
            referred, code = closed_with(socket)
        assert code == CLOSE_REFUSED
        assert referred["message"] != never["message"]
        page = browser.get("/coach/squat")
        assert page.status_code == 403
        assert referred["message"].split(";")[0][:40] in page.text
    finally:
        browser.close()


def test_another_account_cannot_resume_a_session(world: World, person: TestClient) -> None:
    with person.websocket_connect("/live/ws", headers=ORIGIN) as socket:
        socket.send_text(json.dumps(START))
        token = socket.receive_json()["token"]
    screened(world, world.other_person)
    other = signed_in(world.app, world.other_person)
    try:
        with other.websocket_connect("/live/ws", headers=ORIGIN) as socket:
            socket.send_text(json.dumps({"type": "resume", "v": 1, "token": token}))
            _, code = closed_with(socket)
        assert code == CLOSE_UNKNOWN_SESSION
    finally:
        other.close()


def test_the_live_page_and_its_models(world: World, person: TestClient) -> None:
    page = person.get("/coach/squat")
    assert page.status_code == 200
    assert 'data-exercise="squat"' in page.text
    assert 'data-testid="reps"' in page.text
    assert 'data-model="/models/pose_landmarker_lite.task"' in page.text
    assert (
        'data-model="/models/pose_landmarker_full.task"'
        in person.get("/coach/squat?model=full").text
    )
    assert person.get("/coach/squat?model=heavy").status_code == 422  # InvalidValueError
    assert person.get("/coach/juggling").status_code == 404
    therapist = signed_in(world.app, world.therapist)
    try:
        assert therapist.get("/coach/squat").status_code == 403
    finally:
        therapist.close()
    model = person.get("/models/pose_landmarker_lite.task")
    assert model.status_code == 200
    assert model.content[:2] == b"PK"
    assert "immutable" in model.headers["cache-control"]
    assert "data-face-model" not in page.text  # the pose model only
    face = person.get("/models/face_landmarker.task")
    assert face.status_code == 200
    assert face.content == face_model_file().read_bytes()
    assert person.get("/models/face_landmarker_v2.task").status_code == 404
    assert person.get("/models/..%2Fpose_landmarker_lite.task").status_code == 404
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "connect-src" not in policy
    assert "script-src 'self' 'wasm-unsafe-eval'" in policy
    assert "worker-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "'unsafe-eval'" not in policy
    for asset in (
        "/static/js/live/pose-worker.js",
        "/static/vendor/tasks-vision/vision_bundle.mjs",
    ):
        answer = person.get(asset)
        assert answer.status_code == 200
        assert "javascript" in answer.headers["content-type"]
    wasm = person.get("/static/vendor/tasks-vision/wasm/vision_wasm_internal.wasm")
    assert wasm.headers["content-type"] == "application/wasm"


def test_an_exercise_coached_from_the_head_runs_the_face_model_too(
    world: World, person: TestClient
) -> None:
    """Head repositioning practice (the face model's head orientation): the page asks its
    worker for the face model, and the socket starts the session."""
    page = person.get("/coach/head_repositioning_practice")
    assert page.status_code == 200
    assert 'data-face-model="/models/face_landmarker.task"' in page.text
    with person.websocket_connect("/live/ws", headers=ORIGIN) as socket:
        socket.send_text(json.dumps(START | {"exercise": "head_repositioning_practice"}))
        ready = socket.receive_json()
    assert ready["type"] == "ready"
    assert ready["exercise"]["id"] == "head_repositioning_practice"


def test_the_plan_offers_live_coaching_for_what_the_page_can_coach(
    world: World, person: TestClient
) -> None:
    from kinesense.exercises import load_exercise
    from kinesense.services.live import live_supported
    from kinesense.services.plans import PlanRequest, make_or_show_plan

    assert world.person.person_id is not None
    plan = make_or_show_plan(world.state.store, str(world.person.person_id), PlanRequest()).plan
    page = person.get(f"/people/{world.person.person_id}/plan").text
    offered = set(re.findall(r'class="button secondary live-link" href="/coach/([a-z_]+)"', page))
    planned = {item.exercise_id for item in plan.sessions[0]}
    assert offered == {e for e in planned if live_supported(load_exercise(e))}
    assert offered
    for exercise_id in offered:
        assert person.get(f"/coach/{exercise_id}").status_code == 200
    assert live_supported(load_exercise("head_repositioning_practice"))
    therapist = signed_in(world.app, world.therapist)
    try:
        seen = therapist.get(f"/people/{world.person.person_id}/plan").text
        assert "live-link" not in seen
    finally:
        therapist.close()
