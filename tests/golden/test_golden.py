"""Every command's ``--json`` output on the real recordings equals the output recorded before the
service core and the safety work (tests/golden/expected), except for:

* the fields those issues add to every assessment result (``parameters``, ``software_version``),
  removed before comparing;
* the differences listed in :data:`KNOWN_CHANGES`, each a bug fixed on purpose, with the reason.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import shared_file
from tests.golden.assess_changes import rounded_repositioning, sparc_without_dimension
from tests.golden.cases import CASES, Case
from tests.golden.run import run_case

EXPECTED = Path(__file__).resolve().parent / "expected"
NEW_FIELDS = frozenset({"parameters", "software_version"})

Change = Callable[[dict[str, Any]], dict[str, Any]]
# case name -> (why the output changed on purpose, the change applied to the recorded output)
KNOWN_CHANGES: dict[str, tuple[str, Change]] = {
    **{
        name: (
            "repositioning: IMU orientation maths now goes through scipy.spatial.transform."
            "Rotation (issue 8), which rounds differently in the last binary digits (about 1e-14 "
            "deg); the angle in plot_data is now rounded to 1e-4 deg as in the other tests' plot "
            "data, and the tilt axis in quality to 1e-6",
            rounded_repositioning,
        )
        for name in ("repositioning_imu_trunk", "repositioning_imu_neck")
    },
    "mobility_demo": (
        "mobility: SPARC has no dimension; its unit is now written '1', as for the other "
        "dimensionless metrics, instead of an empty string (the registry's conformance test "
        "requires a unit for every metric)",
        sparc_without_dimension,
    ),
}


def without_new_fields(value: Any) -> Any:
    """``value`` without the keys added by the service core, at any depth."""
    if isinstance(value, dict):
        return {k: without_new_fields(v) for k, v in value.items() if k not in NEW_FIELDS}
    if isinstance(value, list):
        return [without_new_fields(v) for v in value]
    return value


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_output_equals_the_recorded_output(case: Case, shared_data: Path, tmp_path: Path) -> None:
    for argument in (*case.command, *(a for line in case.setup for a in line)):
        if "{data}/" in argument:
            shared_file(shared_data, argument.split("{data}/", 1)[1])
    expected = json.loads((EXPECTED / f"{case.name}.json").read_text())
    if case.name in KNOWN_CHANGES:
        expected = KNOWN_CHANGES[case.name][1](expected)
    actual = without_new_fields(run_case(case, shared_data, tmp_path))
    assert actual == expected


def test_every_case_has_a_recording() -> None:
    recorded = {p.stem for p in EXPECTED.glob("*.json")}
    assert recorded == {c.name for c in CASES}
