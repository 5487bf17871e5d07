"""Joint position error against its references (cervical cut-off, lumbar reference) and trunk
range of motion without one: verdicts at the boundaries and the reasons when there is none."""

import pytest

from kinesense.assess.mobility_norms import trunk_rom_norm
from kinesense.assess.mobility_video import assess_trunk_rom
from kinesense.assess.repositioning_norms import repositioning_norm
from tests.assess.test_mobility import bend_profile, profile_duration, side_view_series, time_axis

NECK = {"joint": "neck", "axis": "rotation", "task": "neutral", "eyes": "closed"}
TRUNK = {"joint": "trunk", "axis": "flexion", "task": "target", "eyes": "closed"}


@pytest.mark.parametrize(
    ("ae", "verdict", "band"),
    [(4.5, "within", "within the cut-off"), (4.5001, "above", "above the cut-off"),
     (0.0, "within", "within the cut-off")],
)  # fmt: skip
def test_the_cervical_cut_off_at_its_edge(ae: float, verdict: str, band: str) -> None:
    norm, comparisons, notes = repositioning_norm("neck", ae, NECK, 6)
    assert norm.compared
    assert norm.kind == "cut-off"
    assert norm.metrics[0].band == band
    assert norm.metrics[0].reference == {"cut_off": 4.5}
    assert comparisons[0].verdict == verdict
    assert comparisons[0].high == 4.5
    assert "Revel" in norm.source
    assert "not a diagnosis" in norm.text
    assert any("Dugailly" in note for note in notes)


@pytest.mark.parametrize(
    ("change", "trials", "reason"),
    [
        ({"task": "target"}, 6, "task: back to a target here; the reference: back to the"),
        ({"axis": "lateral"}, 6, "movement: side bending here; the reference: rotation or"),
        ({}, 5, "trials: 5 here; the reference: at least 6 trials"),
        ({"eyes": "open"}, 6, "eyes: open here; the reference: closed"),
    ],
)
def test_the_cervical_cut_off_needs_its_protocol(change: dict, trials: int, reason: str) -> None:
    norm, comparisons, _ = repositioning_norm("neck", 8.0, NECK | change, trials)
    assert not norm.compared
    assert comparisons == ()
    assert any(r.startswith(reason) for r in norm.reasons), norm.reasons
    for axis in ("rotation", "flexion"):
        assert repositioning_norm("neck", 8.0, NECK | {"axis": axis}, 6)[0].compared
    assert repositioning_norm("neck", 8.0, NECK, 7)[0].compared  # more than 6 trials is fine


@pytest.mark.parametrize(
    ("ae", "where"),
    [(1.99, "smaller than"), (2.0, "within"), (3.0, "within"), (3.01, "larger than")],
)
def test_the_lumbar_reference_is_a_reference_not_a_verdict(ae: float, where: str) -> None:
    norm, comparisons, notes = repositioning_norm("trunk", ae, TRUNK, 6)
    assert norm.compared
    assert norm.kind == "reference"
    assert comparisons == ()  # never a verdict the planner would read
    assert norm.metrics[0].band == f"{where} the reference"
    assert norm.text.startswith("For reference only")
    assert "This is not a cut-off" in norm.text
    assert "Lee AS" in norm.source
    assert any("1.9 +/- 1.2 deg" in note for note in notes)


def test_the_lumbar_reference_belongs_to_the_target_task() -> None:
    norm, _, _ = repositioning_norm("trunk", 4.0, TRUNK | {"task": "neutral"}, 6)
    assert not norm.compared
    assert norm.reasons == (
        "task: back to neutral here; the reference: reproducing a target position (the "
        "reference errors are those of reproducing a target)",
    )


@pytest.mark.parametrize("movement", ["flexion", "extension", "lateral", "rotation"])
def test_trunk_range_of_motion_says_why_it_is_not_compared(movement: str) -> None:
    norm = trunk_rom_norm(movement)
    assert not norm.compared
    assert norm.kind == "none"
    (reason,) = norm.reasons
    assert "no published range-of-motion table measured with a comparable device" in reason
    assert "follow your own ranges over time" in reason


def test_a_usable_mobility_result_carries_the_reason() -> None:
    t = time_axis(profile_duration(3))
    result = assess_trunk_rom(side_view_series(t, bend_profile(t, [60.0, 50.0, 60.0])), "flexion")
    assert result.usable
    assert result.norm == trunk_rom_norm("flexion")
    assert result.norms == ()
    assert result.to_json()["norm"]["reasons"] == list(result.norm.reasons)
