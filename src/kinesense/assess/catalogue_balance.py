"""The standing-balance tests as registry entries: sway, Romberg, mCTSIB and single-leg stance.

Each entry pairs a typed inputs object (the recordings and the protocol and person choices)
with the test's frozen parameters and its ``run``. Sway reads one recording of any kind (force
plate, motion sensor, video landmarks: :func:`sway_trace`); Romberg and mCTSIB run the sway
test on each trial (with its preconditions) and combine them (:mod:`kinesense.assess.
balance_tests`); single-leg stance reads front-view landmarks (:mod:`kinesense.assess.stance`).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from kinesense._checks import check_option, check_positive
from kinesense.assess.balance_tests import (
    DEFAULT_DURATION_S,
    SWAY_PROTOCOL,
    Conditions,
    assess_sway,
    ctsib,
    romberg,
)
from kinesense.assess.result import AssessmentResult
from kinesense.assess.spec import (
    CAMERA_VIEWS,
    FRONT_VIEWS,
    AssessmentSpec,
    InputSlot,
    Requirements,
)
from kinesense.assess.stance import TEST_NAME as STANCE
from kinesense.assess.stance import StanceParameters, assess_stance, common_fields
from kinesense.assess.sway import DEFAULT_CUTOFF_HZ
from kinesense.assess.sway_norms import sway_norm
from kinesense.assess.sway_sources import SwayTrace, from_cop, from_imu, from_pose
from kinesense.parameters import Parameters, Positive
from kinesense.series import CopSeries, MotionSeries, PoseSeries

SWAY_KIND = {CopSeries: "cop", MotionSeries: "imu", PoseSeries: "video"}
SEXES = ("female", "male")


class SwayParameters(Parameters):
    """Settings of a sway trial (and of each trial of Romberg and mCTSIB)."""

    duration_s: Positive = DEFAULT_DURATION_S
    """The protocol's trial length, s (mCTSIB: 30 s; Cohen et al. 1993)."""
    cutoff_hz: Positive = DEFAULT_CUTOFF_HZ
    """Zero-lag 2nd-order Butterworth low-pass, Hz (keeps the 0.15-5 Hz band of Prieto 1996)."""
    filter: bool = True
    """False analyses the samples as recorded (after resampling)."""


@dataclass(frozen=True)
class SwaySource:
    """How a recording becomes a sway trace (:mod:`kinesense.assess.sway_sources`).

    Attributes:
        height_cm: video: the person's standing height (170 cm assumed when None).
        sensor_height_cm: motion sensor: its height above the ankles (100 cm assumed).
        forward_axis: motion sensor: the axis pointing forward (``+z``, ``-x``...).
        direction: video: ``ml``, ``ap`` or ``auto`` (from the camera view).
    """

    height_cm: float | None = None
    sensor_height_cm: float | None = None
    forward_axis: str = "+z"
    direction: str = "auto"


def sway_trace(recording: CopSeries | MotionSeries | PoseSeries, source: SwaySource) -> SwayTrace:
    """The sway trace of a force-plate, motion-sensor or landmark recording."""
    if isinstance(recording, CopSeries):
        return from_cop(recording)
    if isinstance(recording, MotionSeries):
        return from_imu(
            recording, sensor_height_cm=source.sensor_height_cm, forward_axis=source.forward_axis
        )
    return from_pose(recording, height_cm=source.height_cm, direction=source.direction)


@dataclass(frozen=True)
class SwayInputs:
    """One quiet-standing trial: the recording, how it was done, how to read it, and who stood
    (``age`` in years and ``sex``, ``"female"`` or ``"male"``, for the reference by age group
    and sex; None when not given)."""

    recording: CopSeries | MotionSeries | PoseSeries
    conditions: Conditions = field(default_factory=Conditions)
    source: SwaySource = field(default_factory=SwaySource)
    age: float | None = None
    sex: str | None = None

    def __post_init__(self) -> None:
        if self.age is not None:
            check_positive("age", self.age)
        if self.sex is not None:
            check_option("sex", self.sex, SEXES)


def norm_conditions(result: AssessmentResult, params: SwayParameters) -> dict[str, Any]:
    """How a usable sway trial was recorded and processed, as the reference's protocol rules
    read it (:func:`kinesense.assess.sway_norms.sway_norm`)."""
    return {
        **result.conditions,
        "low_pass_hz": params.cutoff_hz if params.filter else "none",
        "sampling_rate_hz": result.quality.get("sampling_rate_hz"),
        "duration_s": result.metrics.get("duration_s"),
    }


def run_sway(inputs: SwayInputs, params: SwayParameters) -> AssessmentResult:
    """Sway metrics of one trial (:func:`kinesense.assess.balance_tests.assess_sway`), compared
    with the reference of :mod:`kinesense.assess.sway_norms` when the trial matches its protocol
    (otherwise the result's ``norm`` says why not)."""
    result = assess_sway(
        sway_trace(inputs.recording, inputs.source),
        inputs.conditions,
        duration_s=params.duration_s,
        cutoff_hz=params.cutoff_hz,
        filter=params.filter,
    )
    if not result.usable:
        return result
    norm, comparisons = sway_norm(
        result.metrics, norm_conditions(result, params), age=inputs.age, sex=inputs.sex
    )
    interpretation = result.interpretation
    if norm.compared:
        interpretation = f"{interpretation} {norm.text}"
    return result.model_copy(
        update={"norm": norm, "norms": comparisons, "interpretation": interpretation}
    )


def refuse_sway(
    inputs: SwayInputs, params: SwayParameters, reasons: Sequence[str]
) -> AssessmentResult:
    """A sway trial refused before it was analysed."""
    kind = SWAY_KIND[type(inputs.recording)]
    return AssessmentResult.unusable(
        "sway",
        *reasons,
        conditions=inputs.conditions.to_json()
        | {"source": kind, "protocol_duration_s": params.duration_s},
        source=inputs.recording.provenance.to_json(),
        protocol=SWAY_PROTOCOL,
    )


SWAY_VIEWS = "the camera view is {view}: film the person from the front (side-to-side sway) or "
SWAY_VIEWS += "exactly from the side (forward-backward sway)"

SWAY: AssessmentSpec[SwayInputs, SwayParameters] = AssessmentSpec(
    name="sway",
    title="Postural sway",
    family="sway",
    inputs=SwayInputs,
    slots=(InputSlot("recording", ("cop", "motion", "pose")),),
    parameters=SwayParameters,
    results=(Requirements("sway", "Postural sway", CAMERA_VIEWS, ("standing",), SWAY_VIEWS),),
    run=run_sway,
    refuse=refuse_sway,
)


def _trial(
    recording: CopSeries | MotionSeries | PoseSeries,
    eyes: str,
    stance: str,
    surface: str,
    source: SwaySource,
) -> SwayInputs:
    return SwayInputs(recording, Conditions(eyes=eyes, stance=stance, surface=surface), source)


TrialsInputs = TypeVar("TrialsInputs")


def _trials_spec(
    name: str,
    title: str,
    inputs: type[TrialsInputs],
    slots: tuple[InputSlot, ...],
    run: Callable[[TrialsInputs, SwayParameters], AssessmentResult],
) -> AssessmentSpec[TrialsInputs, SwayParameters]:
    """A test made of sway trials (Romberg, mCTSIB): standing, in any camera view, with the
    sway parameters. Each trial goes through :data:`SWAY` with its own preconditions, so the
    test refuses through its trials: a trial found wrong states its own reasons."""
    return AssessmentSpec(
        name=name,
        title=title,
        family="sway",
        inputs=inputs,
        slots=slots,
        parameters=SwayParameters,
        results=(Requirements(name, title, CAMERA_VIEWS, ("standing",), SWAY_VIEWS),),
        run=run,
        refuse=lambda trials, params, reasons: run(trials, params),
    )


@dataclass(frozen=True)
class RombergInputs:
    """Two trials in the same stance on the same surface, eyes open then closed."""

    eyes_open: CopSeries | MotionSeries | PoseSeries
    eyes_closed: CopSeries | MotionSeries | PoseSeries
    stance: str = "feet-together"
    surface: str = "firm"
    source: SwaySource = field(default_factory=SwaySource)

    def __post_init__(self) -> None:
        Conditions(stance=self.stance, surface=self.surface)  # refuses a bad choice


def run_romberg(inputs: RombergInputs, params: SwayParameters) -> AssessmentResult:
    """Each trial through :data:`SWAY` (with its preconditions), then the quotients. A trial
    that breaks a precondition makes the Romberg result unusable, with that trial named."""
    trials = [
        SWAY.assess(_trial(recording, eyes, inputs.stance, inputs.surface, inputs.source), params)
        for recording, eyes in ((inputs.eyes_open, "open"), (inputs.eyes_closed, "closed"))
    ]
    return romberg(trials[0], trials[1])


ROMBERG = _trials_spec(
    "romberg",
    "Romberg test (standing, eyes open and closed)",
    RombergInputs,
    (
        InputSlot("eyes_open", ("cop", "motion", "pose")),
        InputSlot("eyes_closed", ("cop", "motion", "pose")),
    ),
    run_romberg,
)

CTSIB_TRIALS = ("eo_firm", "ec_firm", "eo_foam", "ec_foam")


@dataclass(frozen=True)
class CtsibInputs:
    """Four trials: eyes open and closed, on a firm floor and on foam."""

    eo_firm: CopSeries | MotionSeries | PoseSeries
    ec_firm: CopSeries | MotionSeries | PoseSeries
    eo_foam: CopSeries | MotionSeries | PoseSeries
    ec_foam: CopSeries | MotionSeries | PoseSeries
    stance: str = "feet-together"
    source: SwaySource = field(default_factory=SwaySource)

    def __post_init__(self) -> None:
        Conditions(stance=self.stance)  # refuses a bad choice


def run_ctsib(inputs: CtsibInputs, params: SwayParameters) -> AssessmentResult:
    """Each trial through :data:`SWAY` (with its preconditions), then the mCTSIB summary."""
    results = {
        name: SWAY.assess(
            _trial(
                getattr(inputs, name),
                "open" if name[:2] == "eo" else "closed",
                inputs.stance,
                name[3:],
                inputs.source,
            ),
            params,
        )
        for name in CTSIB_TRIALS
    }
    return ctsib(results)


CTSIB = _trials_spec(
    "ctsib",
    "Sensory balance test (modified CTSIB)",
    CtsibInputs,
    tuple(InputSlot(name, ("cop", "motion", "pose")) for name in CTSIB_TRIALS),
    run_ctsib,
)


@dataclass(frozen=True)
class StanceInputs:
    """A video (landmarks) of single-leg stance trials, and who did them how."""

    pose: PoseSeries
    age: float | None = None
    eyes: str = "open"
    sex: str | None = None
    hands_on_hips: bool = False

    def __post_init__(self) -> None:
        check_option("eyes", self.eyes, ("open", "closed"))
        if self.sex is not None:
            check_option("sex", self.sex, ("female", "male"))


def run_stance(inputs: StanceInputs, params: StanceParameters) -> AssessmentResult:
    """Single-leg stance time (:func:`kinesense.assess.stance.assess_stance`)."""
    return assess_stance(
        inputs.pose,
        age=inputs.age,
        eyes=inputs.eyes,
        sex=inputs.sex,
        hands_on_hips=inputs.hands_on_hips,
        params=params,
    )


def refuse_stance(
    inputs: StanceInputs, params: StanceParameters, reasons: Sequence[str]
) -> AssessmentResult:
    """A stance recording refused before it was analysed."""
    common = common_fields(inputs.pose, age=inputs.age, eyes=inputs.eyes, sex=inputs.sex,
                           hands_on_hips=inputs.hands_on_hips, params=params)  # fmt: skip
    return AssessmentResult.unusable(STANCE, *reasons, **common)


STANCE_SIDE_VIEW = (
    "the camera sees the person from the side ({view} view): the standing leg hides the lifted "
    "foot and the far foot looks higher, so a stance on one leg cannot be timed; the test is "
    "filmed from the front"
)
STANCE_OBLIQUE_VIEW = (
    "the camera sees the person at an angle (oblique view): a foot farther from the camera "
    "looks higher, so a lifted foot cannot be told from a foot set back; film from the front"
)

STANCE_SPEC: AssessmentSpec[StanceInputs, StanceParameters] = AssessmentSpec(
    name=STANCE,
    title="Single-leg stance",
    family="stance",
    inputs=StanceInputs,
    slots=(InputSlot("pose", ("pose",)),),
    parameters=StanceParameters,
    results=(
        Requirements(
            STANCE,
            "Single-leg stance",
            FRONT_VIEWS,
            ("standing",),
            STANCE_SIDE_VIEW,
            {"oblique": STANCE_OBLIQUE_VIEW},
        ),
    ),
    run=run_stance,
    refuse=refuse_stance,
    aliases=("single-leg-stance",),
)

BALANCE_SPECS = (SWAY, ROMBERG, CTSIB, STANCE_SPEC)
