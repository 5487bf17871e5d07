"""Every registered assessment through the same checks (conformance).

For each test of the registry: its declarations are complete and consistent; a usable result
gives every metric a unit, a definition and a reference, records the parameters and the
software version, and survives a JSON round trip exactly; unusable input (too short, nobody in
view, a camera view the test does not work in) is refused with reasons, never measured. A test
added to the registry without an example here fails :func:`test_every_registered_test_is_checked`.

The recordings are real where the data holds a usable one (force plate, the Pose2Sim 3-D
keypoints filmed by a virtual camera); the synthetic figures of the module tests stand in for
movements the real data does not contain (trunk bends, repositioning holds).
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import numpy as np
import pytest

import kinesense
from kinesense.assess.balance_tests import Conditions
from kinesense.assess.catalogue_balance import (
    CtsibInputs,
    RombergInputs,
    StanceInputs,
    SwayInputs,
)
from kinesense.assess.catalogue_movement import (
    ForwardBendInputs,
    MobilityInputs,
    PostureInputs,
    RepositioningInputs,
)
from kinesense.assess.registry import (
    assessment_names,
    assessment_of,
    current_result_name,
    family_of,
    get_assessment,
    result_names,
    spec_for_result,
    title_of,
)
from kinesense.assess.result import AssessmentResult
from kinesense.assess.spec import BODY_POSITIONS, CAMERA_VIEWS, Family, Series, recordings_of
from kinesense.capture.readers import read_cop_csv, read_trc
from kinesense.capture.view import series_view
from kinesense.errors import NotFoundError
from kinesense.json_values import plain_json
from kinesense.series import PoseSeries
from tests.assess.test_mobility import bend_profile, profile_duration, side_view_series, time_axis
from tests.assess.test_repositioning import _trunk_imu
from tests.assess.virtual_camera import filmed
from tests.conftest import shared_file

Recordings = dict[str, Series]


@dataclass(frozen=True)
class Example:
    """How to check one test: its inputs from recordings, a usable set of recordings, and
    which kinds of unusable input apply (a photo has no minimum duration)."""

    build: Callable[[Mapping[str, Any]], Any]
    usable: Callable[[Path], Recordings]
    refusals: tuple[str, ...] = ("too short", "nobody in view", "wrong view")


def _cop(data: Path, name: str) -> Series:
    return read_cop_csv(shared_file(data, f"cop/{name}.csv.gz"))


def _trc(data: Path) -> PoseSeries:
    return read_trc(shared_file(data, "keypoints/pose2sim_balancing_3d.trc"))


def _bends(movement: str) -> Recordings:
    t = time_axis(profile_duration(2))
    trunk = bend_profile(t, [60.0, 60.0])
    thigh = 0.5 * trunk if movement in ("forward-bend", "waiters-bow") else None
    return {"pose": side_view_series(t, trunk, thigh_deg=thigh)}


EXAMPLES: dict[str, Example] = {
    "sway": Example(
        lambda r: SwayInputs(r["recording"], Conditions(eyes="open")),
        lambda data: {"recording": _cop(data, "eyesOpen_1")},
    ),
    "romberg": Example(
        lambda r: RombergInputs(r["eyes_open"], r["eyes_closed"]),
        lambda data: {
            "eyes_open": _cop(data, "eyesOpen_1"),
            "eyes_closed": _cop(data, "eyesClosed_1"),
        },
    ),
    "ctsib": Example(
        lambda r: CtsibInputs(r["eo_firm"], r["ec_firm"], r["eo_foam"], r["ec_foam"]),
        lambda data: {
            name: _cop(data, "eyesOpen_1" if name[:2] == "eo" else "eyesClosed_1")
            for name in ("eo_firm", "ec_firm", "eo_foam", "ec_foam")
        },
    ),
    "stance": Example(
        lambda r: StanceInputs(r["pose"], age=40),
        lambda data: {"pose": filmed(_trc(data), 0.0)},  # from the front
    ),
    "posture": Example(
        lambda r: PostureInputs(r["pose"]),
        lambda data: {"pose": filmed(_trc(data), 90.0)},  # from the left side
        refusals=("nobody in view", "wrong view"),
    ),
    "mobility": Example(
        lambda r: MobilityInputs("flexion", pose=r["pose"]),
        lambda data: _bends("flexion"),
    ),
    "forward-bend": Example(
        lambda r: ForwardBendInputs("forward-bend", pose=r["pose"]),
        lambda data: _bends("forward-bend"),
    ),
    "repositioning": Example(
        lambda r: RepositioningInputs(r["recording"], joint="trunk"),
        lambda data: {"recording": _trunk_imu()},
    ),
}

NAMES = assessment_names()


def test_every_registered_test_is_checked() -> None:
    assert set(EXAMPLES) == set(NAMES)


def test_lookups_of_the_registry() -> None:
    assert spec_for_result("mobility-waiters-bow") is get_assessment("forward-bend")
    assert spec_for_result("single-leg-stance") is get_assessment("stance")
    assert title_of("mobility-forward-bend") == "Mobility (range of motion): forward bend"
    assert family_of("mobility-flexion") == "mobility"
    assert family_of("romberg") == "sway"
    with pytest.raises(NotFoundError, match="sway, romberg"):
        get_assessment("nope")
    with pytest.raises(NotFoundError):
        spec_for_result("breathing_rate")
    assert title_of("breathing_rate") == "Breathing rate"
    assert family_of("breathing_rate") is None
    assert assessment_of("mobility-waiters-bow") == "forward-bend"
    assert assessment_of("single-leg-stance") == "stance"
    assert assessment_of("breathing_rate") is None
    assert current_result_name("single-leg-stance") == "stance"
    assert current_result_name("mobility-waiters-bow") == "mobility-waiters-bow"
    assert current_result_name("breathing_rate") == "breathing_rate"
    names = result_names()
    assert len(names) == len(set(names))
    assert {"sway", "stance", "mobility-flexion", "mobility-waiters-bow", "posture"} <= set(names)


@pytest.mark.parametrize("name", NAMES)
def test_declarations_are_complete(name: str) -> None:
    spec = get_assessment(name)
    assert spec.name == name
    assert spec.title.strip()
    assert spec.family in get_args(Family)
    assert spec.slots
    kinds = {"pose", "motion", "cop", "head"}
    assert all(slot.kinds and set(slot.kinds) <= kinds for slot in spec.slots)
    assert not all(slot.optional for slot in spec.slots) or len(spec.slots) > 1
    defaults = spec.parameters()
    assert spec.parameters.model_config.get("frozen") is True
    assert spec.parameters.model_json_schema()["properties"]
    with pytest.raises(ValueError, match="frozen"):
        setattr(defaults, next(iter(type(defaults).model_fields)), 1.0)
    assert spec.results
    for requirement in spec.results:
        assert requirement.title.strip()
        assert set(requirement.views) <= set(CAMERA_VIEWS)
        assert requirement.positions
        assert set(requirement.positions) <= set(BODY_POSITIONS)
        assert spec_for_result(requirement.result) is spec
        assert title_of(requirement.result) == requirement.title
        assert family_of(requirement.result) == spec.family
        for view in ("oblique", *CAMERA_VIEWS):
            problem = requirement.view_problem(view)
            assert (problem is None) == (view in requirement.views)
            assert problem is None or view in problem
        assert requirement.view_problem("unknown") is None


def _assert_contract(spec_name: str, result: AssessmentResult) -> None:
    """The checks every result passes, usable or not."""
    spec = get_assessment(spec_name)
    assert result.parameters == spec.parameters().model_dump(mode="json")
    assert result.software_version == kinesense.__version__
    assert any(result.test == r.result for r in spec.results)
    text = json.dumps(plain_json(result.to_json()), allow_nan=False)
    again = AssessmentResult.from_json(json.loads(text))
    assert json.dumps(plain_json(again.to_json()), allow_nan=False) == text
    data = json.loads(text)
    assert {"metrics", "parameters", "software_version"} <= set(data)
    if not result.usable:
        assert result.reasons
        assert all(reason.strip() for reason in result.reasons)
        assert not result.metrics
        assert not result.norms


@pytest.mark.parametrize("name", NAMES)
def test_a_usable_result_documents_every_metric(name: str, shared_data: Path) -> None:
    example = EXAMPLES[name]
    result = get_assessment(name).assess(example.build(example.usable(shared_data)))
    assert result.usable, result.reasons
    assert result.metrics
    for metric, value in result.metrics.items():
        info = result.metric_info[metric]
        assert info.unit.strip(), f"{metric} has no unit"
        assert info.definition.strip(), f"{metric} has no definition"
        assert info.reference.strip(), f"{metric} has no reference"
        assert np.isfinite(value)
    for norm in result.norms:
        assert norm.source.strip()
        assert norm.metric in result.metrics
    assert result.interpretation.strip()
    assert result.protocol.strip()
    _assert_contract(name, result)


def _replaced(recordings: Recordings, name: str, replace: Callable[[Series], Series]) -> Recordings:
    spec = get_assessment(name)
    out = dict(recordings)
    for slot in spec.slots:
        if slot.name in out or not slot.optional:
            out[slot.name] = replace(out[slot.name])
    return out


def _pose_slots_as(recordings: Recordings, name: str, pose: PoseSeries) -> Recordings:
    spec = get_assessment(name)
    out = dict(recordings)
    for slot in spec.slots:
        if "pose" in slot.kinds and (slot.name in out or not slot.optional):
            out[slot.name] = pose
    return out


def _unusable_input(kind: str, name: str, recordings: Recordings, data: Path) -> Recordings:
    if kind == "too short":
        return _replaced(recordings, name, lambda s: s.take(slice(0, 3)))
    trc = _trc(data)
    if kind == "nobody in view":
        nobody = PoseSeries.empty_frames(trc.time_s, provenance=filmed(trc, 0.0).provenance)
        return _pose_slots_as(recordings, name, nobody)
    requirement = get_assessment(name).results[0]
    for azimuth in (45.0, 0.0, 90.0):
        seen = filmed(trc, azimuth)
        if series_view(seen) not in requirement.views:
            return _pose_slots_as(recordings, name, seen)
    raise AssertionError(f"{name} works in every view the virtual camera can give")


CASES = [(name, kind) for name in NAMES for kind in EXAMPLES[name].refusals]


@pytest.mark.parametrize(("name", "kind"), CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_unusable_input_is_refused_with_reasons(name: str, kind: str, shared_data: Path) -> None:
    example = EXAMPLES[name]
    recordings = _unusable_input(kind, name, example.usable(shared_data), shared_data)
    inputs = example.build(recordings)
    assert any(isinstance(s, PoseSeries) for s in recordings_of(inputs).values()) or (
        kind == "too short"
    )
    result = get_assessment(name).assess(inputs)
    assert not result.usable, f"{name} measured {kind}: {result.metrics}"
    _assert_contract(name, result)
    if kind == "wrong view":
        view = series_view(next(s for s in recordings.values() if isinstance(s, PoseSeries)))
        assert any(view in reason for reason in result.reasons), result.reasons
