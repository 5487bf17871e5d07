"""``kinesense serve --demo``: a first-time user signs in as the demo person and sees a working
app - a plan, check-ins, progress, and the bundled sample and the real force-plate trials
measured in the background - well within a minute."""

import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from kinesense.web.demo import demo_recordings
from tests.web.browser_support import LAPTOP, new_page
from tests.web.live_server import LiveServer

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "expected"
MINUTE_S = 60


def test_the_recordings_of_the_demo(tmp_path: Path, shared_data: Path) -> None:
    alone = demo_recordings(tmp_path)  # no shared data beside kinesense: the sample only
    assert [(r.name, r.exercise) for r in alone] == [
        ("single-leg-balance.mp4", None),
        ("single-leg-balance.mp4", "single_leg_stance_eyes_open"),
    ]
    assert alone[0].analysis is not None
    assert alone[0].analysis.test == "stance"
    with_plates = demo_recordings(shared_data)
    assert [r.analysis.eyes for r in with_plates[2:] if r.analysis] == ["open", "closed"]


def test_a_first_time_user_sees_a_working_app_within_a_minute(
    browser: Browser, tmp_path: Path, shared_data: Path
) -> None:
    started = time.monotonic()
    with LiveServer(tmp_path, "--demo") as server:
        assert server.demo_url.startswith(f"{server.url}/signin/link/")
        watched = new_page(browser)
        page = watched.page
        page.goto(server.demo_url)
        page.wait_for_url(f"{server.url}/consent")
        page.check("#agree")
        page.click("main button[type=submit]")
        page.wait_for_url(re.compile(r".*/people/\d+$"))
        home = page.url
        expect(page.locator("h1")).to_have_text("Hello, Demo Person")
        expect(page.locator("#plan-glance")).to_be_visible()
        page.goto(home + "/progress")
        expect(page.locator("#svg-pain circle")).to_have_count(8)  # 4 check-ins, now and week
        results = sessions = 0
        while (results, sessions) != (3, 1) and time.monotonic() - started < MINUTE_S:
            page.goto(home + "/results")  # the recordings are measured in the background
            results = page.locator("#results > li").count()
            page.goto(home + "/sessions")
            sessions = page.locator("#sessions > li").count()
            page.wait_for_timeout(500)
        assert (results, sessions) == (3, 1), "the demo's recordings took more than a minute"
        page.goto(home + "/results")
        page.click("#results a.row-link:has-text('eyes: open')")
        truth = json.loads((GOLDEN / "sway_cop_eo.json").read_text())["output"]["metrics"]
        value = page.get_attribute("tr[data-metric=mean_velocity_mm_s]", "data-value")
        assert float(value or "nan") == pytest.approx(truth["mean_velocity_mm_s"], rel=1e-12)
        therapist = new_page(browser, LAPTOP)
        therapist_link = next(line.split()[2] for line in server.lines
                              if line.startswith("Demo therapist: "))  # fmt: skip
        therapist.page.goto(therapist_link)
        therapist.page.wait_for_url(f"{server.url}/people")
        expect(therapist.page.locator("#caseload")).to_contain_text("Demo Person")
        assert watched.problems == []
        assert therapist.problems == []
