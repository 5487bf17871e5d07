"""The done-means test of the phone as a sensor, in headless Chromium against ``kinesense
serve``: the demo person pairs a phone on the computer; the phone page (a phone-sized page with
Playwright's fake clock) replays a real IMU recording as ``DeviceMotionEvent``s, 25 a second of
page time as recorded, through the real page, its WebSocket and the server; the computer page
follows the pairing to the saved result, whose numbers equal ``kinesense assess sway --imu`` on
the same 30 s of the file.

Deterministic and faster than real time: the page's clock (``performance.now()``, timers) is
Playwright's, paused and moved on by hand, so sample ``k`` is received at exactly ``40 k`` ms.
Skipped when ``KINESENSE_CHROMIUM`` is unset (``make test`` and ``scripts/chromium.sh`` set it).
"""

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import shared_file
from tests.phone.replay import (
    REPLAY,
    REPOSITIONING_FILE,
    SWAY_FILE,
    cut_uci,
    device_motion_rows,
    read_cut,
)
from tests.web.browser_support import LAPTOP, PHONE, Watched, new_page
from tests.web.live_server import LiveServer

pytestmark = pytest.mark.skipif(
    not os.environ.get("KINESENSE_CHROMIUM"), reason="KINESENSE_CHROMIUM is not set"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``kinesense serve --demo`` on a throw-away database."""
    with LiveServer(tmp_path_factory.mktemp("phone"), "--demo") as live:
        yield live


def cli_json(*args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "kinesense.cli", *args, "--json"],
                          capture_output=True, text=True, check=True, timeout=300)  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def computer(browser: Browser, server: LiveServer) -> Watched:
    """The demo person's computer, signed in with the one-time demo link, consent given."""
    watched = new_page(browser, LAPTOP)
    watched.page.goto(server.demo_url)
    watched.page.wait_for_url(f"{server.url}/consent")
    watched.page.check("#agree")
    watched.page.click("main button[type=submit]")
    watched.page.wait_for_url(re.compile(r".*/people/\d+$"))
    return watched


def start_pairing(page: Page, base: str, test: str) -> str:
    """On the computer: choose the test (sway: on the sternum, eyes open); the phone link."""
    page.goto(f"{base}/pair")  # the person's own pairing page
    page.check(f"#test-{test}")
    if test == "sway":
        page.check("#placement-sternum")
        page.check("#eyes-open")
    page.click("#pair-button")
    expect(page.locator("#qr svg")).to_be_visible()
    link = page.get_attribute("#phone-link", "href") or ""
    assert link.startswith(f"{base}/phone/")
    return link


CASES = {
    # the recording (../shared/data), the protocol's seconds, the command line
    "sway": (SWAY_FILE, 30.0, ("assess", "sway", "--imu")),
    "repositioning": (REPOSITIONING_FILE, 90.0,
                      ("assess", "repositioning", "--joint", "trunk", "--imu")),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES, reverse=True))
def test_a_phone_page_replaying_a_real_recording_gives_the_command_lines_result(
    case: str, browser: Browser, server: LiveServer, computer: Watched, shared_data: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    recording, seconds, command = CASES[case]
    source = shared_file(shared_data, recording)
    protocol = cut_uci(source, tmp_path / "protocol.txt", seconds)
    replayed = device_motion_rows(read_cut(cut_uci(source, tmp_path / "more.txt", seconds + 1)))
    link = start_pairing(computer.page, server.url, case)
    computer.page.set_viewport_size(PHONE)  # the pairing page works on a phone too
    assert computer.fits_a_phone()
    computer.page.set_viewport_size(LAPTOP)

    phone = new_page(browser)  # a phone-sized page of its own (no sign-in)
    page = phone.page
    page.clock.install(time=0)
    page.goto(link)
    page.clock.pause_at(1000)
    expect(page.locator("h1")).to_have_text("Recording with your phone")
    page.click("#start-button")
    status = page.locator("#phone-status")
    expect(status).to_have_attribute("data-state", "countdown")
    page.clock.run_for(6000)
    expect(status).to_have_attribute("data-state", "recording")
    page.evaluate(REPLAY, replayed)
    page.clock.run_for(int(replayed[-1][0]) + 100)
    expect(status).to_have_attribute("data-state", "done", timeout=60_000)
    assert phone.fits_a_phone()

    truth = cli_json(*command, str(protocol))
    shown = truth["interpretation"] if truth["usable"] else "The recording could not be measured:"
    expect(page.locator("#phone-interpretation")).to_have_text(shown)
    expect(page.locator("#phone-reasons li")).to_have_text(truth["reasons"])
    expect(computer.page.locator("#pair-status")).to_have_attribute("data-state", "done")
    computer.page.click("#pair-result")
    computer.page.wait_for_url(re.compile(r".*/people/\d+/results/\d+$"))
    if truth["usable"]:
        expect(computer.page.locator("#interpretation")).to_have_text(truth["interpretation"])
    for name, value in truth["metrics"].items():
        shown_value = computer.page.get_attribute(f"tr[data-metric={name}]", "data-value")
        assert float(shown_value or "nan") == value, name
    for reason in truth["reasons"]:
        said = re.compile(re.escape(reason), re.IGNORECASE)  # shown as a sentence
        expect(computer.page.locator("main")).to_contain_text(said)
    assert phone.problems == []
    assert computer.problems == []

    # the link was spent by the recording: opened again, it says so plainly
    again = new_page(browser)
    again.page.goto(link)
    expect(again.page.locator("#refused")).to_contain_text("already used")
