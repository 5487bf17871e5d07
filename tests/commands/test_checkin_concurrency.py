"""Twenty check-ins of one person at the same moment, as separate processes (issue 9: 16 of 20
failed with "database is locked", and failed runs had saved part of their work).

Every run must exit 0, and the history must hold exactly twenty check-ins, twenty screenings
and a plan for each, on the embedded SQLite database and (under ``make test``) on PostgreSQL.
"""

import json
import subprocess
from pathlib import Path

from kinesense.store import Store
from tests.cli_runs import KINESENSE, database_env, run_kinesense
from tests.store.postgres import emptied_database, needs_postgres

RUNS = 20


def concurrent_check_ins(url: str) -> None:
    env = database_env(url)
    assert run_kinesense("person", "add", "Ann", env=env).returncode == 0
    assert run_kinesense("screen", "--person", "Ann", "--none", env=env).returncode == 0
    assert run_kinesense("plan", "Ann", env=env).returncode == 0
    argv = [*KINESENSE, "checkin", "Ann", "--none", "--pain-now", "3", "--pain-week", "4",
            "--json"]  # fmt: skip
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


@needs_postgres
def test_twenty_concurrent_check_ins_on_postgresql() -> None:
    url = emptied_database()
    Store(url, migrate=True).close()  # kinesense db upgrade
    concurrent_check_ins(url)
