"""The database behind every other service: opening it, and its schema (status, upgrade).

Front ends get a :class:`~kinesense.store.Store` from :func:`open_store` and pass it to the other
services; they never import the store themselves.
"""

from dataclasses import asdict, dataclass

from kinesense.settings import Settings, hide_password, load_settings
from kinesense.store import Store
from kinesense.store.engine import head_revision, make_engine, migrate, schema_state


def open_store(settings: Settings | None = None) -> Store:
    """The store of the settings in force (an embedded SQLite database is migrated forward; a
    server database that is behind is refused with one line naming ``kinesense db upgrade``)."""
    return Store((settings or load_settings()).database)


@dataclass(frozen=True)
class DatabaseStatus:
    """Where a database's schema stands: ``state`` is ``empty``, ``behind``, ``current`` or
    ``newer`` (written by a newer kinesense); ``url`` has its password hidden."""

    url: str
    dialect: str
    revision: str | None
    head: str
    state: str

    def to_json(self) -> dict[str, str | None]:
        """JSON form: the fields in the order above."""
        return asdict(self)


def database_status(settings: Settings | None = None) -> DatabaseStatus:
    """The schema revision of the database in force, against this kinesense's newest."""
    url = (settings or load_settings()).database
    engine = make_engine(url)
    try:
        state, revision = schema_state(engine)
        return DatabaseStatus(
            url=hide_password(url),
            dialect=engine.dialect.name,
            revision=revision,
            head=head_revision(),
            state=state.value,
        )
    finally:
        engine.dispose()


def upgrade_database(settings: Settings | None = None) -> tuple[DatabaseStatus, DatabaseStatus]:
    """Migrate the database in force to this kinesense's newest schema; (before, after).

    A database written by a newer kinesense is refused (it is never downgraded)."""
    before = database_status(settings)
    if before.state == "newer":
        from kinesense.store import StoreError

        raise StoreError(
            f"the database {before.url} was written by a newer kinesense (schema "
            f"{before.revision}; this kinesense knows up to {before.head}): use a newer kinesense"
        )
    if before.state != "current":
        engine = make_engine((settings or load_settings()).database)
        try:
            migrate(engine)
        finally:
            engine.dispose()
    return before, database_status(settings)
