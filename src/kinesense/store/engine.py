"""Opening a database: the engine, SQLite's pragmas and write queue, and the schema's revision
(Alembic migrations shipped in the package, run in code).

Writers queue instead of colliding. On SQLite a write transaction starts with ``BEGIN
IMMEDIATE``: it takes the database's write lock at once, waiting up to
:data:`SQLITE_BUSY_TIMEOUT_MS` for another writer to finish (SQLite's busy handler), so a
transaction never fails half-way because another process wrote meanwhile; reads use a plain
``BEGIN`` and never wait (write-ahead log). On PostgreSQL the unit of work locks the person's row
(``SELECT ... FOR UPDATE``) instead.
"""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from kinesense.errors import KinesenseError
from kinesense.settings import hide_password

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for the write lock before its ``BEGIN IMMEDIATE`` fails."""
WRITE_OPTION = "kinesense_write"
"""Execution option marking a connection whose transactions write (``BEGIN IMMEDIATE``)."""


class StoreError(KinesenseError):
    """The history cannot be read or written as asked (unknown person, bad database...)."""


class SchemaState(Enum):
    """Where a database's schema stands against this kinesense's migrations."""

    EMPTY = "empty"
    BEHIND = "behind"
    CURRENT = "current"
    NEWER = "newer"


safe_url = hide_password
"""``url`` with any password hidden, for messages (:func:`kinesense.settings.hide_password`)."""


def first_line(exc: BaseException) -> str:
    """The first line of a database error's message."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def session_scope(sessions: "sessionmaker[Session]", engine: Engine) -> Iterator[Session]:
    """One transaction of ``sessions``: committed at the end, rolled back on an error; a
    database error becomes one :class:`StoreError` line naming the database (password hidden).
    """
    try:
        with sessions.begin() as session:
            yield session
    except SQLAlchemyError as exc:
        raise StoreError(f"database {safe_url(str(engine.url))}: {first_line(exc)}") from None


def make_engine(url: str) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created, and SQLite connections get
    ``PRAGMA foreign_keys=ON``, the write-ahead log, a busy timeout and ``BEGIN IMMEDIATE`` for
    connections marked with :data:`WRITE_OPTION`."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise StoreError(f"not a database URL: {safe_url(url)} ({exc})") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the database folder {folder}: {exc.strerror}"
            ) from None
    try:
        engine = create_engine(parsed)
    except Exception as exc:  # missing driver, bad options
        raise StoreError(f"cannot use the database {safe_url(url)}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def is_sqlite(engine: Engine) -> bool:
    """Whether ``engine`` is an embedded SQLite database."""
    return engine.dialect.name == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Python's sqlite3 opens transactions only before INSERT/UPDATE/DELETE; let SQLAlchemy issue
    # BEGIN itself so that migrations (DDL) and every change are all-or-nothing.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    writes = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest migration shipped with this kinesense."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    """Every migration shipped with this kinesense."""
    return {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_state(engine: Engine) -> tuple[SchemaState, str | None]:
    """Where the database stands, and its revision (:class:`StoreError` if unreadable)."""
    try:
        revision = current_revision(engine)
    except SQLAlchemyError as exc:
        raise StoreError(
            f"cannot open the database {safe_url(engine.url.render_as_string())}: {first_line(exc)}"
        ) from None
    if revision is None:
        return SchemaState.EMPTY, None
    if revision == head_revision():
        return SchemaState.CURRENT, revision
    if revision in known_revisions():
        return SchemaState.BEHIND, revision
    return SchemaState.NEWER, revision


def migration_sql(url: str, revision: str = "head") -> str:
    """The SQL that would migrate an empty database at ``url`` to ``revision``, without
    connecting to it (Alembic's offline mode), for example to review it for PostgreSQL."""
    buffer = io.StringIO()
    config = Config(output_buffer=buffer)
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, revision, sql=True)
    return buffer.getvalue()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the database forward to ``revision``, all migrations in one transaction.

    On SQLite the transaction holds the write lock from its start, so processes opening a new
    database at the same moment migrate it once, one after the other."""
    config = _config()
    with engine.connect() as connection:
        connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin():
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
