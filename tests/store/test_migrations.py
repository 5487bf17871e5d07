"""The schema is built and moved forward by the Alembic migrations shipped in the package."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from kinesense.store import Store, StoreError
from kinesense.store.engine import (
    current_revision,
    head_revision,
    make_engine,
    migrate,
    migration_sql,
)
from kinesense.store.models import Base


def test_an_empty_file_is_migrated_to_head(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    with Store(f"sqlite:///{path}") as store, store.transaction() as unit:
        unit.add_person("Ann")
    engine = make_engine(f"sqlite:///{path}")
    assert current_revision(engine) == head_revision() == "0004"
    tables = set(inspect(engine).get_table_names())
    assert {"alembic_version", "people", "records"} <= tables
    indexes = {i["name"] for i in inspect(engine).get_indexes("records")}
    assert {"ix_records_person_kind_at", "ix_records_at", "ix_records_person_id"} <= indexes
    engine.dispose()


def test_reopening_keeps_data_and_revision(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    with Store(url) as store, store.transaction() as unit:
        unit.add_person("Ann")
    with Store(url) as store, store.transaction(write=False) as unit:
        assert [p.name for p in unit.people()] == ["Ann"]
    engine = make_engine(url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_the_models_match_the_migrations(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'k.db'}")
    migrate(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_sqlite_pragmas_foreign_keys_and_wal(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'k.db'}")
    migrate(engine)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


def test_a_file_that_is_not_a_database_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not a database\n" * 200)
    with pytest.raises(StoreError, match="cannot open the database") as info:
        Store(f"sqlite:///{path}")
    assert "\n" not in str(info.value)


def test_bad_urls_are_store_errors() -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        Store("no url at all")
    with pytest.raises(StoreError, match="cannot use the database"):
        Store("nosuchdialect://user:secret@host/db")


def test_passwords_are_hidden_in_messages() -> None:
    with pytest.raises(StoreError) as info:
        Store("nosuchdialect://user:secret@host/db")
    assert "secret" not in str(info.value)


def test_the_migration_renders_for_postgresql_without_a_server() -> None:
    sql = migration_sql("postgresql://kinesense@db.invalid/kinesense")
    assert "CREATE TABLE people" in sql
    assert "payload JSON NOT NULL" in sql
    assert "FOREIGN KEY(person_id) REFERENCES people (id) ON DELETE CASCADE" in sql
    assert "CREATE INDEX ix_records_person_kind_at ON records (person_id, kind, at)" in sql
    assert "PRAGMA" not in sql
    assert "INSERT INTO alembic_version (version_num) VALUES ('0001')" in sql


def test_a_database_written_by_a_newer_kinesense_is_a_one_line_error(tmp_path: Path) -> None:
    """Issue 9: a database from a newer kinesense gave a traceback."""
    url = f"sqlite:///{tmp_path / 'k.db'}"
    Store(url).close()
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    engine.dispose()
    with pytest.raises(StoreError) as info:
        Store(url)
    message = str(info.value)
    assert "written by a newer kinesense (schema 0099_future" in message
    assert "\n" not in message


def test_a_server_database_behind_is_refused_naming_db_upgrade(tmp_path: Path) -> None:
    """Only the embedded SQLite default is migrated on its own; a database that may not be
    migrated automatically (as a server database) says to run kinesense db upgrade."""
    url = f"sqlite:///{tmp_path / 'k.db'}"
    with pytest.raises(StoreError, match="run kinesense db upgrade") as info:
        Store(url, migrate=False)
    assert "schema none (empty)" in str(info.value)
    Store(url, migrate=True).close()
    with Store(url, migrate=False) as store, store.transaction() as unit:
        assert unit.people() == []


def test_postgresql_is_not_migrated_automatically() -> None:
    """A PostgreSQL URL without a server: the schema check fails before any migration, and the
    failure is one line with the password hidden."""
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError) as info:
        Store("postgresql+psycopg://kinesense:hunter2@127.0.0.1:1/none")
    assert "hunter2" not in str(info.value)
    assert "\n" not in str(info.value)
