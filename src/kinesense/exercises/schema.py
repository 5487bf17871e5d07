"""The exercise data format: frozen dataclasses, built and validated from a JSON mapping.

Every problem raises :class:`ExerciseDataError` naming the file (``source``) and the field
(a dotted path such as ``form_rules[1].when.value``), so a therapist who writes a new exercise
file sees exactly what to fix. The format is described for people in ``FORMAT.md`` beside this
module; :func:`exercise_from_dict` is its single point of truth.
"""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from kinesense.errors import KinesenseError
from kinesense.landmarks import LANDMARK_INDEX


class ExerciseDataError(KinesenseError):
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
)
POINTS_PER_KIND: Final = {
    "joint_angle": (3, 3),
    "segment_inclination": (2, 2),
    "distance": (2, 2),
    "height_difference": (2, 2),
    "landmark_visible": (1, 33),
}
UNITS: Final = {
    "joint_angle": "deg",
    "segment_inclination": "deg",
    "distance": "torso",
    "height_difference": "torso",
    "landmark_visible": "fraction",
}
VIRTUAL_POINTS: Final = {
    "mid_shoulder": ("left_shoulder", "right_shoulder"),
    "mid_hip": ("left_hip", "right_hip"),
    "mid_knee": ("left_knee", "right_knee"),
    "mid_ankle": ("left_ankle", "right_ankle"),
    "mid_ear": ("left_ear", "right_ear"),
}
"""Points that are the midpoint of two landmarks, usable wherever a landmark name is."""
COMPARISONS: Final = ("above", "below", "abs_above")
REP_PHASES: Final = ("rest", "moving", "target", "returning")
HOLD_PHASES: Final = ("waiting", "holding")
ID_PATTERN: Final = re.compile(r"^[a-z0-9][a-z0-9_]*$")


@dataclass(frozen=True)
class Tracked:
    """A quantity computed from landmarks every frame (see FORMAT.md for each kind's unit)."""

    name: str
    kind: str
    points: tuple[str, ...]
    min_cutoff_hz: float = 1.0
    beta: float | None = None
    absolute: bool = False

    @property
    def unit(self) -> str:
        """``deg`` for angles, ``torso`` for lengths divided by the torso length."""
        return UNITS[self.kind]


@dataclass(frozen=True)
class Repetition:
    """One repetition: leave the rest zone past ``enter``, reach ``target``, return past ``exit``.

    The direction is implied: when ``target < enter`` the quantity falls during a repetition
    (``target <= enter <= exit``), else it rises (``target >= enter >= exit``). ``exit`` on the
    rest side of ``enter`` is the hysteresis band that stops jitter counting twice.
    """

    quantity: str
    enter: float
    target: float
    exit: float
    min_duration_s: float
    max_duration_s: float

    @property
    def falling(self) -> bool:
        """True when the quantity decreases from rest towards the target."""
        return self.target < self.enter


@dataclass(frozen=True)
class Condition:
    """``minimum <= quantity <= maximum`` (either bound may be absent)."""

    quantity: str
    minimum: float | None
    maximum: float | None

    def holds(self, value: float) -> bool:
        """Whether ``value`` is inside the range."""
        return (self.minimum is None or value >= self.minimum) and (
            self.maximum is None or value <= self.maximum
        )


@dataclass(frozen=True)
class Hold:
    """Holding = every condition true; breaks up to ``grace_s`` are forgiven."""

    conditions: tuple[Condition, ...]
    target_s: float
    grace_s: float
    settle_s: float


@dataclass(frozen=True)
class When:
    """A fault condition: ``quantity`` beyond ``value`` by more than ``tolerance``."""

    quantity: str
    comparison: str
    value: float
    tolerance: float


@dataclass(frozen=True)
class FormRule:
    """A form rule: when ``when`` persists ``debounce_s`` seconds, say ``cue``."""

    id: str
    when: When
    cue: str
    applies_during: tuple[str, ...]
    debounce_s: float
    repeat_after_s: float


@dataclass(frozen=True)
class Dose:
    """Sets, repetitions (or holds) per set, rest between sets in seconds, and side."""

    sets: int
    reps: int
    rest_s: float
    side: str


@dataclass(frozen=True)
class Exercise:
    """One exercise of the library, as read and validated from its JSON file."""

    id: str
    name: str
    category: str
    level: int
    starting_position: str
    camera_view: str
    instructions: tuple[str, ...]
    tracked: tuple[Tracked, ...]
    mode: str
    repetition: Repetition | None
    hold: Hold | None
    form_rules: tuple[FormRule, ...]
    dose: Dose
    easier: tuple[str, ...]
    harder: tuple[str, ...]
    sources: tuple[str, ...]
    lost_after_s: float = 0.5
    source_file: str = ""

    def quantity(self, name: str) -> Tracked:
        """The tracked quantity called ``name`` (``KeyError`` if absent)."""
        for item in self.tracked:
            if item.name == name:
                return item
        raise KeyError(name)


class _Reader:
    """Field access that names the file and the field in every error."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, field: str, message: str) -> ExerciseDataError:
        return ExerciseDataError(f"{self.source}: field '{field}': {message}")

    def get(self, data: Mapping[str, Any], key: str, path: str, default: Any = ...) -> Any:
        if not isinstance(data, Mapping):
            raise self.fail(path, f"must be an object; got {type(data).__name__}")
        if key not in data:
            if default is ...:
                raise self.fail(_join(path, key), "is missing")
            return default
        return data[key]

    def text(self, data: Mapping[str, Any], key: str, path: str) -> str:
        value = self.get(data, key, path)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(_join(path, key), f"must be non-empty text; got {value!r}")
        return value.strip()

    def number(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        default: Any = ...,
        *,
        positive: bool = False,
    ) -> float:
        value = self.get(data, key, path, default)
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if not is_number or not math.isfinite(value):
            raise self.fail(_join(path, key), f"must be a number; got {value!r}")
        if positive and value <= 0:
            raise self.fail(_join(path, key), f"must be greater than zero; got {value!r}")
        return float(value)

    def maybe(self, data: Mapping[str, Any], key: str, path: str) -> float | None:
        if self.get(data, key, path, None) is None:
            return None
        return self.number(data, key, path)

    def integer(self, data: Mapping[str, Any], key: str, path: str, low: int, high: int) -> int:
        value = self.get(data, key, path)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(_join(path, key), f"must be a whole number {low}-{high}; got {value!r}")
        return value

    def option(self, data: Mapping[str, Any], key: str, path: str, allowed: tuple[str, ...]) -> str:
        value = self.get(data, key, path)
        if value not in allowed:
            listed = " | ".join(allowed)
            raise self.fail(_join(path, key), f"must be one of {listed}; got {value!r}")
        return str(value)

    def texts(
        self, data: Mapping[str, Any], key: str, path: str, *, allow_empty: bool = False
    ) -> tuple[str, ...]:
        value = self.get(data, key, path, [] if allow_empty else ...)
        if not isinstance(value, list) or (not value and not allow_empty):
            raise self.fail(_join(path, key), f"must be a non-empty list of text; got {value!r}")
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{_join(path, key)}[{i}]", f"must be non-empty text; got {item!r}")
        return tuple(item.strip() for item in value)

    def objects(self, data: Mapping[str, Any], key: str, path: str) -> list[Mapping[str, Any]]:
        value = self.get(data, key, path, [])
        if not isinstance(value, list):
            raise self.fail(_join(path, key), f"must be a list; got {type(value).__name__}")
        for i, item in enumerate(value):
            if not isinstance(item, Mapping):
                raise self.fail(f"{_join(path, key)}[{i}]", "must be an object")
        return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def exercise_from_dict(data: Mapping[str, Any], source: str = "<exercise>") -> Exercise:
    """Build and validate an :class:`Exercise` from its JSON mapping.

    Cross-file checks (``easier``/``harder`` exist, no cycle) are the loader's job.

    Raises:
        ExerciseDataError: naming ``source`` and the offending field.
    """
    r = _Reader(source)
    if not isinstance(data, Mapping):
        raise ExerciseDataError(f"{source}: must hold one JSON object, not {type(data).__name__}")
    exercise_id = r.text(data, "id", "")
    if not ID_PATTERN.match(exercise_id):
        raise r.fail("id", f"must be lower-case letters, digits and _; got {exercise_id!r}")
    tracked = _read_tracked(r, data)
    names = {t.name for t in tracked}
    mode = r.option(data, "mode", "", MODES)
    repetition = _read_repetition(r, data, names) if mode == "reps" else None
    hold = _read_hold(r, data, names) if mode == "hold" else None
    phases = ("always",) + (REP_PHASES if mode == "reps" else HOLD_PHASES)
    rules = _read_rules(r, data, names, phases)
    dose_data = r.get(data, "dose", "")
    dose = Dose(
        sets=r.integer(dose_data, "sets", "dose", 1, 20),
        reps=r.integer(dose_data, "reps", "dose", 1, 100),
        rest_s=r.number(dose_data, "rest_s", "dose", 0.0),
        side=r.option(dose_data, "side", "dose", SIDES),
    )
    if dose.rest_s < 0:
        raise r.fail("dose.rest_s", f"must be zero or more; got {dose.rest_s}")
    easier = r.texts(data, "easier", "", allow_empty=True)
    harder = r.texts(data, "harder", "", allow_empty=True)
    for field, ids in (("easier", easier), ("harder", harder)):
        if exercise_id in ids:
            raise r.fail(field, f"names the exercise itself ({exercise_id!r})")
    return Exercise(
        id=exercise_id,
        name=r.text(data, "name", ""),
        category=r.option(data, "category", "", CATEGORIES),
        level=r.integer(data, "level", "", 1, 5),
        starting_position=r.text(data, "starting_position", ""),
        camera_view=r.option(data, "camera_view", "", CAMERA_VIEWS),
        instructions=r.texts(data, "instructions", ""),
        tracked=tracked,
        mode=mode,
        repetition=repetition,
        hold=hold,
        form_rules=rules,
        dose=dose,
        easier=easier,
        harder=harder,
        sources=r.texts(data, "sources", ""),
        lost_after_s=r.number(data, "lost_after_s", "", 0.5, positive=True),
        source_file=source,
    )


def _read_tracked(r: _Reader, data: Mapping[str, Any]) -> tuple[Tracked, ...]:
    items = r.objects(data, "tracked", "")
    if not items:
        raise r.fail("tracked", "must list at least one quantity")
    out: list[Tracked] = []
    for i, item in enumerate(items):
        path = f"tracked[{i}]"
        name = r.text(item, "name", path)
        if any(t.name == name for t in out):
            raise r.fail(f"{path}.name", f"duplicate quantity name {name!r}")
        kind = r.option(item, "kind", path, KINDS)
        points = r.texts(item, "points", path)
        low, high = POINTS_PER_KIND[kind]
        if not low <= len(points) <= high:
            count = str(low) if low == high else f"{low}-{high}"
            raise r.fail(f"{path}.points", f"{kind} needs {count} points; got {len(points)}")
        for j, point in enumerate(points):
            if point not in LANDMARK_INDEX and point not in VIRTUAL_POINTS:
                raise r.fail(
                    f"{path}.points[{j}]",
                    f"unknown landmark {point!r} (BlazePose names such as 'left_knee', "
                    f"or {', '.join(VIRTUAL_POINTS)})",
                )
        beta = r.maybe(item, "beta", path)
        if beta is not None and beta < 0:
            raise r.fail(f"{path}.beta", f"must be zero or more; got {beta}")
        absolute = r.get(item, "absolute", path, False)
        if not isinstance(absolute, bool):
            raise r.fail(f"{path}.absolute", f"must be true or false; got {absolute!r}")
        out.append(
            Tracked(
                absolute=absolute,
                name=name,
                kind=kind,
                points=points,
                min_cutoff_hz=r.number(item, "min_cutoff_hz", path, 1.0, positive=True),
                beta=beta,
            )
        )
    return tuple(out)


def _quantity(r: _Reader, data: Mapping[str, Any], path: str, names: set[str]) -> str:
    name = r.text(data, "quantity", path)
    if name not in names:
        raise r.fail(
            f"{path}.quantity", f"unknown quantity {name!r}; tracked: {', '.join(sorted(names))}"
        )
    return name


def _read_repetition(r: _Reader, data: Mapping[str, Any], names: set[str]) -> Repetition:
    block = r.get(data, "repetition", "")
    path = "repetition"
    rep = Repetition(
        quantity=_quantity(r, block, path, names),
        enter=r.number(block, "enter", path),
        target=r.number(block, "target", path),
        exit=r.number(block, "exit", path),
        min_duration_s=r.number(block, "min_duration_s", path, positive=True),
        max_duration_s=r.number(block, "max_duration_s", path, positive=True),
    )
    if rep.target == rep.enter:
        raise r.fail(f"{path}.target", "must differ from 'enter'")
    ordered = (
        rep.target < rep.enter <= rep.exit if rep.falling else rep.target > rep.enter >= rep.exit
    )
    if not ordered:
        order = "target < enter <= exit" if rep.falling else "target > enter >= exit"
        raise r.fail(
            f"{path}.exit",
            f"must lie on the rest side of 'enter' ({order}); got enter={rep.enter}, "
            f"target={rep.target}, exit={rep.exit}",
        )
    if rep.max_duration_s <= rep.min_duration_s:
        raise r.fail(f"{path}.max_duration_s", "must be greater than min_duration_s")
    return rep


def _read_hold(r: _Reader, data: Mapping[str, Any], names: set[str]) -> Hold:
    block = r.get(data, "hold", "")
    conditions: list[Condition] = []
    items = r.objects(block, "conditions", "hold")
    if not items:
        raise r.fail("hold.conditions", "must list at least one condition")
    for i, item in enumerate(items):
        path = f"hold.conditions[{i}]"
        low = r.maybe(item, "min", path)
        high = r.maybe(item, "max", path)
        if low is None and high is None:
            raise r.fail(path, "needs 'min', 'max' or both")
        if low is not None and high is not None and low >= high:
            raise r.fail(f"{path}.max", f"must be greater than min ({low}); got {high}")
        conditions.append(Condition(_quantity(r, item, path, names), low, high))
    return Hold(
        conditions=tuple(conditions),
        target_s=r.number(block, "target_s", "hold", positive=True),
        grace_s=r.number(block, "grace_s", "hold", 1.0),
        settle_s=r.number(block, "settle_s", "hold", 0.5),
    )


def _read_rules(
    r: _Reader, data: Mapping[str, Any], names: set[str], phases: tuple[str, ...]
) -> tuple[FormRule, ...]:
    rules: list[FormRule] = []
    for i, item in enumerate(r.objects(data, "form_rules", "")):
        path = f"form_rules[{i}]"
        rule_id = r.text(item, "id", path)
        if any(rule.id == rule_id for rule in rules):
            raise r.fail(f"{path}.id", f"duplicate rule id {rule_id!r}")
        when = r.get(item, "when", path)
        wpath = f"{path}.when"
        during = r.get(item, "applies_during", path, "always")
        during_list = [during] if isinstance(during, str) else during
        if not isinstance(during_list, list) or not during_list:
            raise r.fail(f"{path}.applies_during", "must be a phase name or a list of them")
        for phase in during_list:
            if phase not in phases:
                raise r.fail(
                    f"{path}.applies_during",
                    f"unknown phase {phase!r}; one of {' | '.join(phases)}",
                )
        tolerance = r.number(when, "tolerance", wpath, 0.0)
        if tolerance < 0:
            raise r.fail(f"{wpath}.tolerance", f"must be zero or more; got {tolerance}")
        rules.append(
            FormRule(
                id=rule_id,
                when=When(
                    quantity=_quantity(r, when, wpath, names),
                    comparison=r.option(when, "comparison", wpath, COMPARISONS),
                    value=r.number(when, "value", wpath),
                    tolerance=tolerance,
                ),
                cue=r.text(item, "cue", path),
                applies_during=tuple(during_list),
                debounce_s=r.number(item, "debounce_s", path, 0.5),
                repeat_after_s=r.number(item, "repeat_after_s", path, 5.0),
            )
        )
    return tuple(rules)
