"""Settings from the environment, and the rule that keeps kinesense on this computer until an
administrator sets a secret key."""

from pathlib import Path

import pytest

from kinesense.errors import InvalidValueError
from kinesense.web.config import is_loopback, load_config


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("127.8.9.1", True), ("::1", True),
     ("[::1]", True), ("0.0.0.0", False), ("::", False), ("192.168.1.20", False),
     ("clinic.example.org", False), ("", False)],
)  # fmt: skip
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_loopback_needs_no_secret_and_makes_one_per_process(tmp_path: Path) -> None:
    env = {"KINESENSE_DATABASE_URL": f"sqlite:///{tmp_path}/k.db",
           "KINESENSE_DATA_DIR": str(tmp_path / "files")}  # fmt: skip
    first, second = load_config(environ=env), load_config(environ=env)
    assert first.secret_key != second.secret_key
    assert len(first.secret_key) >= 32
    assert (first.database_url, first.data_dir) == (
        f"sqlite:///{tmp_path}/k.db",
        tmp_path / "files",
    )
    assert (first.secure_cookies, first.base_url) == (False, "http://127.0.0.1:8000")
    assert first.max_upload_bytes == 500 * 1024 * 1024
    assert first.secret_key not in repr(first)


def test_beyond_loopback_a_secret_key_is_required() -> None:
    with pytest.raises(InvalidValueError, match="set KINESENSE_SECRET_KEY") as refused:
        load_config("0.0.0.0", 8000, environ={})
    assert "reachable from other computers" in str(refused.value)
    with pytest.raises(InvalidValueError, match="is 5 characters long; use at least 32"):
        load_config("0.0.0.0", 8000, environ={"KINESENSE_SECRET_KEY": "short"})
    config = load_config("0.0.0.0", 8443, environ={"KINESENSE_SECRET_KEY": "k" * 40})
    assert config.secret_key == "k" * 40
    assert config.secure_cookies
    assert config.base_url == "https://127.0.0.1:8443"


def test_numbers_in_the_environment_are_checked() -> None:
    config = load_config(environ={"KINESENSE_MAX_UPLOAD_MB": "20", "KINESENSE_JOB_WORKERS": "2"})
    assert (config.max_upload_bytes, config.job_workers) == (20 * 1024 * 1024, 2)
    for name, value in (("KINESENSE_MAX_UPLOAD_MB", "lots"), ("KINESENSE_JOB_WORKERS", "0")):
        with pytest.raises(InvalidValueError, match=f"{name} must be a whole number"):
            load_config(environ={name: value})
    with pytest.raises(InvalidValueError, match="--port must be between 1 and 65535"):
        load_config(port=70000, environ={})
