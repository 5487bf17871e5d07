"""Run an assessment by name, and build each test's inputs from the files a person gives.

:func:`run_assessment` is the one entry point every front end calls: it looks the test up in
the registry (:mod:`kinesense.assess.registry`), checks the inputs and the preconditions (camera
view...), runs it and returns the typed result, which records the parameters used. The
``*_inputs`` helpers read the recordings (:mod:`kinesense.services.recordings`) and pair them
with the protocol and person choices. A value a user gave that the science layers refuse (a
``ValueError``) becomes a one-line :class:`kinesense.errors.InvalidValueError`.
"""

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from kinesense._checks import check_option, check_positive
from kinesense.assess.balance_tests import DEFAULT_DURATION_S as DEFAULT_DURATION_S
from kinesense.assess.balance_tests import EYES as EYES
from kinesense.assess.balance_tests import STANCES as STANCES
from kinesense.assess.balance_tests import SURFACES as SURFACES
from kinesense.assess.balance_tests import Conditions
from kinesense.assess.catalogue_balance import (
    CTSIB_TRIALS,
    CtsibInputs,
    RombergInputs,
    StanceInputs,
    SwayInputs,
    SwaySource,
)
from kinesense.assess.catalogue_movement import (
    ForwardBendInputs,
    MobilityInputs,
    PostureInputs,
    RepositioningInputs,
)
from kinesense.assess.registry import get_assessment
from kinesense.assess.repositioning import AXES as AXES
from kinesense.assess.repositioning import JOINTS as JOINTS
from kinesense.assess.result import AssessmentResult
from kinesense.assess.spec import SeriesKind
from kinesense.assess.sway import DEFAULT_CUTOFF_HZ as DEFAULT_CUTOFF_HZ
from kinesense.assess.sway_sources import AXES as SENSOR_AXES
from kinesense.errors import InvalidValueError, KinesenseError
from kinesense.outputs import atomic_write, check_output_path
from kinesense.services.recordings import (
    Progress,
    ReadingOptions,
    kind_of,
    load_head,
    load_motion,
    load_pose,
    load_recording,
)
from kinesense.signal.reposition_trials import TASKS as TASKS
from kinesense.validation_errors import Wording, one_line, raw_message

Kind = SeriesKind | Literal["auto"]
BENDS = ("forward-bend", "waiters-bow")
SOURCES: dict[str, Kind] = {"auto": "auto", "cop": "cop", "video": "pose", "imu": "motion"}
"""The recording sources a user names, and the series kind each gives."""
DIRECTIONS = ("auto", "ml", "ap")
TRACKING = ("auto", "face", "body")
"""How a repositioning video is measured: the head's orientation from the face model (``face``),
body landmarks from the pose model (``body``), or ``auto``: the face for the neck's rotation and
lateral flexion, the body (side view) otherwise."""
FORWARD_AXES: tuple[str, ...] = SENSOR_AXES
"""The sensor axes a user may name as pointing forward (``+x`` ... ``-z``)."""
DEFAULT_SOURCE = SwaySource()
DEFAULT_READING = ReadingOptions()
SEX_WORDS = {"f": "female", "m": "male", "female": "female", "male": "male"}
"""The ways a user may give the sex (``f`` or ``female``, ``m`` or ``male``)."""


def person_sex(sex: str | None) -> str | None:
    """``"female"`` or ``"male"`` from what a user gave (``f``, ``m``, or the word; any case),
    None when nothing was given; :class:`InvalidValueError` lists the choices otherwise."""
    if sex is None:
        return None
    return SEX_WORDS[check_option("sex", sex.strip().lower(), SEX_WORDS)]


OPTION_WORDING = Wording(field="{path}: ", top_level="", message=raw_message)
"""An option's value refused by a parameters model: ``field: pydantic's message``."""


@contextlib.contextmanager
def user_values() -> Iterator[None]:
    """Turn a ``ValueError`` raised by a value the user gave into a one-line
    :class:`InvalidValueError` (a :class:`KinesenseError` passes through unchanged)."""
    try:
        yield
    except KinesenseError:
        raise
    except ValidationError as exc:
        raise InvalidValueError(one_line(exc, "", OPTION_WORDING)) from None
    except ValueError as exc:
        raise InvalidValueError(str(exc).splitlines()[0] if str(exc) else repr(exc)) from None


def recording_kind(source: str) -> Kind:
    """The series kind of a source named ``auto``, ``cop``, ``video`` or ``imu``."""
    return SOURCES[check_option("source", source, SOURCES)]


def sway_source(
    height_cm: float | None = None,
    sensor_height_cm: float | None = None,
    forward_axis: str = "+z",
    direction: str = "auto",
) -> SwaySource:
    """How a recording becomes a sway trace, the choices checked."""
    check_option("forward axis", forward_axis, FORWARD_AXES)
    check_option("direction", direction, DIRECTIONS)
    return SwaySource(height_cm, sensor_height_cm, forward_axis, direction)


def result_output(output: Path | None, inputs: Iterable[Path | None]) -> Path | None:
    """Where to save a result, checked before any work (:func:`kinesense.outputs.
    check_output_path`): never one of the ``inputs``, in an existing writable folder."""
    if output is None:
        return None
    return check_output_path(output, inputs=[p for p in inputs if p is not None], what="result")


def save_result(target: Path, text: str) -> Path:
    """Write a result's JSON ``text`` to ``target`` (checked by :func:`result_output`),
    atomically: the complete new file or the old one, never half of either."""
    return atomic_write(target, text)


def parameters_for(name: str, **values: Any) -> BaseModel:
    """The parameters of test ``name`` with ``values`` changed from the defaults (None values
    are left at the default); a bad value is a one-line :class:`InvalidValueError`."""
    spec = get_assessment(name)
    with user_values():
        params: BaseModel = spec.parameters(**{k: v for k, v in values.items() if v is not None})
    return params


def run_assessment(name: str, inputs: Any, params: BaseModel | None = None) -> AssessmentResult:
    """Run the registered test ``name`` on ``inputs`` (its inputs object) with ``params``
    (default: the test's defaults), preconditions first; see
    :meth:`kinesense.assess.spec.AssessmentSpec.assess`."""
    spec = get_assessment(name)
    with user_values():
        return spec.assess(inputs, params)


def sway_inputs(
    path: Path,
    kind: Kind = "auto",
    *,
    eyes: str = "open",
    stance: str = "feet-together",
    surface: str = "firm",
    source: SwaySource = DEFAULT_SOURCE,
    reading: ReadingOptions = DEFAULT_READING,
    progress: Progress | None = None,
    age: float | None = None,
    sex: str | None = None,
) -> SwayInputs:
    """One sway trial from a force-plate, motion-sensor or video file; ``age`` (years) and
    ``sex`` (``f``/``female``, ``m``/``male``) of the person, to compare the trial with the
    reference by age group and sex (:mod:`kinesense.assess.sway_norms`)."""
    with user_values():
        conditions = Conditions(eyes=eyes, stance=stance, surface=surface)
        who = person_sex(sex)
        if age is not None:
            check_positive("age", age)
        recording = load_recording(path, kind, reading, progress)
        return SwayInputs(recording, conditions, source, age=age, sex=who)


def romberg_inputs(
    eyes_open: Path,
    eyes_closed: Path,
    kind: Kind = "auto",
    *,
    stance: str = "feet-together",
    surface: str = "firm",
    source: SwaySource = DEFAULT_SOURCE,
    reading: ReadingOptions = DEFAULT_READING,
    progress: Progress | None = None,
) -> RombergInputs:
    """The two Romberg trials (eyes open, then closed) from their files."""
    with user_values():
        Conditions(stance=stance, surface=surface)
        first = load_recording(eyes_open, kind, reading, progress)
        second = load_recording(eyes_closed, kind, reading, progress)
        return RombergInputs(first, second, stance, surface, source)


def ctsib_inputs(
    files: Mapping[str, Path],
    kind: Kind = "auto",
    *,
    stance: str = "feet-together",
    source: SwaySource = DEFAULT_SOURCE,
    reading: ReadingOptions = DEFAULT_READING,
    progress: Progress | None = None,
) -> CtsibInputs:
    """The four mCTSIB trials from their files, keyed ``eo_firm``, ``ec_firm``, ``eo_foam``,
    ``ec_foam``."""
    missing = [name for name in CTSIB_TRIALS if name not in files]
    if missing:
        raise InvalidValueError(f"mCTSIB needs the four trials; missing: {', '.join(missing)}")
    with user_values():
        Conditions(stance=stance)
        trials = {name: load_recording(files[name], kind, reading, progress) for name in files}
        return CtsibInputs(**trials, stance=stance, source=source)


def stance_inputs(
    video: Path,
    *,
    age: float | None = None,
    eyes: str = "open",
    sex: str | None = None,
    hands_on_hips: bool = False,
    model: str = "full",
    progress: Progress | None = None,
) -> StanceInputs:
    """Single-leg stance trials from a video or landmark file."""
    with user_values():
        pose = load_pose(video, model=model, progress=progress)
        return StanceInputs(pose, age=age, eyes=eyes, sex=sex, hands_on_hips=hands_on_hips)


def posture_inputs(
    *,
    image: Path | None = None,
    video: Path | None = None,
    model: str = "full",
    progress: Progress | None = None,
) -> PostureInputs:
    """Standing posture from a photo or a short video (or landmark file): exactly one."""
    if (image is None) == (video is None):
        raise InvalidValueError("give one recording: a photo or a video")
    with user_values():
        if image is not None:
            from kinesense.capture.photo import pose_from_image

            return PostureInputs(pose_from_image(image, model), image_path=str(image))
        assert video is not None
        return PostureInputs(load_pose(video, model=model, progress=progress))


def mobility_inputs(
    movement: str,
    *,
    video: Path | None = None,
    imu_trunk: Path | None = None,
    imu_pelvis: Path | None = None,
    model: str = "full",
    progress: Progress | None = None,
) -> tuple[str, MobilityInputs | ForwardBendInputs]:
    """The test (``mobility`` or ``forward-bend``) and its inputs for one recorded movement:
    a video, one trunk sensor (flexion, extension, rotation) or a trunk and a pelvis sensor
    (forward bend, waiter's bow)."""
    if video is not None and (imu_trunk is not None or imu_pelvis is not None):
        raise InvalidValueError("give either a video or motion sensors, not both")
    if video is None and imu_trunk is None and imu_pelvis is None:
        raise InvalidValueError("give a recording: a video, or motion sensors")
    with user_values():
        if movement in BENDS:
            if video is not None:
                pose = load_pose(video, model=model, progress=progress)
                return "forward-bend", ForwardBendInputs(movement, pose=pose)
            if imu_trunk is None or imu_pelvis is None:
                raise InvalidValueError(
                    f"{movement} from sensors needs a trunk and a pelvis sensor"
                )
            trunk, pelvis = load_motion(imu_trunk), load_motion(imu_pelvis)
            return "forward-bend", ForwardBendInputs(movement, trunk=trunk, pelvis=pelvis)
        if video is not None:
            pose = load_pose(video, model=model, progress=progress)
            return "mobility", MobilityInputs(movement, pose=pose)
        if movement == "lateral" or imu_trunk is None or imu_pelvis is not None:
            raise InvalidValueError(
                "one trunk sensor measures flexion, extension and rotation; lateral bending "
                "needs a video"
            )
        return "mobility", MobilityInputs(movement, trunk=load_motion(imu_trunk))


def repositioning_inputs(
    joint: str,
    *,
    imu: Path | None = None,
    video: Path | None = None,
    axis: str = "flexion",
    task: str | None = None,
    target_deg: float | None = None,
    demonstration: bool = True,
    placement: str | None = None,
    use_magnetometer: bool = False,
    model: str = "full",
    tracking: str = "auto",
    progress: Progress | None = None,
) -> RepositioningInputs:
    """A repositioning recording: a motion sensor on the segment (placed, by default, on the
    head for the neck and on the lower back for the trunk), a side-view video (body landmarks)
    or a video of the face (head orientation), as ``tracking`` says (:data:`TRACKING`); a saved
    series is used as it is."""
    if (imu is None) == (video is None):
        raise InvalidValueError("give exactly one recording: a motion sensor or a video")
    check_option("tracking", tracking, TRACKING)
    with user_values():
        if imu is not None:
            where = placement or ("head" if joint == "neck" else "lower back")
            recording: Any = load_motion(imu, placement=where)
        else:
            assert video is not None
            if _uses_face(joint, axis, tracking, video):
                recording = load_head(video, progress=progress)
            else:
                recording = load_pose(video, model=model, progress=progress)
        return RepositioningInputs(
            recording,
            joint=joint,
            axis=axis,
            task=task,
            target_deg=target_deg,
            demonstration=demonstration,
            use_magnetometer=use_magnetometer,
        )


def _uses_face(joint: str, axis: str, tracking: str, video: Path) -> bool:
    if tracking != "auto":
        if tracking == "face" and joint != "neck":
            raise InvalidValueError("the face model measures the neck only (--joint neck)")
        return tracking == "face"
    if video.suffix == ".npz" and video.exists():
        return kind_of(video) == "head"
    return joint == "neck" and axis in ("rotation", "lateral")
