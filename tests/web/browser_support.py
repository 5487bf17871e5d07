"""Driving Debian's Chromium with Playwright: finding the browser binary and the steps of the
journey, shared by the browser tests and ``scripts/screenshots.py``.

The live pages' helpers (a clip as the fake camera, the command line's coaching of the same
clip, a live session run to its end) are here too, for every live browser test.

Playwright's own browser download is never used (it is not reachable here): the binary of
Debian's ``chromium`` package is found with ``dpkg -L`` (``scripts/chromium.sh`` installs the
package and prints the same path; ``make test`` passes it in ``KINESENSE_CHROMIUM``).
"""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserType, ConsoleMessage, Page, Playwright

from tests.web.live_server import LiveServer

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_binary() -> Path | None:
    """``$KINESENSE_CHROMIUM``, else the executable named ``chromium`` that ``dpkg -L
    chromium`` lists (not the wrapper script on PATH), else None."""
    configured = os.environ.get("KINESENSE_CHROMIUM", "").strip()
    if configured:
        return Path(configured)
    try:
        listed = subprocess.run(
            ["dpkg", "-L", "chromium"], capture_output=True, text=True, check=False, timeout=30
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in listed.splitlines():
        path = Path(line.strip())
        if path.name == "chromium" and path.is_file() and os.access(path, os.X_OK):
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    return path
    return None


def launch(playwright: Playwright, binary: Path) -> Browser:
    """Headless Chromium from ``binary``."""
    return playwright.chromium.launch(executable_path=str(binary), args=CHROMIUM_ARGS)


def fill_join_form(page: Page, name: str, email: str, password: str) -> None:
    """Fill and send the form of an invitation (or the first-run link)."""
    page.fill("#name", name)
    page.fill("#email", email)
    page.fill("#password", password)
    page.fill("#password_again", password)
    page.click("button[type=submit]")


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    """Sign in through the form."""
    page.goto(f"{base}/signin")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")


def sign_out(page: Page) -> None:
    """Sign out with the header's button."""
    page.click("header button:has-text('Sign out')")
    page.wait_for_url(re.compile(r".*/signin$"))


def make_invitation(page: Page, base: str, name: str) -> str:
    """Create an invitation on the invitations page; returns its link."""
    page.goto(f"{base}/invitations")
    page.fill("#invite-name", name)
    page.click("main form button[type=submit]")
    return page.input_value("#new-link")


class Watched:
    """A page whose Content-Security-Policy violations and script errors are collected."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        # a 4xx answer the test asked for is logged as "Failed to load resource": not a problem
        expected = message.text.startswith("Failed to load resource: the server responded")
        if "Content Security Policy" in message.text or (message.type == "error" and not expected):
            self.problems.append(message.text)

    def fits_a_phone(self) -> bool:
        """Whether the page needs no sideways scrolling."""
        return bool(self.page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        ))  # fmt: skip


def new_page(browser: Browser, viewport: dict[str, int] | None = None) -> Watched:
    """A page in a fresh context (its own cookies), on a phone unless ``viewport`` says."""
    return Watched(browser.new_context(viewport=viewport or PHONE).new_page())


# The live pages: a clip as the fake camera, the demo person, a session run to its end.

LOOP_MARGIN_S = 0.2
"""Seconds before the end of a clip at which a live page stops (the fake camera then loops)."""


FAKE_CAMERA_WIDTH = 640
"""Pixels across of the y4m clips Chromium's fake camera plays."""


def to_y4m(clip: Path, out: Path, cut: tuple[float, float] | None = None) -> tuple[Path, float]:
    """``clip`` (or its ``cut``: start and length, seconds) as the fake camera's y4m (640 wide,
    yuv420p); its duration in seconds."""
    where = ["-ss", f"{cut[0]:g}", "-t", f"{cut[1]:g}"] if cut is not None else []
    return _ffmpeg_y4m([*where, "-i", str(clip), "-vf", f"scale={FAKE_CAMERA_WIDTH}:-2"], out)


def there_and_back_y4m(
    clip: Path,
    out: Path,
    cut: tuple[float, float],
    times: int,
    *,
    crop_left: float = 0.0,
    mirror: bool = False,
    slower: int = 1,
    pause_s: float = 0.0,
    still_s: float = 1.0,
) -> tuple[Path, float]:
    """The movement in ``clip``'s ``cut`` (start and length, seconds) played forward then
    reversed, ``times`` over, then its first frame held for ``still_s`` seconds, as the fake
    camera's y4m at 30 frames per second; its duration in seconds. ``crop_left``: the fraction
    of the picture's width cut off on the left (to leave another person out); ``mirror``:
    flipped left to right; ``slower``: every frame shown this many times (the movement that
    many times slower); ``pause_s``: seconds each turning point (the cut's last frame, then
    its first) is held, as a person pauses at the bottom and top of a repetition.

    Known transforms of a real recording (../shared/data/README.md): when the cut goes from
    standing to a crouch, the clip holds exactly ``times`` real down-and-up movements by
    construction (a palindrome of one real movement, repeated), so ``times`` is the ground
    truth of a repetition counter, with no labelling. The still end lets the last return
    finish well before the fake camera loops the clip."""
    start, length = cut
    crop = f"crop=iw*{1 - crop_left:g}:ih:iw*{crop_left:g}:0," if crop_left else ""
    flip = "hflip," if mirror else ""
    graph = (
        f"[0:v]trim=start={start:g}:duration={length:g},setpts=PTS-STARTPTS,{crop}{flip}"
        f"scale={FAKE_CAMERA_WIDTH}:-2,split[there][copy];[copy]reverse[back];"
        f"[there]tpad=stop_mode=clone:stop_duration={pause_s / slower:g}[down];"
        f"[back]tpad=stop_mode=clone:stop_duration={pause_s / slower:g}[up];"
        f"[down][up]concat=n=2,loop=loop={times - 1}:size=32767:start=0,"
        f"tpad=stop_mode=clone:stop_duration={still_s / slower:g},"
        f"setpts={slower}*N/30/TB[out]"
    )
    arguments = ["-i", str(clip), "-filter_complex", graph, "-map", "[out]", "-r", "30"]
    return _ffmpeg_y4m(arguments, out)


CROUCH_CUT = (6.25, 0.5)
"""The cut of ``video/sports2d_demo.mp4`` (start, length in seconds) in which a man, landed on
his feet, goes down into a deep crouch, hands to the ground: one real descent."""
CROUCHES = 3
"""Down-and-up movements in the counter's clip: the crouch there and back, this many times,
so ``kinesense coach sit_to_stand`` must count exactly this many (the knee goes from about
160 degrees to about 70 and back: below the exercise's 110-degree target, above its
150-degree exit). The squat's own exit, 160 degrees, is about where this man stands after
landing, so ``squat`` counts him by chance or not at all."""


def crouches_y4m(clip: Path, out: Path) -> tuple[Path, float]:
    """:data:`CROUCHES` crouches of ``clip`` (``video/sports2d_demo.mp4``) as the fake camera's
    y4m; its duration in seconds (10.2). The left quarter of the picture is cut off (the 4:3
    right part: a woman walking at the left edge is left out, or ``kinesense coach`` follows
    her steps instead), the picture mirrored (as a front camera shows a person), the movement
    at half speed (2 s down and up, a usual exercise pace) with a pause of 0.5 s at the bottom
    and at the top. The page reads what frames it can (10 to 15 a second on a busy 2-core
    machine, 8 when very busy): at full speed and without pauses it saw too few frames of the
    bottom or lost the man, and missed a crouch in 3 runs out of 14; with them, the lite model
    it runs counts 3 on this clip down to 5 frames a second (the clip resampled)."""
    return there_and_back_y4m(
        clip, out, CROUCH_CUT, CROUCHES, crop_left=0.25, mirror=True, slower=2, pause_s=0.5
    )


def _ffmpeg_y4m(arguments: list[str], out: Path) -> tuple[Path, float]:
    """Run ffmpeg with ``arguments`` writing the yuv420p y4m ``out``; ``out`` and its
    duration in seconds, read from its header and size."""
    ffmpeg = pytest.importorskip("imageio_ffmpeg").get_ffmpeg_exe()
    subprocess.run(
        [ffmpeg, "-loglevel", "error", "-y", *arguments, "-pix_fmt", "yuv420p", str(out)],
        check=True, timeout=120,
    )  # fmt: skip
    header = out.read_bytes()[:200].split(b"\n", 1)[0].decode()
    rate = re.search(r" F(\d+):(\d+)", header)
    height = re.search(r" H(\d+)", header)
    assert rate is not None, header
    assert height is not None, header
    frame_size = FAKE_CAMERA_WIDTH * int(height.group(1)) * 3 // 2
    frames = (out.stat().st_size - len(header) - 1) // (frame_size + len(b"FRAME\n"))
    return out, frames * int(rate.group(2)) / int(rate.group(1))


def cli_coach(exercise: str, video: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """``kinesense coach EXERCISE --video VIDEO --json``, run as the command line (``env``:
    more environment variables, e.g. ``KINESENSE_EXERCISES``)."""
    answer = subprocess.run(
        [sys.executable, "-m", "kinesense.cli", "coach", exercise, "--video", str(video), "--json"],
        capture_output=True, text=True, check=True, timeout=300, env=os.environ | (env or {}),
    )  # fmt: skip
    data: dict[str, Any] = json.loads(answer.stdout)
    return data


def lossless(y4m: Path) -> Path:
    """The y4m as a lossless FFV1 video the command line reads (the same pixels)."""
    ffmpeg = pytest.importorskip("imageio_ffmpeg").get_ffmpeg_exe()
    out = y4m.with_suffix(".mkv")
    subprocess.run([ffmpeg, "-loglevel", "error", "-y", "-i", str(y4m),
                    "-c:v", "ffv1", str(out)], check=True, timeout=120)  # fmt: skip
    return out


def cli_assess(test: str, video: Path, *options: str) -> dict[str, Any]:
    """``kinesense assess TEST --video VIDEO OPTIONS --json``, run as the command line."""
    answer = subprocess.run(
        [sys.executable, "-m", "kinesense.cli", "assess", test, "--video", str(video), *options,
         "--json"],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    data: dict[str, Any] = json.loads(answer.stdout)
    return data


def guided_live(page: Page, base: str, test: str, query: str) -> dict[str, Any]:
    """Guided test ``test`` (``query``: its choice, ``seconds``, ``countdown``...) without the
    camera check, to its result; the ``result`` message, what the page said, the frames sent
    (and those with a face) and the result as shown."""
    page.goto(f"{base}/measure/live/{test}?{query}")
    page.click("#start-now")
    over = "window.kinesenseGuided && (kinesenseGuided.result || kinesenseGuided.error)"
    state = until(page, f"{over} && kinesenseGuided", 150)
    assert state.get("result"), state.get("error")
    shown = page.inner_text("#guided-done")
    return {"result": state["result"], "said": state["said"], "sent": state["sent"],
            "face_sent": state["faceSent"], "shown": shown}  # fmt: skip


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


def camera_browser(playwright: BrowserType, y4m: Path) -> Browser:
    """Headless Chromium whose camera plays ``y4m``."""
    binary = chromium_binary()
    assert binary is not None
    return playwright.launch(
        executable_path=str(binary),
        args=[*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream",
              "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={y4m}"],
    )  # fmt: skip


def plain_browser(playwright: BrowserType) -> Browser:
    """Headless Chromium without a camera."""
    binary = chromium_binary()
    assert binary is not None
    return playwright.launch(executable_path=str(binary), args=CHROMIUM_ARGS)


def demo_page(browser: Browser, cookies: Any) -> Watched:
    """A page of the signed-in demo person."""
    context = browser.new_context(viewport={"width": 1000, "height": 900}, storage_state=cookies)
    return Watched(context.new_page())


def coach_live(page: Page, base: str, exercise: str, seconds: float, *, drop_at_s: float = 0.0
               ) -> dict[str, Any]:  # fmt: skip
    """Coach ``exercise`` live for ``seconds`` of frames, without the camera check; the
    ``saved`` message and the page's state. ``drop_at_s``: drop the connection once then."""
    page.goto(f"{base}/coach/{exercise}?seconds={seconds:.3f}")
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


def sign_in_demo(playwright: BrowserType, demo: LiveServer) -> Any:
    """The cookies of ``kinesense serve --demo``'s demo person, signed in once (the demo link
    works once) with the consent accepted, once the demo's recordings are measured (they are
    measured in the background: let them finish, not compete with the pose model)."""
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
        while time.monotonic() < deadline:
            page.goto(home + "/sessions")
            if page.locator("#sessions > li").count() >= 1:
                break
            page.wait_for_timeout(500)
        return context.storage_state()
    finally:
        browser.close()
