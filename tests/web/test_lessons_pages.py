"""The lessons in the web app: the same files as the reports, open to everyone; a result page
shows its reference comparison (or why there is none) and links to its lessons; the plan links
each exercise to the lessons of its category."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kinesense.assess.balance_tests import Conditions
from kinesense.assess.catalogue_balance import SwayInputs
from kinesense.assess.registry import get_assessment
from kinesense.capture.readers import read_cop_csv
from kinesense.lessons import lessons_for_result, load_lessons
from kinesense.services.plans import PlanRequest, make_or_show_plan
from kinesense.services.screening import run_screening
from kinesense.web.app import create_app
from tests.conftest import shared_file
from tests.services.journey_data import save_result
from tests.web.conftest import World, build_world, make_account, make_config, signed_in, state_of


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    app = create_app(make_config(tmp_path_factory.mktemp("lessons")))
    yield build_world(app)
    state_of(app).close()


def test_every_lesson_is_listed_and_readable_signed_out(world: World) -> None:
    browser = signed_in(world.app, None)
    index = browser.get("/lessons")
    assert index.status_code == 200
    listed = re.findall(r'href="/lessons/([a-z0-9-]+)"', index.text)
    assert sorted(listed) == sorted(load_lessons())
    for lesson in load_lessons().values():
        page = browser.get(f"/lessons/{lesson.id}")
        assert page.status_code == 200
        assert f'data-lesson="{lesson.id}"' in page.text
        assert page.text.count("<h1>") == 1
        assert "Flesch-Kincaid" in page.text
    assert browser.get("/lessons/no-such-lesson").status_code == 404


def test_a_result_page_shows_its_reference_and_its_lessons(world: World, shared_data: Path) -> None:
    """Subject 1 of Santos & Duarte (a woman of 33, firm floor, eyes open, feet apart): her trial
    is compared with her group, and the page links to the lessons of a sway result."""
    account = make_account(world.state, "person", "Nia Norm", invited_by=world.therapist.id)
    assert account.person_id is not None
    cop = read_cop_csv(shared_file(shared_data, "bds/BDS00001.txt.gz"))
    inputs = SwayInputs(cop, Conditions(eyes="open", stance="feet-apart", surface="firm"),
                        age=33.0, sex="female")  # fmt: skip
    result = get_assessment("sway").assess(inputs)
    assert result.norm is not None
    assert result.norm.compared
    record = save_result(world.state.store, account.person_id, result)
    browser = signed_in(world.app, account)
    page = browser.get(f"/people/{account.person_id}/results/{record}").text
    reference = re.search(r'<section class="card" id="reference">(.*?)</section>', page, re.S)
    assert reference is not None
    assert "Compared with a reference" in reference.group(1)
    for metric, value in result.norm.percentile.items():
        assert f'data-metric="{metric}"' in reference.group(1)
        assert f"percentile {value:.0f} of the reference group" in reference.group(1)
    assert "Santos DA, Duarte M 2016" in reference.group(1)
    linked = re.findall(r'<li><a class="row-link" href="/lessons/([a-z0-9-]+)"', page)
    assert linked == [lesson.id for lesson in lessons_for_result("sway")]


def test_a_trial_unlike_the_reference_says_why(world: World, shared_data: Path) -> None:
    account = make_account(world.state, "person", "Ode Other", invited_by=world.therapist.id)
    assert account.person_id is not None
    cop = read_cop_csv(shared_file(shared_data, "bds/BDS00001.txt.gz"))
    inputs = SwayInputs(cop, Conditions(eyes="open", stance="feet-together", surface="firm"))
    result = get_assessment("sway").assess(inputs)
    assert result.norm is not None
    assert not result.norm.compared
    record = save_result(world.state.store, account.person_id, result)
    page = signed_in(world.app, account).get(f"/people/{account.person_id}/results/{record}").text
    assert "Not compared with a reference" in page
    reasons = re.search(r'<ul id="reference-reasons">(.*?)</ul>', page, re.S)
    assert reasons is not None
    assert reasons.group(1).count("<li>") == len(result.norm.reasons) >= 3
    assert "no age given" in reasons.group(1).lower()


def test_the_plan_links_exercises_to_their_lessons(world: World) -> None:
    account = make_account(world.state, "person", "Pat Plan", invited_by=world.therapist.id)
    pid = account.person_id
    assert pid is not None
    run_screening({}, store=world.state.store, person=str(pid))
    plan = make_or_show_plan(world.state.store, str(pid), PlanRequest()).plan
    page = signed_in(world.app, account).get(f"/people/{pid}/plan").text
    items = re.findall(r'<li class="exercise" data-exercise="([a-z_]+)">(.*?)</li>\s*(?=<li|</ol>)',
                       page, re.S)  # fmt: skip
    assert {e for e, _ in items} == {item.exercise_id for item in plan.sessions[0]}
    linked = [re.findall(r'class="meta lesson-link" href="/lessons/([a-z0-9-]+)"', body)
              for _, body in items]  # fmt: skip
    assert all(links for links in linked)
    everywhere = {lesson.id for lesson in load_lessons().values() if lesson.links.everywhere}
    assert not everywhere & {link for links in linked for link in links}
