"""Where the database lives: ``KINESENSE_DATABASE_URL``, else a SQLite file in the user's data
folder."""

import os
import sys
from pathlib import Path

ENV_VAR = "KINESENSE_DATABASE_URL"
FILE_NAME = "kinesense.db"


def user_data_dir() -> Path:
    """The platform's usual folder for an application's data (not created here).

    Linux and other Unix: ``$XDG_DATA_HOME/kinesense`` or ``~/.local/share/kinesense``;
    macOS: ``~/Library/Application Support/kinesense``; Windows: ``%LOCALAPPDATA%\\kinesense``.
    """
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "kinesense"


def database_url() -> str:
    """The SQLAlchemy URL of the history: ``$KINESENSE_DATABASE_URL`` when set (for example
    ``postgresql+psycopg://user@host/kinesense``), else ``sqlite:///<user data dir>/kinesense.db``.
    """
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        return configured
    return f"sqlite:///{user_data_dir() / FILE_NAME}"
