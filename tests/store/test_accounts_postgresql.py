"""The accounts repository against a real PostgreSQL server (``make test`` starts one with
``scripts/postgres.sh`` and gives its URL in ``KINESENSE_TEST_POSTGRES_URL``; skipped without
it). The SQLite tests of ``test_accounts.py`` run again here through the server fixtures of
``test_postgresql.py`` (``url``: the emptied database; ``store``: migrated explicitly): links
claimed once by concurrent browsers, cascades on deletion, counted failures."""

from tests.store.postgres import needs_postgres
from tests.store.test_accounts import (  # noqa: F401
    accounts,
    engine,
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
from tests.store.test_postgresql import store, url  # noqa: F401

pytestmark = needs_postgres
