"""The exercise data format, as pydantic models validated when a file is read.

``FORMAT.md`` beside this module describes every field for people; the JSON Schema published
from :class:`Exercise` (``exercise.schema.json``, see :mod:`kinesense.exercises.json_schema`) is
the same description for programs, and a test checks the three agree. Problems are turned into
:class:`ExerciseDataError` messages naming the file and the field (a path such as
``form_rules[1].when.value``) by :func:`exercise_from_dict`.
"""

import re
from typing import Annotated, Any, Final, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from kinesense.errors import DataFileError
from kinesense.landmarks import LANDMARK_INDEX
from kinesense.signal.body_position import POSITIONS


class ExerciseDataError(DataFileError):
    """An exercise file is missing a field or holds a value outside the format."""


CATEGORIES: Final = ("balance", "core", "proprioceptive re-education", "mobility")
CAMERA_VIEWS: Final = ("front", "side", "either")
MODES: Final = ("reps", "hold")
SIDES: Final = ("none", "left", "right", "both", "alternate")
KINDS: Final = (
    "joint_angle",
    "segment_inclination",
    "distance",
    "height_difference",
    "landmark_visible",
    "head_angle",
)
POINTS_PER_KIND: Final = {
    "joint_angle": (3, 3),
    "segment_inclination": (2, 2),
    "distance": (2, 2),
    "height_difference": (2, 2),
    "landmark_visible": (1, 33),
    "head_angle": (0, 0),
}
UNITS: Final = {
    "joint_angle": "deg",
    "segment_inclination": "deg",
    "distance": "torso",
    "height_difference": "torso",
    "landmark_visible": "fraction",
    "head_angle": "deg",
}
HEAD_AXES: Final = ("yaw", "pitch", "roll")
"""Axes of a ``head_angle`` quantity, with the convention of :mod:`kinesense.signal.head_pose`."""
VIRTUAL_POINTS: Final = {
    "mid_shoulder": ("left_shoulder", "right_shoulder"),
    "mid_hip": ("left_hip", "right_hip"),
    "mid_knee": ("left_knee", "right_knee"),
    "mid_ankle": ("left_ankle", "right_ankle"),
    "mid_ear": ("left_ear", "right_ear"),
}
"""Points that are the midpoint of two landmarks, usable wherever a landmark name is."""
COMPARISONS: Final = ("above", "below", "abs_above")
REP_PHASES: Final = ("rest", "moving", "target", "returning", "unarmed")
HOLD_PHASES: Final = ("waiting", "holding")
RULE_VIEWS: Final = ("front", "side", "oblique")
"""Camera views a form rule or a hold condition can be judged in: ``front`` (the person's front
or back faces the camera), ``side`` (a side faces it), ``oblique`` (in between)."""
VIEWS_OF: Final = {
    "front": ("front", "back"),
    "side": ("left-side", "right-side"),
    "oblique": ("oblique",),
}
"""The camera views of :func:`kinesense.capture.view.classify_view` each rule view covers."""
ID_PATTERN: Final = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class DoseLimits(BaseModel):
    """The limits of a dose, the same for the library's files and a clinician's override."""

    model_config = ConfigDict(frozen=True)

    sets: tuple[int, int] = (1, 20)
    reps: tuple[int, int] = (1, 100)
    rest_s: tuple[float, float] = (0.0, 600.0)
    hold_s: tuple[float, float] = (1.0, 600.0)
    """Seconds of one hold (an exercise's ``hold.target_s``)."""


DOSE_LIMITS: Final = DoseLimits()
"""Smallest and largest sets, repetitions (or holds) per set, rest between sets (s) and hold
time (s), inclusive."""


def _field_error(path: str, message: str) -> PydanticCustomError:
    """An error at ``path`` below the model that raises it (see :func:`exercise_from_dict`)."""
    return PydanticCustomError("field", "{message}", {"path": path, "message": message})


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


Text = Annotated[str, Field(min_length=1), BeforeValidator(_strip)]
Texts = tuple[Text, ...]
Number = Annotated[float, Field(strict=True)]
PositiveFloat = Annotated[float, Field(strict=True, gt=0)]
NonNegativeFloat = Annotated[float, Field(strict=True, ge=0)]
Flag = Annotated[bool, Field(strict=True)]
Position = Literal[
    "standing", "seated", "kneeling", "quadruped", "plank", "supine", "prone", "side_lying"
]
RuleView = Literal["front", "side", "oblique"]
Views = Annotated[tuple[RuleView, ...], Field(min_length=1)]
Phases = Annotated[
    tuple[str, ...],
    BeforeValidator(_one_or_many),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "string"}, "minItems": 1},
            ],
            "default": "always",
        }
    ),
    Field(min_length=1),
]
assert set(Position.__args__) == set(POSITIONS)  # type: ignore[attr-defined]


class _Model(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, allow_inf_nan=False
    )


class Tracked(_Model):
    """A quantity computed from landmarks every frame (see FORMAT.md for each kind's unit)."""

    name: Text
    kind: Literal["joint_angle", "segment_inclination", "distance", "height_difference",
                  "landmark_visible", "head_angle"]  # fmt: skip
    points: tuple[str, ...] = ()
    min_cutoff_hz: PositiveFloat = 1.0
    beta: NonNegativeFloat | None = None
    absolute: Flag = False
    axis: Literal["yaw", "pitch", "roll"] | None = None

    @field_validator("points")
    @classmethod
    def _known_points(cls, points: tuple[str, ...]) -> tuple[str, ...]:
        for j, point in enumerate(points):
            if point not in LANDMARK_INDEX and point not in VIRTUAL_POINTS:
                raise _field_error(
                    f"[{j}]",
                    f"unknown landmark {point!r} (BlazePose names such as 'left_knee', "
                    f"or {', '.join(VIRTUAL_POINTS)})",
                )
        return points

    @model_validator(mode="after")
    def _point_count(self) -> Self:
        low, high = POINTS_PER_KIND[self.kind]
        if not low <= len(self.points) <= high:
            count = str(low) if low == high else f"{low}-{high}"
            raise _field_error(
                "points", f"{self.kind} needs {count} points; got {len(self.points)}"
            )
        if (self.axis is None) == (self.kind == "head_angle"):
            raise _field_error(
                "axis", "is needed for head_angle (yaw, pitch or roll) and only for it"
            )
        return self

    @property
    def unit(self) -> str:
        """``deg`` for angles, ``torso`` for lengths divided by the torso length."""
        return UNITS[self.kind]


class Repetition(_Model):
    """One repetition: leave the rest zone past ``enter``, reach ``target``, return past ``exit``.

    The direction is implied: when ``target < enter`` the quantity falls during a repetition
    (``target < enter <= exit``), else it rises (``target > enter >= exit``). ``exit`` on the
    rest side of ``enter`` is the hysteresis band that stops jitter counting twice.
    """

    quantity: Text
    enter: Number
    target: Number
    exit: Number
    min_duration_s: PositiveFloat
    max_duration_s: PositiveFloat

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.target == self.enter:
            raise _field_error("target", "must differ from 'enter'")
        falling = self.falling
        ordered = (
            self.target < self.enter <= self.exit
            if falling
            else self.target > self.enter >= self.exit
        )
        if not ordered:
            order = "target < enter <= exit" if falling else "target > enter >= exit"
            raise _field_error(
                "exit",
                f"must lie on the rest side of 'enter' ({order}); got enter={self.enter}, "
                f"target={self.target}, exit={self.exit}",
            )
        if self.max_duration_s <= self.min_duration_s:
            raise _field_error("max_duration_s", "must be greater than min_duration_s")
        return self

    @property
    def falling(self) -> bool:
        """True when the quantity decreases from rest towards the target."""
        return self.target < self.enter


class Condition(_Model):
    """``minimum <= quantity <= maximum`` (either bound may be absent), judged in ``views``."""

    quantity: Text
    minimum: Number | None = Field(default=None, alias="min")
    maximum: Number | None = Field(default=None, alias="max")
    views: Views = RULE_VIEWS

    @model_validator(mode="after")
    def _bounds(self) -> Self:
        if self.minimum is None and self.maximum is None:
            raise _field_error("", "needs 'min', 'max' or both")
        if self.minimum is not None and self.maximum is not None and self.minimum >= self.maximum:
            raise _field_error(
                "max", f"must be greater than min ({self.minimum}); got {self.maximum}"
            )
        return self

    def holds(self, value: float) -> bool:
        """Whether ``value`` is inside the range."""
        return (self.minimum is None or value >= self.minimum) and (
            self.maximum is None or value <= self.maximum
        )


class Hold(_Model):
    """Holding = every condition true; breaks up to ``grace_s`` are forgiven."""

    conditions: tuple[Condition, ...] = Field(min_length=1)
    target_s: Number = Field(ge=DOSE_LIMITS.hold_s[0], le=DOSE_LIMITS.hold_s[1])
    grace_s: NonNegativeFloat = 1.0
    settle_s: NonNegativeFloat = 0.5


class When(_Model):
    """A fault condition: ``quantity`` beyond ``value`` by more than ``tolerance``."""

    quantity: Text
    comparison: Literal["above", "below", "abs_above"]
    value: Number
    tolerance: NonNegativeFloat = 0.0


class FormRule(_Model):
    """A form rule: when ``when`` persists ``debounce_s`` seconds, say ``cue``. Judged only in
    ``views`` and on frames where the quantity's landmarks are seen with ``min_visibility``."""

    id: Text
    when: When
    cue: Text
    applies_during: Phases = ("always",)
    debounce_s: NonNegativeFloat = 0.5
    repeat_after_s: NonNegativeFloat = 5.0
    views: Views = RULE_VIEWS
    min_visibility: Number = Field(default=0.5, ge=0.0, le=1.0)


class ErrorBand(_Model):
    """Words for trial errors up to ``max_error_deg`` (absolute, degrees)."""

    max_error_deg: PositiveFloat
    words: Text


class Stage(_Model):
    """A stage of the progression, advised when a session's mean absolute error is at most
    ``max_error_deg`` (and above the previous stage's bound)."""

    max_error_deg: PositiveFloat
    stage: Text
    advice: Text


class Feedback(_Model):
    """Knowledge of results after each repetition (see FORMAT.md and
    :mod:`kinesense.coach.knowledge`)."""

    quantity: Text
    task: Literal["neutral", "target"]
    target_deg: Number | None = None
    reference_words: Text
    positive_words: str = ""
    negative_words: str = ""
    on_target_deg: NonNegativeFloat = 1.0
    wait_s: PositiveFloat = 5.0
    bands: tuple[ErrorBand, ...] = Field(min_length=1)
    progression: tuple[Stage, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ascending(self) -> Self:
        for name in ("bands", "progression"):
            bounds = [item.max_error_deg for item in getattr(self, name)]
            if bounds != sorted(set(bounds)):
                raise _field_error(name, "max_error_deg must increase from one entry to the next")
        if self.task == "neutral" and self.target_deg is not None:
            raise _field_error("target_deg", "is for the target task only")
        return self


class Dose(_Model):
    """Sets, repetitions (or holds) per set, rest between sets in seconds, and side."""

    sets: int = Field(ge=DOSE_LIMITS.sets[0], le=DOSE_LIMITS.sets[1], strict=True)
    reps: int = Field(ge=DOSE_LIMITS.reps[0], le=DOSE_LIMITS.reps[1], strict=True)
    rest_s: Number = Field(default=0.0, ge=DOSE_LIMITS.rest_s[0], le=DOSE_LIMITS.rest_s[1])
    side: Literal["none", "left", "right", "both", "alternate"]


class Exercise(_Model):
    """One exercise of the library, as read and validated from its JSON file."""

    id: Text
    name: Text
    category: Literal["balance", "core", "proprioceptive re-education", "mobility"]
    level: int = Field(ge=1, le=5, strict=True)
    starting_position: Text
    body_position: tuple[Position, ...] = Field(min_length=1)
    camera_view: Literal["front", "side", "either"]
    instructions: Texts = Field(min_length=1)
    tracked: tuple[Tracked, ...] = Field(min_length=1)
    mode: Literal["reps", "hold"]
    repetition: Repetition | None = None
    hold: Hold | None = None
    form_rules: tuple[FormRule, ...] = ()
    dose: Dose
    easier: Texts = ()
    harder: Texts = ()
    sources: Texts = Field(min_length=1)
    lost_after_s: PositiveFloat = 0.5
    feedback: Feedback | None = None
    _source_file: str = PrivateAttr(default="")

    @property
    def source_file(self) -> str:
        """The file the exercise was read from (not part of the format; '' when built here)."""
        return self._source_file

    @field_validator("id")
    @classmethod
    def _id_pattern(cls, value: str) -> str:
        if not ID_PATTERN.match(value):
            raise ValueError(f"must be lower-case letters, digits and _; got {value!r}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        names = [t.name for t in self.tracked]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise _field_error(f"tracked[{i}].name", f"duplicate quantity name {name!r}")
        self._check_mode(set(names))
        if self.feedback is not None:
            _check_quantity(self.feedback.quantity, "feedback.quantity", set(names))
            if self.mode != "reps":
                raise _field_error("feedback", "is for mode 'reps' (one trial a repetition)")
        phases = ("always", *(REP_PHASES if self.mode == "reps" else HOLD_PHASES))
        ids: list[str] = []
        for i, rule in enumerate(self.form_rules):
            path = f"form_rules[{i}]"
            if rule.id in ids:
                raise _field_error(f"{path}.id", f"duplicate rule id {rule.id!r}")
            ids.append(rule.id)
            _check_quantity(rule.when.quantity, f"{path}.when.quantity", set(names))
            for phase in rule.applies_during:
                if phase not in phases:
                    raise _field_error(
                        f"{path}.applies_during",
                        f"unknown phase {phase!r}; one of {' | '.join(phases)}",
                    )
        for field in ("easier", "harder"):
            if self.id in getattr(self, field):
                raise _field_error(field, f"names the exercise itself ({self.id!r})")
        return self

    def _check_mode(self, names: set[str]) -> None:
        if self.mode == "reps":
            if self.repetition is None:
                raise _field_error("repetition", "is missing (mode 'reps' counts repetitions)")
            _check_quantity(self.repetition.quantity, "repetition.quantity", names)
            if self.hold is not None:
                raise _field_error("hold", "is for mode 'hold' only")
        else:
            if self.hold is None:
                raise _field_error("hold", "is missing (mode 'hold' times holds)")
            for i, condition in enumerate(self.hold.conditions):
                _check_quantity(condition.quantity, f"hold.conditions[{i}].quantity", names)
            if self.repetition is not None:
                raise _field_error("repetition", "is for mode 'reps' only")

    def quantity(self, name: str) -> Tracked:
        """The tracked quantity called ``name`` (``KeyError`` if absent)."""
        for item in self.tracked:
            if item.name == name:
                return item
        raise KeyError(name)

    def with_dose(
        self,
        *,
        sets: int | None = None,
        reps: int | None = None,
        rest_s: float | None = None,
        side: str | None = None,
        hold_s: float | None = None,
        source: str | None = None,
    ) -> "Exercise":
        """A copy with another dose (validated against :data:`DOSE_LIMITS`); ``None`` keeps a
        value. ``hold_s`` sets the hold target of a ``hold`` exercise. ``source`` names where the
        dose comes from in messages (default: the exercise's file).

        Raises:
            ExerciseDataError: a value outside the limits, naming the field.
        """
        dose = self.dose.model_dump()
        dose |= {k: v for k, v in (("sets", sets), ("reps", reps), ("rest_s", rest_s),
                                   ("side", side)) if v is not None}  # fmt: skip
        data = self.model_dump(by_alias=True) | {"dose": dose}
        if hold_s is not None and data.get("hold") is not None:
            data["hold"] = data["hold"] | {"target_s": hold_s}
        return exercise_from_dict(data, source=source or self.source_file or f"<{self.id}>")


def _check_quantity(name: str, path: str, names: set[str]) -> None:
    if name not in names:
        raise _field_error(path, f"unknown quantity {name!r}; tracked: {', '.join(sorted(names))}")


def exercise_from_dict(data: Any, source: str = "<exercise>") -> Exercise:
    """Build and validate an :class:`Exercise` from its JSON mapping.

    Cross-file checks (``easier``/``harder`` exist, no cycle) are the loader's job.

    Raises:
        ExerciseDataError: naming ``source`` and the offending field.
    """
    from pydantic import ValidationError

    from kinesense.exercises.messages import EXERCISE_WORDING
    from kinesense.validation_errors import one_line

    if not isinstance(data, dict):
        raise ExerciseDataError(f"{source}: must hold one JSON object, not {type(data).__name__}")
    try:
        exercise = Exercise.model_validate(data)
    except ValidationError as error:
        raise ExerciseDataError(one_line(error, source, EXERCISE_WORDING)) from None
    exercise._source_file = source
    return exercise
