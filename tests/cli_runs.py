"""Running ``kinesense`` as a user does, in a process of its own, and what its errors must
look like: the helpers every command-line test shares."""

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

KINESENSE = (sys.executable, "-m", "kinesense.cli")
"""The command line, run with this Python."""


def database_env(url: str) -> dict[str, str]:
    """This process's environment with ``url`` as the database."""
    return os.environ | {"KINESENSE_DATABASE_URL": url}


def run_kinesense(
    *args: str,
    stdin: str = "",
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``kinesense ARGS`` in its own process; its exit code, stdout and stderr as text."""
    return subprocess.run(
        [*KINESENSE, *args], input=stdin, capture_output=True, text=True, timeout=timeout,
        env=None if env is None else dict(env), cwd=cwd, check=False,
    )  # fmt: skip


def assert_one_line_error(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    """The run ended as a user's error: exit code 2 and one line ``error: ...`` on stderr
    holding ``fragment``, no traceback."""
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr
