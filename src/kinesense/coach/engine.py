"""The coaching engine: ``Coach.update(frame) -> events``, one frame of the followed person at a
time. Pure: no I/O, no camera, no pose model. Offline analysis of a recording feeds every frame
of the file to the same :class:`Coach`, so the live and offline answers agree by construction.

Repetitions (:class:`RepCounter`) follow the exercise's ``repetition`` block: a repetition starts
when the smoothed quantity leaves the rest zone past ``enter``, must reach ``target``, and ends
when the quantity comes back past ``exit`` (on the rest side of ``enter``: the hysteresis band).
It is counted once, at that return, if it lasted between ``min_duration_s`` and
``max_duration_s``; otherwise it is recorded as rejected (``too_fast``, ``too_slow``,
``incomplete``). Counting is re-armed only in the rest zone, so jitter around any threshold
cannot count twice.

Holds (:class:`HoldTimer`) start when every hold condition has been true for ``settle_s`` (the
start is dated back to when they became true), survive breaks of up to ``grace_s``, end
``hold_end`` when ``target_s`` is reached, and ``hold_broken`` when a break outlasts the grace
(the hold then ended when the break began). A new hold needs the conditions to go false first.

Landmark dropouts: a frame without the person, or with the counted quantities missing, changes no
state; after ``lost_after_s`` (exercise field, 0.5 s by default) without them, ``tracking_lost``
is emitted, the repetition or hold under way is abandoned, and ``tracking_back`` follows when the
person is seen again. Sets end after ``dose.reps`` repetitions (or holds); ``rest_s`` of rest
follows (``rest_start``/``rest_end``, nothing is counted meanwhile), then the next set, until
``exercise_done``.
"""

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kinesense.coach.rules import FormChecker
from kinesense.coach.signals import SignalTracker
from kinesense.coach.summary import (
    FaultCount,
    HoldRecord,
    RejectedRep,
    RepRecord,
    SessionSummary,
    TrackingQuality,
)
from kinesense.errors import SeriesError
from kinesense.exercises.schema import Exercise, Hold, Repetition
from kinesense.landmarks import BLAZEPOSE_LANDMARKS
from kinesense.series.pose import PoseSeries

EVENT_KINDS = (
    "rep",
    "hold_start",
    "hold_end",
    "hold_broken",
    "form_fault",
    "form_ok",
    "set_done",
    "rest_start",
    "rest_end",
    "exercise_done",
    "tracking_lost",
    "tracking_back",
)


@dataclass(frozen=True)
class CoachFrame:
    """One frame of the followed person.

    ``image_xyz`` (33, 3) normalised image landmarks (y down) or ``None`` when nobody is seen;
    ``visibility`` (33,); ``resolution`` (width, height) in pixels, so that x and y are compared
    in one unit.
    """

    time_s: float
    image_xyz: NDArray[np.float64] | None
    visibility: NDArray[np.float64] | None
    world_xyz_m: NDArray[np.float64] | None = None
    resolution: tuple[int, int] | None = None


@dataclass(frozen=True)
class CoachEvent:
    """Something to tell the person: ``kind`` (one of :data:`EVENT_KINDS`), plain-words
    ``message`` and details in ``data``."""

    kind: str
    time_s: float
    message: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CoachState:
    """What the overlay shows (``set_index`` counts from 1)."""

    exercise_id: str
    exercise_name: str
    mode: str
    side: str
    set_index: int
    sets_total: int
    reps_in_set: int
    reps_target: int
    hold_elapsed_s: float
    hold_target_s: float
    resting: bool
    rest_remaining_s: float
    phase: str
    active_cues: list[str]
    values: dict[str, float | None]
    tracking: bool
    done: bool


@dataclass(frozen=True)
class RepOutcome:
    """A movement that went out of the rest zone and came back (or was abandoned)."""

    counted: bool
    reason: str  # "ok", "too_fast", "too_slow", "incomplete"
    start_s: float
    end_s: float
    range: float
    peak: float


class RepCounter:
    """Repetition state machine on one scalar quantity (see the module docstring).

    Phases: ``unarmed`` (waiting for the rest zone), ``rest``, ``moving``, ``target``,
    ``returning``. Works in a *progress* coordinate that rises towards the target.
    """

    def __init__(self, spec: Repetition) -> None:
        self.spec = spec
        self._sign = -1.0 if spec.falling else 1.0
        self._enter = self._sign * spec.enter
        self._target = self._sign * spec.target
        self._exit = self._sign * spec.exit
        self.phase = "unarmed"
        self._start_s = 0.0
        self._rest_low = math.inf
        self._peak = -math.inf

    def abandon(self) -> None:
        """Forget the repetition under way; count again only after the rest zone."""
        self.phase = "unarmed"

    def update(self, time_s: float, value: float | None) -> RepOutcome | None:
        """Advance to ``time_s``; ``None`` keeps the state (a dropout)."""
        if value is None:
            return self._check_too_slow(time_s)
        p = self._sign * value
        if self.phase in ("unarmed", "rest"):
            if p <= self._exit:
                if self.phase == "unarmed":
                    self._rest_low = p
                self.phase = "rest"
            if self.phase == "rest":
                self._rest_low = min(self._rest_low, p)
                if p > self._enter:
                    self.phase = "moving"
                    self._start_s = time_s
                    self._peak = p
            return None
        self._peak = max(self._peak, p)
        if p >= self._target:
            self.phase = "target"
        elif self.phase == "target":
            self.phase = "returning"
        if p <= self._exit:
            reached = self.phase == "returning" or self._peak >= self._target
            duration = time_s - self._start_s
            reason = "ok" if reached else "incomplete"
            if reached and duration < self.spec.min_duration_s:
                reason = "too_fast"
            outcome = self._outcome(reason == "ok", reason, time_s)
            self.phase = "rest"
            self._rest_low = p
            return outcome
        return self._check_too_slow(time_s)

    def _check_too_slow(self, time_s: float) -> RepOutcome | None:
        moving = self.phase in ("moving", "target", "returning")
        if moving and time_s - self._start_s > self.spec.max_duration_s:
            self.phase = "unarmed"
            return self._outcome(False, "too_slow", time_s)
        return None

    def _outcome(self, counted: bool, reason: str, time_s: float) -> RepOutcome:
        return RepOutcome(
            counted=counted,
            reason=reason,
            start_s=self._start_s,
            end_s=time_s,
            range=abs(self._peak - self._rest_low),
            peak=self._sign * self._peak,
        )


class HoldTimer:
    """Hold state machine (see the module docstring). Phases ``waiting`` and ``holding``."""

    def __init__(self, spec: Hold) -> None:
        self.spec = spec
        self.phase = "waiting"
        self.start_s = 0.0
        self._run_start: float | None = None
        self._break_start: float | None = None
        self._need_release = False

    def elapsed_s(self, time_s: float) -> float:
        """Seconds held so far (0 when not holding)."""
        return time_s - self.start_s if self.phase == "holding" else 0.0

    def abandon(self, last_seen_s: float) -> tuple[str, float, float] | None:
        """Stop timing (tracking lost): ``("hold_broken", start, end)`` if a hold was on; it
        ended when a break began or, failing that, when the person was last seen."""
        was_holding = self.phase == "holding"
        end = self._break_start if self._break_start is not None else last_seen_s
        self.phase = "waiting"
        self._run_start = None
        self._break_start = None
        return ("hold_broken", self.start_s, max(end, self.start_s)) if was_holding else None

    def update(self, time_s: float, ok: bool | None) -> tuple[str, float, float] | None:
        """Advance to ``time_s``; ``ok`` None keeps the state. Returns ``(kind, start_s,
        end_s)`` for ``hold_start``, ``hold_end`` or ``hold_broken``."""
        if ok is None:
            return None
        spec = self.spec
        if self.phase == "waiting":
            if not ok:
                self._need_release = False
                self._run_start = None
                return None
            if self._need_release:
                return None
            if self._run_start is None:
                self._run_start = time_s
            if time_s - self._run_start >= spec.settle_s:
                self.phase = "holding"
                self.start_s = self._run_start
                self._break_start = None
                return ("hold_start", self.start_s, time_s)
            return None
        if ok:
            self._break_start = None
            if time_s - self.start_s >= spec.target_s:
                self.phase = "waiting"
                self._run_start = None
                self._need_release = True
                return ("hold_end", self.start_s, time_s)
            return None
        if self._break_start is None:
            self._break_start = time_s
        if time_s - self._break_start > spec.grace_s:
            end = self._break_start
            self.phase = "waiting"
            self._run_start = None
            self._break_start = None
            return ("hold_broken", self.start_s, end)
        return None


class Coach:
    """Coach one exercise frame by frame: ``events = coach.update(frame)``.

    Args:
        exercise: the exercise (from :func:`kinesense.exercises.load_exercise`).
        side: ``"left"`` or ``"right"`` for a one-sided exercise; ``None`` follows the dose
            (``both``: sets alternate left, right, ... so there are twice ``dose.sets`` sets;
            ``alternate``: the side changes after every repetition or hold; ``left``/``right``:
            that side; ``none``: a two-sided exercise, computed as written).
    """

    def __init__(self, exercise: Exercise, *, side: str | None = None) -> None:
        if side not in (None, "left", "right"):
            raise ValueError(f"side must be None, 'left' or 'right'; got {side!r}")
        self.exercise = exercise
        dose = exercise.dose
        self._alternate = side is None and dose.side == "alternate"
        if side is not None:
            self._set_sides = [side] * dose.sets
        elif dose.side == "both":
            self._set_sides = ["left", "right"] * dose.sets
        elif dose.side in ("left", "right"):
            self._set_sides = [dose.side] * dose.sets
        else:  # none, alternate
            self._set_sides = [("left" if dose.side == "alternate" else "none")] * dose.sets
        self._trackers = {
            name: SignalTracker(exercise, mirrored=name == "right")
            for name in ("none", "left", "right")
            if name in self._set_sides or (self._alternate and name != "none")
        }
        self._side = self._set_sides[0]
        rep_spec, hold_spec = exercise.repetition, exercise.hold
        self._reps = RepCounter(rep_spec) if rep_spec is not None else None
        self._hold = HoldTimer(hold_spec) if hold_spec is not None else None
        self._needed: tuple[str, ...]
        if rep_spec is not None:
            self._needed = (rep_spec.quantity,)
        else:
            assert hold_spec is not None
            self._needed = tuple(dict.fromkeys(c.quantity for c in hold_spec.conditions))
        self._rules = FormChecker(exercise.form_rules)
        self._t: float | None = None
        self._t0: float | None = None
        self._set = 0
        self._in_set = 0
        self._rest_until: float | None = None
        self._done = False
        self._last_seen: float | None = None
        self._lost = False
        self._lost_since = 0.0
        self._frames = 0
        self._tracked = 0
        self._lost_episodes = 0
        self._lost_s = 0.0
        self._move_frames = 0
        self._move_faulty = 0
        self._rep_records: list[RepRecord] = []
        self._rejected: list[RejectedRep] = []
        self._hold_records: list[HoldRecord] = []

    # ----------------------------------------------------------------- public
    def update(self, frame: CoachFrame) -> list[CoachEvent]:
        """Feed one frame (times must increase); return the events it caused, in order."""
        t = float(frame.time_s)
        if not math.isfinite(t) or (self._t is not None and t <= self._t):
            raise ValueError(f"frame times must increase; got {t!r} after {self._t!r}")
        self._t = t
        if self._t0 is None:
            self._t0 = t
        self._frames += 1
        values = self._tracker.update(t, frame.image_xyz, frame.visibility, frame.resolution)
        events: list[CoachEvent] = []
        if self._done:
            return events
        seen = all(self._tracker.raw[name] is not None for name in self._needed)
        self._track(t, seen, events)
        if self._rest_until is not None:
            if t < self._rest_until:
                return events
            self._end_rest(t, events)
        phase = self._phase()
        for rule_event in self._rules.update(t, values, phase):
            kind = rule_event.kind
            message = rule_event.rule.cue if kind == "form_fault" else "Good, that's better."
            data = {**rule_event.data, "value": rule_event.value}
            events.append(CoachEvent(kind, t, message, data))
        if seen and phase not in ("rest", "waiting", "unarmed"):
            self._move_frames += 1
            self._move_faulty += int(self._rules.faulty())
        if self._reps is not None:
            outcome = self._reps.update(t, values[self._reps.spec.quantity] if seen else None)
            if outcome is not None:
                self._on_rep(outcome, events)
        elif self._hold is not None:
            ok = self._hold_ok(values) if seen else None
            result = self._hold.update(t, ok)
            if result is not None:
                self._on_hold(*result, events)
        return events

    @property
    def state(self) -> CoachState:
        """The state for the overlay, after the last frame."""
        t = self._t if self._t is not None else 0.0
        hold_spec = self.exercise.hold
        resting = self._rest_until is not None
        rest_left = max(0.0, self._rest_until - t) if self._rest_until is not None else 0.0
        return CoachState(
            exercise_id=self.exercise.id,
            exercise_name=self.exercise.name,
            mode=self.exercise.mode,
            side=self._side,
            set_index=min(self._set + 1, len(self._set_sides)),
            sets_total=len(self._set_sides),
            reps_in_set=self._in_set,
            reps_target=self.exercise.dose.reps,
            hold_elapsed_s=self._hold.elapsed_s(t) if self._hold is not None else 0.0,
            hold_target_s=hold_spec.target_s if hold_spec is not None else 0.0,
            resting=resting,
            rest_remaining_s=rest_left,
            phase="done" if self._done else ("resting" if resting else self._phase()),
            active_cues=self._rules.active_cues(),
            values=dict(self._tracker.values),
            tracking=not self._lost and self._last_seen is not None,
            done=self._done,
        )

    def summary(self) -> SessionSummary:
        """The session so far (see :class:`kinesense.coach.summary.SessionSummary`)."""
        start = self._t0 if self._t0 is not None else 0.0
        end = self._t if self._t is not None else 0.0
        lost_s = self._lost_s + (end - self._lost_since if self._lost else 0.0)
        faults = [
            FaultCount(rule.id, rule.cue, state.episodes, state.cues)
            for rule in self.exercise.form_rules
            for state in (self._rules.states[rule.id],)
        ]
        return SessionSummary(
            exercise_id=self.exercise.id,
            exercise_name=self.exercise.name,
            mode=self.exercise.mode,
            sets_total=len(self._set_sides),
            sets_completed=self._set if not self._done else len(self._set_sides),
            reps_target=self.exercise.dose.reps,
            done=self._done,
            duration_s=end - start,
            reps=list(self._rep_records),
            rejected=list(self._rejected),
            holds=list(self._hold_records),
            faults=faults,
            tracking=TrackingQuality(
                frames=self._frames,
                tracked_frames=self._tracked,
                tracked_fraction=self._tracked / self._frames if self._frames else 0.0,
                lost_episodes=self._lost_episodes,
                lost_s=lost_s,
            ),
        )

    # ---------------------------------------------------------------- private
    @property
    def _tracker(self) -> SignalTracker:
        return self._trackers[self._side]

    def _phase(self) -> str:
        if self._reps is not None:
            return self._reps.phase
        assert self._hold is not None
        return self._hold.phase

    def _hold_ok(self, values: Mapping[str, float | None]) -> bool | None:
        assert self._hold is not None
        result = True
        for condition in self._hold.spec.conditions:
            value = values[condition.quantity]
            if value is None:
                return None
            result = result and condition.holds(value)
        return result

    def _track(self, t: float, seen: bool, events: list[CoachEvent]) -> None:
        if seen:
            self._tracked += 1
            if self._lost:
                self._lost = False
                self._lost_s += t - self._lost_since
                events.append(CoachEvent("tracking_back", t, "I can see you again.", {}))
            self._last_seen = t
            return
        if self._lost or self._last_seen is None:
            return
        if t - self._last_seen > self.exercise.lost_after_s:
            self._lost = True
            self._lost_since = self._last_seen
            self._lost_episodes += 1
            events.append(
                CoachEvent(
                    "tracking_lost",
                    t,
                    "I can't see you well: step back into view.",
                    {"last_seen_s": self._last_seen},
                )
            )
            self._rules.reset()
            self._move_frames = self._move_faulty = 0
            if self._reps is not None:
                self._reps.abandon()
            if self._hold is not None:
                result = self._hold.abandon(self._last_seen)
                if result is not None:
                    self._on_hold(*result, events)

    def _on_rep(self, outcome: RepOutcome, events: list[CoachEvent]) -> None:
        t = outcome.end_s
        score = 1.0 - self._move_faulty / self._move_frames if self._move_frames else 1.0
        self._move_frames = self._move_faulty = 0
        if not outcome.counted:
            self._rejected.append(
                RejectedRep(
                    self._set + 1,
                    self._side,
                    outcome.start_s,
                    outcome.end_s,
                    outcome.reason,
                    outcome.peak,
                )
            )
            return
        self._in_set += 1
        spec = self.exercise.repetition
        assert spec is not None
        unit = self.exercise.quantity(spec.quantity).unit
        record = RepRecord(
            rep=self._in_set,
            set=self._set + 1,
            side=self._side,
            start_s=outcome.start_s,
            end_s=t,
            duration_s=t - outcome.start_s,
            range=outcome.range,
            peak=outcome.peak,
            unit=unit,
            form_score=score,
        )
        self._rep_records.append(record)
        data: dict[str, Any] = {
            "rep": record.rep,
            "set": record.set,
            "side": record.side,
            "duration_s": record.duration_s,
            "range": record.range,
            "unit": unit,
            "form_score": score,
        }
        if unit == "deg":
            data["range_deg"] = record.range
        events.append(CoachEvent("rep", t, f"{record.rep}", data))
        self._after_unit(t, events)

    def _on_hold(self, kind: str, start: float, end: float, events: list[CoachEvent]) -> None:
        t = self._t if self._t is not None else end
        if kind == "hold_start":
            self._move_frames = self._move_faulty = 0
            data = {"start_s": start, "set": self._set + 1, "side": self._side}
            events.append(CoachEvent(kind, t, "Hold it there.", data))
            return
        score = 1.0 - self._move_faulty / self._move_frames if self._move_frames else 1.0
        completed = kind == "hold_end"
        record = HoldRecord(self._set + 1, self._side, start, end, end - start, completed, score)
        self._hold_records.append(record)
        data = {
            "start_s": start,
            "end_s": end,
            "duration_s": end - start,
            "set": record.set,
            "side": record.side,
            "form_score": score,
        }
        message = "Well held. Relax." if completed else f"Hold broken after {end - start:.0f} s."
        events.append(CoachEvent(kind, t, message, data))
        if completed:
            self._in_set += 1
            data["hold"] = self._in_set
            self._after_unit(t, events)

    def _after_unit(self, t: float, events: list[CoachEvent]) -> None:
        if self._alternate:
            self._side = "right" if self._side == "left" else "left"
        if self._in_set < self.exercise.dose.reps:
            return
        self._set += 1
        done_set = {"set": self._set, "sets_total": len(self._set_sides)}
        events.append(CoachEvent("set_done", t, f"Set {self._set} done.", done_set))
        self._rules.reset()
        if self._reps is not None:
            self._reps.abandon()
        if self._set >= len(self._set_sides):
            self._done = True
            events.append(CoachEvent("exercise_done", t, "Exercise complete. Well done.", {}))
            return
        rest = self.exercise.dose.rest_s
        self._rest_until = t + rest
        events.append(
            CoachEvent("rest_start", t, f"Rest for {rest:.0f} seconds.", {"rest_s": rest})
        )

    def _end_rest(self, t: float, events: list[CoachEvent]) -> None:
        self._rest_until = None
        self._in_set = 0
        self._side = self._set_sides[self._set]
        side = self._side if self._side != "none" else ""
        message = f"Next set{' on the ' + side + ' side' if side else ''}: go."
        data = {"set": self._set + 1, "side": self._side}
        events.append(CoachEvent("rest_end", t, message, data))


def frames_from_series(series: PoseSeries) -> Iterator[CoachFrame]:
    """The frames of a recorded :class:`PoseSeries`, as the live loop would give them
    (``None`` landmarks where the person was not detected).

    Raises:
        SeriesError: the series does not hold the 33 BlazePose landmarks in order.
    """
    if tuple(series.landmark_names) != BLAZEPOSE_LANDMARKS:
        raise SeriesError("coaching needs the 33 BlazePose landmarks; convert the series first")
    resolution = series.provenance.resolution
    for i in range(len(series.time_s)):
        if not series.detected[i]:
            yield CoachFrame(float(series.time_s[i]), None, None, resolution=resolution)
            continue
        yield CoachFrame(
            float(series.time_s[i]),
            series.image_xyz[i],
            series.visibility[i],
            world_xyz_m=series.world_xyz_m[i],
            resolution=resolution,
        )


def coach_series(
    exercise: Exercise, series: PoseSeries, *, side: str | None = None
) -> tuple[list[CoachEvent], SessionSummary]:
    """Offline analysis of a recording: every frame fed to one :class:`Coach`, exactly as live.

    Returns all events in order and the session summary.
    """
    coach = Coach(exercise, side=side)
    events: list[CoachEvent] = []
    for frame in frames_from_series(series):
        events += coach.update(frame)
    return events, coach.summary()
