"""The journey's pages in-process: the referral shows no exercise, the services' refusals reach
the page with their message, the plan, check-in, override and clearance forms, a result page
with the numbers of the stored result, the reports and a session's events."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from kinesense.report import with_unit
from kinesense.services.journey import person_journey
from kinesense.services.screening import questions
from kinesense.web.app import create_app
from kinesense.web.templating import sentence
from tests.services.journey_data import real_result, save_result, save_session
from tests.web.conftest import (
    World,
    build_world,
    make_account,
    make_config,
    signed_in,
    state_of,
)

ALL_NO = {f"q_{q.id}": "no" for q in questions()}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    app = create_app(make_config(tmp_path_factory.mktemp("journey")))
    yield build_world(app)
    state_of(app).close()


def new_person(world: World, name: str = "Rae Reader") -> tuple[int, Any]:
    """A person of the world's therapist, and a browser signed in as them."""
    account = make_account(world.state, "person", name, invited_by=world.therapist.id)
    assert account.person_id is not None
    return account.person_id, signed_in(world.app, account)


def main_text(html: str) -> str:
    found = re.search(r"<main[^>]*>(.*)</main>", html, re.S)
    assert found
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


def test_a_red_flag_leads_to_the_referral_and_no_exercise(world: World) -> None:
    pid, browser = new_person(world)
    flagged = ALL_NO | {"q_saddle_numbness": "yes"}
    page = browser.post(f"/people/{pid}/screening", data=flagged)
    assert page.status_code == 200
    text = main_text(page.text)
    assert "Please see a clinician first" in text
    assert "What to do now" in text
    assert "Do you have new numbness or tingling around your back passage" in text
    assert "Seek medical care now" in text
    assert "Make my plan" not in text
    plan = browser.get(f"/people/{pid}/plan")
    assert 'id="referral"' in plan.text
    assert 'id="plan-exercises"' not in plan.text
    assert 'id="plan-form"' not in plan.text
    home = browser.get(f"/people/{pid}").text
    assert 'data-step="referred"' in home
    refused = browser.post(f"/api/v1/people/{pid}/sessions/uploads",
                           params={"name": "s.mp4", "exercise": "squat"}, content=b"x")  # fmt: skip
    assert refused.status_code == 403
    assert "was referred to a clinician at the screening of" in refused.json()["detail"]
    assert browser.get(f"/people/{pid}/plan/calendar.ics").status_code == 404


def test_no_plan_before_the_safety_questions(world: World) -> None:
    pid, browser = new_person(world)
    assert 'id="plan-needs-screening"' in browser.get(f"/people/{pid}/plan").text
    refused = browser.post(f"/people/{pid}/plan", data={"minutes": "20"})
    assert refused.status_code == 403
    assert "has not been screened yet" in main_text(refused.text)
    api = browser.post(f"/api/v1/people/{pid}/plan", json={})
    assert api.status_code == 403
    assert "has not been screened yet" in api.json()["detail"]
    unanswered = browser.post(f"/people/{pid}/screening", data={"q_saddle_numbness": "no"})
    assert unanswered.status_code == 422
    assert "please answer every question" in main_text(unanswered.text).lower()
    assert re.search(r'value="no"\s+checked', unanswered.text)  # the answer given is kept


def test_plan_check_in_and_the_therapists_override(world: World) -> None:
    pid, browser = new_person(world)
    assert browser.post(f"/people/{pid}/screening", data=ALL_NO).status_code == 200
    made = browser.post(f"/people/{pid}/plan", data={
        "goal_1": "walk to the shops", "minutes": "20", "sessions": "3",
        "equip_chair": "yes", "equip_counter": "yes",
    })  # fmt: skip
    assert (made.status_code, made.headers["location"]) == (303, f"/people/{pid}/plan")
    plan = person_journey(world.state.store, pid).plan
    assert plan is not None
    assert plan.profile.goals == ("walk to the shops",)
    assert plan.profile.equipment == frozenset({"chair", "counter"})
    page = browser.get(f"/people/{pid}/plan").text
    for item in plan.sessions[0]:
        assert f'data-exercise="{item.exercise_id}"' in page
    assert "walk to the shops" in page
    calendar = browser.get(f"/people/{pid}/plan/calendar.ics")
    assert calendar.headers["content-type"].startswith("text/calendar")
    assert calendar.text.count("BEGIN:VEVENT") == 3
    checkin = ALL_NO | {"pain_now": "4", "pain_week": "5", "psfs_activity_1": "walking",
                        "psfs_score_1": "6"}  # fmt: skip
    done = browser.post(f"/people/{pid}/checkin", data=checkin)
    assert "Checked in" in main_text(done.text)
    assert "pain 4 of 10 now" in main_text(done.text)
    progress = browser.get(f"/people/{pid}/progress").text
    assert 'id="svg-pain"' in progress
    assert 'id="svg-psfs"' in progress
    assert 'id="svg-sway"' not in progress  # nothing measured yet

    therapist = signed_in(world.app, world.therapist)
    exercise = plan.sessions[0][0].exercise_id
    dose = {"exercise_id": exercise, "action": "dose", "reason": "x"}
    bad = therapist.post(f"/people/{pid}/plan/override", data=dose)
    assert bad.status_code == 422
    assert 'id="form-error"' in bad.text
    saved = therapist.post(f"/people/{pid}/plan/override", data={
        "exercise_id": exercise, "action": "hold", "reason": "knee sore after the last session",
    })  # fmt: skip
    assert saved.status_code == 303
    after = therapist.get(f"/people/{pid}/plan").text
    assert "knee sore after the last session" in after
    assert world.therapist.name in after
    overrides = person_journey(world.state.store, pid).overrides
    assert [(o.exercise_id, o.action, o.clinician) for o in overrides] == [
        (exercise, "hold", world.therapist.name)
    ]
    forbidden = browser.post(
        f"/people/{pid}/plan/override",
        data={"exercise_id": exercise, "action": "hold", "reason": "me"},
    )
    assert forbidden.status_code == 403


def test_the_therapist_clears_a_referral(world: World) -> None:
    pid, browser = new_person(world)
    browser.post(f"/people/{pid}/screening", data=ALL_NO | {"q_bladder_change": "yes"})
    therapist = signed_in(world.app, world.therapist)
    home = therapist.get(f"/people/{pid}").text
    assert "alert-red_flag" in home
    assert 'id="clearance"' in therapist.get(f"/people/{pid}/plan").text
    cleared = therapist.post(f"/people/{pid}/clearance", data={"reason": "examined today"})
    assert cleared.status_code == 303
    journey = person_journey(world.state.store, pid)
    assert not journey.referred
    assert journey.plan is not None
    assert journey.plan.status == "active"
    assert 'id="plan-exercises"' in browser.get(f"/people/{pid}/plan").text


def test_a_result_page_shows_the_stored_numbers(world: World) -> None:
    pid, browser = new_person(world)
    result = real_result("sway_cop_eo", datetime(2026, 3, 2, 10, tzinfo=UTC))
    record = save_result(world.state.store, pid, result)
    page = browser.get(f"/people/{pid}/results/{record}").text
    assert result.interpretation in page
    rows = dict(re.findall(r'data-metric="([a-z0-9_]+)" data-value="([^"]+)"', page))
    assert set(rows) == set(result.metrics)
    for name, value in result.metrics.items():
        assert float(rows[name]) == value
        assert with_unit(value, result.metric_info[name].unit) in page
    assert page.count('class="result-chart"') >= 2
    chart = browser.get(f"/people/{pid}/results/{record}/charts/0.png")
    assert chart.headers["content-type"] == "image/png"
    assert browser.get(f"/people/{pid}/results/{record}/charts/9.png").status_code == 404
    unusable = save_result(world.state.store, pid, real_result("stance_trc", datetime.now(UTC)))
    page = browser.get(f"/people/{pid}/results/{unusable}").text
    assert 'id="result-unusable"' in page
    assert 'id="metrics"' not in page
    for reason in real_result("stance_trc", datetime.now(UTC)).reasons:
        assert sentence(reason) in main_text(page).replace("&#39;", "'")


def test_reports_download_whole(world: World) -> None:
    pid, browser = new_person(world)
    none_yet = browser.get(f"/people/{pid}/report.pdf")
    assert none_yet.status_code == 404
    assert "No assessment is saved for Rae Reader" in main_text(none_yet.text)
    save_result(world.state.store, pid, real_result("sway_cop_eo", datetime.now(UTC)))
    pdf = browser.get(f"/people/{pid}/report.pdf")
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"] == 'attachment; filename="kinesense-report.pdf"'
    html = browser.get(f"/api/v1/people/{pid}/report", params={"format": "html"})
    assert html.headers["content-type"].startswith("text/html")
    assert "Postural sway" in html.text
    assert browser.get(f"/people/{pid}/report.exe").status_code == 404


def test_a_session_page_lists_its_events(world: World) -> None:
    pid, browser = new_person(world)
    browser.post(f"/people/{pid}/screening", data=ALL_NO)
    record = save_session(world.state.store, pid, datetime.now(UTC))
    page = browser.get(f"/people/{pid}/sessions/{record}").text
    assert "Keep your heels on the floor." in page
    assert "I can&#39;t see you well: step back into view." in page
    listed = browser.get(f"/api/v1/people/{pid}/sessions").json()
    assert [s["id"] for s in listed] == [record]


def test_a_finished_job_opens_what_it_made(world: World) -> None:
    pid, browser = new_person(world)
    jobs = world.state.jobs.repository
    job = jobs.create("assess", {"name": "sway.csv"}, person_id=pid)
    jobs.finish(job.id, {"record_id": 41, "test": "sway"})
    answer = browser.get(f"/jobs/{job.id}")
    assert (answer.status_code, answer.headers["location"]) == (303, f"/people/{pid}/results/41")
    failed = jobs.create("coach", {"name": "squat.mp4"}, person_id=pid)
    jobs.fail(failed.id, "squat.mp4: no person found in the video")
    page = browser.get(f"/jobs/{failed.id}").text
    assert "This recording could not be coached: squat.mp4: no person found in the video." in page
