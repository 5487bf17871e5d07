"""The :class:`Store`: a person's history in any SQLAlchemy database, one transaction per user
action.

``with store.transaction() as unit: ...`` runs the block in one transaction: every change in it
is committed together when the block ends, or none of them if it raises, so an action that
reports a failure has saved nothing. Writers queue (see :mod:`kinesense.store.engine`);
``store.transaction(write=False)`` reads without taking the write lock.

Opening a store checks the schema's revision. The embedded SQLite default is migrated forward
automatically; a server database (PostgreSQL) that is behind is refused with one line naming
``kinesense db upgrade``, so that a clinic's administrator chooses when it changes. A database
written by a newer kinesense is refused, whatever its kind.
"""

import contextlib
import sqlite3
from collections.abc import Iterator
from types import TracebackType
from typing import Self

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from kinesense.store.engine import (
    WRITE_OPTION,
    SchemaState,
    StoreError,
    first_line,
    head_revision,
    is_sqlite,
    make_engine,
    migrate,
    safe_url,
    schema_state,
)
from kinesense.store.unit import Unit

BEGIN_ATTEMPTS = 3
"""How many times a SQLite writer tries to take the write lock, each waiting up to the busy
timeout, before it gives up with a one-line error."""


def _locked(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", None) or exc).lower()
    return "locked" in text or "busy" in text


class Store:
    """The history of people, their screenings, assessments, plans, sessions, check-ins and
    overrides (see the module docstring).

    ``url`` defaults to the database of the settings in force
    (:class:`kinesense.settings.Settings`). ``migrate`` forces (True) or forbids (False)
    migrating a database that is empty or behind; by default only SQLite is migrated. Use it as
    a context manager, or call :meth:`close`.
    """

    def __init__(self, url: str | None = None, *, migrate: bool | None = None) -> None:
        if url is None:
            from kinesense.settings import load_settings

            url = load_settings().database
        self.url = url
        self._engine = make_engine(url)
        try:
            self._check_schema(migrate)
        except BaseException:
            self._engine.dispose()
            raise

    def _check_schema(self, auto: bool | None) -> None:
        state, revision = schema_state(self._engine)
        where = safe_url(self.url)
        if state is SchemaState.NEWER:
            raise StoreError(
                f"the database {where} was written by a newer kinesense (schema {revision}; this "
                f"kinesense knows up to {head_revision()}): use a newer kinesense"
            )
        if state is SchemaState.CURRENT:
            return
        if not (is_sqlite(self._engine) if auto is None else auto):
            raise StoreError(
                f"the database {where} is at schema {revision or 'none (empty)'} and this "
                f"kinesense needs {head_revision()}: run kinesense db upgrade"
            )
        try:
            migrate(self._engine)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the database {where}: {first_line(exc)}") from None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    def _begin(self, connection: Connection) -> None:
        for attempt in range(1, BEGIN_ATTEMPTS + 1):
            try:
                connection.begin()
                return
            except (OperationalError, sqlite3.OperationalError) as exc:
                if not _locked(exc) or attempt == BEGIN_ATTEMPTS:
                    raise
                with contextlib.suppress(SQLAlchemyError):
                    connection.rollback()

    @contextlib.contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Unit]:
        """One unit of work in one transaction: committed when the block ends, rolled back
        (nothing saved) when it raises. ``write=False`` for a block that only reads."""
        try:
            with self._engine.connect() as connection:
                if write:
                    connection.execution_options(**{WRITE_OPTION: True})
                self._begin(connection)
                with Session(bind=connection, expire_on_commit=False) as session:
                    try:
                        yield Unit(session)
                        session.flush()
                    except BaseException:
                        connection.rollback()
                        raise
                connection.commit()
        except (SQLAlchemyError, sqlite3.OperationalError) as exc:
            if _locked(exc):
                raise StoreError(
                    f"the database {safe_url(self.url)} stayed busy: another kinesense kept it "
                    "locked; try again"
                ) from None
            raise StoreError(f"database {safe_url(self.url)}: {first_line(exc)}") from None
