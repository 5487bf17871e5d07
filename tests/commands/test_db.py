"""``kinesense db status`` and ``kinesense db upgrade``; a server database behind is refused."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from kinesense.store.engine import head_revision, make_engine


def run(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"KINESENSE_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "kinesense.cli", *args], env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip


def test_status_and_upgrade_of_a_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    status = json.loads(run("db", "status", "--json", url=url).stdout)
    assert (status["state"], status["revision"], status["dialect"]) == ("empty", None, "sqlite")
    upgraded = run("db", "upgrade", url=url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert upgraded.stdout.startswith(f"upgraded from schema none to {head_revision()}")
    again = run("db", "upgrade", url=url)
    assert again.stdout.startswith("nothing to do")
    assert json.loads(run("db", "status", "--json", url=url).stdout)["state"] == "current"


def test_a_database_from_a_newer_kinesense_is_one_line(tmp_path: Path) -> None:
    """Issue 9: a database from a newer kinesense gave a traceback."""
    url = f"sqlite:///{tmp_path / 'k.db'}"
    assert run("person", "add", "Ann", url=url).returncode == 0
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0042'"))
    engine.dispose()
    for args in (("person", "list"), ("db", "upgrade")):
        done = run(*args, url=url)
        assert done.returncode == 2
        lines = [line for line in done.stderr.splitlines() if line]
        assert len(lines) == 1
        assert "written by a newer kinesense (schema 0042" in lines[0]
        assert "Traceback" not in done.stderr


POSTGRES_URL = os.environ.get("KINESENSE_TEST_POSTGRES_URL", "").strip()


@pytest.mark.skipif(not POSTGRES_URL, reason="KINESENSE_TEST_POSTGRES_URL is not set")
def test_a_server_database_is_upgraded_only_when_asked() -> None:
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    refused = run("person", "list", url=POSTGRES_URL)
    assert refused.returncode == 2
    assert refused.stderr.strip().endswith("run kinesense db upgrade")
    assert json.loads(run("db", "status", "--json", url=POSTGRES_URL).stdout)["state"] == "empty"
    assert run("db", "upgrade", url=POSTGRES_URL).returncode == 0
    assert run("person", "list", url=POSTGRES_URL).returncode == 0
