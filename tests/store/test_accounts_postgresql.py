"""The accounts repository against a real PostgreSQL server (``make test`` starts one with
``scripts/postgres.sh`` and gives its URL in ``KINESENSE_TEST_POSTGRES_URL``; skipped without
it). The SQLite tests of ``test_accounts.py`` run again here through this module's ``url``
fixture: links claimed once by concurrent browsers, cascades on deletion, counted failures."""

import os

import pytest
from sqlalchemy import text

from kinesense.store.engine import make_engine
from tests.store.test_accounts import (  # noqa: F401
    accounts,
    engine,
    store,
    test_a_person_joins_once_and_gets_a_person_record,
    test_a_second_admin_cannot_be_made,
    test_an_email_is_used_once,
    test_consent_is_recorded_with_its_version,
    test_deleting_a_person_takes_everything_of_theirs,
    test_failures_are_counted_per_key_and_forgotten,
    test_links_expire_and_unknown_links_say_so,
    test_sessions_end_when_expired_idle_or_closed,
    test_tokens_are_stored_hashed,
    test_two_browsers_using_one_link_at_once_make_one_account,
)

POSTGRES_URL = os.environ.get("KINESENSE_TEST_POSTGRES_URL", "").strip()

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="KINESENSE_TEST_POSTGRES_URL is not set (make test starts a PostgreSQL server with "
    "scripts/postgres.sh and sets it)",
)


@pytest.fixture
def url() -> str:
    """The test database, emptied (the schema dropped and made again)."""
    database = make_engine(POSTGRES_URL)
    assert database.dialect.name == "postgresql", "KINESENSE_TEST_POSTGRES_URL is not PostgreSQL"
    with database.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    database.dispose()
    return POSTGRES_URL
