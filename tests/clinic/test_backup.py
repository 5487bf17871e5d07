"""The restore drill: back up, change, restore, and every table holds again exactly what it
held, on the embedded SQLite file and (under ``make test``) on PostgreSQL, through
``scripts/backup.sh`` and ``scripts/restore.sh`` as an administrator runs them; with a real
force-plate result in the history."""

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kinesense.jobs.analysis import AnalysisRequest, analyse
from kinesense.store import Store
from kinesense.store.engine import make_engine
from kinesense.store.models import Base
from tests.clinic.jobs_support import SWAY_FILE
from tests.conftest import shared_file
from tests.store.postgres import emptied_database, needs_postgres

ROOT = Path(__file__).resolve().parents[2]


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every kinesense table, in primary-key order."""
    engine = make_engine(url)
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            tables[table.name] = [tuple(row) for row in connection.execute(query)]
    engine.dispose()
    return tables


def script(name: str, url: str, file: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"KINESENSE_DATABASE_URL": url}
    return subprocess.run([str(ROOT / "scripts" / name), str(file)], env=env,
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip


def fill(url: str, recording: Path) -> None:
    result = analyse(recording, "cop-csv", AnalysisRequest(test="sway"), None)
    with Store(url, migrate=True) as store, store.transaction() as unit:
        ann = unit.add_person("Ann", birth_year=1970, notes="L4-L5")
        unit.save_assessment(ann.id, result)
        unit.add_person("Ben")


def change(url: str) -> None:
    with Store(url) as store, store.transaction() as unit:
        unit.add_person("Cy")
        ann = unit.person("Ann")
        unit.save_assessment(ann.id, unit.assessments(ann.id)[0])


def drill(url: str, tmp_path: Path, recording: Path) -> None:
    fill(url, recording)
    before = snapshot(url)
    assert len(before["records"]) == 1
    backup = tmp_path / "kinesense.backup"
    done = script("backup.sh", url, backup)
    assert done.returncode == 0, done.stderr
    assert backup.stat().st_size > 0
    change(url)
    assert snapshot(url) != before
    done = script("restore.sh", url, backup)
    assert done.returncode == 0, done.stderr
    assert snapshot(url) == before
    with Store(url) as store, store.transaction(write=False) as unit:  # usable as before
        assert [p.name for p in unit.people()] == ["Ann", "Ben"]


def test_restore_drill_on_sqlite(tmp_path: Path, shared_data: Path) -> None:
    drill(f"sqlite:///{tmp_path / 'k.db'}", tmp_path, shared_file(shared_data, SWAY_FILE))


@needs_postgres
def test_restore_drill_on_postgresql(tmp_path: Path, shared_data: Path) -> None:
    drill(emptied_database(), tmp_path, shared_file(shared_data, SWAY_FILE))


@pytest.mark.parametrize("content", [b"", b"not a database at all, only some text\n" * 100])
def test_restoring_something_else_is_a_one_line_error(tmp_path: Path, content: bytes) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    Store(url).close()
    before = snapshot(url)
    bogus = tmp_path / "bogus.backup"
    bogus.write_bytes(content)
    done = script("restore.sh", url, bogus)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert snapshot(url) == before


def test_a_backup_into_a_missing_folder_is_refused_before_work(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    Store(url).close()
    done = script("backup.sh", url, tmp_path / "nowhere" / "k.backup")
    assert done.returncode == 2
    assert "does not exist" in done.stderr
