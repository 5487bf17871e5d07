"""``kinesense serve``: a real process that prints its address and the first-run link, answers
with the security headers, refuses unsafe settings with one line, and stops on Ctrl+C."""

from pathlib import Path

import httpx
import pytest
from click.testing import Result
from typer.testing import CliRunner

from kinesense.cli import app
from kinesense.web.security import CONTENT_SECURITY_POLICY
from tests.web.live_server import LiveServer, free_port


def serve(*args: str, env: dict[str, str] | None = None) -> Result:
    """``kinesense serve ARGS`` in this process (for the refusals, which return at once)."""
    return CliRunner().invoke(app, ["serve", "--no-browser", *args], env=env)


def test_serve_prints_its_address_and_a_setup_link_that_works(tmp_path: Path) -> None:
    with LiveServer(tmp_path) as server:
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert server.setup_url.startswith(f"{server.url}/join/")
        health = httpx.get(f"{server.url}/api/v1/health")
        assert health.json() == {"status": "ok"}
        assert health.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        setup = httpx.get(server.setup_url)
        assert setup.status_code == 200
        assert "Set up kinesense" in setup.text
        assert httpx.get(f"{server.url}/static/css/site.css").status_code == 200
        assert (tmp_path / "kinesense.db").is_file()
    assert server.stop() == 0
    assert not any("Traceback" in line for line in server.lines)


def test_a_second_start_prints_a_new_setup_link_until_there_is_an_admin(tmp_path: Path) -> None:
    with LiveServer(tmp_path) as first:
        old_link = first.setup_url
    with LiveServer(tmp_path) as second:
        assert second.setup_url != old_link
        assert httpx.get(old_link.replace(first.url, second.url)).status_code == 404


def test_serving_beyond_loopback_needs_a_secret_key(tmp_path: Path) -> None:
    env = {"KINESENSE_DATABASE_URL": f"sqlite:///{tmp_path}/k.db", "KINESENSE_SECRET_KEY": ""}
    refused = serve("--host", "0.0.0.0", "--port", str(free_port()), env=env)
    assert refused.exit_code == 2
    lines = [line for line in refused.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("error: serving on 0.0.0.0 makes kinesense reachable")
    assert not (tmp_path / "k.db").exists()  # refused before anything was opened


def test_the_refusal_is_one_line_from_the_real_command(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = os.environ | {"KINESENSE_DATABASE_URL": f"sqlite:///{tmp_path}/k.db",
                        "KINESENSE_SECRET_KEY": ""}  # fmt: skip
    refused = subprocess.run(
        [sys.executable, "-m", "kinesense.cli", "serve", "--host", "0.0.0.0", "--no-browser"],
        capture_output=True, text=True, timeout=120, check=False, env=env,
    )  # fmt: skip
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1
    assert "Traceback" not in refused.stderr


def test_the_demo_is_refused_beyond_loopback(tmp_path: Path) -> None:
    env = {"KINESENSE_DATABASE_URL": f"sqlite:///{tmp_path}/k.db",
           "KINESENSE_SECRET_KEY": "k" * 40}  # fmt: skip
    refused = serve("--host", "0.0.0.0", "--demo", "--port", str(free_port()), env=env)
    assert refused.exit_code == 2
    assert "error: --demo works only on this computer" in refused.stderr


def test_a_port_in_use_is_a_one_line_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {"KINESENSE_DATABASE_URL": f"sqlite:///{tmp_path}/k.db"}
        refused = serve("--port", str(port), env=env)
    assert refused.exit_code == 2
    assert f"error: cannot listen on 127.0.0.1:{port}" in refused.stderr
    assert "Choose another port with --port" in refused.stderr


@pytest.mark.parametrize("flag", ["--help"])
def test_serve_is_a_command(flag: str) -> None:
    result = serve(flag)
    assert result.exit_code == 0
    assert "--demo" in result.stdout
    assert "--host" in result.stdout
