"""The programme in real headless Chromium against ``kinesense serve``, on a phone:

* a person signs up -> the safety questions with a red flag -> the referral, and no plan and no
  exercise anywhere;
* another signs up -> the safety questions without a flag -> measures a real force-plate
  recording (``../shared/data/cop/eyesClosed_1.csv.gz``) -> the result page shows the numbers
  of ``kinesense assess sway`` run here on the same file -> makes a plan -> downloads its
  calendar -> sends a recorded session (the bundled sample video), coached in the background
  -> checks in -> sees the progress charts;
* their therapist, on a laptop, sees both with their alerts, the result, overrides an exercise
  with a reason kept, and clears the referred person, whose plan then has exercises.

No page may break the Content-Security-Policy, and the person's pages fit a phone.
"""

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from kinesense.report import with_unit
from kinesense.sample import sample_video_path
from kinesense.store.accounts import Accounts
from kinesense.store.engine import make_engine
from kinesense.web.passwords import hash_password
from kinesense.web.security import new_token
from tests.conftest import shared_file
from tests.web.browser_support import (
    LAPTOP,
    Watched,
    fill_join_form,
    make_invitation,
    new_page,
    sign_in,
)
from tests.web.live_server import LiveServer

PASSWORD = "my back hurts on mondays"
THERAPIST = ("Theo Therapist", "theo@clinic.example")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``kinesense serve`` on a throw-away database, with a therapist's account."""
    with LiveServer(tmp_path_factory.mktemp("journey")) as live:
        engine = make_engine(f"sqlite:///{live.folder / 'kinesense.db'}")
        accounts = Accounts(engine)
        token = new_token()
        accounts.create_link(token, "therapist", lifetime=timedelta(days=1), name=THERAPIST[0])
        accounts.accept_link(token, email=THERAPIST[1], name=THERAPIST[0],
                             password_hash=hash_password(PASSWORD))  # fmt: skip
        engine.dispose()
        yield live


@pytest.fixture(scope="module")
def therapist(browser: Browser, server: LiveServer) -> Iterator[Watched]:
    """The therapist, signed in on a laptop."""
    watched = new_page(browser, LAPTOP)
    sign_in(watched.page, server.url, THERAPIST[1], PASSWORD)
    watched.page.wait_for_url(f"{server.url}/people")
    yield watched
    assert watched.problems == []


def join(browser: Browser, server: LiveServer, therapist: Page, name: str, email: str) -> Watched:
    """The therapist invites ``name``, who signs up on a phone and accepts the consent."""
    link = make_invitation(therapist, server.url, name)
    watched = new_page(browser)
    page = watched.page
    page.goto(link)
    fill_join_form(page, name, email, PASSWORD)
    page.wait_for_url(f"{server.url}/consent")
    page.check("#agree")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/people/\d+$"))
    expect(page.locator("#next-step")).to_have_attribute("data-step", "screen")
    return watched


def answer_questions(page: Page, yes: tuple[str, ...] = ()) -> None:
    """Answer every safety question: yes to ``yes``, no to the others."""
    for radio in page.locator("input[type=radio][value=no]").all():
        name = radio.get_attribute("name") or ""
        if name.startswith("q_"):
            page.check(f"input[name={name}][value={'yes' if name[2:] in yes else 'no'}]")


def cli_result(args: list[str]) -> dict[str, Any]:
    """``kinesense ARGS --json`` run as the command line, its JSON result."""
    answer = subprocess.run(
        [sys.executable, "-m", "kinesense.cli", *args, "--json"],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    data: dict[str, Any] = json.loads(answer.stdout)
    return data


def test_a_red_flag_leads_to_the_referral_and_no_plan(
    browser: Browser, server: LiveServer, therapist: Watched
) -> None:
    watched = join(browser, server, therapist.page, "Ray Referred", "ray@home.example")
    page = watched.page
    home = page.url
    page.click("#next-step a.button")
    expect(page.locator("h1")).to_have_text("Safety questions")
    answer_questions(page, yes=("bladder_change",))
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Please see a clinician first")
    expect(page.locator("#referral")).to_contain_text("Seek medical care now")
    expect(page.locator("#referral")).to_contain_text("trouble passing urine")
    page.goto(home + "/plan")
    expect(page.locator("#referral")).to_be_visible()
    expect(page.locator("#plan-exercises")).to_have_count(0)
    expect(page.locator("#plan-form")).to_have_count(0)
    page.goto(home + "/sessions/upload")
    expect(page.locator("main")).to_contain_text("No exercise is coached while a referral stands")
    expect(page.locator("#upload-form")).to_have_count(0)
    page.goto(home)
    expect(page.locator("#next-step")).to_have_attribute("data-step", "referred")
    assert watched.fits_a_phone()
    assert watched.problems == []


def test_the_programme_from_measurement_to_progress(
    browser: Browser, server: LiveServer, therapist: Watched, shared_data: Path
) -> None:
    recording = shared_file(shared_data, "cop/eyesClosed_1.csv.gz")
    watched = join(browser, server, therapist.page, "Pat Person", "pat@home.example")
    page = watched.page
    home = page.url

    page.click("#next-step a.button")
    answer_questions(page)
    page.click("main button[type=submit]")
    expect(page.locator("#screening-ok")).to_contain_text("None of the warning signs")

    # measure: standing still, eyes closed, on a force plate
    page.goto(home + "/upload")
    page.check("input[name=test][value=sway]")
    page.select_option("#option-eyes", "closed")
    expect(page.locator("#option-joint")).to_be_hidden()  # asked for position sense only
    page.set_input_files("#file", str(recording))
    page.click("#upload-button")
    page.wait_for_url(re.compile(r".*/people/\d+/results/\d+$"), timeout=90_000)
    truth = cli_result(["assess", "sway", "--cop", str(recording), "--eyes", "closed"])
    expect(page.locator("h1")).to_have_text("Postural sway")
    expect(page.locator("#interpretation")).to_have_text(truth["interpretation"])
    shown = {name: page.get_attribute(f"tr[data-metric={name}]", "data-value")
             for name in truth["metrics"]}  # fmt: skip
    assert {name: float(text or "nan") for name, text in shown.items()} == truth["metrics"]
    velocity = truth["metrics"]["mean_velocity_mm_s"]
    expect(page.locator("tr[data-metric=mean_velocity_mm_s] td.value")).to_have_text(
        with_unit(velocity, "mm/s")
    )
    expect(page.locator("main")).to_contain_text("eyes: closed")
    assert watched.fits_a_phone()

    # the plan: goals, time and equipment, with its reasons and a calendar
    page.goto(home + "/plan")
    page.fill("#goal_1", "walk to the shops without pain")
    page.select_option("#minutes", "15")
    page.select_option("#sessions", "3")
    page.click("#plan-form button[type=submit]")
    expect(page.locator("#plan-exercises li.exercise").first).to_be_visible()
    expect(page.locator("#plan-reasons")).to_contain_text("walk to the shops without pain")
    with page.expect_download() as download:
        page.click("#calendar-link")
    calendar = Path(download.value.path()).read_text()
    assert calendar.count("BEGIN:VEVENT") == 3
    assert watched.fits_a_phone()

    # a recorded session of the plan's first exercise, coached in the background
    page.goto(home + "/sessions/upload")
    planned = page.locator("#exercise option").first.inner_text()
    page.select_option("#pain_before", "3")
    page.select_option("#pain_after", "4")
    page.set_input_files("#file", str(sample_video_path()))
    page.click("#upload-button")
    page.wait_for_url(re.compile(r".*/people/\d+/sessions/\d+$"), timeout=90_000)
    expect(page.locator("h1")).to_have_text(planned)
    expect(page.locator("main")).to_contain_text("pain before 3/10, after 4/10")
    expect(page.locator("#session-summary")).to_be_visible()

    # the check-in: pain, an activity, the safety questions again
    page.goto(home + "/checkin")
    page.check("input[name=pain_now][value='5']")
    page.check("input[name=pain_week][value='6']")
    page.fill("#psfs_activity_1", "walking 30 minutes")
    page.select_option("#psfs_score_1", "4")
    answer_questions(page)
    page.click("#checkin-form button[type=submit]")
    expect(page.locator("#checkin-ok")).to_contain_text("pain 5 of 10 now")

    # progress: pain, activities and sway drawn; nothing to draw for the rest yet
    page.goto(home + "/progress")
    for key in ("pain", "psfs", "sway"):
        expect(page.locator(f"#svg-{key}")).to_be_visible()
    expect(page.locator("#svg-pain circle")).to_have_count(2)  # now and over the week
    expect(page.locator("#svg-sway circle")).to_have_count(1)
    expect(page.locator("#chart-stance")).to_contain_text("Measure: standing on one leg.")
    assert watched.fits_a_phone()
    assert watched.problems == []


def test_the_therapist_sees_alerts_results_overrides_and_clears(
    server: LiveServer, therapist: Watched
) -> None:
    page = therapist.page
    page.goto(f"{server.url}/people")
    first = page.locator("#caseload > li").first
    expect(first).to_contain_text("Ray Referred")  # the red flag comes first
    expect(first.locator(".alert-red_flag")).to_contain_text("not cleared yet")
    expect(page.locator("#caseload")).to_contain_text("Pat Person")

    page.click("text=Pat Person")
    expect(page.locator("h1")).to_have_text("Pat Person")
    page.click("a.tile:has-text('Measurements')")
    page.click("#results a.row-link")
    expect(page.locator("h1")).to_have_text("Postural sway")
    pat = re.sub(r"/results/.*$", "", page.url)

    page.goto(pat + "/plan")
    exercise = page.locator("#override-exercise option").first
    name = exercise.inner_text()
    page.select_option("#override-action", "hold")
    page.fill("#override-reason", "keep this step until the knee settles")
    page.click("#override-form button[type=submit]")
    expect(page.locator("#plan-overrides")).to_contain_text("keep this step until the knee settles")
    expect(page.locator("#plan-overrides")).to_contain_text(f"{name}: hold")
    expect(page.locator("#plan-overrides")).to_contain_text(THERAPIST[0])

    page.goto(f"{server.url}/people")
    page.click("text=Ray Referred")
    expect(page.locator("#alerts")).to_contain_text("Red flag")
    page.click("#next-step a.button")
    page.fill("#clearance-reason", "seen in clinic: bladder symptoms explained, no red flag")
    page.click("#clearance button[type=submit]")
    expect(page.locator("#plan-exercises li.exercise").first).to_be_visible()
    expect(page.locator("#plan-overrides")).to_contain_text("Cleared to exercise")
    page.goto(f"{server.url}/people")
    expect(page.locator("#caseload .alert-red_flag")).to_have_count(0)
