"""Screenshots of every page of the web app, on a phone and on a laptop, in docs/screenshots/.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Starts ``kinesense serve`` on a throw-away database, walks the journey in Debian's headless
Chromium (``scripts/chromium.sh`` installs it) and saves ``NN-page-phone.png`` (390 x 844) and
``NN-page-laptop.png`` (1280 x 800) for each page, whole pages from top to bottom. The upload uses
``../shared/data/cop/eyesOpen_1.csv.gz`` (a real force-plate recording, MIT licence).
"""

import argparse
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402
from tests.web.browser_support import (  # noqa: E402
    chromium_binary,
    fill_join_form,
    launch,
    make_invitation,
    sign_in,
    sign_out,
)
from tests.web.live_server import LiveServer  # noqa: E402

from kinesense.jobs import JobRepository  # noqa: E402
from kinesense.store.engine import make_engine  # noqa: E402

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
PASSWORD = "my back hurts on mondays"
RECORDING = ROOT.parent / "shared" / "data" / "cop" / "eyesOpen_1.csv.gz"


class Camera:
    """Saves the page as it is now, on both screens, under a running number."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.count = 0
        out.mkdir(parents=True, exist_ok=True)
        for old in out.glob("*.png"):
            old.unlink()

    def shoot(self, page: Page, name: str) -> None:
        self.count += 1
        for label, size in (("phone", PHONE), ("laptop", LAPTOP)):
            page.set_viewport_size(size)
            page.screenshot(path=self.out / f"{self.count:02d}-{name}-{label}.png", full_page=True)
        page.set_viewport_size(PHONE)
        print(f"{self.count:02d} {name}")


def walk(page: Page, other: Page, server: LiveServer, camera: Camera) -> None:
    """The journey, a screenshot at each page."""
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
    person_link = make_invitation(page, base, "Pat Person")
    camera.shoot(page, "therapist-invites-person")
    sign_out(page)
    page.goto(person_link)
    camera.shoot(page, "join-person")
    fill_join_form(page, "Pat Person", "pat@home.example", PASSWORD)
    page.wait_for_url(f"{base}/consent")
    camera.shoot(page, "consent")
    page.check("#agree")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/people/\d+$"))
    person_page = page.url
    person_id = int(person_page.rsplit("/", 1)[1])
    camera.shoot(page, "person-home-empty")
    page.click("text=Upload a recording")
    camera.shoot(page, "upload")
    fake = Path(tempfile.mkdtemp()) / "holiday.mp4"
    fake.write_text("this is not a video\n" * 50)
    page.set_input_files("#file", str(fake))
    page.click("#upload-button")
    page.wait_for_selector("#upload-error:not([hidden])")
    camera.shoot(page, "upload-refused")
    if RECORDING.is_file():
        page.set_input_files("#file", str(RECORDING))
        page.click("#upload-button")
        page.wait_for_url(re.compile(r".*/jobs/[0-9a-f]{32}$"))
        page.wait_for_selector("#job-summary", timeout=60_000)
        camera.shoot(page, "job-done")
        page.click("summary:has-text('Technical details')")
        camera.shoot(page, "job-done-details")
    jobs = JobRepository(make_engine(f"sqlite:///{server.folder / 'kinesense.db'}"))
    running = jobs.create("describe", {"file": "x", "name": "walk-side.mp4"}, person_id=person_id)
    jobs.start(running.id)
    jobs.progress(running.id, 0.45, "finding the person in the video")
    page.goto(f"{base}/jobs/{running.id}")
    camera.shoot(page, "job-running")
    failed = jobs.create("describe", {"file": "x", "name": "sway.csv"}, person_id=person_id)
    jobs.fail(failed.id, "sway.csv line 2, column 'CoPy': 'abc' is not a number")
    page.goto(f"{base}/jobs/{failed.id}")
    camera.shoot(page, "job-failed")
    jobs.finish(running.id, {"format": "video", "frames": 402, "duration_s": 13.4})
    page.goto(person_page)
    camera.shoot(page, "person-home-recordings")
    page.goto(f"{base}/account")
    camera.shoot(page, "account-person")
    sign_in(other, base, "theo@clinic.example", PASSWORD)
    other.wait_for_url(f"{base}/people")
    camera.shoot(other, "therapist-people")
    other.goto(person_page)
    camera.shoot(other, "therapist-sees-person")
    other.goto(f"{base}/account")
    camera.shoot(other, "account-therapist")
    other.goto(f"{base}/people/999999")
    camera.shoot(other, "error-not-found")
    page.fill("#delete-password", PASSWORD)
    page.click("text=Delete my account and all my data")
    page.wait_for_selector("h1:has-text('Your account was deleted')")
    camera.shoot(page, "account-deleted")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    out = parser.parse_args().out
    binary = chromium_binary()
    if binary is None:
        sys.exit("Chromium is not installed: run scripts/chromium.sh first")
    camera = Camera(out)
    with (
        tempfile.TemporaryDirectory() as folder,
        LiveServer(Path(folder)) as server,
        sync_playwright() as playwright,
    ):
        browser = launch(playwright, binary)
        page = browser.new_context(viewport=PHONE).new_page()
        other = browser.new_context(viewport=PHONE).new_page()
        walk(page, other, server, camera)
        browser.close()
    print(f"{camera.count} pages, {2 * camera.count} screenshots in {out}")


if __name__ == "__main__":
    main()
