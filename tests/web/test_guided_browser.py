"""Guided live tests end to end in headless Chromium, a real clip from ../shared/data as the fake
camera: the pose model runs in the page's Web Worker, the landmarks go over ``/live/tests/ws``
and the result is the one ``kinesense assess stance --video`` gives on the same frames.

The command line cannot read the y4m the fake camera plays, so it reads a lossless FFV1 copy of
it (the same pixels). The page runs the same full model on them but not on exactly the same
frames: it decodes the camera in real time and skips frames while the model is busy, and it
times them in whole milliseconds. The view classification and a refusal's reasons do not depend
on which frames of a steady view are seen, so they must be equal; a stance time would be
compared within 0.5 s (a few skipped frames at each end of a trial). Every test stops before
the fake camera loops the clip (``?seconds=``)."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserType, Page

from tests.conftest import shared_file
from tests.web.browser_support import (
    LOOP_MARGIN_S,
    camera_browser,
    demo_page,
    problems,
    to_y4m,
    until,
)
from tests.web.live_server import LiveServer

WALK_CUT = (0.0, 5.0)
"""The first 5 s of the side-view walk: the person walks across, side-on."""


def lossless(y4m: Path) -> Path:
    """The y4m as a lossless FFV1 video the command line reads (the same pixels)."""
    import imageio_ffmpeg

    out = y4m.with_suffix(".mkv")
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(y4m),
                    "-c:v", "ffv1", str(out)], check=True, timeout=120)  # fmt: skip
    return out


def cli_stance(video: Path) -> dict[str, Any]:
    """``kinesense assess stance --video VIDEO --json`` (the full model, as the page runs it)."""
    answer = subprocess.run(
        [sys.executable, "-m", "kinesense.cli", "assess", "stance", "--video", str(video),
         "--json"],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    data: dict[str, Any] = json.loads(answer.stdout)
    return data


def guided_stance(page: Page, base: str, seconds: float, countdown: int) -> dict[str, Any]:
    """Single-leg stance, eyes open, without the camera check, ``countdown`` seconds of
    countdown, for ``seconds`` of frames; the ``result`` message and what the page said."""
    query = f"eyes=open&model=full&countdown={countdown}&seconds={seconds:.3f}"
    page.goto(f"{base}/measure/live/stance?{query}")
    page.click("#start-now")
    over = "window.kinesenseGuided && (kinesenseGuided.result || kinesenseGuided.error)"
    state = until(page, f"{over} && kinesenseGuided", 120)
    assert state.get("result"), state.get("error")
    shown = page.inner_text("#guided-done")
    return {"result": state["result"], "said": state["said"], "sent": state["sent"],
            "shown": shown}  # fmt: skip


def run_stance(
    playwright: BrowserType, demo: LiveServer, cookies: Any, y4m: Path, duration_s: float,
    countdown: int = 0,
) -> tuple[dict[str, Any], list[str]]:  # fmt: skip
    browser = camera_browser(playwright, y4m)
    try:
        watched = demo_page(browser, cookies)
        live = guided_stance(watched.page, demo.url, duration_s - LOOP_MARGIN_S, countdown)
        record = watched.page.evaluate("kinesenseGuided.result.url")
        watched.page.goto(demo.url + record)
        live["saved_page"] = watched.page.inner_text("main")
    finally:
        browser.close()
    return live, problems(watched)


def test_stance_on_a_real_balance_gives_the_command_lines_result(
    playwright: BrowserType, demo: LiveServer, demo_cookies: Any, shared_data: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    clip = shared_file(shared_data, "video/pose2sim_balancing_cam01.mp4")
    y4m, duration_s = to_y4m(clip, tmp_path / "balance.y4m")
    truth = cli_stance(lossless(y4m))
    live, seen = run_stance(playwright, demo, demo_cookies, y4m, duration_s)
    result = live["result"]
    # the full model analyses 5-15 of the clip's 88 frames in 1.5 s here (2 cores, shared):
    # few, but frames of one steady view, which is all the refusal reads
    assert live["sent"] >= 3, live
    assert (result["test"], result["usable"]) == (truth["test"], truth["usable"])
    assert result["reasons"] == truth["reasons"]  # filmed at an angle: refused, not timed
    assert result["metrics"] == truth["metrics"]
    assert live["said"][:2] == ["Stand still on both feet.", "Lift one foot."]
    assert truth["reasons"][0][:30].lower() in live["shown"].lower()
    assert truth["reasons"][0][:40].lower() in live["saved_page"].lower()  # kept as refused
    assert seen == []


def test_a_side_view_is_refused_with_the_command_lines_reason(
    playwright: BrowserType, demo: LiveServer, demo_cookies: Any, shared_data: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    clip = shared_file(shared_data, "video/sports2d_walk_side.mp4")
    y4m, duration_s = to_y4m(clip, tmp_path / "walk.y4m", cut=WALK_CUT)
    truth = cli_stance(lossless(y4m))
    live, seen = run_stance(playwright, demo, demo_cookies, y4m, duration_s, countdown=3)
    assert truth["reasons"][0].startswith("the camera sees the person from the side")
    # the spoken countdown, recorded (the view of the whole cut is the view of its frames)
    assert live["said"][:5] == ["Stand still on both feet.", "3", "2", "1", "Lift one foot."]
    assert live["result"]["usable"] is False
    assert live["result"]["reasons"] == truth["reasons"]
    assert seen == []
