"""Run a golden case in a fresh folder and database, and normalise its output for comparison."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.golden.cases import Case

# Values that change from run to run on the same input: timings and the moment of the run.
VOLATILE_KEYS = frozenset(
    {"processing_fps", "processing_s", "elapsed_s", "wall_time_s", "saved_at"}
)
ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)?$")
ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
TIME_IN_TEXT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)?")
CALENDAR_DAYS = frozenset({"week_start", "until", "date", "since", "due"})


def expand(argument: str, data: Path, tmp: Path) -> str:
    """``argument`` with ``{data}`` and ``{tmp}`` replaced."""
    return argument.replace("{data}", str(data)).replace("{tmp}", str(tmp))


def run_command(argv: tuple[str, ...], data: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    """One ``kinesense`` command line, in ``tmp`` with a database of its own."""
    env = dict(os.environ)
    env.pop("KINESENSE_EXERCISES", None)
    env |= {
        "KINESENSE_DATABASE_URL": f"sqlite:///{tmp / 'kinesense.db'}",
        "XDG_DATA_HOME": str(tmp / "xdg"),
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-m", "kinesense.cli", *(expand(a, data, tmp) for a in argv)],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=600,
        check=False,
    )


def run_case(case: Case, data: Path, tmp: Path) -> dict[str, Any]:
    """Run the setup lines (each must succeed), then the command; its exit code, its JSON output
    (or ``None``) and its last line on stderr when it failed."""
    for argv in case.setup:
        done = run_command(argv, data, tmp)
        if done.returncode != 0:
            raise RuntimeError(f"{case.name}: setup {argv} failed: {done.stderr.strip()}")
    done = run_command(case.command, data, tmp)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    output = json.loads(lines[-1]) if lines else None
    error = done.stderr.strip().splitlines()[-1] if done.returncode and done.stderr.strip() else ""
    return normalise({"exit_code": done.returncode, "output": output, "error": error}, data, tmp)


def normalise(value: Any, data: Path, tmp: Path, key: str = "") -> Any:
    """``value`` with paths made placeholders, and times and timings made constant."""
    if isinstance(value, dict):
        return {
            k: ("<volatile>" if k in VOLATILE_KEYS else normalise(v, data, tmp, k))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [normalise(v, data, tmp, key) for v in value]
    if isinstance(value, str):
        if ISO_TIME.match(value) or (ISO_DATE.match(value) and key not in CALENDAR_DAYS):
            return "<time>"
        if ISO_DATE.match(value):
            return "<date>"
        text = TIME_IN_TEXT.sub("<time>", value).replace(str(tmp), "{tmp}")
        text = text.replace(str(data.resolve()), "{data}")
        return text.replace(str(data), "{data}")
    return value
