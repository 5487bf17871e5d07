"""The PostgreSQL server the store tests run against again (``make test`` starts a throw-away
one with ``scripts/postgres.sh`` and gives its URL in ``KINESENSE_TEST_POSTGRES_URL``; without
that variable the tests marked :data:`needs_postgres` are skipped).

A module runs the SQLite suite's tests on this server with a ``url`` fixture returning
:func:`emptied_database`: every test then starts from an empty database (the schema dropped and
made again: no tables, no migration recorded, sequences from 1)."""

import os

import pytest
from sqlalchemy import text

from kinesense.store.engine import make_engine

POSTGRES_URL = os.environ.get("KINESENSE_TEST_POSTGRES_URL", "").strip()

needs_postgres = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="KINESENSE_TEST_POSTGRES_URL is not set (make test starts a PostgreSQL server with "
    "scripts/postgres.sh and sets it)",
)


def emptied_database() -> str:
    """The test database's URL, the database emptied."""
    engine = make_engine(POSTGRES_URL)
    assert engine.dialect.name == "postgresql", "KINESENSE_TEST_POSTGRES_URL is not PostgreSQL"
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return POSTGRES_URL
