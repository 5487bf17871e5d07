"""Twenty check-ins of one person at the same moment, as separate processes (issue 9: 16 of 20
failed with "database is locked", and failed runs had saved part of their work).

Every run must exit 0, and the history must hold exactly twenty check-ins, twenty screenings
and a plan for each, on the embedded SQLite database and (under ``make test``) on PostgreSQL.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from kinesense.store import Store
from kinesense.store.engine import make_engine

RUNS = 20


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kinesense.cli", *args], env=env, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip


def concurrent_check_ins(url: str) -> None:
    env = os.environ | {"KINESENSE_DATABASE_URL": url}
    assert run(["person", "add", "Ann"], env).returncode == 0
    assert run(["screen", "--person", "Ann", "--none"], env).returncode == 0
    assert run(["plan", "Ann"], env).returncode == 0
    argv = [sys.executable, "-m", "kinesense.cli", "checkin", "Ann", "--none", "--pain-now",
            "3", "--pain-week", "4", "--json"]  # fmt: skip
    runs = [
        subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(RUNS)
    ]
    results = [(run.wait(timeout=600), *run.communicate()) for run in runs]
    failures = [err for code, _, err in results if code != 0]
    assert not failures, failures[:3]
    outputs = [json.loads(out) for _, out, _ in results]
    assert all(o["screening"]["decision"] == "proceed" for o in outputs)
    with Store(url) as store, store.transaction(write=False) as unit:
        history = unit.history(unit.person("Ann").id)
    kinds = [e.kind for e in history]
    assert kinds.count("checkin") == RUNS
    assert kinds.count("screening") == RUNS + 1
    assert kinds.count("plan") == RUNS + 1  # each check-in reviewed the plan and saved it
    # each check-in saw every one before it: the pain change is measured from the first
    changes = [o["pain_change"] for o in outputs]
    assert sum(change is None for change in changes) == 1


def test_twenty_concurrent_check_ins_on_sqlite(tmp_path: Path) -> None:
    concurrent_check_ins(f"sqlite:///{tmp_path / 'busy.db'}")


POSTGRES_URL = os.environ.get("KINESENSE_TEST_POSTGRES_URL", "").strip()


@pytest.mark.skipif(not POSTGRES_URL, reason="KINESENSE_TEST_POSTGRES_URL is not set")
def test_twenty_concurrent_check_ins_on_postgresql() -> None:
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    Store(POSTGRES_URL, migrate=True).close()  # kinesense db upgrade
    concurrent_check_ins(POSTGRES_URL)
