"""The two state machines of the coach: repetitions on one quantity, and holds of a position.

Repetitions (:class:`RepCounter`) follow the exercise's ``repetition`` block: a repetition starts
when the smoothed quantity leaves the rest zone past ``enter``, must reach ``target``, and ends
when the quantity comes back past ``exit`` (on the rest side of ``enter``: the hysteresis band).
It is counted once, at that return, if it lasted between ``min_duration_s`` and
``max_duration_s``; otherwise it is recorded as rejected (``too_fast``, ``too_slow``,
``incomplete``). Counting is re-armed only in the rest zone, so jitter around any threshold
cannot count twice. The very first value a counter sees may be past ``enter``: the recording
began during a repetition, which counts when its target and its return are seen (its true length
is unknown, so it is never "too fast").

Holds (:class:`HoldTimer`) start when every hold condition has been true for ``settle_s`` (the
start is dated back to when they became true), survive breaks of up to ``grace_s``, end
``hold_end`` when ``target_s`` is reached, and ``hold_broken`` when a break outlasts the grace
(the hold then ended when the break began). A new hold needs the conditions to go false first.
A hold still running when the recording ends is closed by :meth:`HoldTimer.cut`.
"""

import math
from dataclasses import dataclass

from kinesense.exercises.schema import Hold, Repetition

MOVING_PHASES = ("moving", "target", "returning")
"""Repetition phases while a repetition is under way."""


@dataclass(frozen=True)
class RepOutcome:
    """A movement that went out of the rest zone and came back (or was abandoned).

    ``began_before`` is True for a repetition already under way at the first frame.
    """

    counted: bool
    reason: str  # "ok", "too_fast", "too_slow", "incomplete", "recording_end"
    start_s: float
    end_s: float
    range: float
    peak: float
    began_before: bool = False


@dataclass(frozen=True)
class HoldChange:
    """A hold started (``hold_start``), reached its target (``hold_end``) or was broken
    (``hold_broken``); ``ended_by`` says what ended it: ``target``, ``break``,
    ``tracking_lost`` or ``recording_end``."""

    kind: str
    start_s: float
    end_s: float
    ended_by: str = ""


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
        self.start_s = 0.0
        self._rest_low = math.inf
        self._peak = -math.inf
        self._first = True
        self._began_before = False

    @property
    def progress(self) -> float:
        """How far the repetition under way has gone past ``enter`` (progress units); 0 at rest."""
        return max(0.0, self._peak - self._enter) if self.phase in MOVING_PHASES else 0.0

    def abandon(self) -> None:
        """Forget the repetition under way; count again only after the rest zone."""
        self.phase = "unarmed"
        self._first = False

    def update(self, time_s: float, value: float | None) -> RepOutcome | None:
        """Advance to ``time_s``; ``None`` keeps the state (a dropout)."""
        if value is None:
            return self._check_too_slow(time_s)
        p = self._sign * value
        if self._first:
            self._first = False
            if p > self._enter:  # the recording began during a repetition
                self.phase, self.start_s, self._peak = "moving", time_s, p
                self._rest_low, self._began_before = self._exit, True
        if self.phase in ("unarmed", "rest"):
            if p <= self._exit:
                if self.phase == "unarmed":
                    self._rest_low = p
                self.phase = "rest"
            if self.phase == "rest":
                self._rest_low = min(self._rest_low, p)
                if p > self._enter:
                    self.phase = "moving"
                    self.start_s = time_s
                    self._peak = p
                    self._began_before = False
            return None
        self._peak = max(self._peak, p)
        if p >= self._target:
            self.phase = "target"
        elif self.phase == "target":
            self.phase = "returning"
        if p <= self._exit:
            reached = self.phase == "returning" or self._peak >= self._target
            duration = time_s - self.start_s
            reason = "ok" if reached else "incomplete"
            if reached and duration < self.spec.min_duration_s and not self._began_before:
                reason = "too_fast"
            outcome = self._outcome(reason == "ok", reason, time_s)
            self.phase = "rest"
            self._rest_low = p
            return outcome
        return self._check_too_slow(time_s)

    def cut(self, time_s: float) -> RepOutcome | None:
        """The recording ended at ``time_s``: the repetition under way, not counted."""
        if self.phase not in MOVING_PHASES:
            return None
        outcome = self._outcome(False, "recording_end", time_s)
        self.phase = "unarmed"
        return outcome

    def _check_too_slow(self, time_s: float) -> RepOutcome | None:
        moving = self.phase in MOVING_PHASES
        if moving and time_s - self.start_s > self.spec.max_duration_s:
            self.phase = "unarmed"
            return self._outcome(False, "too_slow", time_s)
        return None

    def _outcome(self, counted: bool, reason: str, time_s: float) -> RepOutcome:
        return RepOutcome(
            counted=counted,
            reason=reason,
            start_s=self.start_s,
            end_s=time_s,
            range=abs(self._peak - self._rest_low),
            peak=self._sign * self._peak,
            began_before=self._began_before,
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

    @property
    def progress(self) -> float:
        """1 while holding, 0 otherwise (for choosing the side that works)."""
        return 1.0 if self.phase == "holding" else 0.0

    def elapsed_s(self, time_s: float) -> float:
        """Seconds held so far (0 when not holding)."""
        return time_s - self.start_s if self.phase == "holding" else 0.0

    def abandon(self, last_seen_s: float) -> HoldChange | None:
        """Stop timing (tracking lost): ``hold_broken`` if a hold was on; it ended when a break
        began or, failing that, when the person was last seen."""
        return self._stop(last_seen_s, "tracking_lost")

    def cut(self, time_s: float) -> HoldChange | None:
        """The recording ended at ``time_s``: the hold under way ends there (or when its break
        began), marked as ended by the recording."""
        return self._stop(time_s, "recording_end")

    def reset(self) -> None:
        """Forget any hold silently (a set ended on another side)."""
        self.phase = "waiting"
        self._run_start = None
        self._break_start = None

    def _stop(self, time_s: float, why: str) -> HoldChange | None:
        was_holding = self.phase == "holding"
        end = self._break_start if self._break_start is not None else time_s
        self.reset()
        if not was_holding:
            return None
        return HoldChange("hold_broken", self.start_s, max(end, self.start_s), why)

    def update(self, time_s: float, ok: bool | None) -> HoldChange | None:
        """Advance to ``time_s``; ``ok`` None keeps the state."""
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
                return HoldChange("hold_start", self.start_s, time_s)
            return None
        if ok:
            self._break_start = None
            if time_s - self.start_s >= spec.target_s:
                self.reset()
                self._need_release = True
                return HoldChange("hold_end", self.start_s, time_s, "target")
            return None
        if self._break_start is None:
            self._break_start = time_s
        if time_s - self._break_start > spec.grace_s:
            end = self._break_start
            self.reset()
            return HoldChange("hold_broken", self.start_s, end, "break")
        return None
