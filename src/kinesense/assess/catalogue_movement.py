"""Posture, trunk mobility, forward bending and joint repositioning as registry entries.

Each entry pairs a typed inputs object (the recordings and the protocol choices) with the
test's frozen parameters and its ``run``; the camera views and body positions each result
needs are declared here, and checked by :meth:`kinesense.assess.spec.AssessmentSpec.assess`
before the test runs.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kinesense.assess.forward_bend_video import assess_forward_bend_video
from kinesense.assess.lumbopelvic import (
    PROTOCOLS as BEND_PROTOCOLS,
)
from kinesense.assess.lumbopelvic import ForwardBendParameters, assess_forward_bend_imu
from kinesense.assess.mobility import (
    FRONT_VIEW_MOVEMENTS,
    PROTOCOLS,
    ROM_MOVEMENTS,
    MobilityParameters,
)
from kinesense.assess.mobility_imu import IMU_SIDES, assess_trunk_rom_imu
from kinesense.assess.mobility_video import assess_trunk_rom
from kinesense.assess.posture import (
    TEST_NAME as POSTURE,
)
from kinesense.assess.posture import (
    VIEW_REFUSAL,
    PostureParameters,
    assess_posture,
)
from kinesense.assess.posture import (
    common_fields as posture_fields,
)
from kinesense.assess.repositioning import (
    TEST as REPOSITIONING,
)
from kinesense.assess.repositioning import (
    RepositioningParameters,
    assess_repositioning,
    check_choices,
    protocol,
)
from kinesense.assess.result import AssessmentResult
from kinesense.assess.spec import (
    CAMERA_VIEWS,
    FRONT_VIEWS,
    SIDE_VIEWS,
    AssessmentSpec,
    InputSlot,
    Requirements,
)
from kinesense.errors import InvalidValueError
from kinesense.series import HeadSeries, MotionSeries, PoseSeries

MOBILITY_TITLE = "Mobility (range of motion)"


@dataclass(frozen=True)
class PostureInputs:
    """A photo's or a short video's landmarks of a person standing still."""

    pose: PoseSeries
    image_path: str | None = None


def run_posture(inputs: PostureInputs, params: PostureParameters) -> AssessmentResult:
    """Posture angles (:func:`kinesense.assess.posture.assess_posture`)."""
    return assess_posture(inputs.pose, image_path=inputs.image_path, params=params)


def refuse_posture(
    inputs: PostureInputs, params: PostureParameters, reasons: Sequence[str]
) -> AssessmentResult:
    """A posture recording refused before it was measured."""
    return AssessmentResult.unusable(POSTURE, *reasons, **posture_fields(inputs.pose))


POSTURE_SPEC: AssessmentSpec[PostureInputs, PostureParameters] = AssessmentSpec(
    name=POSTURE,
    title="Standing posture",
    family="posture",
    inputs=PostureInputs,
    slots=(InputSlot("pose", ("pose",)),),
    parameters=PostureParameters,
    results=(Requirements(POSTURE, "Standing posture", CAMERA_VIEWS, ("standing",), VIEW_REFUSAL),),
    run=run_posture,
    refuse=refuse_posture,
)


def _one_recording(pose: Any, *sensors: Any) -> None:
    given = pose is not None, any(s is not None for s in sensors)
    if given[0] == given[1]:
        raise InvalidValueError("give either a video (landmarks) or motion sensors, not both")


@dataclass(frozen=True)
class MobilityInputs:
    """One recording of one trunk movement: a video's landmarks or one trunk sensor."""

    movement: str
    pose: PoseSeries | None = None
    trunk: MotionSeries | None = None

    def __post_init__(self) -> None:
        if self.movement not in ROM_MOVEMENTS:
            raise InvalidValueError(
                f"movement must be one of {', '.join(ROM_MOVEMENTS)}; got {self.movement!r}"
            )
        _one_recording(self.pose, self.trunk)
        if self.trunk is not None and self.movement not in IMU_SIDES:
            raise InvalidValueError(
                "one trunk sensor measures flexion, extension and rotation; lateral bending "
                "needs a video"
            )


def run_mobility(inputs: MobilityInputs, params: MobilityParameters) -> AssessmentResult:
    """Ranges of motion (:mod:`kinesense.assess.mobility_video`, ``mobility_imu``)."""
    if inputs.pose is not None:
        return assess_trunk_rom(inputs.pose, inputs.movement, params)
    assert inputs.trunk is not None
    return assess_trunk_rom_imu(inputs.trunk, inputs.movement, params)


def _movement_refusal(
    test: str, protocol: str, recording: PoseSeries | MotionSeries, reasons: Sequence[str]
) -> AssessmentResult:
    return AssessmentResult.unusable(
        test, *reasons, protocol=protocol, source=recording.provenance.to_json()
    )


def refuse_mobility(
    inputs: MobilityInputs, params: MobilityParameters, reasons: Sequence[str]
) -> AssessmentResult:
    """A mobility recording refused before it was measured."""
    recording = inputs.pose if inputs.pose is not None else inputs.trunk
    assert recording is not None
    test = f"mobility-{inputs.movement}"
    return _movement_refusal(test, PROTOCOLS[inputs.movement], recording, reasons)


def _views_of(movement: str) -> tuple[tuple[str, ...], str]:
    if movement in FRONT_VIEW_MOVEMENTS:
        words = f"{movement} needs a front or back view (face the camera)"
        return FRONT_VIEWS, words + "; this recording's view is {view}"
    words = f"{movement} needs a side view (stand side-on to the camera)"
    return SIDE_VIEWS, words + "; this recording's view is {view}"


def _movement_requirements(movement: str) -> Requirements:
    views, refusal = _views_of(movement)
    title = f"{MOBILITY_TITLE}: {movement.replace('-', ' ')}"
    return Requirements(f"mobility-{movement}", title, views, ("standing",), refusal)


MOBILITY: AssessmentSpec[MobilityInputs, MobilityParameters] = AssessmentSpec(
    name="mobility",
    title=MOBILITY_TITLE,
    family="mobility",
    inputs=MobilityInputs,
    slots=(InputSlot("pose", ("pose",), True), InputSlot("trunk", ("motion",), True)),
    parameters=MobilityParameters,
    results=tuple(_movement_requirements(movement) for movement in ROM_MOVEMENTS),
    run=run_mobility,
    refuse=refuse_mobility,
    result_of=lambda inputs: f"mobility-{inputs.movement}",
)


@dataclass(frozen=True)
class ForwardBendInputs:
    """Forward bends or waiter's bows: a side-view video, or two sensors on one clock."""

    movement: str
    pose: PoseSeries | None = None
    trunk: MotionSeries | None = None
    pelvis: MotionSeries | None = None

    def __post_init__(self) -> None:
        if self.movement not in BEND_PROTOCOLS:
            raise InvalidValueError(
                f"movement must be forward-bend or waiters-bow; got {self.movement!r}"
            )
        _one_recording(self.pose, self.trunk, self.pelvis)
        if self.pose is None and (self.trunk is None or self.pelvis is None):
            raise InvalidValueError(
                f"{self.movement} from sensors needs a trunk and a pelvis sensor"
            )


def run_forward_bend(inputs: ForwardBendInputs, params: ForwardBendParameters) -> AssessmentResult:
    """Forward bend or waiter's bow (:mod:`kinesense.assess.lumbopelvic`)."""
    if inputs.pose is not None:
        return assess_forward_bend_video(inputs.pose, inputs.movement, params)
    assert inputs.trunk is not None
    assert inputs.pelvis is not None
    return assess_forward_bend_imu(inputs.trunk, inputs.pelvis, inputs.movement, params)


def refuse_forward_bend(
    inputs: ForwardBendInputs, params: ForwardBendParameters, reasons: Sequence[str]
) -> AssessmentResult:
    """A forward-bend video refused before it was measured."""
    assert inputs.pose is not None  # only landmark recordings have a camera view
    test = f"mobility-{inputs.movement}"
    return _movement_refusal(test, BEND_PROTOCOLS[inputs.movement], inputs.pose, reasons)


FORWARD_BEND: AssessmentSpec[ForwardBendInputs, ForwardBendParameters] = AssessmentSpec(
    name="forward-bend",
    title="Forward bending (lumbopelvic rhythm, waiter's bow)",
    family="forward-bend",
    inputs=ForwardBendInputs,
    slots=(
        InputSlot("pose", ("pose",), True),
        InputSlot("trunk", ("motion",), True),
        InputSlot("pelvis", ("motion",), True),
    ),
    parameters=ForwardBendParameters,
    results=tuple(_movement_requirements(m) for m in ("forward-bend", "waiters-bow")),
    run=run_forward_bend,
    refuse=refuse_forward_bend,
    result_of=lambda inputs: f"mobility-{inputs.movement}",
)


@dataclass(frozen=True)
class RepositioningInputs:
    """A repositioning recording (a motion sensor on the segment, a side-view video's body
    landmarks, or the head's orientation from a video of the face) and the protocol: which
    joint, about which axis, to a target or back to neutral."""

    recording: PoseSeries | MotionSeries | HeadSeries
    joint: str
    axis: str = "flexion"
    task: str | None = None
    target_deg: float | None = None
    demonstration: bool = True
    use_magnetometer: bool = False

    def __post_init__(self) -> None:
        check_choices(self.joint, self.axis, self.task, self.target_deg, self.demonstration)
        if isinstance(self.recording, HeadSeries) and self.joint != "neck":
            raise InvalidValueError("a face video measures the neck only")


def run_repositioning(
    inputs: RepositioningInputs, params: RepositioningParameters
) -> AssessmentResult:
    """Repositioning errors (:func:`kinesense.assess.repositioning.assess_repositioning`)."""
    return assess_repositioning(
        inputs.recording, **_choices(inputs), use_magnetometer=inputs.use_magnetometer,
        params=params,
    )  # fmt: skip


def _choices(inputs: RepositioningInputs) -> dict[str, Any]:
    return {
        "joint": inputs.joint,
        "axis": inputs.axis,
        "task": inputs.task,
        "target_deg": inputs.target_deg,
        "demonstration": inputs.demonstration,
    }


def refuse_repositioning(
    inputs: RepositioningInputs, params: RepositioningParameters, reasons: Sequence[str]
) -> AssessmentResult:
    """A repositioning video refused before it was measured."""
    from kinesense.capture.view import series_view

    assert isinstance(inputs.recording, PoseSeries)  # only landmarks have a camera view
    chosen = protocol(inputs.recording, **_choices(inputs), params=params)
    quality = {"camera_view": series_view(inputs.recording)}
    return AssessmentResult.unusable(REPOSITIONING, *reasons, quality=quality, **chosen.common)


REPOSITIONING_SPEC: AssessmentSpec[RepositioningInputs, RepositioningParameters] = AssessmentSpec(
    name=REPOSITIONING,
    title="Joint repositioning (position sense)",
    family="repositioning",
    inputs=RepositioningInputs,
    slots=(InputSlot("recording", ("motion", "pose", "head")),),
    parameters=RepositioningParameters,
    results=(
        Requirements(
            REPOSITIONING,
            "Joint repositioning (position sense)",
            SIDE_VIEWS,
            ("seated", "standing"),
            "wrong camera view ({view}): flexion needs the camera at the person's side",
        ),
    ),
    run=run_repositioning,
    refuse=refuse_repositioning,
)

MOVEMENT_SPECS = (POSTURE_SPEC, MOBILITY, FORWARD_BEND, REPOSITIONING_SPEC)
