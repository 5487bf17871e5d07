"""Accounts through the browser's eyes: first run, joining, signing in (rate-limited), signing
out everywhere, consent, export and deletion."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kinesense.phone.protocols import PhoneTest
from kinesense.phone.tokens import DatabasePairings
from kinesense.program.records import CheckIn
from kinesense.services.people import list_people
from kinesense.store import Store
from kinesense.store.models import Record
from kinesense.store.pairing_table import PairingRow
from kinesense.store.web_tables import JobRow
from kinesense.web import ratelimit
from kinesense.web.access import CONSENT_VERSION
from kinesense.web.app import create_app
from kinesense.web.auth import setup_link, signin_link
from kinesense.web.demo import DEMO_PERSON, DEMO_THERAPIST, prepare_demo
from kinesense.web.uploads import upload_folder
from tests.store.postgres import POSTGRES_URL, emptied_database
from tests.web.conftest import PASSWORD, World, build_world, csrf_from, make_config, state_of


def browser(app: FastAPI) -> TestClient:
    """A new browser, signed out, with the CSRF token of its sign-in page in its headers."""
    client = TestClient(app, follow_redirects=False)
    client.headers["x-csrf-token"] = csrf_from(client.get("/signin").text)
    return client


def sign_in(client: TestClient, email: str, password: str, **extra: str) -> object:
    return client.post("/signin", data={"email": email, "password": password, **extra})


def test_the_first_run_makes_the_administrator(app: FastAPI) -> None:
    client = browser(app)
    first = client.get("/")
    assert first.status_code == 200
    assert "kinesense is not set up yet" in first.text
    state = state_of(app)
    earlier = setup_link(state)
    link = setup_link(state)
    assert earlier is not None
    assert link is not None
    assert client.get(earlier).status_code == 404  # a new link replaces the earlier one
    page = client.get(link)
    assert "Set up kinesense" in page.text
    answer = client.post(
        link,
        data={"name": "Ada Admin", "email": "ada@example.org", "password": PASSWORD,
              "password_again": PASSWORD},
    )  # fmt: skip
    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    assert client.get("/").headers["location"] == "/invitations"
    assert client.get("/api/v1/me").json()["role"] == "admin"
    assert setup_link(state) is None  # once there is an administrator
    assert client.get(link).status_code == 404


@pytest.mark.parametrize(
    ("password", "again", "message"),
    [("short", "short", "at least 10 characters"),
     (PASSWORD, PASSWORD + "x", "the two passwords are not the same"),
     ("pat@example.org", "pat@example.org", "cannot be the email address")],
)  # fmt: skip
def test_joining_refuses_weak_or_mistyped_passwords(
    world: World, password: str, again: str, message: str
) -> None:
    from kinesense.web.auth import invite

    _, path = invite(world.state, world.therapist, "Pat New")
    client = browser(world.app)
    answer = client.post(path, data={"name": "Pat New", "email": "pat@example.org",
                                     "password": password, "password_again": again})  # fmt: skip
    assert answer.status_code == 422
    assert message in answer.text.lower()
    assert 'value="pat@example.org"' in answer.text  # what was typed is kept
    assert world.state.accounts.link(path.rsplit("/", 1)[1]).used_at is None


def test_a_person_joins_accepts_the_consent_and_reaches_their_page(world: World) -> None:
    from kinesense.web.auth import invite

    _, path = invite(world.state, world.therapist, "Rosa Reyes")
    client = browser(world.app)
    assert 'value="Rosa Reyes"' in client.get(path).text  # the therapist's name for them
    answer = client.post(path, data={"name": "Rosa Reyes", "email": "rosa@example.org",
                                     "password": PASSWORD, "password_again": PASSWORD})  # fmt: skip
    assert answer.status_code == 303
    assert client.get("/").headers["location"] == "/consent"
    me = client.get("/api/v1/me").json()
    assert (me["role"], me["consent_version"]) == ("person", None)
    person_page = f"/people/{me['person_id']}"
    assert client.get(person_page).headers["location"] == "/consent"
    assert client.get("/api/v1/people").status_code == 403
    client.headers["x-csrf-token"] = csrf_from(client.get("/consent").text)
    assert client.post("/consent", data={"version": "2020-01"}).status_code == 422
    assert client.post("/consent", data={"version": CONSENT_VERSION}).status_code == 303
    assert client.get("/").headers["location"] == person_page
    assert "Hello, Rosa Reyes" in client.get(person_page).text
    therapist_view = world.state.accounts.people_of(world.therapist.id)
    assert "rosa@example.org" in [a.email for a in therapist_view]


def test_sign_in_goes_back_to_the_page_asked_for_but_never_off_site(world: World) -> None:
    for target, expected in (("/account", "/account"), ("//evil.example/x", "/"),
                             ("https://evil.example/", "/"), ("/\\evil.example", "/")):  # fmt: skip
        client = browser(world.app)
        answer = sign_in(client, world.person.email, PASSWORD, next=target)
        assert answer.headers["location"] == expected
    asked = browser(world.app).get("/account?tab=1")
    assert asked.headers["location"] == "/signin?next=%2Faccount%3Ftab%3D1"


def test_a_wrong_password_says_so_without_telling_which(world: World) -> None:
    client = browser(world.app)
    wrong = sign_in(client, world.person.email, "not the password")
    unknown = sign_in(client, "nobody@example.org", "not the password")
    for answer in (wrong, unknown):
        assert answer.status_code == 401
        assert "The email address or the password is not right." in answer.text
        assert "ks_session" not in answer.headers.get("set-cookie", "")


def test_five_failures_lock_the_account_for_a_while(world: World) -> None:
    client = browser(world.app)
    for _ in range(ratelimit.ACCOUNT_LIMIT):
        assert sign_in(client, world.person.email, "wrong password!").status_code == 401
    locked = sign_in(client, world.person.email, PASSWORD)  # even the right password
    assert locked.status_code == 429
    assert 0 < int(locked.headers["retry-after"]) <= 15 * 60
    assert "Too many failed sign-ins for this account; try again in 15 minutes." in locked.text
    assert sign_in(browser(world.app), world.therapist.email, PASSWORD).status_code == 303


def test_twenty_failures_from_one_address_stop_guessing_at_any_account(world: World) -> None:
    client = browser(world.app)
    for i in range(ratelimit.ADDRESS_LIMIT - 1):  # as failed sign-ins record them (argon2 is slow)
        ratelimit.record_failure(world.state.accounts, f"guess{i}@example.org", "testclient")
    assert sign_in(client, "guess@example.org", "wrong password!").status_code == 401
    answer = sign_in(client, world.therapist.email, PASSWORD)
    assert answer.status_code == 429
    assert "Too many failed sign-ins for this network address" in answer.text


def test_a_success_clears_the_accounts_failures_but_not_the_addresss(world: World) -> None:
    client = browser(world.app)
    for _ in range(ratelimit.ACCOUNT_LIMIT - 2):
        ratelimit.record_failure(world.state.accounts, world.person.email, "testclient")
    assert sign_in(client, world.person.email, "wrong password!").status_code == 401
    assert sign_in(client, world.person.email, PASSWORD).status_code == 303
    assert sign_in(browser(world.app), world.person.email, "wrong password!").status_code == 401
    assert sign_in(browser(world.app), world.person.email, PASSWORD).status_code == 303
    count, _ = world.state.accounts.failures_since(
        "address:testclient", datetime.now(UTC) - timedelta(minutes=1)
    )
    assert count == ratelimit.ACCOUNT_LIMIT  # 3 recorded + 2 through the form


def test_signing_out_everywhere_ends_every_session(world: World) -> None:
    phone, laptop = browser(world.app), browser(world.app)
    for client in (phone, laptop):
        assert sign_in(client, world.person.email, PASSWORD).status_code == 303
    assert world.state.accounts.session_count(world.person.id) == 2
    page = laptop.get("/account")
    assert "signed in on 2 devices" in page.text
    laptop.headers["x-csrf-token"] = csrf_from(page.text)
    answer = laptop.post("/account/signout-everywhere")
    assert (answer.status_code, answer.headers["location"]) == (303, "/signin")
    assert phone.get("/api/v1/me").status_code == 401
    assert laptop.get("/api/v1/me").status_code == 401


def test_signing_out_ends_only_this_browser(world: World) -> None:
    phone, laptop = browser(world.app), browser(world.app)
    for client in (phone, laptop):
        sign_in(client, world.person.email, PASSWORD)
    laptop.headers["x-csrf-token"] = csrf_from(laptop.get("/account").text)
    assert laptop.post("/signout").status_code == 303
    assert laptop.get("/api/v1/me").status_code == 401
    assert phone.get("/api/v1/me").status_code == 200


@pytest.fixture(params=["sqlite", "postgresql"])
def stored_world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """A fresh :class:`World` on SQLite (the embedded app) and on PostgreSQL (the clinic stack's
    database, when ``KINESENSE_TEST_POSTGRES_URL`` is set)."""
    changes: dict[str, object] = {}
    if request.param == "postgresql":
        if not POSTGRES_URL:
            pytest.skip("KINESENSE_TEST_POSTGRES_URL is not set")
        changes["database_url"] = emptied_database()
        Store(changes["database_url"], migrate=True).close()  # type: ignore[arg-type]
    app = create_app(make_config(tmp_path, **changes))
    yield build_world(app)
    state_of(app).close()


def rows_of(world: World, table: type[Any], person_id: int) -> int:
    """How many rows of ``table`` are about ``person_id``."""
    query = select(func.count()).select_from(table).where(table.person_id == person_id)
    with Session(world.state.engine) as session:
        return int(session.scalar(query) or 0)


def test_the_export_holds_the_persons_data_and_no_one_elses(stored_world: World) -> None:
    world = stored_world
    person_id = world.person.person_id
    assert person_id is not None
    with world.state.store.transaction() as unit:
        unit.save_checkin(
            person_id, CheckIn(pain_now=5, pain_week=5, checked_at="2026-12-01T09:00Z")
        )
        unit.save_checkin(world.other_person.person_id or 0, CheckIn(pain_now=1, pain_week=1))
    client = browser(world.app)
    sign_in(client, world.person.email, PASSWORD)
    download = client.get("/account/export")
    assert download.headers["content-type"] == "application/json"
    assert download.headers["content-disposition"].startswith('attachment; filename="kinesense')
    data = json.loads(download.text)
    assert data == client.get("/api/v1/me/export").json() | {"exported_at": data["exported_at"]}
    assert data["account"]["email"] == world.person.email
    assert data["person"]["id"] == person_id
    assert [e["data"]["pain_now"] for e in data["history"]] == [5]
    assert [j["id"] for j in data["jobs"]] == [world.job.id]
    assert "password" not in download.text
    assert world.other_person.name not in download.text


def test_deleting_the_account_needs_the_password_and_takes_everything(
    stored_world: World,
) -> None:
    world = stored_world
    person_id = world.person.person_id
    assert person_id is not None
    pairings = DatabasePairings(world.state.engine)
    pairings.issue(person_id, world.person.id, PhoneTest(test="sway"))
    with world.state.store.transaction() as unit:
        unit.save_checkin(person_id, CheckIn(pain_now=5, pain_week=5))
    assert rows_of(world, JobRow, person_id) == 1
    assert rows_of(world, PairingRow, person_id) == 1
    assert rows_of(world, Record, person_id) == 1
    folder = upload_folder(world.state.config.data_dir, person_id)
    folder.mkdir(parents=True)
    (folder / "walk.csv").write_text("time\n")
    client = browser(world.app)
    sign_in(client, world.person.email, PASSWORD)
    client.headers["x-csrf-token"] = csrf_from(client.get("/account").text)
    refused = client.post("/account/delete", data={"password": "not my password"})
    assert refused.status_code == 422
    assert "The password is not right; the account was not deleted." in refused.text
    done = client.post("/account/delete", data={"password": PASSWORD})
    assert done.status_code == 200
    assert "Your account was deleted" in done.text
    assert not folder.exists()
    assert person_id not in [p.id for p in list_people(world.state.store)]
    assert client.get("/api/v1/me").status_code == 401
    assert sign_in(browser(world.app), world.person.email, PASSWORD).status_code == 401
    assert world.other_person.person_id in [p.id for p in list_people(world.state.store)]
    for table in (JobRow, PairingRow, Record):  # their jobs, phone pairings, history
        assert rows_of(world, table, person_id) == 0, table.__tablename__
    assert rows_of(world, JobRow, world.other_person.person_id or 0) == 1


def test_therapists_and_admins_cannot_delete_or_export_here(world: World) -> None:
    for account in (world.therapist, world.admin):
        client = browser(world.app)
        sign_in(client, account.email, PASSWORD)
        assert client.get("/account/export").status_code == 403
        assert (
            client.request("DELETE", "/api/v1/me", json={"password": PASSWORD}).status_code == 403
        )
        assert world.state.accounts.get(account.id).id == account.id


def test_the_demo_signs_in_as_the_demo_person_once(app: FastAPI, tmp_path: Path) -> None:
    state = state_of(app)
    path = prepare_demo(state)
    again = prepare_demo(state)  # the accounts are made once
    assert state.accounts.count("therapist") == 1
    assert state.accounts.count("person") == 1
    client = browser(app)
    answer = client.get(path)
    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    me = client.get("/api/v1/me").json()
    assert (me["name"], me["email"]) == DEMO_PERSON
    assert browser(app).get(path).status_code == 404  # used
    assert browser(app).get(again).status_code == 303
    therapist = state.accounts.by_role("therapist")[0]
    assert (therapist.name, therapist.email) == DEMO_THERAPIST
    assert [a.email for a in state.accounts.people_of(therapist.id)] == [DEMO_PERSON[1]]
    other = signin_link(state, therapist.id)
    assert browser(app).get(other.replace("/signin/link/", "/join/")).status_code == 404
