"""Where the database lives: the settings' database URL (``KINESENSE_DATABASE_URL``), else a
SQLite file in the user's data folder (see :mod:`kinesense.settings`)."""

from pathlib import Path

from kinesense.settings import DATABASE_FILE_NAME, load_settings

ENV_VAR = "KINESENSE_DATABASE_URL"
FILE_NAME = DATABASE_FILE_NAME


def user_data_dir() -> Path:
    """The folder for kinesense's data in force (``KINESENSE_DATA_DIR``, else the platform's
    usual folder: ``$XDG_DATA_HOME/kinesense`` or ``~/.local/share/kinesense`` on Linux)."""
    return load_settings().data_dir


def database_url() -> str:
    """The SQLAlchemy URL of the history: ``$KINESENSE_DATABASE_URL`` when set (for example
    ``postgresql+psycopg://user@host/kinesense``), else ``sqlite:///<data dir>/kinesense.db``."""
    return load_settings().database
