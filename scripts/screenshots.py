"""Screenshots of every page of the web app, on a phone and on a laptop, in docs/screenshots/.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Starts ``kinesense serve --demo`` on a throw-away database, walks every page in Debian's
headless Chromium (``scripts/chromium.sh`` installs it) and saves ``NN-page-phone.png``
(390 x 844) and ``NN-page-laptop.png`` (1280 x 800) for each page, whole pages from top to
bottom. The pages are seen by: the administrator and a therapist who set kinesense up; Pat, who
joins, answers the safety questions, measures a real force-plate recording
(``../shared/data/cop/eyesOpen_1.csv.gz``, MIT licence), makes a plan, checks in and sends a
recorded session (the bundled sample video); Ray, whose answers raise a red flag; the demo
person, with four weeks of history; and their therapists. The demo person also pairs a phone
as a motion sensor: ``phone-*.png`` (not numbered), the phone page replaying a real IMU recording
(``../shared/data/imu``, CC BY 4.0) as DeviceMotion events.

``--only live`` shoots only the live coaching page (``50-...`` onwards, the other screenshots
kept): the demo person at ``/coach/...`` with the bundled sample video as the browser's fake
camera, during the camera check and while timing a hold, then with a real crouch of
``../shared/data/video/sports2d_demo.mp4`` (BSD-3-Clause) played there and back while counting,
overlay, counter and cue showing; then the guided live tests (``/measure/live/...``):
instructions, the countdown, a result.
``--only guided`` shoots only the guided tests' pages (``54-...`` onwards, and
``guided-head-instructions-*.png``: the head repositioning test's instructions).
``--only live-head`` shoots only ``coach-live-head-*.png``: head repositioning practice coached
live with the face model, a real face tilting its head as the fake camera
(:mod:`tests.capture.head_clips`, the therapist's lateral-flexion version of the practice),
each return's error and direction listed.
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Page, Playwright, sync_playwright  # noqa: E402
from tests.capture.head_clips import head_tilt_practice, revel_schedule, write_head_clip  # noqa: E402
from tests.web.browser_support import (  # noqa: E402
    CHROMIUM_ARGS,
    LAPTOP,
    PHONE,
    camera_browser,
    chromium_binary,
    crouches_y4m,
    fill_join_form,
    launch,
    make_invitation,
    sign_in,
    sign_in_demo,
    sign_out,
    to_y4m,
)
from tests.web.live_server import LiveServer  # noqa: E402

from kinesense.jobs import JobRepository  # noqa: E402
from kinesense.sample import sample_video_path  # noqa: E402
from kinesense.store.engine import make_engine  # noqa: E402

PASSWORD = "my back hurts on mondays"
RECORDING = ROOT.parent / "shared" / "data" / "cop" / "eyesOpen_1.csv.gz"
CROUCHING = ROOT.parent / "shared" / "data" / "video" / "sports2d_demo.mp4"


class Camera:
    """Saves the page as it is now, on both screens, under a running number."""

    def __init__(self, out: Path, *, clean: bool = True, first: int = 1) -> None:
        self.out = out
        self.count = first - 1
        out.mkdir(parents=True, exist_ok=True)
        for old in out.glob("*.png"):
            if clean or (old.name[:2].isdigit() and int(old.name[:2]) >= first):
                old.unlink()

    def shoot(self, page: Page, name: str, numbered: bool = True) -> None:
        self.count += numbered
        stem = f"{self.count:02d}-{name}" if numbered else name
        for label, size in (("phone", PHONE), ("laptop", LAPTOP)):
            page.set_viewport_size(size)
            page.screenshot(path=self.out / f"{stem}-{label}.png", full_page=True)
        page.set_viewport_size(PHONE)
        print(stem)


def answer(page: Page, yes: tuple[str, ...] = ()) -> None:
    """Answer every safety question on the page: yes to ``yes``, no to the others."""
    for radio in page.locator("input[type=radio][value=no]").all():
        name = radio.get_attribute("name") or ""
        if name.startswith("q_"):
            page.check(f"input[name={name}][value={'yes' if name[2:] in yes else 'no'}]")


def fresh(browser: Browser) -> Page:
    return browser.new_context(viewport=PHONE).new_page()


def set_up(page: Page, server: LiveServer, camera: Camera) -> tuple[str, str]:
    """First run, the administrator, a therapist; returns the invitations of Pat and Ray."""
    base = server.url
    page.goto(base + "/")
    camera.shoot(page, "first-run")
    page.goto(server.setup_url)
    camera.shoot(page, "setup-admin")
    fill_join_form(page, "Ada Admin", "ada@clinic.example", PASSWORD)
    page.wait_for_url(f"{base}/invitations")
    therapist_link = make_invitation(page, base, "Theo Therapist")
    camera.shoot(page, "admin-invites-therapist")
    sign_out(page)
    page.fill("#email", "ada@clinic.example")
    page.fill("#password", "wrong password")
    page.click("main button[type=submit]")
    camera.shoot(page, "signin-error")
    page.goto(f"{base}/signin")
    camera.shoot(page, "signin")
    page.goto(therapist_link)
    camera.shoot(page, "join-therapist")
    fill_join_form(page, "Theo Therapist", "theo@clinic.example", PASSWORD)
    page.wait_for_url(f"{base}/people")
    camera.shoot(page, "therapist-people-empty")
    pat = make_invitation(page, base, "Pat Person")
    camera.shoot(page, "therapist-invites-person")
    ray = make_invitation(page, base, "Ray Referred")
    sign_out(page)
    return pat, ray


def join(page: Page, server: LiveServer, link: str, name: str, email: str,
         camera: Camera | None = None) -> str:  # fmt: skip
    page.goto(link)
    if camera:
        camera.shoot(page, "join-person")
    fill_join_form(page, name, email, PASSWORD)
    page.wait_for_url(f"{server.url}/consent")
    if camera:
        camera.shoot(page, "consent")
    page.check("#agree")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/people/\d+$"))
    return page.url


def pat(page: Page, server: LiveServer, link: str, camera: Camera) -> str:
    """A person from sign-up to progress; returns their page."""
    home = join(page, server, link, "Pat Person", "pat@home.example", camera)
    camera.shoot(page, "person-home-new")
    page.click("#next-step a.button")
    camera.shoot(page, "safety-questions")
    answer(page)
    page.click("main button[type=submit]")
    camera.shoot(page, "safety-questions-ok")
    page.goto(home + "/plan")
    page.fill("#goal_1", "walk to the shops without pain")
    camera.shoot(page, "plan-settings")
    page.click("#plan-form button[type=submit]")
    page.wait_for_selector("#plan-exercises")
    camera.shoot(page, "plan")
    page.goto(home + "/upload")
    camera.shoot(page, "measure")
    fake = Path(tempfile.mkdtemp()) / "holiday.mp4"
    fake.write_text("this is not a video\n" * 50)
    page.set_input_files("#file", str(fake))
    page.click("#upload-button")
    page.wait_for_selector("#upload-error:not([hidden])")
    camera.shoot(page, "measure-refused")
    if RECORDING.is_file():
        page.set_input_files("#file", str(RECORDING))
        page.click("#upload-button")
        page.wait_for_url(re.compile(r".*/results/\d+$"), timeout=90_000)
        camera.shoot(page, "result")
        page.click("summary:has-text('more measurements')")
        camera.shoot(page, "result-all-measurements")
    person_id = int(home.rsplit("/", 1)[1])
    jobs = JobRepository(make_engine(f"sqlite:///{server.folder / 'kinesense.db'}"))
    running = jobs.create("assess", {"name": "walk-side.mp4"}, person_id=person_id)
    jobs.start(running.id)
    jobs.progress(running.id, 0.45, "finding the person in the video")
    page.goto(f"{server.url}/jobs/{running.id}")
    camera.shoot(page, "job-running")
    failed = jobs.create("assess", {"name": "sway.csv"}, person_id=person_id)
    jobs.fail(failed.id, "sway.csv line 2, column 'CoPy': 'abc' is not a number")
    page.goto(f"{server.url}/jobs/{failed.id}")
    camera.shoot(page, "job-failed")
    jobs.fail(running.id, "the server stopped before this job finished; please send the file again")
    page.goto(home + "/sessions/upload")
    camera.shoot(page, "send-session")
    page.set_input_files("#file", str(sample_video_path()))
    page.click("#upload-button")
    page.wait_for_url(re.compile(r".*/sessions/\d+$"), timeout=90_000)
    camera.shoot(page, "session")
    page.goto(home + "/checkin")
    page.check("input[name=pain_now][value='5']")
    page.check("input[name=pain_week][value='6']")
    page.fill("#psfs_activity_1", "walking 30 minutes")
    page.select_option("#psfs_score_1", "4")
    camera.shoot(page, "check-in")
    answer(page)
    page.click("#checkin-form button[type=submit]")
    camera.shoot(page, "check-in-done")
    page.goto(home)
    camera.shoot(page, "person-home")
    page.goto(f"{server.url}/account")
    camera.shoot(page, "account-person")
    page.goto(f"{server.url}/lessons")
    camera.shoot(page, "lessons")
    page.click("ul.lessons a.row-link >> nth=0")
    page.wait_for_selector("#lesson")
    camera.shoot(page, "lesson")
    return home


def ray(page: Page, server: LiveServer, link: str, camera: Camera) -> None:
    """A person whose answers raise a red flag."""
    home = join(page, server, link, "Ray Referred", "ray@home.example")
    page.goto(home + "/screening")
    answer(page, yes=("bladder_change",))
    page.click("main button[type=submit]")
    camera.shoot(page, "referral")
    page.goto(home)
    camera.shoot(page, "person-home-referred")


def demo(page: Page, server: LiveServer, camera: Camera) -> None:
    """The demo person's four weeks."""
    page.goto(server.demo_url)
    page.wait_for_url(f"{server.url}/consent")
    page.check("#agree")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/people/\d+$"))
    home = page.url
    page.goto(home + "/results")
    page.wait_for_function("document.querySelectorAll('#results > li').length >= 3",
                           timeout=90_000)  # fmt: skip
    page.goto(home)
    camera.shoot(page, "demo-home")
    page.goto(home + "/progress")
    camera.shoot(page, "progress")
    page.goto(home + "/plan")
    camera.shoot(page, "demo-plan")
    page.goto(home + "/results")
    camera.shoot(page, "measurements")
    page.click("#results a.row-link:has-text('Single-leg stance')")
    camera.shoot(page, "result-cannot-be-judged")
    page.goto(home + "/sessions")
    camera.shoot(page, "sessions")


def phone(browser: Browser, computer: Page, server: LiveServer, camera: Camera) -> None:
    """The demo person pairs a phone; the phone page replays a real IMU recording (sway)."""
    from tests.phone.replay import REPLAY, SWAY_FILE, cut_uci, device_motion_rows, read_cut

    computer.goto(f"{server.url}/pair")
    camera.shoot(computer, "phone-pair", numbered=False)
    computer.click("#pair-button")
    computer.wait_for_selector("#qr svg")
    camera.shoot(computer, "phone-pair-code", numbered=False)
    link = computer.get_attribute("#phone-link", "href") or ""
    page = fresh(browser)
    page.clock.install(time=0)
    page.goto(link)
    page.clock.pause_at(1000)
    camera.shoot(page, "phone-page", numbered=False)
    source = ROOT.parent / "shared" / "data" / SWAY_FILE
    if not source.is_file():
        return
    rows = device_motion_rows(read_cut(cut_uci(source, Path(tempfile.mkdtemp()) / "s.txt", 31)))
    page.click("#start-button")
    page.wait_for_selector("#phone-status[data-state=countdown]")
    page.clock.run_for(6000)
    page.wait_for_selector("#phone-status[data-state=recording]")
    page.evaluate(REPLAY, rows)
    page.clock.run_for(15_000)
    camera.shoot(page, "phone-recording", numbered=False)
    page.clock.run_for(int(rows[-1][0]))
    page.wait_for_selector("#phone-status[data-state=done]", timeout=60_000)
    camera.shoot(page, "phone-result", numbered=False)
    computer.wait_for_selector("#pair-status[data-state=done]", timeout=10_000)
    camera.shoot(computer, "phone-pair-done", numbered=False)


def therapist(page: Page, server: LiveServer, pat_home: str, camera: Camera) -> None:
    """Theo sees Pat and Ray, overrides Pat's plan and clears Ray."""
    base = server.url
    sign_in(page, base, "theo@clinic.example", PASSWORD)
    page.wait_for_url(f"{base}/people")
    camera.shoot(page, "therapist-people")
    page.click("text=Ray Referred")
    camera.shoot(page, "therapist-person-referred")
    page.click("#next-step a.button")
    camera.shoot(page, "therapist-clearance")
    page.fill("#clearance-reason", "seen in clinic: symptoms explained, no red flag")
    page.click("#clearance button[type=submit]")
    page.goto(pat_home)
    camera.shoot(page, "therapist-person")
    page.goto(pat_home + "/plan")
    page.select_option("#override-action", "dose")
    page.fill("#override-sets", "2")
    page.fill("#override-reps", "6")
    page.fill("#override-reason", "start with fewer repetitions: knee sore")
    page.click("#override-form button[type=submit]")
    page.wait_for_selector("#plan-overrides")
    camera.shoot(page, "therapist-plan-override")
    page.goto(f"{base}/account")
    camera.shoot(page, "account-therapist")
    page.goto(f"{base}/people/999999")
    camera.shoot(page, "error-not-found")


def demo_therapist(page: Page, server: LiveServer, camera: Camera) -> None:
    link = next(line.split()[2] for line in server.lines if line.startswith("Demo therapist: "))
    page.goto(link)
    page.wait_for_url(f"{server.url}/people")
    page.click("text=Demo Person")
    camera.shoot(page, "therapist-demo-person")


def delete(page: Page, server: LiveServer, camera: Camera) -> None:
    page.goto(f"{server.url}/account")
    page.fill("#delete-password", PASSWORD)
    page.click("text=Delete my account and all my data")
    page.wait_for_selector("h1:has-text('Your account was deleted')")
    camera.shoot(page, "account-deleted")


LIVE_FIRST = 50
"""The number of the first live coaching screenshot."""


def camera_page(playwright: Playwright, binary: Path, server: LiveServer) -> tuple[Browser, Page]:
    """A browser whose camera plays the bundled sample video, and a page of the demo person
    signed in (the demo link works once: later calls find the page already signed in)."""
    ffmpeg = __import__("imageio_ffmpeg").get_ffmpeg_exe()
    clip = Path(server.folder) / "camera.y4m"
    if not clip.exists():
        subprocess.run([ffmpeg, "-loglevel", "error", "-y", "-i", str(sample_video_path()), "-vf",
                        "scale=640:-2", "-pix_fmt", "yuv420p", str(clip)], check=True)  # fmt: skip
    browser = playwright.chromium.launch(
        executable_path=str(binary),
        args=[*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream",
              "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={clip}"],
    )  # fmt: skip
    state = Path(server.folder) / "demo-cookies.json"
    context = browser.new_context(viewport=PHONE, storage_state=state if state.exists() else None)
    page = context.new_page()
    if not state.exists():
        page.goto(server.demo_url)
        if page.url.endswith("/consent"):
            page.check("#agree")
            page.click("main button[type=submit]")
        page.wait_for_url(re.compile(r".*/people/\d+$"))
        context.storage_state(path=state)
    return browser, page


def wait_for(page: Page, expression: str, tries: int = 600) -> None:
    """Poll ``expression`` in the page every 50 ms until it is truthy (the CSP refuses
    ``wait_for_function``'s strings)."""
    for _ in range(tries):
        if page.evaluate(f"!!({expression})"):
            return
        page.wait_for_timeout(50)


FREEZE = """(() => {
    if (!(window.kinesenseLive && kinesenseLive.panel && (WANTED))) return false;
    kinesenseLive.done = true;
    document.getElementById("live-video").pause();
    if (window.kinesenseLiveSocket && kinesenseLiveSocket.socket)
        kinesenseLiveSocket.socket.onmessage = null;
    return true;
})()"""
"""Once ``WANTED`` holds, freeze the live page in the same turn of its event loop: no more
frames, the picture paused (the camera plays on behind it) and no more messages from the coach,
so both shots show the counter, cue and skeleton of the moment ``WANTED`` held."""


def freeze_when(page: Page, wanted: str) -> None:
    """Wait (up to 30 s) until ``wanted`` holds on the live page and freeze it for the shots;
    stop the script if it never does."""
    for _ in range(600):
        if page.evaluate(FREEZE.replace("WANTED", wanted)):
            return
        page.wait_for_timeout(50)
    sys.exit(f"the live page never showed {wanted} within 30 s")


def live_coaching(playwright: Playwright, binary: Path, server: LiveServer, out: Path) -> int:
    """The live page of the demo person: the set-up instructions, the camera check with its
    instruction, a hold being timed (the sample video plays as the camera), and crouches being
    counted with a cue (the live counter test's clip: a real crouch played there and back).
    Returns the count."""
    camera = Camera(out, clean=False, first=LIVE_FIRST)
    browser, page = camera_page(playwright, binary, server)
    for start, exercise, shot in (
        ("#start-check", "squat", "coach-live-camera-check"),
        ("#start-now", "single_leg_stance_eyes_open", "coach-live-hold"),
    ):
        page.goto(f"{server.url}/coach/{exercise}?seconds=30")
        if start == "#start-check":
            camera.shoot(page, "coach-live-setup")
        page.click(start)
        freeze_when(page, "kinesenseLive.panel.instructions.length" if start == "#start-check"
                    else "kinesenseLive.panel.hold_s > 0.8")  # fmt: skip
        camera.shoot(page, shot)
    browser.close()
    crouches, _ = crouches_y4m(CROUCHING, Path(server.folder) / "crouches.y4m")
    browser = camera_browser(playwright.chromium, crouches)
    cookies = Path(server.folder) / "demo-cookies.json"  # saved by camera_page
    page = browser.new_context(viewport=PHONE, storage_state=cookies).new_page()
    # the cue shows for a few seconds after a fault: the clip may loop before one comes
    page.goto(f"{server.url}/coach/sit_to_stand?seconds=30")
    page.click("#start-now")
    freeze_when(page, "kinesenseLive.panel.reps >= 2 && kinesenseLive.panel.cue")
    camera.shoot(page, "coach-live-reps")
    browser.close()
    return camera.count - LIVE_FIRST + 1


def live_head(playwright: Playwright, out: Path) -> None:
    """Head repositioning practice live (a server of its own, with the practice scored on
    lateral flexion in its exercise folder): the page once two returns were scored."""
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        practice = head_tilt_practice()
        (folder / "exercises").mkdir()
        data = practice.model_dump(by_alias=True, mode="json", exclude_none=True)
        (folder / "exercises" / f"{practice.id}.json").write_text(json.dumps(data))
        mp4 = write_head_clip(folder / "face.mp4", revel_schedule(end_s=3.0))
        clip, _ = to_y4m(mp4, folder / "face.y4m")
        env = {"KINESENSE_EXERCISES": str(folder / "exercises")}
        with LiveServer(folder, "--demo", env=env) as server:
            cookies = sign_in_demo(playwright.chromium, server)
            browser = camera_browser(playwright.chromium, clip)
            page = browser.new_context(viewport=PHONE, storage_state=cookies).new_page()
            page.goto(f"{server.url}/coach/head_repositioning_practice?seconds=60")
            page.click("#start-now")
            for _ in range(1200):
                if page.evaluate("!!(window.kinesenseLive && kinesenseLive.trials.length >= 2)"):
                    break
                page.wait_for_timeout(50)
            page.evaluate("window.kinesenseLive.done = true")  # freeze the picture for the shot
            Camera(out, clean=False, first=100).shoot(page, "coach-live-head", numbered=False)
            browser.close()


GUIDED_FIRST = 54
"""The number of the first guided live test screenshot."""


def guided_tests(playwright: Playwright, binary: Path, server: LiveServer, out: Path) -> int:
    """The guided live tests of the demo person: a test's instructions (single-leg stance, eyes
    closed; head repositioning, not numbered), the spoken countdown and a result (the posture
    photo); the sample video plays as the camera. Returns the count."""
    camera = Camera(out, clean=False, first=GUIDED_FIRST)
    browser, page = camera_page(playwright, binary, server)
    page.goto(f"{server.url}/measure/live/stance?eyes=closed")
    camera.shoot(page, "guided-instructions")
    page.goto(f"{server.url}/measure/live/head?axis=rotation")
    camera.shoot(page, "guided-head-instructions", numbered=False)
    page.goto(f"{server.url}/measure/live/posture?view=side")
    page.click("#start-now")
    wait_for(page, "window.kinesenseGuided && kinesenseGuided.countdown === 2")
    page.evaluate("window.kinesenseGuided.done = true")  # freeze the picture for the shot
    camera.shoot(page, "guided-countdown")
    page.goto(f"{server.url}/measure/live/posture?view=side")
    page.click("#start-now")
    wait_for(page, "window.kinesenseGuided && (kinesenseGuided.result || kinesenseGuided.error)")
    camera.shoot(page, "guided-result")
    browser.close()
    return camera.count - GUIDED_FIRST + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument(
        "--only", choices=["live", "guided", "live-head"], help="shoot only these pages"
    )
    args = parser.parse_args()
    out = args.out
    binary = chromium_binary()
    if binary is None:
        sys.exit("Chromium is not installed: run scripts/chromium.sh first")
    if args.only == "live-head":
        with sync_playwright() as playwright:
            live_head(playwright, out)
        return
    if args.only is not None:
        with (
            tempfile.TemporaryDirectory() as folder,
            LiveServer(Path(folder), "--demo") as server,
            sync_playwright() as playwright,
        ):
            count = live_coaching(playwright, binary, server, out) if args.only == "live" else 0
            count += guided_tests(playwright, binary, server, out)
        print(f"{count} live pages, {2 * count} screenshots in {out}")
        return
    camera = Camera(out)
    with (
        tempfile.TemporaryDirectory() as folder,
        LiveServer(Path(folder), "--demo") as server,
        sync_playwright() as playwright,
    ):
        browser = launch(playwright, binary)
        pat_link, ray_link = set_up(fresh(browser), server, camera)
        person = fresh(browser)
        pat_home = pat(person, server, pat_link, camera)
        ray(fresh(browser), server, ray_link, camera)
        demo_page = fresh(browser)
        demo(demo_page, server, camera)
        phone(browser, demo_page, server, camera)
        therapist(fresh(browser), server, pat_home, camera)
        demo_therapist(fresh(browser), server, camera)
        delete(person, server, camera)
        browser.close()
    with (  # a server of its own: the demo's sign-in link above is used up
        tempfile.TemporaryDirectory() as folder,
        LiveServer(Path(folder), "--demo") as server,
        sync_playwright() as playwright,
    ):
        live = live_coaching(playwright, binary, server, out)
        live += guided_tests(playwright, binary, server, out)
        live_head(playwright, out)
    print(f"{camera.count + live} pages, {2 * (camera.count + live)} screenshots in {out}")


if __name__ == "__main__":
    main()
