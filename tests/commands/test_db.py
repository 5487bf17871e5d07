"""``kinesense db status`` and ``kinesense db upgrade``; a server database behind is refused."""

import json
import subprocess
from pathlib import Path

from sqlalchemy import text

from kinesense.store.engine import head_revision, make_engine
from tests.cli_runs import database_env, run_kinesense
from tests.store.postgres import emptied_database, needs_postgres


def run(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    return run_kinesense(*args, env=database_env(url), timeout=120)


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


@needs_postgres
def test_a_server_database_is_upgraded_only_when_asked() -> None:
    url = emptied_database()
    refused = run("person", "list", url=url)
    assert refused.returncode == 2
    assert refused.stderr.strip().endswith("run kinesense db upgrade")
    assert json.loads(run("db", "status", "--json", url=url).stdout)["state"] == "empty"
    assert run("db", "upgrade", url=url).returncode == 0
    assert run("person", "list", url=url).returncode == 0
