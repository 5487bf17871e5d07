"""What every assessment declares, and the preconditions checked before it runs.

An :class:`AssessmentSpec` is one test of the battery, described as data: its name and title,
the chart family of its results, the recordings it accepts (:class:`InputSlot`), its frozen
parameters model (defaults: the published or chosen constants), what each of its results needs
(:class:`Requirements`: camera views and body positions) and its ``run(inputs, params)``.
:meth:`AssessmentSpec.assess` is the one way to run it: it checks the preconditions first and
refuses (``usable=False``, with the reasons) a recording that breaks them, so a protocol
violation is never shown as a number against a norm; every result records the parameters
used and the kinesense version.

Camera views are those of :func:`kinesense.capture.view.series_view`: ``front``, ``back``,
``left-side``, ``right-side``, ``oblique``, ``unknown``. A view that cannot be known before the
test runs (``unknown``: no image size, nobody detected) is left to the test's own checks, which
then say what is missing. Body positions are those of :mod:`kinesense.signal.body_position`
(standing, seated, kneeling, quadruped, plank, supine, prone, side_lying); a landmark recording
that is judged to be mostly in another position than the result needs is refused (a recording
in which the position cannot be judged is left to the test's own checks). The view is checked
first: a recording refused for its view is not also judged for its position.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel

from kinesense.assess.result import AssessmentResult
from kinesense.errors import InvalidValueError
from kinesense.landmarks import BLAZEPOSE_LANDMARKS
from kinesense.series import CopSeries, HeadSeries, MotionSeries, PoseSeries
from kinesense.signal.body_position import POSITIONS, check_body_position

Family = Literal["sway", "stance", "posture", "mobility", "forward-bend", "repositioning"]
"""Chart families: the reports draw every result of a family the same way."""
SeriesKind = Literal["pose", "motion", "cop", "head"]
"""The series types an assessment reads: landmarks (video, keypoint files), a motion sensor,
a force plate's centre of pressure, the head's orientation from a face model."""
Series = PoseSeries | MotionSeries | CopSeries | HeadSeries

CAMERA_VIEWS = ("front", "back", "left-side", "right-side")
SIDE_VIEWS = ("left-side", "right-side")
FRONT_VIEWS = ("front", "back")
BODY_POSITIONS = POSITIONS
"""Body positions a test may need (issue 10), as :mod:`kinesense.signal.body_position` names
them."""

KIND_OF_TYPE: Mapping[type, SeriesKind] = {PoseSeries: "pose", MotionSeries: "motion",
                                           CopSeries: "cop", HeadSeries: "head"}  # fmt: skip

Inputs = TypeVar("Inputs")
Params = TypeVar("Params", bound=BaseModel)


@dataclass(frozen=True)
class InputSlot:
    """One recording a test reads: the field of its inputs object that holds it, the series
    kinds accepted, and whether it may be left out (when another slot replaces it)."""

    name: str
    kinds: tuple[SeriesKind, ...]
    optional: bool = False


@dataclass(frozen=True)
class Requirements:
    """What one result of a test needs from its recordings.

    Attributes:
        result: the result's test name (``"stance"``, ``"mobility-flexion"``).
        title: its plain title in reports.
        views: camera views the test works in (for landmark recordings).
        positions: body positions the test is done in.
        view_refusal: the reason given for any other known view; ``{view}`` is replaced by it.
        view_refusals: reasons for particular views, instead of ``view_refusal``.
    """

    result: str
    title: str
    views: tuple[str, ...]
    positions: tuple[str, ...]
    view_refusal: str
    view_refusals: Mapping[str, str] = field(default_factory=dict)

    def view_problem(self, view: str) -> str | None:
        """Why ``view`` cannot be used, or None when it can (or cannot be known yet)."""
        if view in self.views or view == "unknown":
            return None
        return self.view_refusals.get(view, self.view_refusal).format(view=view)


def _view_problem(requirement: Requirements, pose: PoseSeries) -> str | None:
    from kinesense.capture.view import series_view

    return requirement.view_problem(series_view(pose))


def _position_problem(requirement: Requirements, pose: PoseSeries) -> str | None:
    """Why ``pose`` is in the wrong body position for ``requirement``; None when it is in a
    right one or its position cannot be judged (:func:`kinesense.signal.body_position.
    check_body_position`)."""
    if pose.landmark_names != BLAZEPOSE_LANDMARKS or not pose.n_detected:
        return None
    check = check_body_position(pose, requirement.positions)
    return check.reason if check.judged and not check.ok else None


def recordings_of(inputs: Any) -> dict[str, Series]:
    """The recordings held by an inputs object (its fields whose values are series)."""
    found: dict[str, Series] = {}
    for item in fields(inputs):
        value = getattr(inputs, item.name)
        if isinstance(value, PoseSeries | MotionSeries | CopSeries | HeadSeries):
            found[item.name] = value
    return found


@dataclass(frozen=True)
class AssessmentSpec(Generic[Inputs, Params]):
    """One registered test (see the module docstring).

    Attributes:
        name: the registry name (``"sway"``, ``"mobility"``).
        title: plain title of the test.
        family: chart family of its results.
        inputs: the class of its inputs object (a frozen dataclass holding the recordings and
            the protocol and person choices).
        slots: the recordings it accepts.
        parameters: its frozen parameters model; ``parameters()`` gives the defaults.
        results: the results it can give, with what each needs.
        run: computes the result from checked inputs and parameters.
        refuse: builds the unusable result for reasons found before ``run`` (with the same
            protocol, conditions and source fields ``run`` would give).
        result_of: the result name that given inputs lead to (default: the only one).
        aliases: older result names that mean this test.
    """

    name: str
    title: str
    family: Family
    inputs: type[Inputs]
    slots: tuple[InputSlot, ...]
    parameters: type[Params]
    results: tuple[Requirements, ...]
    run: Callable[[Inputs, Params], AssessmentResult]
    refuse: Callable[[Inputs, Params, Sequence[str]], AssessmentResult]
    result_of: Callable[[Inputs], str] | None = None
    aliases: tuple[str, ...] = ()

    def requirements(self, result: str) -> Requirements:
        """The requirements of one of this test's results (by result name or alias)."""
        for requirement in self.results:
            if requirement.result == result:
                return requirement
        if result in self.aliases and len(self.results) == 1:
            return self.results[0]
        raise KeyError(f"{self.name} gives no result named {result!r}")

    def result_name(self, inputs: Inputs) -> str:
        """The result name ``inputs`` lead to."""
        return self.result_of(inputs) if self.result_of is not None else self.results[0].result

    def check_inputs(self, inputs: Inputs) -> None:
        """Refuse (:class:`InvalidValueError`) inputs of another test or recordings of a kind
        a slot does not accept, or a required recording left out."""
        if not isinstance(inputs, self.inputs):
            raise InvalidValueError(
                f"{self.name} needs {self.inputs.__name__} inputs; got {type(inputs).__name__}"
            )
        recordings = recordings_of(inputs)
        for slot in self.slots:
            series = recordings.get(slot.name)
            if series is None:
                if not slot.optional:
                    raise InvalidValueError(f"{self.name} needs a recording for {slot.name}")
                continue
            kind = KIND_OF_TYPE[type(series)]
            if kind not in slot.kinds:
                raise InvalidValueError(
                    f"{self.name} cannot use a {kind} recording for {slot.name}; it takes "
                    + " or ".join(slot.kinds)
                )

    def precondition_problems(self, inputs: Inputs) -> list[str]:
        """Reasons found before running: a landmark recording filmed from a view the result
        does not work in, or (view correct) judged mostly in another body position than the
        result needs."""
        requirement = self.requirements(self.result_name(inputs))
        recordings = recordings_of(inputs)
        poses = {name: s for name, s in recordings.items() if isinstance(s, PoseSeries)}
        problems = []
        for name, pose in poses.items():
            problem = _view_problem(requirement, pose) or _position_problem(requirement, pose)
            if problem is not None:
                label = name.replace("_", " ")
                problems.append(problem if len(poses) == 1 else f"{label}: {problem}")
        return problems

    def assess(self, inputs: Inputs, params: Params | None = None) -> AssessmentResult:
        """Check the inputs and preconditions, then run; the result records ``params``."""
        used = self.parameters() if params is None else params
        if not isinstance(used, self.parameters):
            raise InvalidValueError(
                f"{self.name} takes {self.parameters.__name__}; got {type(used).__name__}"
            )
        self.check_inputs(inputs)
        problems = self.precondition_problems(inputs)
        result = self.refuse(inputs, used, problems) if problems else self.run(inputs, used)
        return result.with_provenance(used.model_dump(mode="json"))
