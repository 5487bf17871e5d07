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


RESEND_SCRIPT = """async () => {
    // A network the test drives: the page's LiveSocket talks to it instead of the server.
    const opened = [];
    class FakeSocket {
        constructor(url) { this.sent = []; opened.push(this); setTimeout(() => this.onopen(), 0); }
        send(text) { this.sent.push(JSON.parse(text)); }
        close(code) { this.onclose({code}); }
    }
    window.WebSocket = FakeSocket;
    const {LiveSocket} = await import("/static/js/live/live-socket.js");
    const closed = [];
    const socket = new LiveSocket({type: "start", v: 1, exercise: "squat", width: 640, height: 480},
        {message: () => {}, reconnecting: () => {}, closed: (e) => closed.push(e.code)});
    const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    socket.connect();
    await wait(20);
    const first = opened[0];
    first.onmessage({data: JSON.stringify({type: "ready", token: "t", last_seq: -1})});
    for (let i = 0; i < 5; i++) socket.frame(i * 33 + 1, null, null, null);
    for (const seq of [0, 1]) first.onmessage({data: JSON.stringify({type: "step", seq})});
    // The server process dies: frames 2-4 were sent but never answered (nor applied).
    first.onclose({code: 1006});
    socket.frame(200, null, null, null);  // made while the connection is down
    await wait(400);  // the first retry waits 250 ms
    const second = opened[1];
    const resume = second.sent[0];
    second.onmessage({data: JSON.stringify({type: "ready", token: "t", last_seq: 1})});
    return {resume, resent: second.sent.slice(1).map((m) => m.seq), closed,
            firstSent: first.sent.filter((m) => m.type === "frame").map((m) => m.seq)};
}"""


def test_frames_a_dying_server_never_answered_are_sent_again(
    playwright: BrowserType, demo: LiveServer, demo_cookies: Any
) -> None:
    """The page's live socket keeps each frame until its ``step`` comes back: when the server
    process dies (clinic stack: the session goes on in another process), the frames it never
    answered are sent again after ``resume``, with those made meanwhile, so that the count
    continues without a gap; frames the server had answered are not."""
    browser = plain_browser(playwright)
    try:
        page = demo_page(browser, demo_cookies).page
        page.goto(f"{demo.url}/coach/squat")
        found = page.evaluate(RESEND_SCRIPT)
    finally:
        browser.close()
    assert found["firstSent"] == [0, 1, 2, 3, 4]
    assert found["resume"] == {"type": "resume", "v": 1, "token": "t"}
    assert found["resent"] == [2, 3, 4, 5]
    assert found["closed"] == []
