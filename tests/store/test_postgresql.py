"""The Store against a real PostgreSQL server.

``make test`` starts a throw-away server with ``scripts/postgres.sh`` and gives its URL in
``KINESENSE_TEST_POSTGRES_URL``; without that variable these tests are skipped. Every test starts
from an empty database (the schema is dropped and made again). A server database is not migrated
on its own: the ``store`` fixture migrates it explicitly, as ``kinesense db upgrade`` does. The
SQLite suite's tests in ``test_store.py`` are run again here through the ``url`` fixture below,
which replaces the SQLite file by this server.
"""

import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from kinesense.program.records import CheckIn
from kinesense.store import Store, StoreError
from kinesense.store.engine import current_revision, head_revision, make_engine
from kinesense.store.models import Base
from tests.store.postgres import emptied_database, needs_postgres

# The dialect-neutral tests of the SQLite suite, collected again in this module so that they use
# this module's `url` and `store` fixtures.
from tests.store.test_store import (  # noqa: F401
    test_a_coached_session_keeps_every_field,
    test_a_new_plan_becomes_active_and_old_ones_are_kept,
    test_a_process_killed_during_a_write_leaves_the_history_intact,
    test_a_stored_record_that_cannot_be_read_is_a_one_line_error,
    test_a_write_failing_mid_transaction_changes_nothing,
    test_an_action_that_fails_saves_nothing,
    test_an_all_digit_reference_is_always_an_id,
    test_assessments_are_time_ordered_in_utc_and_filtered_by_test,
    test_checkins_and_overrides,
    test_history_is_every_record_in_time_order,
    test_numpy_values_and_nan_become_plain_json,
    test_people_by_id_and_name,
    test_person_values_are_checked,
    test_records_need_an_existing_person,
    test_screening_latest,
    test_sessions_since_and_their_start_time,
    test_unknown_and_ambiguous_people,
)

pytestmark = needs_postgres


@pytest.fixture
def url() -> str:
    """The test database, emptied."""
    return emptied_database()


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    with Store(url, migrate=True) as opened:
        yield opened


def test_an_empty_server_database_is_refused_until_upgraded(url: str) -> None:
    engine = make_engine(url)
    assert current_revision(engine) is None
    with pytest.raises(StoreError, match="run kinesense db upgrade") as info:
        Store(url)
    password = make_url(url).password
    assert password is None or str(password) not in str(info.value)
    assert inspect(engine).get_table_names() == []  # nothing was created
    with Store(url, migrate=True) as opened, opened.transaction() as unit:
        unit.add_person("Ann")
    assert current_revision(engine) == head_revision()
    assert {"alembic_version", "people", "records"} <= set(inspect(engine).get_table_names())
    indexes = {i["name"] for i in inspect(engine).get_indexes("records")}
    assert {"ix_records_person_kind_at", "ix_records_at", "ix_records_person_id"} <= indexes
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []
    with Store(url) as opened, opened.transaction(write=False) as unit:  # now current: opens
        assert [p.name for p in unit.people()] == ["Ann"]


def test_reopening_keeps_data_and_revision(store: Store, url: str) -> None:
    with store.transaction() as unit:
        unit.add_person("Ann")
    with Store(url) as opened, opened.transaction(write=False) as unit:
        assert [p.name for p in unit.people()] == ["Ann"]
        assert unit.person("Ann").to_json()["created_at"].endswith("+00:00")


def test_a_newer_server_database_is_refused(store: Store, url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    engine.dispose()
    with pytest.raises(StoreError, match="written by a newer kinesense"):
        Store(url)


def test_the_person_row_lock_makes_a_second_writer_wait(store: Store) -> None:
    """Two actions on one person queue: the second unit of work waits on the row lock until
    the first commits, then sees its check-in."""
    with store.transaction() as unit:
        pid = unit.add_person("Ann").id
    first_locked = threading.Event()
    release = threading.Event()
    order: list[str] = []
    seen: list[int] = []

    def first() -> None:
        with store.transaction() as unit:
            unit.lock_person(pid)
            first_locked.set()
            release.wait(10)
            unit.save_checkin(pid, CheckIn.from_json({"pain_now": 3, "pain_week": 3}))
            order.append("first")

    def second() -> None:
        first_locked.wait(10)
        with store.transaction() as unit:
            unit.lock_person(pid)
            order.append("second")
            seen.append(len(unit.checkins(pid)))

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_locked.wait(10)
    threading.Event().wait(0.5)  # the second writer is now blocked on the lock
    assert order == []
    release.set()
    for thread in threads:
        thread.join(30)
    assert order == ["first", "second"]
    assert seen == [1]


def test_concurrent_writers_from_processes(store: Store, url: str) -> None:
    with store.transaction() as unit:
        pid = unit.add_person("Ann").id
    code = (
        "import sys\n"
        "from kinesense.store import Store\n"
        "from kinesense.program.records import CheckIn\n"
        "with Store(sys.argv[1]) as s, s.transaction() as u:\n"
        "    u.lock_person(int(sys.argv[2]))\n"
        "    n = len(u.checkins(int(sys.argv[2])))\n"
        "    u.save_checkin(int(sys.argv[2]), CheckIn.from_json({'notes': str(n)}))\n"
    )
    runs = [subprocess.Popen([sys.executable, "-c", code, url, str(pid)]) for _ in range(8)]
    assert [run.wait(120) for run in runs] == [0] * 8
    with store.transaction(write=False) as unit:
        notes = sorted(int(c.notes) for c in unit.checkins(pid))
    assert notes == list(range(8))  # each writer saw every earlier one: none interleaved
