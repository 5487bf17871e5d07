"""The accounts repository: links used once, sessions that end, counted failures, and deleting a
person's account takes their person record, history and jobs with it."""

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update

from kinesense.errors import ConflictError, InvalidValueError, NotFoundError
from kinesense.jobs import JobRepository
from kinesense.program.records import CheckIn
from kinesense.services.people import find_person, list_people
from kinesense.store import Store
from kinesense.store.accounts import Accounts, clean_name, normalise_email, token_hash
from kinesense.store.engine import make_engine
from kinesense.store.models import Record
from kinesense.store.web_tables import OneTimeLink, SignInSession

WEEK = timedelta(days=7)


@pytest.fixture
def url(tmp_path: Path) -> str:
    """A throw-away SQLite database."""
    return f"sqlite:///{tmp_path / 'k.db'}"


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    """The store, migrated (a server database is migrated explicitly, as by
    ``kinesense db upgrade``)."""
    with Store(url, migrate=True) as opened:
        yield opened


@pytest.fixture
def engine(store: Store, url: str) -> Iterator[Engine]:
    """A second engine on the same database, as the web app has."""
    database = make_engine(url)
    yield database
    database.dispose()


@pytest.fixture
def accounts(engine: Engine) -> Accounts:
    """The repository."""
    return Accounts(engine)


def test_emails_and_names_are_cleaned_and_checked() -> None:
    assert normalise_email("  Ann.Smith@Example.ORG ") == "ann.smith@example.org"
    for bad in ("", "ann", "@example.org", "ann@", "a b@example.org", "x" * 250 + "@e.org"):
        with pytest.raises(InvalidValueError, match="not an email address"):
            normalise_email(bad)
    assert clean_name("  Ann   Smith ") == "Ann Smith"
    with pytest.raises(InvalidValueError, match="cannot be empty"):
        clean_name("   ")
    with pytest.raises(InvalidValueError, match="longer than 200"):
        clean_name("a" * 201)


def test_tokens_are_stored_hashed(accounts: Accounts, engine: Engine) -> None:
    accounts.create_link("secret-token", "admin", lifetime=WEEK)
    with engine.connect() as connection:
        stored = connection.execute(select(OneTimeLink.token_hash)).scalar_one()
    assert stored == token_hash("secret-token")
    assert "secret-token" not in stored


def test_a_person_joins_once_and_gets_a_person_record(accounts: Accounts, store: Store) -> None:
    accounts.create_link("admin-link", "admin", lifetime=WEEK)
    admin = accounts.accept_link("admin-link", email="a@x.org", name="Ada", password_hash="h")
    accounts.create_link("t-link", "therapist", lifetime=WEEK, invited_by=admin.id)
    therapist = accounts.accept_link("t-link", email="t@x.org", name="Theo", password_hash="h")
    assert (therapist.role, therapist.person_id, therapist.therapist_id) == (
        "therapist",
        None,
        None,
    )
    accounts.create_link("p-link", "person", lifetime=WEEK, invited_by=therapist.id, name="Pat")
    person = accounts.accept_link("p-link", email="P@X.org", name="Pat  P", password_hash="h")
    assert (person.role, person.email, person.therapist_id) == ("person", "p@x.org", therapist.id)
    assert person.person_id is not None
    assert find_person(store, person.person_id).name == "Pat P"
    assert accounts.people_of(therapist.id) == [person]
    assert accounts.for_person(person.person_id) == person
    with pytest.raises(NotFoundError, match="already used"):
        accounts.accept_link("p-link", email="q@x.org", name="Q", password_hash="h")
    assert len(list_people(store)) == 1  # the refused second use made nobody


def test_links_expire_and_unknown_links_say_so(accounts: Accounts, engine: Engine) -> None:
    accounts.create_link("old", "therapist", lifetime=timedelta(seconds=-1))
    with pytest.raises(NotFoundError, match="expired"):
        accounts.accept_link("old", email="t@x.org", name="T", password_hash="h")
    with pytest.raises(NotFoundError, match="not valid"):
        accounts.link("never-made")
    with engine.connect() as connection:  # the refused claim was rolled back
        assert connection.execute(select(OneTimeLink.used_at)).scalar_one() is None


def test_a_second_admin_cannot_be_made(accounts: Accounts) -> None:
    accounts.create_link("one", "admin", lifetime=WEEK)
    accounts.create_link("two", "admin", lifetime=WEEK)
    accounts.accept_link("one", email="a@x.org", name="Ada", password_hash="h")
    with pytest.raises(ConflictError, match="already has an administrator"):
        accounts.accept_link("two", email="b@x.org", name="Bo", password_hash="h")
    assert accounts.count("admin") == 1


def test_an_email_is_used_once(accounts: Accounts) -> None:
    for token in ("one", "two"):
        accounts.create_link(token, "therapist", lifetime=WEEK)
    accounts.accept_link("one", email="t@x.org", name="T", password_hash="h")
    with pytest.raises(ConflictError, match="already exists"):
        accounts.accept_link("two", email="T@x.org ", name="T2", password_hash="h")
    accounts.link("two")  # still usable: the failed use was rolled back


def test_two_browsers_using_one_link_at_once_make_one_account(url: str, store: Store) -> None:
    engines = [make_engine(url) for _ in range(4)]
    Accounts(engines[0]).create_link("shared", "therapist", lifetime=WEEK)
    outcomes: list[str] = []
    start = threading.Barrier(len(engines))

    def use(i: int) -> None:
        start.wait()
        try:
            Accounts(engines[i]).accept_link(
                "shared", email=f"t{i}@x.org", name=f"T{i}", password_hash="h"
            )
            outcomes.append("made")
        except NotFoundError:
            outcomes.append("refused")

    threads = [threading.Thread(target=use, args=(i,)) for i in range(len(engines))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["made", "refused", "refused", "refused"]
    assert Accounts(engines[0]).count("therapist") == 1
    for database in engines:
        database.dispose()


def make_person(accounts: Accounts, token: str = "p") -> tuple[int, int]:
    accounts.create_link(token, "person", lifetime=WEEK)
    person = accounts.accept_link(token, email=f"{token}@x.org", name="Pat", password_hash="h")
    assert person.person_id is not None
    return person.id, person.person_id


def test_sessions_end_when_expired_idle_or_closed(accounts: Accounts, engine: Engine) -> None:
    account_id, _ = make_person(accounts)
    for token in ("a", "b", "c"):
        accounts.open_session(token, account_id, lifetime=WEEK, address="127.0.0.1")
    assert accounts.session_account("a", idle=WEEK) is not None
    assert accounts.session_count(account_id) == 3
    accounts.close_session("a")
    assert accounts.session_account("a", idle=WEEK) is None
    with engine.begin() as connection:  # b was last used three days ago
        connection.execute(
            update(SignInSession)
            .where(SignInSession.id == token_hash("b"))
            .values(last_seen_at=datetime.now(UTC).replace(tzinfo=None) - timedelta(days=3))
        )
    assert accounts.session_account("b", idle=timedelta(days=2)) is None
    assert accounts.session_count(account_id) == 1  # the idle one was deleted
    accounts.open_session("d", account_id, lifetime=timedelta(seconds=-1))
    assert accounts.session_account("d", idle=WEEK) is None
    assert accounts.close_all_sessions(account_id) == 1
    assert accounts.session_account("c", idle=WEEK) is None


def test_failures_are_counted_per_key_and_forgotten(accounts: Accounts) -> None:
    hour_ago = datetime.now(UTC) - timedelta(hours=1)
    for _ in range(3):
        accounts.add_failure("account:a@x.org", "address:10.0.0.1")
    accounts.add_failure("address:10.0.0.1")
    count, oldest = accounts.failures_since("address:10.0.0.1", hour_ago)
    assert count == 4
    assert oldest is not None
    assert hour_ago < oldest <= datetime.now(UTC)
    assert accounts.failures_since("account:a@x.org", hour_ago)[0] == 3
    assert accounts.failures_since("account:a@x.org", datetime.now(UTC))[0] == 0
    accounts.clear_failures("account:a@x.org")
    assert accounts.failures_since("account:a@x.org", hour_ago) == (0, None)
    accounts.forget_before(datetime.now(UTC) + timedelta(seconds=1))
    assert accounts.failures_since("address:10.0.0.1", hour_ago)[0] == 0


def test_deleting_a_person_takes_everything_of_theirs(
    accounts: Accounts, store: Store, engine: Engine
) -> None:
    account_id, person_id = make_person(accounts, "p")
    other_account, other_person = make_person(accounts, "q")
    accounts.open_session("s", account_id, lifetime=WEEK)
    with store.transaction() as unit:
        unit.save_checkin(person_id, CheckIn(pain_now=4, pain_week=4))
        unit.save_checkin(other_person, CheckIn(pain_now=2, pain_week=2))
    jobs = JobRepository(engine)
    job = jobs.create("describe", {}, account_id=account_id, person_id=person_id)
    other_job = jobs.create("describe", {}, account_id=other_account, person_id=other_person)
    assert accounts.delete_person_account(account_id) == person_id
    with pytest.raises(NotFoundError):
        accounts.get(account_id)
    assert accounts.session_account("s", idle=WEEK) is None
    assert [p.id for p in list_people(store)] == [other_person]
    with engine.connect() as connection:
        owners = connection.execute(
            select(Record.person_id, func.count()).group_by(Record.person_id)
        )
        assert dict(owners.all()) == {other_person: 1}
    with pytest.raises(NotFoundError):
        jobs.get(job.id)
    assert jobs.get(other_job.id).person_id == other_person


def test_consent_is_recorded_with_its_version(accounts: Accounts) -> None:
    account_id, _ = make_person(accounts)
    assert accounts.get(account_id).consent_version is None
    accounts.record_consent(account_id, "2026-12")
    account = accounts.get(account_id)
    assert account.consent_version == "2026-12"
    assert account.consent_at is not None
    with pytest.raises(NotFoundError):
        accounts.record_consent(999, "2026-12")
