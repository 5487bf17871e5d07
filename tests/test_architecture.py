"""Layering rules from DESIGN.md: science layers import no web, database or CLI; no heavy
imports on ``import kinesense``."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "kinesense"
SCIENCE = ["series", "capture", "signal", "assess", "exercises", "coach", "program", "landmarks.py"]
EDGES = ("kinesense.web", "kinesense.store", "kinesense.cli", "kinesense.commands")
FORBIDDEN = (*EDGES, "kinesense.report", "fastapi", "sqlalchemy", "typer", "uvicorn")
REPORT_FORBIDDEN = (*EDGES, "fastapi", "typer", "uvicorn")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", SCIENCE)
def test_science_layers_do_not_import_the_edges(layer: str) -> None:
    root = PACKAGE / layer
    files = [root] if root.suffix == ".py" else sorted(root.rglob("*.py"))
    for path in files:
        bad = {name for name in _imports(path) if name.startswith(FORBIDDEN)}
        assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


def test_reports_do_not_import_the_command_line_or_the_web() -> None:
    root = PACKAGE / "report"
    for path in sorted(root.rglob("*.py")):
        bad = {name for name in _imports(path) if name.startswith(REPORT_FORBIDDEN)}
        assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


def test_importing_the_package_loads_no_heavy_library() -> None:
    code = (
        "import sys, kinesense, kinesense.series, kinesense.landmarks;"
        "heavy = ('cv2', 'mediapipe', 'scipy', 'ezc3d', 'typer');"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
