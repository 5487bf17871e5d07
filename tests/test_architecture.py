"""The layers of DESIGN.md, checked on every module's imports (the whole module, functions and
``TYPE_CHECKING`` blocks included), and no heavy import on ``import kinesense``.

* The science layers (series, capture, signal, assess, exercises, coach, program, landmarks)
  never import the edges: services, store, report, web, the command line, settings.
* The store and the reports import no command line, web or services.
* The services import no command line, Typer, Click, Rich or web.
* Commands call services: a command module imports, from kinesense, only the modules of
  :data:`COMMANDS_MAY_IMPORT` - the services, the command line's own helpers, the error
  vocabulary, terminal-safe text, the settings and the schema catalogue, and typed result
  models for printing - never a science or store module directly.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "kinesense"
SCIENCE = [
    "series",
    "capture",
    "signal",
    "assess",
    "exercises",
    "coach",
    "program",
    "lessons",
    "landmarks.py",
]
EDGES = (
    "kinesense.web",
    "kinesense.store",
    "kinesense.services",
    "kinesense.cli",
    "kinesense.commands",
    "kinesense.cli_support",
    "kinesense.progress",
    "kinesense.settings",
)
SCIENCE_FORBIDDEN = (*EDGES, "kinesense.report", "fastapi", "sqlalchemy", "alembic", "typer",
                     "click", "uvicorn")  # fmt: skip
FRONT_ENDS = ("kinesense.web", "kinesense.cli", "kinesense.commands", "kinesense.cli_support",
              "kinesense.progress", "fastapi", "typer", "click", "uvicorn")  # fmt: skip
STORE_AND_REPORT_FORBIDDEN = (*FRONT_ENDS, "kinesense.services")
SERVICES_FORBIDDEN = (*FRONT_ENDS, "rich")

COMMANDS_MAY_IMPORT = frozenset(
    {
        "kinesense.services",
        "kinesense.commands",
        "kinesense.cli",
        "kinesense.cli_support",
        "kinesense.progress",
        "kinesense.errors",
        "kinesense.text",
        "kinesense.json_values",
        "kinesense.settings",
        "kinesense.schemas",
        # typed result models, for printing
        "kinesense.assess.result",
        # `kinesense serve` starts the other front end, the web app
        "kinesense.web.serving",
    }
)
"""What a command module may import from kinesense (a module or a package and its modules);
besides, ``from kinesense import __version__``."""
VERSION_IMPORT = frozenset({"kinesense", "kinesense.__version__"})

PENDING: dict[str, frozenset[str]] = {}
"""Command modules of another branch not yet thin, and the layers they still import (none: the
assess commands call the services since the assessment branch)."""


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports (absolute names; ``from x import y`` gives x and x.y)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def modules(*parts: str) -> list[Path]:
    found: list[Path] = []
    for part in parts:
        root = PACKAGE / part
        found += [root] if root.suffix == ".py" else sorted(root.rglob("*.py"))
    return found


def under(name: str, prefixes: tuple[str, ...] | frozenset[str]) -> bool:
    """Whether module ``name`` is one of ``prefixes`` or inside one of them."""
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def violations(path: Path, forbidden: tuple[str, ...]) -> set[str]:
    return {name for name in imports(path) if under(name, forbidden)}


@pytest.mark.parametrize("layer", SCIENCE)
def test_science_layers_do_not_import_the_edges(layer: str) -> None:
    for path in modules(layer):
        bad = violations(path, SCIENCE_FORBIDDEN)
        assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


@pytest.mark.parametrize("layer", ["store", "report"])
def test_store_and_reports_do_not_import_front_ends_or_services(layer: str) -> None:
    for path in modules(layer):
        bad = violations(path, STORE_AND_REPORT_FORBIDDEN)
        assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


def test_services_import_no_command_line_or_web() -> None:
    paths = modules("services")
    assert len(paths) > 5
    for path in paths:
        bad = violations(path, SERVICES_FORBIDDEN)
        assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


def command_modules() -> list[Path]:
    return [PACKAGE / "cli.py", *modules("commands")]


def layer_of(name: str) -> str:
    """``kinesense.assess.sway`` -> ``kinesense.assess``."""
    return ".".join(name.split(".")[:2])


def forbidden_in_commands(path: Path) -> set[str]:
    """The kinesense modules ``path`` imports that a command module may not."""
    ours = {n for n in imports(path) if n == "kinesense" or n.startswith("kinesense.")}
    return {n for n in ours - VERSION_IMPORT if not under(n, COMMANDS_MAY_IMPORT)}


def test_commands_call_services() -> None:
    for path in command_modules():
        relative = str(path.relative_to(PACKAGE))
        bad = forbidden_in_commands(path)
        pending = PENDING.get(relative, frozenset())
        unexpected = {n for n in bad if layer_of(n) not in pending}
        assert not unexpected, (
            f"{relative} imports {sorted(unexpected)} directly: call a service instead"
        )


def test_the_rule_catches_a_command_that_reaches_into_the_store(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text(
        "from typing import TYPE_CHECKING\n"
        "from kinesense.services.people import add_person\n"
        "if TYPE_CHECKING:\n"
        "    from kinesense.store import Store\n"
        "def f():\n"
        "    from kinesense.program.planner import build_plan\n"
    )
    found = forbidden_in_commands(sneaky)
    assert {"kinesense.store", "kinesense.program.planner"} <= found
    assert not any(name.startswith("kinesense.services") for name in found)


def test_every_command_module_is_checked() -> None:
    names = {p.name for p in command_modules()}
    assert {"cli.py", "plan.py", "checkin.py", "coach.py", "screen.py", "person.py"} <= names


def test_importing_the_package_loads_no_heavy_library() -> None:
    code = (
        "import sys, kinesense, kinesense.series, kinesense.landmarks;"
        "heavy = ('cv2', 'mediapipe', 'scipy', 'ezc3d', 'typer', 'sqlalchemy');"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
