"""Live coaching end to end in headless Chromium, a real clip from ../shared/data as the fake
camera: the pose model runs in the page's Web Worker, the landmarks go over the WebSocket to the
same coach as ``kinesense coach --video``, and the page's counter and holds equal the command
line's on the same clip (the y4m the camera plays, 640 pixels wide). The counter is checked on
a clip with a known number of repetitions: a real crouch played there and back
(``crouches_y4m``), whose count the command line must find too. Every session stops before
the fake camera loops the clip (``?seconds=``). Also: the page's requests to other hosts are
refused by the Content-Security-Policy, and a dropped connection resumes with the count
carrying on."""

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserType, Page

from tests.conftest import shared_file
from tests.web.browser_support import (
    CHROMIUM_ARGS,
    CROUCHES,
    LOOP_MARGIN_S,
    Watched,
    chromium_binary,
    crouches_y4m,
    to_y4m,
)
from tests.web.live_server import LiveServer

DROP_AT_S = 4.0
"""Seconds into the counter's clip at which the connection drops: after the first crouch
(counted at 2.3 to 3 s), so the count must carry on across the resume."""


def cli_coach(exercise: str, video: Path) -> dict[str, Any]:
    """``kinesense coach EXERCISE --video VIDEO --json``, run as the command line."""
    answer = subprocess.run(
        [sys.executable, "-m", "kinesense.cli", "coach", exercise, "--video", str(video), "--json"],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    data: dict[str, Any] = json.loads(answer.stdout)
    return data


def problems(watched: Watched) -> list[str]:
    """The page's CSP violations and script errors, less the pose runtime's own log lines
    (MediaPipe writes ``INFO: Created TensorFlow Lite XNNPACK delegate`` to the console's
    error stream)."""
    return [p for p in watched.problems if not p.startswith("INFO: ")]


def until(page: Page, expression: str, timeout_s: float = 60) -> Any:
    """Poll ``expression`` in the page until it is truthy (``wait_for_function`` evaluates a
    string, which the page's CSP rightly refuses)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(25)


@pytest.fixture(scope="module")
def playwright(browser: Browser) -> BrowserType:
    """Chromium's launcher of the session's Playwright (one event loop per process), skipping
    the module when Chromium is not installed (the ``browser`` fixture does)."""
    return browser.browser_type


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``kinesense serve --demo``: the demo person is screened and has a plan."""
    with LiveServer(tmp_path_factory.mktemp("live"), "--demo") as server:
        yield server


def camera_browser(playwright: BrowserType, y4m: Path) -> Browser:
    """Headless Chromium whose camera plays ``y4m``."""
    binary = chromium_binary()
    assert binary is not None
    return playwright.launch(
        executable_path=str(binary),
        args=[*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream",
              "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={y4m}"],
    )  # fmt: skip


@pytest.fixture(scope="module")
def signed_in(playwright: BrowserType, demo: LiveServer) -> Any:
    """The cookies of the demo person, signed in once (the demo link works once) with the
    consent accepted, for every browser of this module."""
    browser = plain_browser(playwright)
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(demo.demo_url)
        page.wait_for_url(f"{demo.url}/consent")
        page.check("#agree")
        page.click("main button[type=submit]")
        page.wait_for_url(re.compile(r".*/people/\d+$"))
        home = page.url
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # the demo's recordings are measured in the background:
            page.goto(home + "/sessions")  # let them finish, not compete with the pose model
            if page.locator("#sessions > li").count() >= 1:
                break
            page.wait_for_timeout(500)
        return context.storage_state()
    finally:
        browser.close()


def plain_browser(playwright: BrowserType) -> Browser:
    """Headless Chromium without a camera."""
    binary = chromium_binary()
    assert binary is not None
    return playwright.launch(executable_path=str(binary), args=CHROMIUM_ARGS)


def demo_page(browser: Browser, cookies: Any) -> Watched:
    """A page of the signed-in demo person."""
    context = browser.new_context(viewport={"width": 1000, "height": 900}, storage_state=cookies)
    return Watched(context.new_page())


def coach_live(page: Page, base: str, exercise: str, seconds: float, *, drop_at_s: float = 0.0,
               model: str | None = None) -> dict[str, Any]:  # fmt: skip
    """Coach ``exercise`` live for ``seconds`` of frames, without the camera check; the
    ``saved`` message and the page's state. ``drop_at_s``: drop the connection once then;
    ``model``: the page's pose model (``?model=``), else its default."""
    chosen = f"&model={model}" if model else ""
    page.goto(f"{base}/coach/{exercise}?seconds={seconds:.3f}{chosen}")
    page.click("#start-now")
    if drop_at_s:
        until(page, f"window.kinesenseLive && kinesenseLive.lastT > {drop_at_s * 1000}")
        page.evaluate("kinesenseLiveSocket.drop()")
    saved = until(page, "window.kinesenseLive && (kinesenseLive.saved || kinesenseLive.error)", 90)
    assert saved.get("type") == "saved", saved
    state: dict[str, Any] = page.evaluate(
        "({reps: document.querySelector('[data-testid=reps]').textContent, "
        "sent: kinesenseLive.sent, events: kinesenseLive.events, "
        "reconnects: kinesenseLiveSocket.reconnects})"
    )
    return {"saved": saved, **state}


def test_a_hold_matches_the_command_line(
    playwright: BrowserType, demo: LiveServer, signed_in: Any, shared_data: Path, tmp_path: Path
) -> None:
    clip = shared_file(shared_data, "video/pose2sim_balancing_cam01.mp4")
    y4m, duration_s = to_y4m(clip, tmp_path / "stance.y4m")
    exercise = "single_leg_stance_eyes_open"
    truth = cli_coach(exercise, y4m)
    browser = camera_browser(playwright, y4m)
    try:
        watched = demo_page(browser, signed_in)
        live = coach_live(watched.page, demo.url, exercise, duration_s - LOOP_MARGIN_S)
    finally:
        browser.close()
    holds = live["saved"]["holds_s"]
    assert holds, f"no hold seen live in {live['sent']} frames; events: {live['events']}"
    assert abs(holds[0] - truth["holds"][0]["duration_s"]) <= 0.5, (holds, truth["holds"])
    assert live["saved"]["reps"] == truth["reps"] == 0
    assert problems(watched) == []


def test_the_counter_matches_the_command_line_and_resumes(
    playwright: BrowserType, demo: LiveServer, signed_in: Any, shared_data: Path, tmp_path: Path
) -> None:
    clip = shared_file(shared_data, "video/sports2d_demo.mp4")
    y4m, duration_s = crouches_y4m(clip, tmp_path / "crouches.y4m")
    truth = cli_coach("sit_to_stand", y4m)
    assert truth["reps"] == CROUCHES, [(e["kind"], e["time_s"]) for e in truth["events"]]
    browser = camera_browser(playwright, y4m)
    try:
        watched = demo_page(browser, signed_in)
        live = coach_live(watched.page, demo.url, "sit_to_stand", duration_s - LOOP_MARGIN_S,
                          drop_at_s=DROP_AT_S)  # fmt: skip
        record = live["saved"]["url"]
        watched.page.goto(demo.url + record)
        session_page = watched.page.inner_text("main")
    finally:
        browser.close()
    assert int(live["reps"]) == live["saved"]["reps"] == truth["reps"], (
        f"{live['sent']} frames read in {duration_s - LOOP_MARGIN_S:.1f} s",
        [(e["kind"], e["t"]) for e in live["events"]],
        [(e["kind"], e["time_s"]) for e in truth["events"]],
    )
    reps_after_drop = [e for e in live["events"] if e["kind"] == "rep" and e["t"] > DROP_AT_S]
    assert live["reconnects"] == 1
    assert reps_after_drop, live["events"]
    assert "Sit to stand" in session_page
    assert problems(watched) == []


def test_outside_hosts_are_refused(
    playwright: BrowserType, demo: LiveServer, signed_in: Any
) -> None:
    browser = plain_browser(playwright)
    try:
        page = demo_page(browser, signed_in).page
        page.goto(f"{demo.url}/coach/squat")
        found = page.evaluate(
            """async () => {
                const seen = [];
                document.addEventListener("securitypolicyviolation",
                    (e) => seen.push([e.violatedDirective, e.blockedURI]));
                let refused = false;
                try { await fetch("http://example.invalid/metrics", {method: "POST"}); }
                catch (error) { refused = true; }
                await new Promise((resolve) => setTimeout(resolve, 100));
                return {refused, seen};
            }"""
        )
    finally:
        browser.close()
    assert found["refused"]
    assert ["connect-src", "http://example.invalid/metrics"] in found["seen"]
