"""A web app on a throw-away SQLite database, and a small world of accounts to sign in as.

Accounts are made through the same repository calls the invitation pages use; one argon2 hash
(of :data:`PASSWORD`) is computed once and shared, so a world costs milliseconds.
"""

import functools
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserType, sync_playwright
from starlette.websockets import WebSocketDisconnect

with warnings.catch_warnings():  # newer Starlette asks for httpx2; httpx works
    warnings.filterwarnings("ignore", message="Using `httpx`")
    from fastapi.testclient import TestClient

from kinesense.jobs import JobRecord
from kinesense.services.people import add_person
from kinesense.services.screening import run_screening
from kinesense.store.accounts import AccountRecord, LinkRecord
from kinesense.web.access import CONSENT_VERSION
from kinesense.web.app import create_app
from kinesense.web.auth import open_session
from kinesense.web.config import WebConfig
from kinesense.web.passwords import hash_password
from kinesense.web.security import SESSION_COOKIE, new_token
from kinesense.web.state import INVITATION_LIFETIME, AppState
from tests.web.browser_support import sign_in_demo
from tests.web.live_server import LiveServer

PASSWORD = "a long test password"


@functools.cache
def password_hash() -> str:
    """The argon2 hash of :data:`PASSWORD`, computed once."""
    return hash_password(PASSWORD)


def make_config(tmp_path: Path, **changes: object) -> WebConfig:
    """Settings on a SQLite file and a data folder under ``tmp_path``."""
    values: dict[str, object] = {
        "database_url": f"sqlite:///{tmp_path / 'kinesense.db'}",
        "data_dir": tmp_path / "data",
    }
    return WebConfig(**(values | changes))  # type: ignore[arg-type]


@pytest.fixture
def app(tmp_path: Path) -> Iterator[FastAPI]:
    """A web app on a throw-away database (closed at the end)."""
    application = create_app(make_config(tmp_path))
    yield application
    state_of(application).close()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A browser that is not signed in."""
    with TestClient(app, follow_redirects=False) as browser:
        yield browser


def state_of(app: FastAPI) -> AppState:
    """The app's state."""
    state: AppState = app.state.kinesense
    return state


def make_account(
    state: AppState, role: str, name: str, *, invited_by: int | None = None, consent: bool = True
) -> AccountRecord:
    """An account made through an invitation link, as the pages do."""
    token = new_token()
    state.accounts.create_link(
        token, role, lifetime=INVITATION_LIFETIME, invited_by=invited_by, name=name
    )
    email = f"{name.lower().replace(' ', '.')}.{token[:6].lower()}@example.org"
    account = state.accounts.accept_link(
        token, email=email, name=name, password_hash=password_hash()
    )
    if consent and role == "person":
        state.accounts.record_consent(account.id, CONSENT_VERSION)
        account = state.accounts.get(account.id)
    return account


def make_invitation(state: AppState, inviter: AccountRecord, name: str) -> LinkRecord:
    """An unused invitation made by ``inviter``."""
    role = "therapist" if inviter.role == "admin" else "person"
    return state.accounts.create_link(
        new_token(), role, lifetime=INVITATION_LIFETIME, invited_by=inviter.id, name=name
    )


def make_job(state: AppState, person_id: int, account_id: int) -> JobRecord:
    """A queued job about a person (not run)."""
    return state.jobs.repository.create(
        "describe", {"file": "none", "name": "x.csv"}, account_id=account_id, person_id=person_id
    )


def csrf_from(html: str) -> str:
    """The CSRF token in a page."""
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def signed_in(app: FastAPI, account: AccountRecord | None) -> TestClient:
    """A new browser signed in as ``account`` (None: signed out), with its CSRF token in the
    ``X-CSRF-Token`` header of every request. Close it with ``close()``: leaving a ``with``
    block would run the app's shutdown."""
    browser = TestClient(app, follow_redirects=False)
    if account is not None:
        session = open_session(state_of(app), account, "testclient", "pytest")
        browser.cookies.set(SESSION_COOKIE, session.token)
    page = browser.get("/signin")
    browser.headers["x-csrf-token"] = csrf_from(page.text)
    return browser


@dataclass
class World:
    """Two therapists with one person each, an administrator, a person added with the command
    line (no account), a newcomer who has not accepted the consent, and jobs and invitations."""

    app: FastAPI
    admin: AccountRecord
    therapist: AccountRecord
    other_therapist: AccountRecord
    person: AccountRecord
    other_person: AccountRecord
    newcomer: AccountRecord
    cli_person_id: int
    job: JobRecord
    other_job: JobRecord
    invitation: LinkRecord
    other_invitation: LinkRecord

    @property
    def state(self) -> AppState:
        """The app's state."""
        return state_of(self.app)


def build_world(app: FastAPI) -> World:
    """A :class:`World` in ``app``'s database."""
    state = state_of(app)
    admin = make_account(state, "admin", "Ada Admin")
    therapist = make_account(state, "therapist", "Theo Therapist", invited_by=admin.id)
    other_therapist = make_account(state, "therapist", "Olga Other", invited_by=admin.id)
    person = make_account(state, "person", "Pat Person", invited_by=therapist.id)
    other_person = make_account(state, "person", "Quinn Other", invited_by=other_therapist.id)
    newcomer = make_account(state, "person", "Nina New", invited_by=therapist.id, consent=False)
    assert person.person_id is not None
    assert other_person.person_id is not None
    return World(
        app=app, admin=admin, therapist=therapist, other_therapist=other_therapist,
        person=person, other_person=other_person, newcomer=newcomer,
        cli_person_id=add_person(state.store, "Carl Commandline").person.id,
        job=make_job(state, person.person_id, person.id),
        other_job=make_job(state, other_person.person_id, other_person.id),
        invitation=make_invitation(state, therapist, "Invited Ivy"),
        other_invitation=make_invitation(state, other_therapist, "Invited Otto"),
    )  # fmt: skip


@pytest.fixture
def world(app: FastAPI) -> World:
    """A fresh :class:`World`."""
    return build_world(app)


ORIGIN = {"origin": "http://testserver"}
"""The ``Origin`` of this site's pages, as a live socket's handshake must carry it."""


def screened(world: World, account: AccountRecord, answers: dict[str, Any] | None = None) -> None:
    """Screen ``account``'s person with ``answers`` (default: no warning sign)."""
    run_screening(answers or {}, store=world.state.store, person=str(account.person_id))


@pytest.fixture
def person(world: World) -> Iterator[TestClient]:
    """The world's person, screened with no warning sign, signed in."""
    screened(world, world.person)
    browser = signed_in(world.app, world.person)
    yield browser
    browser.close()


def closed_with(socket: Any) -> tuple[dict[str, Any], int]:
    """The error message the server sent, and the close code that followed."""
    error = socket.receive_json()
    with pytest.raises(WebSocketDisconnect) as caught:
        socket.receive_json()
    return error, caught.value.code


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, one for the whole test session (skipped with the reason
    when it is not installed)."""
    from tests.web.browser_support import chromium_binary, launch

    binary = chromium_binary()
    if binary is None:
        pytest.skip("Chromium is not installed: run scripts/chromium.sh (make test does)")
    with sync_playwright() as playwright:
        chromium = launch(playwright, binary)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def playwright(browser: Browser) -> BrowserType:
    """Chromium's launcher of the session's Playwright (one event loop per process), skipping
    the module when Chromium is not installed (the ``browser`` fixture does)."""
    return browser.browser_type


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``kinesense serve --demo``: the demo person is screened and has a plan."""
    with LiveServer(tmp_path_factory.mktemp("live"), "--demo") as server:
        yield server


@pytest.fixture(scope="module")
def demo_cookies(playwright: BrowserType, demo: LiveServer) -> Any:
    """The cookies of the demo person, signed in once (the demo link works once) with the
    consent accepted, for every browser of this module (:func:`sign_in_demo`)."""
    return sign_in_demo(playwright, demo)
