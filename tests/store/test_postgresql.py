"""The Store against a real PostgreSQL server.

``make test`` starts a throw-away server with ``scripts/postgres.sh`` and gives its URL in
``KINESENSE_TEST_POSTGRES_URL``; without that variable these tests are skipped. Every test starts
from an empty database (the schema is dropped and made again), so each ``Store`` migrates it
forward from nothing to head. The SQLite suite's tests in ``test_store.py`` are run again here
through the ``url`` fixture below, which replaces the SQLite file by this server.
"""

import os
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from kinesense.store import Store
from kinesense.store.engine import current_revision, head_revision, make_engine
from kinesense.store.models import Base

# The dialect-neutral tests of the SQLite suite, collected again in this module so that they use
# this module's `url` fixture (the last SQLite test, which checks the file, has its own here).
from tests.store.test_store import (  # noqa: F401
    KILLED_WRITER,
    store,
    test_a_new_plan_becomes_active_and_old_ones_are_kept,
    test_a_write_failing_mid_transaction_changes_nothing,
    test_assessments_are_time_ordered_in_utc_and_filtered_by_test,
    test_bad_time_and_unstorable_payloads_save_nothing,
    test_checkins_and_overrides,
    test_history_is_every_record_in_time_order,
    test_numpy_values_and_nan_become_plain_json,
    test_people_by_id_and_name,
    test_person_values_are_checked,
    test_records_need_an_existing_person,
    test_screening_latest,
    test_sessions_since_and_missing_start_time,
    test_unknown_and_ambiguous_people,
)

POSTGRES_URL = os.environ.get("KINESENSE_TEST_POSTGRES_URL", "").strip()

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="KINESENSE_TEST_POSTGRES_URL is not set (make test starts a PostgreSQL server with "
    "scripts/postgres.sh and sets it)",
)


@pytest.fixture
def url() -> str:
    """The test database, emptied: no tables, no migration recorded, sequences from 1."""
    engine = make_engine(POSTGRES_URL)
    assert engine.dialect.name == "postgresql", "KINESENSE_TEST_POSTGRES_URL is not PostgreSQL"
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return POSTGRES_URL


def test_an_empty_database_is_migrated_to_head_and_matches_the_models(url: str) -> None:
    engine = make_engine(url)
    assert current_revision(engine) is None
    assert inspect(engine).get_table_names() == []
    with Store(url) as opened:
        opened.add_person("Ann")
    assert current_revision(engine) == head_revision()
    assert {"alembic_version", "people", "records"} <= set(inspect(engine).get_table_names())
    indexes = {i["name"] for i in inspect(engine).get_indexes("records")}
    assert {"ix_records_person_kind_at", "ix_records_at", "ix_records_person_id"} <= indexes
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_reopening_keeps_data_and_revision(url: str) -> None:
    with Store(url) as opened:
        opened.add_person("Ann")
    with Store(url) as opened:
        assert [p.name for p in opened.people()] == ["Ann"]
        assert opened.person("Ann").created_at.endswith("+00:00")


def test_a_process_killed_during_a_write_leaves_the_history_intact(url: str) -> None:
    with Store(url) as opened:
        pid = opened.add_person("Ann")
        opened.save_checkin(pid, {"pain_now": 3, "pain_week": 4})
    result = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, url], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == -9, result.stderr  # killed, not finished
    with Store(url) as opened:
        assert [c["pain_now"] for c in opened.checkins(pid)] == [3]
        opened.save_checkin(pid, {"pain_now": 2})
        assert [c["pain_now"] for c in opened.checkins(pid)] == [3, 2]
