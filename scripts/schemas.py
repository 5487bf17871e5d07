"""Write the JSON Schemas kinesense publishes to docs/schemas/NAME.json (from the models).

    .venv/bin/python scripts/schemas.py          write every published schema
    .venv/bin/python scripts/schemas.py --check  exit 1 if a file is missing or out of date

tests/test_schemas.py runs the check, so a model change without the regenerated files fails.
"""

import json
import sys
from pathlib import Path

from kinesense.schemas import published

FOLDER = Path(__file__).resolve().parents[1] / "docs" / "schemas"


def rendered() -> dict[str, str]:
    """File name -> content of every published schema."""
    return {
        f"{name}.json": json.dumps(found, indent=2, sort_keys=True) + "\n"
        for name, found in published().items()
    }


def stale() -> list[str]:
    """Files missing, out of date, or no longer published."""
    wanted = rendered()
    present = {p.name for p in FOLDER.glob("*.json")} if FOLDER.is_dir() else set()
    problems = [
        name
        for name, text in wanted.items()
        if not (FOLDER / name).is_file() or (FOLDER / name).read_text() != text
    ]
    return problems + sorted(present - set(wanted))


def main(argv: list[str]) -> int:
    if "--check" in argv:
        problems = stale()
        for name in problems:
            print(f"docs/schemas/{name} is out of date: run python scripts/schemas.py")
        return 1 if problems else 0
    FOLDER.mkdir(parents=True, exist_ok=True)
    wanted = rendered()
    for name, text in wanted.items():
        (FOLDER / name).write_text(text)
    for old in FOLDER.glob("*.json"):
        if old.name not in wanted:
            old.unlink()
    print(f"wrote {len(wanted)} schema(s) to {FOLDER}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
