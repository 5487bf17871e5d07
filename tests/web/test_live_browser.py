"""Live coaching end to end in headless Chromium, a real clip from ../shared/data as the fake
camera: the pose model runs in the page's Web Worker, the landmarks go over the WebSocket to the
same coach as ``kinesense coach --video``, and the page's counter and holds equal the command
line's on the same clip (the y4m the camera plays, 640 pixels wide). The counter is checked on
a clip with a known number of repetitions: a real crouch played there and back
(``crouches_y4m``), whose count the command line must find too. Every session stops before
the fake camera loops the clip (``?seconds=``). Also: the page's requests to other hosts are
refused by the Content-Security-Policy, and a dropped connection resumes with the count
carrying on."""

from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserType

from tests.conftest import shared_file
from tests.web.browser_support import (
    CROUCHES,
    LOOP_MARGIN_S,
    camera_browser,
    cli_coach,
    coach_live,
    crouches_y4m,
    demo_page,
    plain_browser,
    problems,
    to_y4m,
)
from tests.web.live_server import LiveServer

DROP_AT_S = 4.0
"""Seconds into the counter's clip at which the connection drops: after the first crouch
(counted at 2.3 to 3 s), so the count must carry on across the resume."""


def test_a_hold_matches_the_command_line(
    playwright: BrowserType, demo: LiveServer, demo_cookies: Any, shared_data: Path, tmp_path: Path
) -> None:
    clip = shared_file(shared_data, "video/pose2sim_balancing_cam01.mp4")
    y4m, duration_s = to_y4m(clip, tmp_path / "stance.y4m")
    exercise = "single_leg_stance_eyes_open"
    truth = cli_coach(exercise, y4m)
    browser = camera_browser(playwright, y4m)
    try:
        watched = demo_page(browser, demo_cookies)
        live = coach_live(watched.page, demo.url, exercise, duration_s - LOOP_MARGIN_S)
    finally:
        browser.close()
    holds = live["saved"]["holds_s"]
    assert holds, f"no hold seen live in {live['sent']} frames; events: {live['events']}"
    assert abs(holds[0] - truth["holds"][0]["duration_s"]) <= 0.5, (holds, truth["holds"])
    assert live["saved"]["reps"] == truth["reps"] == 0
    assert problems(watched) == []


def test_the_counter_matches_the_command_line_and_resumes(
    playwright: BrowserType, demo: LiveServer, demo_cookies: Any, shared_data: Path, tmp_path: Path
) -> None:
    clip = shared_file(shared_data, "video/sports2d_demo.mp4")
    y4m, duration_s = crouches_y4m(clip, tmp_path / "crouches.y4m")
    truth = cli_coach("sit_to_stand", y4m)
    assert truth["reps"] == CROUCHES, [(e["kind"], e["time_s"]) for e in truth["events"]]
    browser = camera_browser(playwright, y4m)
    try:
        watched = demo_page(browser, demo_cookies)
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
    playwright: BrowserType, demo: LiveServer, demo_cookies: Any
) -> None:
    browser = plain_browser(playwright)
    try:
        page = demo_page(browser, demo_cookies).page
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
