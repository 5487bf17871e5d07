"""Settings: where each value comes from, what is refused, and what is shown."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kinesense.errors import InvalidValueError
from kinesense.settings import MIN_SECRET_LENGTH, load_settings

SECRET = "s" * MIN_SECRET_LENGTH


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DATABASE_URL", "DATA_DIR", "EXERCISES", "HOST", "PORT", "SECRET", "CONFIG"):
        monkeypatch.delenv(f"KINESENSE_{name}", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.data_dir == tmp_path / "data" / "kinesense"
    assert settings.database == f"sqlite:///{tmp_path / 'data' / 'kinesense' / 'kinesense.db'}"
    assert (settings.host, settings.port, settings.secret_key, settings.exercises) == (
        "127.0.0.1", 8000, None, ()
    )  # fmt: skip


def test_the_environment_keeps_the_old_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KINESENSE_DATABASE_URL", "postgresql+psycopg://kin:pw@db/kinesense")
    monkeypatch.setenv("KINESENSE_EXERCISES", f"{tmp_path / 'a'}:{tmp_path / 'b'}")
    monkeypatch.setenv("KINESENSE_PORT", "9000")
    settings = load_settings()
    assert settings.database == "postgresql+psycopg://kin:pw@db/kinesense"
    assert settings.exercises == (tmp_path / "a", tmp_path / "b")
    assert settings.port == 9000


def test_a_config_file_and_what_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "config" / "kinesense" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('port = 8100\nhost = "0.0.0.0"\nsecret_key = "' + SECRET + '"\n')
    settings = load_settings()
    assert (settings.port, settings.host) == (8100, "0.0.0.0")
    assert settings.config_file == config
    monkeypatch.setenv("KINESENSE_PORT", "8200")  # the environment beats the file
    assert load_settings().port == 8200
    assert load_settings(port=8300).port == 8300  # arguments beat both


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PORT", "0", r"setting port \(KINESENSE_PORT\)"),
        ("PORT", "65536", "less than or equal to 65535"),
        ("PORT", "eighty", "valid integer"),
        ("SECRET_KEY", "changeme", "well-known placeholder"),
        ("SECRET_KEY", "short", f"at least {MIN_SECRET_LENGTH} characters"),
        ("HOST", "0.0.0.0", "opens the server to other machines: set KINESENSE_SECRET_KEY"),
        ("DATABASE_URL", "no url", "not a database URL"),
        ("DATABASE_URL", "mysql://u@h/db", "supports sqlite and postgresql; got mysql"),
    ],
)
def test_unsafe_values_are_refused(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(f"KINESENSE_{variable}", value)
    with pytest.raises(InvalidValueError, match=message) as info:
        load_settings()
    assert "\n" not in str(info.value)
    if variable == "SECRET_KEY":
        assert value not in str(info.value)


def test_bad_config_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KINESENSE_CONFIG", str(tmp_path / "absent.toml"))
    with pytest.raises(InvalidValueError, match=r"absent\.toml not found"):
        load_settings()
    broken = tmp_path / "broken.toml"
    broken.write_text("port = = 3")
    monkeypatch.setenv("KINESENSE_CONFIG", str(broken))
    with pytest.raises(InvalidValueError, match="not valid TOML"):
        load_settings()
    typo = tmp_path / "typo.toml"
    typo.write_text("prot = 3")
    monkeypatch.setenv("KINESENSE_CONFIG", str(typo))
    with pytest.raises(InvalidValueError, match="unknown setting"):
        load_settings()


def test_shown_settings_hide_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KINESENSE_DATABASE_URL", "postgresql+psycopg://kin:hunter2@db/kinesense")
    monkeypatch.setenv("KINESENSE_SECRET_KEY", SECRET)
    shown = load_settings().shown()
    assert shown["database_url"] == "postgresql+psycopg://kin:***@db/kinesense"
    assert shown["secret_key"] == "**********"
    assert "hunter2" not in json.dumps(shown)
    assert SECRET not in json.dumps(shown)


def test_info_settings_on_the_command_line(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "KINESENSE_DATABASE_URL": "postgresql+psycopg://kin:hunter2@db/kinesense",
    }
    done = subprocess.run(
        [sys.executable, "-m", "kinesense.cli", "info", "--settings", "--json"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["database_url"] == "postgresql+psycopg://kin:***@db/kinesense"
    assert "hunter2" not in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "kinesense.cli", "info", "--settings"],
        capture_output=True, text=True, env=env | {"KINESENSE_PORT": "0"}, timeout=120,
        check=False,
    )  # fmt: skip
    assert bad.returncode == 2
    assert [line for line in bad.stderr.splitlines() if line] == [
        "error: setting port (KINESENSE_PORT): Input should be greater than or equal to 1 (got '0')"
    ]


def test_an_empty_secret_key_is_no_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KINESENSE_SECRET_KEY", "  ")
    assert load_settings().secret_key is None
    monkeypatch.setenv("KINESENSE_HOST", "0.0.0.0")
    with pytest.raises(InvalidValueError, match="set KINESENSE_SECRET_KEY too"):
        load_settings()
