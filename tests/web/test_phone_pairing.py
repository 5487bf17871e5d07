"""Pairing a phone through the web app (TestClient, no browser): the pages, the one-time link,
who may see a pairing, and the WebSocket from the first message to the saved result, whose
numbers equal ``kinesense assess sway --imu`` on the same samples."""

import json
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from starlette.websockets import WebSocketDisconnect

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx`")
    from fastapi.testclient import TestClient

from kinesense.phone.session import INVALID_DATA, POLICY
from tests.conftest import shared_file
from tests.phone.replay import (
    REPOSITIONING_FILE,
    SWAY_FILE,
    batches,
    cut_uci,
    device_motion_rows,
    read_cut,
)
from tests.web.conftest import World, csrf_from, signed_in


def pair(browser: TestClient, person_id: int | None, **form: Any) -> tuple[str, str, str]:
    """Ask for a pairing for ``person_id``; (the page, the phone link's token, the status
    address)."""
    page = browser.get(f"/people/{person_id}/pair")
    assert page.status_code == 200, page.text
    answer = browser.post(f"/people/{person_id}/pair",
                          data={"csrf_token": csrf_from(page.text), **form})  # fmt: skip
    assert answer.status_code == 200, answer.text
    link = re.search(r'id="phone-link" href="([^"]+)"', answer.text)
    status = re.search(r'data-status-url="([^"]+)"', answer.text)
    assert link
    assert status
    return answer.text, link.group(1).rsplit("/", 1)[1], status.group(1)


def cli_json(*args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "kinesense.cli", *args, "--json"],
                          capture_output=True, text=True, check=True, timeout=300)  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_pairing_page_shows_a_qr_code_and_the_link(world: World) -> None:
    browser = signed_in(world.app, world.person)
    form = {"test": "sway", "placement": "lower back", "eyes": "closed"}
    page, token, status_url = pair(browser, world.person.person_id, **form)
    assert '<svg width="' in page
    assert "QR code of the phone link" in page
    assert f"http://testserver/phone/{token}" in page
    assert "motion and orientation access" in page
    assert "lower back" in page
    assert "close your eyes" in page
    assert "kinesense serve --lan" in page  # plain http: the page says what phones need
    assert browser.get(status_url).json()["status"] == "waiting"
    therapist = signed_in(world.app, world.therapist)  # the person's therapist follows it too
    assert therapist.get(status_url).json()["status"] == "waiting"
    other = signed_in(world.app, world.other_person)
    assert other.get(status_url).status_code == 404
    own_path = f"/people/{world.other_person.person_id}/pair/status"
    probing = other.get(own_path, params={"pairing": status_url.rsplit("=", 1)[1]})
    assert probing.json()["status"] == "unknown"  # another person's pairing id tells nothing
    phone = TestClient(world.app)
    assert phone.get(f"/phone/{token}").status_code == 200  # no sign-in: the token is enough


def test_the_persons_page_leads_to_pairing(world: World) -> None:
    for account in (world.person, world.therapist):
        browser = signed_in(world.app, account)
        home = browser.get(f"/people/{world.person.person_id}").text
        target = f"/people/{world.person.person_id}/pair"
        assert f'href="{target}"' in home
        assert browser.get(target).status_code == 200
    start = signed_in(world.app, world.person).get("/pair")
    assert (start.status_code, start.headers["location"]) == (303, target)


def test_pairing_needs_a_signed_in_account_and_the_csrf_token(world: World) -> None:
    stranger = TestClient(world.app, follow_redirects=False)
    assert stranger.get("/pair").status_code == 303
    target = f"/people/{world.person.person_id}/pair"
    browser = signed_in(world.app, world.person)
    assert browser.post(target, data={"test": "running"}).status_code == 422
    del browser.headers["x-csrf-token"]
    assert browser.post(target, data={"test": "sway"}).status_code == 403


def test_a_therapist_pairs_for_their_own_people_only(world: World) -> None:
    therapist = signed_in(world.app, world.therapist)
    pair(therapist, world.person.person_id, test="sway")
    assert therapist.get(f"/people/{world.other_person.person_id}/pair").status_code == 404
    assert therapist.get("/pair").status_code == 403  # whose phone? a person is chosen first


def test_a_used_or_unknown_link_gets_a_plain_message(world: World) -> None:
    browser = signed_in(world.app, world.person)
    _, token, _ = pair(browser, world.person.person_id, test="sway")
    phone = TestClient(world.app)
    with phone.websocket_connect(f"/ws/phone/{token}") as socket:
        assert socket.receive_json()["type"] == "ready"
    again = phone.get(f"/phone/{token}")
    assert again.status_code == 410
    assert "already used" in again.text
    assert "not valid" in phone.get("/phone/made-up-token").text
    with phone.websocket_connect(f"/ws/phone/{token}") as socket:
        assert "already used" in socket.receive_json()["message"]
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
        assert closed.value.code == POLICY


def test_a_bad_message_closes_the_socket_with_a_reason(world: World) -> None:
    browser = signed_in(world.app, world.person)
    _, token, status_url = pair(browser, world.person.person_id, test="sway")
    phone = TestClient(world.app)
    with phone.websocket_connect(f"/ws/phone/{token}") as socket:
        socket.receive_json()
        socket.send_text('{"type": "motion", "seq": 0, "motion": [[0, 1, 2]]}')
        error = socket.receive_json()
        assert error["type"] == "error"
        assert "not a phone message" in error["message"]
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
        assert closed.value.code == INVALID_DATA
        assert "motion" in closed.value.reason
    state = browser.get(status_url).json()
    assert state["status"] == "failed"
    assert "not a phone message" in state["message"]


CASES = {
    # test form, the recording (../shared/data), seconds, the command line on the same samples
    "sway": ({"test": "sway", "placement": "sternum", "eyes": "open"}, SWAY_FILE, 30.0,
             ("assess", "sway", "--imu")),
    "repositioning": ({"test": "repositioning"}, REPOSITIONING_FILE, 90.0,
                      ("assess", "repositioning", "--joint", "trunk", "--imu")),
}  # fmt: skip
COMPARED = ("test", "usable", "reasons", "metrics", "interpretation", "norms", "plot_data",
            "conditions", "protocol")  # fmt: skip
"""Every field of the result but where it came from (``source``, ``quality``: the phone's
provenance and placement) and when (``recorded_at``)."""


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_real_recording_through_the_socket_equals_the_command_line(
    case: str, world: World, shared_data: Path, tmp_path: Path
) -> None:
    form, recording, seconds, command = CASES[case]
    cut = cut_uci(shared_file(shared_data, recording), tmp_path / "cut.txt", seconds)
    rows = device_motion_rows(read_cut(cut))
    browser = signed_in(world.app, world.person)
    _, token, status_url = pair(browser, world.person.person_id, **form)
    phone = TestClient(world.app)
    with phone.websocket_connect(f"/ws/phone/{token}") as socket:
        ready = socket.receive_json()
        assert ready["duration_s"] == seconds
        # a second of extra samples: the server keeps the protocol's duration
        extra = [[row[0] + 40.0 * 26, *row[1:]] for row in rows[-25:]]
        for message in batches(rows + extra):
            socket.send_text(json.dumps(message))
            assert socket.receive_json()["type"] == "received"
        socket.send_text(json.dumps({"type": "end", "samples": len(rows) + 25}))
        result = socket.receive_json()
    truth = cli_json(*command, str(cut))
    assert result["metrics"] == truth["metrics"]  # exactly, every metric
    assert result["interpretation"] == truth["interpretation"]
    assert result["reasons"] == truth["reasons"]
    state = browser.get(status_url).json()
    assert state["status"] == "done"
    assert state["result_url"] == f"/people/{world.person.person_id}/results/{result['record_id']}"
    saved = browser.get("/api/v1" + state["result_url"]).json()["result"]
    for name in COMPARED:
        assert saved[name] == truth[name], name
    if case == "sway":
        assert saved["quality"]["placement"] == "sternum"  # the command line's: "unknown"
    assert browser.get(state["result_url"]).status_code == 200
