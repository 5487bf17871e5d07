"""The ``/live/tests/ws`` WebSocket and the guided test pages, through the app: the live
socket's handshake checks, refusals with the CLI's words, a real side-view walk measured,
refused as ``kinesense assess stance`` refuses it and saved; the measure page links the tests."""

import json

from fastapi.testclient import TestClient

from kinesense.live.protocol import CLOSE_BAD_MESSAGE, CLOSE_NOT_SIGNED_IN, CLOSE_REFUSED
from tests.coach.real_poses import clip_series
from tests.live.test_recording import frame_messages
from tests.web.conftest import ORIGIN, World, closed_with, screened, signed_in

START = {"type": "start", "v": 1, "test": "stance", "option": "open", "width": 1280,
         "height": 720, "countdown_s": 0, "model": "full"}  # fmt: skip


def test_a_side_view_walk_is_measured_refused_and_saved(world: World, person: TestClient) -> None:
    frames = frame_messages(clip_series("walk"))
    with person.websocket_connect("/live/tests/ws", headers=ORIGIN) as socket:
        socket.send_text(json.dumps(START))
        ready = socket.receive_json()
        assert ready["test"]["title"] == "Single-leg stance, eyes open"
        assert ready["test"]["countdown_s"] == 0
        socket.send_text(json.dumps({"type": "skip_setup"}))
        steps = []
        for frame in frames:
            socket.send_text(frame.model_dump_json())
            steps.append(socket.receive_json())
        socket.send_text(json.dumps({"type": "finish"}))
        result = socket.receive_json()
    assert steps[0]["say"] == ["Stand still on both feet.", "Lift one foot."]
    assert {s["phase"] for s in steps} == {"record"}
    assert result["type"] == "result"
    assert result["usable"] is False
    assert result["reasons"][0].startswith("the camera sees the person from the side")
    page = person.get(result["url"])
    assert page.status_code == 200
    assert "camera sees the person from the side" in page.text
    assert 'id="result-unusable"' in page.text


def test_the_handshake_and_refusals_are_those_of_live_coaching(world: World) -> None:
    nobody = signed_in(world.app, None)
    person = signed_in(world.app, world.person)
    try:
        with nobody.websocket_connect("/live/tests/ws", headers=ORIGIN) as socket:
            assert closed_with(socket)[1] == CLOSE_NOT_SIGNED_IN
        with person.websocket_connect("/live/tests/ws", headers={}) as socket:
            assert closed_with(socket)[1] == CLOSE_REFUSED
        with person.websocket_connect("/live/tests/ws", headers=ORIGIN) as socket:
            socket.send_text(json.dumps(START))
            never, code = closed_with(socket)
        assert code == CLOSE_REFUSED
        assert "has not been screened yet" in never["message"]
        assert person.get("/measure/live/stance").status_code == 403
        screened(world, world.person)
        with person.websocket_connect("/live/tests/ws", headers=ORIGIN) as socket:
            socket.send_text(json.dumps({**START, "test": "juggling"}))
            unknown, code = closed_with(socket)
        assert code == CLOSE_REFUSED
        assert "the guided tests are: stance, posture, mobility" in unknown["message"]
        with person.websocket_connect("/live/tests/ws", headers=ORIGIN) as socket:
            socket.send_text(json.dumps({**START, "exercise": "squat"}))
            bad, code = closed_with(socket)
        assert code == CLOSE_BAD_MESSAGE
        assert "exercise" in bad["message"]
        with person.websocket_connect("/live/tests/ws", headers=ORIGIN) as socket:
            socket.send_text(json.dumps(START))
            assert socket.receive_json()["type"] == "ready"
            socket.send_text(json.dumps({"type": "finish"}))
            early, code = closed_with(socket)
        assert code == CLOSE_REFUSED
        assert "nothing was recorded" in early["message"]
    finally:
        nobody.close()
        person.close()


def test_the_pages_and_the_measure_page_links(world: World, person: TestClient) -> None:
    page = person.get("/measure/live/stance?eyes=closed")
    assert page.status_code == 200
    assert 'data-option="closed"' in page.text
    assert "close your eyes now" in page.text
    assert 'id="sex"' in page.text
    lateral = person.get("/measure/live/mobility?movement=lateral&model=full&countdown=0")
    assert 'data-model-url="/models/pose_landmarker_full.task"' in lateral.text
    assert 'data-countdown="0"' in lateral.text
    assert "Face the camera, arms by your sides." in lateral.text
    assert "data-face-model" not in lateral.text
    head = person.get("/measure/live/head?axis=lateral").text
    assert 'data-face-model="/models/face_landmarker.task"' in head
    assert "at arm&#39;s length" in head
    assert person.get("/measure/live/head?axis=sideways").status_code == 422
    assert person.get("/measure/live/mobility?movement=cartwheel").status_code == 422
    assert person.get("/measure/live/juggling").status_code == 404
    measure = person.get(f"/people/{world.person.person_id}/upload").text
    assert "Measure live with the camera" in measure
    for link in ("/measure/live/stance?eyes=open", "/measure/live/posture?view=front",
                 "/measure/live/mobility?movement=rotation",
                 "/measure/live/head?axis=flexion"):  # fmt: skip
        assert f'href="{link}"' in measure
    for words in (">eyes closed<", ">front view<", ">bending sideways<", ">turning (twisting)<",
                  ">nodding the head<", ">tilting the head to the side<"):  # fmt: skip
        assert words in measure
    assert "javascript" in person.get("/static/js/live/guided-live.js").headers["content-type"]
    therapist = signed_in(world.app, world.therapist)
    try:
        assert therapist.get("/measure/live/stance").status_code == 403
        shown = therapist.get(f"/people/{world.person.person_id}/upload").text
        assert "Measure live with the camera" not in shown
    finally:
        therapist.close()
