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


def _with_validated_movements(recorded: dict[str, Any]) -> dict[str, Any]:
    """The exercise list with the two exercises added for UI-PRMD's movements, in the list's
    order (category, level, id)."""
    added = [
        {
            "camera_view": "side",
            "category": "balance",
            "id": "inline_lunge",
            "level": 3,
            "mode": "reps",
            "name": "In-line lunge",
        },
        {
            "camera_view": "side",
            "category": "balance",
            "id": "standing_straight_leg_raise",
            "level": 2,
            "mode": "reps",
            "name": "Standing straight-leg raise",
        },
    ]
    rows = sorted(recorded["output"] + added, key=lambda e: (e["category"], e["level"], e["id"]))
    return {**recorded, "output": rows}


def _squat_trunk_rule(recorded: dict[str, Any]) -> dict[str, Any]:
    """The crouch at the end of the demo now leans beyond the squat's trunk threshold."""
    output = json.loads(json.dumps(recorded["output"]))
    cue = {
        "data": {"rule": "trunk_lean", "value": 43.674121870179064},
        "kind": "form_fault",
        "message": "Keep your chest up.",
        "time_s": 7.133333333333333,
    }
    output["events"].insert(2, cue)
    trunk = output["summary"]["faults"][0]
    assert trunk["rule"] == "trunk_lean"
    trunk["episodes"] = trunk["cues"] = 1
    return {**recorded, "output": output}


def _refused(message: str) -> Change:
    def change(recorded: dict[str, Any]) -> dict[str, Any]:
        return {"exit_code": 2, "output": None, "error": f"error: {message}"}

    return change


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
    "coach_list": (
        "validity branch: two exercises added for movements of UI-PRMD that the library lacked "
        "(inline_lunge, standing_straight_leg_raise)",
        _with_validated_movements,
    ),
    "coach_squat_demo": (
        "validity branch: the squat's trunk lean is measured on the side facing the camera "
        "(hip to shoulder; the mid-hip needs the far hip, hidden in a side view) and cued above "
        "43 degrees instead of 50 (UI-PRMD deep squats): the crouch at the end of the demo "
        "leans 44 degrees",
        _squat_trunk_rule,
    ),
    "screen_json_alone": (
        "issue 9: 'kinesense screen --json' with no answers decided 'proceed' without asking "
        "anything; answers must now be given (--yes ID, --none, or on the terminal), so it is "
        "refused with exit code 2 and nothing is decided",
        _refused(
            "with --json the safety questions are not asked: give every 'yes' as --yes ID (see "
            "kinesense screen --list), or --none when every answer is 'no', or answer the "
            "questions on the terminal"
        ),
    ),
}
# The cases 'checkin' and 'history' now pass --none to 'kinesense checkin' (cases.py): their
# recorded outputs are those of a check-in whose screening was all "no", which a check-in
# without answers used to assume (issue 9) and which --none now states; the outputs are equal.


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
