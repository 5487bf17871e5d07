"""Backing up and restoring kinesense's database: ``scripts/backup.sh FILE`` and
``scripts/restore.sh FILE`` (``python -m kinesense.clinic.backup backup|restore FILE``), on the
database of the settings in force (``KINESENSE_DATABASE_URL``, else the embedded SQLite file).

* PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot taken while kinesense runs) and
  ``pg_restore --clean --if-exists --single-transaction`` (all or nothing). The password goes to
  the tools in ``PGPASSWORD``, never on a command line another user could read.
* SQLite: the online backup API (:meth:`sqlite3.Connection.backup`), page by page, consistent
  while the app writes; restoring copies the backup into the live file the same way, under
  SQLite's own locks.

Stop the web processes and workers before a restore: pages open during it would see the old
data, and jobs may write in between. The upload files (``KINESENSE_DATA_DIR``) are files: copy
them with the database (``rsync``, a file-system snapshot).
"""

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from kinesense.errors import InputFileError, InvalidValueError, KinesenseError, OutputFileError
from kinesense.outputs import check_output_path

TOOL_TIMEOUT_S = 3600


def libpq(url: URL) -> tuple[list[str], dict[str, str]]:
    """The connection options of ``pg_dump``/``pg_restore`` for ``url`` and the environment
    carrying its password."""
    options = ["--host", url.host or "localhost", "--port", str(url.port or 5432)]
    if url.username:
        options += ["--username", url.username]
    options += ["--dbname", str(url.database or "")]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return options, env


def _run(tool: str, arguments: list[str], env: dict[str, str]) -> None:
    program = shutil.which(tool)
    if program is None:
        raise InvalidValueError(f"{tool} is not installed (apt-get install postgresql-client)")
    done = subprocess.run([program, *arguments], env=env, capture_output=True, text=True,
                          timeout=TOOL_TIMEOUT_S, check=False)  # fmt: skip
    if done.returncode != 0:
        reason = " ".join(done.stderr.split())[:500] or f"exit status {done.returncode}"
        raise KinesenseError(f"{tool} failed: {reason}")


def sqlite_path(url: URL) -> Path:
    """The file of a SQLite URL (an in-memory database cannot be backed up)."""
    if not url.database or url.database == ":memory:":
        raise InvalidValueError("an in-memory SQLite database cannot be backed up")
    return Path(url.database).expanduser()


def backup(database_url: str, target: Path) -> Path:
    """Write a backup of the database at ``database_url`` to ``target`` (replaced if it
    exists); returns the path."""
    url = make_url(database_url)
    path = check_output_path(target, what="backup")
    if url.get_backend_name() == "postgresql":
        options, env = libpq(url)
        partial = path.with_name(path.name + ".partial")
        try:
            _run("pg_dump", [*options, "--format=custom", "--no-owner", "--file", str(partial)],
                 env)  # fmt: skip
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        return path
    source_file = sqlite_path(url)
    if not source_file.is_file():
        raise InputFileError(f"there is no database at {source_file}")
    partial = path.with_name(path.name + ".partial")
    try:
        with sqlite3.connect(source_file) as source, sqlite3.connect(partial) as copy:
            source.backup(copy)
        os.replace(partial, path)
    except sqlite3.Error as exc:
        raise OutputFileError(f"cannot back up {source_file} to {path}: {exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return path


def restore(database_url: str, source: Path) -> None:
    """Replace the database at ``database_url`` with the backup ``source`` (all or nothing)."""
    url = make_url(database_url)
    if not source.is_file():
        raise InputFileError(f"there is no backup at {source}")
    if url.get_backend_name() == "postgresql":
        options, env = libpq(url)
        _run("pg_restore", [*options, "--clean", "--if-exists", "--no-owner",
                            "--single-transaction", str(source)], env)  # fmt: skip
        return
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup_file:
            check_sqlite_backup(backup_file, source)
            with sqlite3.connect(sqlite_path(url)) as live:
                backup_file.backup(live)
    except sqlite3.DatabaseError as exc:
        raise InputFileError(f"{source} is not a kinesense SQLite backup: {exc}") from None


def check_sqlite_backup(connection: sqlite3.Connection, source: Path) -> None:
    """:class:`InputFileError` unless ``connection`` holds an intact kinesense database at a
    schema revision this kinesense knows (an empty file is a valid but empty SQLite database:
    restoring it would erase everything)."""
    from kinesense.store.engine import known_revisions

    if connection.execute("PRAGMA quick_check").fetchone() != ("ok",):
        raise InputFileError(f"{source} is damaged (SQLite quick_check failed)")
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        row = None
    if row is None or row[0] not in known_revisions():
        raise InputFileError(f"{source} is not a kinesense database backup (no known schema)")


def main(argv: list[str] | None = None) -> int:
    """``backup FILE`` or ``restore FILE`` on the settings' database; 2 on a user's error."""
    parser = argparse.ArgumentParser(prog="kinesense-backup", description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=("backup", "restore"))
    parser.add_argument("file", type=Path)
    arguments = parser.parse_args(argv)
    from kinesense.settings import hide_password, load_settings

    try:
        database = load_settings().database
        if arguments.action == "backup":
            written = backup(database, arguments.file)
            print(f"backed up {hide_password(database)} to {written}", file=sys.stderr)
        else:
            restore(database, arguments.file)
            print(f"restored {hide_password(database)} from {arguments.file}", file=sys.stderr)
    except KinesenseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
