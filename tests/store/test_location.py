"""Where the history lives by default, and how a setting moves it."""

import sys
from pathlib import Path

import pytest

from kinesense.store import Store, database_url, user_data_dir


def test_the_setting_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KINESENSE_DATABASE_URL", "postgresql+psycopg://u@db/kinesense")
    assert database_url() == "postgresql+psycopg://u@db/kinesense"


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG folders are Linux/Unix")
def test_default_is_a_sqlite_file_in_the_xdg_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("KINESENSE_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert user_data_dir() == tmp_path / "data" / "kinesense"
    assert database_url() == f"sqlite:///{tmp_path / 'data' / 'kinesense' / 'kinesense.db'}"
    with Store() as store, store.transaction() as unit:  # the folder is created
        unit.add_person("Ann")
    assert (tmp_path / "data" / "kinesense" / "kinesense.db").is_file()


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG folders are Linux/Unix")
def test_without_xdg_the_home_share_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KINESENSE_DATABASE_URL", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert user_data_dir() == tmp_path / ".local" / "share" / "kinesense"
