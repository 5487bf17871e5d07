"""Accounts in real headless Chromium against ``kinesense serve``: first-run admin ->
therapist invited -> person invited -> person signs up -> consent -> a real recording measured
(its result equal to ``kinesense assess sway``) -> the therapist sees them -> sign out
everywhere -> export -> delete (the programme itself: test_browser_journey.py). No page may
break the Content-Security-Policy, and no page may scroll sideways on a phone."""

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from kinesense.jobs import JobRepository
from kinesense.store.engine import make_engine
from tests.conftest import shared_file
from tests.web.browser_support import (
    fill_join_form,
    make_invitation,
    new_page,
    sign_in,
    sign_out,
)
from tests.web.live_server import LiveServer

PASSWORD = "my back hurts on mondays"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``kinesense serve`` on a throw-away database."""
    with LiveServer(tmp_path_factory.mktemp("live")) as live:
        yield live


def cli_result(args: list[str]) -> dict[str, Any]:
    """``kinesense ARGS --json`` run as the command line, its JSON result."""
    answer = subprocess.run(
        [sys.executable, "-m", "kinesense.cli", *args, "--json"],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    data: dict[str, Any] = json.loads(answer.stdout)
    return data


def test_the_journey(browser: Browser, server: LiveServer, shared_data: Path) -> None:
    recording = shared_file(shared_data, "cop/eyesOpen_1.csv.gz")
    base = server.url
    watched = new_page(browser)
    page = watched.page

    # first run: the administrator
    page.goto(server.setup_url)
    expect(page.locator("h1")).to_have_text("Set up kinesense")
    fill_join_form(page, "Ada Admin", "ada@clinic.example", PASSWORD)
    page.wait_for_url(f"{base}/invitations")
    expect(page.locator("h1")).to_have_text("Invite a therapist")

    # the administrator invites a therapist
    therapist_link = make_invitation(page, base, "Theo Therapist")
    assert therapist_link.startswith(f"{base}/join/")
    sign_out(page)
    page.goto(therapist_link)
    fill_join_form(page, "Theo Therapist", "theo@clinic.example", PASSWORD)
    page.wait_for_url(f"{base}/people")
    expect(page.locator("main")).to_contain_text("Nobody has joined yet")

    # the therapist invites a person
    person_link = make_invitation(page, base, "Pat Person")
    sign_out(page)
    page.goto(person_link)
    expect(page.locator("#name")).to_have_value("Pat Person")
    fill_join_form(page, "Pat Person", "pat@home.example", PASSWORD)

    # the consent comes first, and the box must be ticked
    page.wait_for_url(f"{base}/consent")
    page.goto(f"{base}/account")  # allowed before the consent
    expect(page.locator("h1")).to_have_text("Your account")
    page.goto(base + "/")
    page.wait_for_url(f"{base}/consent")
    page.click("main button[type=submit]")
    assert page.url == f"{base}/consent"  # the unticked box stopped the form
    page.check("#agree")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/people/\d+$"))
    person_page = page.url
    expect(page.locator("h1")).to_have_text("Hello, Pat Person")

    # measure a real recording: its job runs, its result opens, with the command line's numbers
    page.click("a.tile:has-text('Measure')")
    page.set_input_files("#file", str(recording))
    page.click("#upload-button")
    page.wait_for_url(re.compile(r".*/people/\d+/results/\d+$"), timeout=60_000)
    truth = cli_result(["assess", "sway", "--cop", str(recording)])
    expect(page.locator("#interpretation")).to_have_text(truth["interpretation"])
    for name, value in truth["metrics"].items():
        assert float(page.get_attribute(f"tr[data-metric={name}]", "data-value") or "nan") == value
    page.goto(person_page)
    expect(page.locator("main")).to_contain_text("eyesOpen_1.csv.gz")
    expect(page.locator("main")).to_contain_text("Measured")
    assert watched.fits_a_phone()

    # the therapist sees the person and their recording, nobody else does
    therapist = new_page(browser)
    sign_in(therapist.page, base, "theo@clinic.example", PASSWORD)
    therapist.page.wait_for_url(f"{base}/people")
    therapist.page.click("text=Pat Person")
    expect(therapist.page.locator("main")).to_contain_text("eyesOpen_1.csv.gz")

    # sign out everywhere: the other device is signed out too
    laptop = new_page(browser)
    sign_in(laptop.page, base, "pat@home.example", PASSWORD)
    laptop.page.wait_for_url(person_page)
    page.goto(f"{base}/account")
    expect(page.locator("main")).to_contain_text("signed in on 2 devices")
    page.click("button:has-text('Sign out everywhere')")
    page.wait_for_url(f"{base}/signin")
    laptop.page.goto(f"{base}/account")
    laptop.page.wait_for_url(re.compile(r".*/signin\?next=%2Faccount$"))

    # export everything, as one JSON file
    sign_in(page, base, "pat@home.example", PASSWORD)
    page.wait_for_url(person_page)
    page.goto(f"{base}/account")
    with page.expect_download() as download_info:
        page.click("text=Download my data")
    exported = json.loads(Path(download_info.value.path()).read_text())
    assert exported["person"]["name"] == "Pat Person"
    kept = [entry["data"] for entry in exported["history"] if entry["kind"] == "assessment"]
    assert [result["metrics"] for result in kept] == [truth["metrics"]]
    assert [job["name"] for job in exported["jobs"]] == ["eyesOpen_1.csv.gz"]

    # delete the account and everything with it
    page.fill("#delete-password", "not the password")
    page.click("text=Delete my account and all my data")
    expect(page.locator("#delete-error")).to_contain_text("The password is not right")
    page.fill("#delete-password", PASSWORD)
    page.click("text=Delete my account and all my data")
    expect(page.locator("h1")).to_have_text("Your account was deleted")
    sign_in(page, base, "pat@home.example", PASSWORD)
    expect(page.locator("#signin-error")).to_contain_text("not right")
    therapist.page.goto(f"{base}/people")
    expect(therapist.page.locator("main")).not_to_contain_text("Pat Person")

    for each in (watched, therapist, laptop):
        assert each.problems == [], each.problems


def test_the_job_page_follows_a_running_job(browser: Browser, server: LiveServer) -> None:
    """The progress a job writes in the database reaches the page, which shows the result once
    the job is done (the job here is driven through the database, as a worker would)."""
    base = server.url
    watched = new_page(browser)
    page = watched.page
    admin = new_page(browser)
    sign_in(admin.page, base, "ada@clinic.example", PASSWORD)
    link = make_invitation(admin.page, base, "Tess Therapist")
    admin.page.goto(link)  # the admin's browser is signed in: join in a fresh one
    therapist = new_page(browser)
    therapist.page.goto(link)
    fill_join_form(therapist.page, "Tess Therapist", "tess@clinic.example", PASSWORD)
    therapist.page.wait_for_url(f"{base}/people")
    invitation = make_invitation(therapist.page, base, "Jo Walker")
    page.goto(invitation)
    fill_join_form(page, "Jo Walker", "jo@home.example", PASSWORD)
    page.wait_for_url(f"{base}/consent")
    page.check("#agree")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/people/\d+$"))
    person_id = int(page.url.rsplit("/", 1)[1])

    engine = make_engine(f"sqlite:///{server.folder / 'kinesense.db'}")
    jobs = JobRepository(engine)
    job = jobs.create("describe", {"file": "x", "name": "walk.csv"}, person_id=person_id)
    jobs.start(job.id)
    jobs.progress(job.id, 0.4, "reading the recording")
    page.goto(f"{base}/jobs/{job.id}")
    expect(page.locator("#job-percent")).to_have_text("40% done")
    expect(page.locator("#job-stage")).to_have_text("Reading the recording.")
    jobs.progress(job.id, 0.8, "summarising")
    expect(page.locator("#job-percent")).to_have_text("80% done", timeout=10_000)
    expect(page.locator("#job-stage")).to_have_text("Summarising.")
    jobs.finish(job.id, {"format": "cop-csv", "samples": 1234})
    expect(page.locator("#job-result dd[data-key=samples]")).to_have_text("1234", timeout=10_000)
    failed = jobs.create("describe", {"file": "x", "name": "bad.csv"}, person_id=person_id)
    jobs.fail(failed.id, "bad.csv line 2, column 'CoPy': 'abc' is not a number")
    page.goto(f"{base}/jobs/{failed.id}")
    expect(page.locator("#job-error")).to_have_text(
        "This recording could not be read: bad.csv line 2, column 'CoPy': 'abc' is not a number."
    )
    engine.dispose()
    assert watched.problems == []


def test_an_upload_the_server_refuses_shows_the_reason(
    browser: Browser, server: LiveServer, tmp_path: Path
) -> None:
    watched = new_page(browser)
    page = watched.page
    sign_in(page, server.url, "jo@home.example", PASSWORD)
    page.wait_for_url(re.compile(r".*/people/\d+$"))
    page.click("a.tile:has-text('Measure')")
    fake = tmp_path / "holiday.mp4"
    fake.write_text("this is not a video\n" * 50)
    page.set_input_files("#file", str(fake))
    page.click("#upload-button")
    expect(page.locator("#upload-error")).to_contain_text(
        "This file cannot be used: holiday.mp4: format not recognised"
    )
    assert re.search(r"/people/\d+/upload$", page.url)
    assert watched.problems == []


def test_the_browser_enforces_the_policy(browser: Browser, server: LiveServer) -> None:
    """An inline script is refused by Chromium under our header, and the refusal is seen, so the
    checks above would catch a page that needed one."""
    watched = new_page(browser)
    watched.page.goto(f"{server.url}/signin")
    watched.page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        " document.body.appendChild(s); }"
    )
    watched.page.wait_for_timeout(200)
    assert watched.page.evaluate("() => window.ran === undefined")
    assert any("Content Security Policy" in problem for problem in watched.problems)
