"""The history of people and their programme: SQLAlchemy 2 models, Alembic migrations shipped in
the package, the :class:`Store` and its units of work.

A SQLite file in the user's data folder by default; any SQLAlchemy URL (PostgreSQL) through the
settings (``KINESENSE_DATABASE_URL``) or ``Store(url)``. This is an edge of kinesense: the science
layers never import it.
"""

from kinesense.store import (
    audit,  # noqa: F401  (the audit log and job ledger join Base.metadata)
    pairing_table,  # noqa: F401  (phone pairings join Base.metadata)
    web_tables,  # noqa: F401  (the web app's tables join Base.metadata)
)
from kinesense.store.engine import StoreError
from kinesense.store.location import database_url, user_data_dir
from kinesense.store.store import Store
from kinesense.store.unit import HistoryEntry, PersonNotFoundError, Unit

__all__ = [
    "HistoryEntry",
    "PersonNotFoundError",
    "Store",
    "StoreError",
    "Unit",
    "database_url",
    "user_data_dir",
]
