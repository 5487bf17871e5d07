"""Record the golden outputs: ``python -m tests.golden.record [NAME ...]`` (all cases by default).

Run only on purpose: the golden files are the reference that refactorings are checked against.
"""

import json
import sys
import tempfile
from pathlib import Path

from tests.conftest import SHARED_DATA
from tests.golden.cases import CASES
from tests.golden.run import run_case

EXPECTED = Path(__file__).resolve().parent / "expected"


def main(names: list[str]) -> None:
    """Record the named cases (or all)."""
    EXPECTED.mkdir(exist_ok=True)
    for case in CASES:
        if names and case.name not in names:
            continue
        with tempfile.TemporaryDirectory() as folder:
            result = run_case(case, SHARED_DATA, Path(folder))
        target = EXPECTED / f"{case.name}.json"
        target.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
        print(f"{case.name}: exit {result['exit_code']} {result['error']}")


if __name__ == "__main__":
    main(sys.argv[1:])
