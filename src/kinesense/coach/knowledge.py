"""Knowledge of results in repositioning practice: after each repetition, how far from the aim
the person stopped, and which way; after the session, a summary and the next stage.

Knowledge of results is the active ingredient of proprioceptive re-education: Revel M, Minguet
M, Gregoy P, Vaillant J, Manuel JL 1994 (Arch Phys Med Rehabil 75(8):895-899) trained people
with neck pain to reposition the head with feedback on each attempt, and their repositioning
error fell; the error measures are Schmidt and Lee's (absolute, constant, variable error, as in
:mod:`kinesense.assess.repositioning`).

An exercise's ``feedback`` block (:class:`kinesense.exercises.schema.Feedback`) names the
signed quantity scored and the task:

* **neutral** (back to where you started): the reference is the still position just before the
  first repetition of each set (Revel's start position). After each counted repetition the
  coach waits (up to ``wait_s``) for the person to hold still; the held angle minus the
  reference is the error. It is *short of* the reference when the person stopped on the side
  they moved to, *past* it otherwise; its side is ``positive_words`` or ``negative_words``
  ("2 deg short of centre, to the left").
* **target**: the held position is the still hold inside the repetition; the target is
  ``target_deg`` from the reference, or, when it is not given, the first repetition of each set
  (shown with eyes open). The error is *past* or *short of* the target.

Stillness and the held angle are those of the repositioning test
(:func:`kinesense.signal.holds.find_holds`, :func:`~kinesense.signal.holds.hold_angle`, with
their default rules), run on the frames since the repetition began: the practice scores trials
as the test does. The message is the event's text (spoken) and the overlay's cue (shown).
"""

from dataclasses import dataclass
from typing import Any

import numpy as np

from kinesense.assess.repositioning import repositioning_errors
from kinesense.coach.channels import Channel
from kinesense.coach.events import CoachEvent
from kinesense.exercises.schema import Exercise, Feedback
from kinesense.signal.holds import DEFAULT_RULES, find_holds, hold_angle, smoothed_angle_and_speed

KEEP_S = 60.0
"""Seconds of the quantity kept (a repetition and the hold after it fit well within it)."""
SUMMARY_DELAY_S = 2.0
"""Seconds between the last trial's feedback and the session summary, so that the feedback is
heard before the summary (cues start at least 1.5 s apart, :mod:`kinesense.coach.speech`)."""


@dataclass(frozen=True)
class TrialResult:
    """One scored repetition: signed error in degrees (neutral task: positive = short of the
    reference on the side moved to; target task: positive = past the target) and the words."""

    trial: int
    set: int
    time_s: float
    error_deg: float | None
    held_deg: float | None
    message: str

    def to_json(self) -> dict[str, Any]:
        """Plain values."""
        return {"trial": self.trial, "set": self.set, "time_s": self.time_s,
                "error_deg": self.error_deg, "held_deg": self.held_deg,
                "message": self.message}  # fmt: skip


class _Pending:
    def __init__(self, start_s: float, end_s: float, set_number: int, side: str) -> None:
        self.start_s, self.end_s, self.set, self.side = start_s, end_s, set_number, side


class KnowledgeOfResults:
    """Per-trial feedback and the session summary for one exercise (see the module docstring).

    Fed by the coach after each frame with the frame's events and the channels; returns its own
    events (``trial``, ``practice_summary``)."""

    def __init__(self, exercise: Exercise, spec: Feedback) -> None:
        self.exercise = exercise
        self.spec = spec
        self._times: dict[str, list[float]] = {}
        self._values: dict[str, list[float]] = {}
        self._reference: dict[int, float] = {}
        self._target: dict[int, float] = {}
        self._pending: _Pending | None = None
        self.trials: list[TrialResult] = []
        self._summarised = False

    @classmethod
    def for_exercise(cls, exercise: Exercise) -> "KnowledgeOfResults | None":
        """The feedback of ``exercise``, or None when it has none."""
        return cls(exercise, exercise.feedback) if exercise.feedback is not None else None

    def update(
        self, t: float, channels: dict[str, Channel], events: list[CoachEvent], done: bool
    ) -> list[CoachEvent]:
        """Record the frame's value on each channel, react to its ``rep`` events, and score a
        pending trial once its hold is found; ``done``: the exercise has ended."""
        for name, channel in channels.items():
            value = channel.tracker.raw.get(self.spec.quantity)
            if value is not None:
                self._times.setdefault(name, []).append(t)
                self._values.setdefault(name, []).append(value)
                self._trim(name, t)
        out: list[CoachEvent] = []
        for event in events:
            if event.kind == "rep":
                out += self._flush(t, force=True)
                side = str(event.data.get("side", "none"))
                name = side if side in channels else next(iter(channels))
                start = t - float(event.data.get("duration_s", 0.0))
                self._pending = _Pending(start, t, int(event.data.get("set", 1)), name)
                if self.spec.task == "target":
                    out += self._flush(t, force=True)
        out += self._flush(t, force=False)
        last = self.trials[-1].time_s if self.trials else -np.inf
        if done and self._pending is None and t - last >= SUMMARY_DELAY_S:
            out += self.summary_event(t)
        return out

    @property
    def finished(self) -> bool:
        """The session summary has been given."""
        return self._summarised

    def finish(self, t: float) -> list[CoachEvent]:
        """The recording ended: score what can be scored, then the summary."""
        return self._flush(t, force=True) + self.summary_event(t)

    # ----------------------------------------------------------------- trials
    def _trim(self, name: str, t: float) -> None:
        times = self._times[name]
        if times and t - times[0] > KEEP_S:
            cut = int(np.searchsorted(times, t - KEEP_S))
            del times[:cut]
            del self._values[name][:cut]

    def _series(self, name: str, start: float, end: float) -> tuple[Any, Any]:
        t = np.asarray(self._times.get(name, []))
        v = np.asarray(self._values.get(name, []))
        keep = (t >= start) & (t <= end)
        return t[keep], v[keep]

    def _last_hold(self, name: str, start: float, end: float) -> float | None:
        t, v = self._series(name, start, end)
        if t.size < 8:
            return None
        holds = find_holds(t, v, DEFAULT_RULES)
        if not holds:
            return None
        a, b = holds[-1] if self.spec.task == "target" else holds[0]
        smooth, _ = smoothed_angle_and_speed(t, v, DEFAULT_RULES.smoothing_cutoff_hz)
        return hold_angle(v[a:b], smooth[a:b], DEFAULT_RULES.hold_band_deg)

    def _reference_for(self, pending: _Pending) -> float | None:
        if pending.set not in self._reference:
            t, v = self._series(pending.side, -np.inf, pending.start_s)
            if t.size < 8:
                return None
            holds = find_holds(t, v, DEFAULT_RULES)
            if holds:
                a, b = holds[-1]
                self._reference[pending.set] = float(np.mean(v[a:b]))
            else:
                self._reference[pending.set] = float(np.mean(v[t >= t[-1] - 1.0]))
        return self._reference[pending.set]

    def _flush(self, t: float, *, force: bool) -> list[CoachEvent]:
        pending = self._pending
        if pending is None:
            return []
        reference = self._reference_for(pending)
        if self.spec.task == "target":
            held = self._last_hold(pending.side, pending.start_s, pending.end_s)
        else:
            held = self._last_hold(pending.side, pending.end_s, t)
            late = t - pending.end_s > self.spec.wait_s
            if held is None and not (force or late):
                return []
        self._pending = None
        return [self._score(t, pending, reference, held)]

    def _score(
        self, t: float, pending: _Pending, reference: float | None, held: float | None
    ) -> CoachEvent:
        number = len(self.trials) + 1
        error: float | None = None
        demonstration = False
        if held is None or reference is None:
            message = "Hold still for a moment where you stop, so I can measure it."
        elif self.spec.task == "neutral":
            moved = self._moved_sign(pending, reference)
            error = (held - reference) * moved
            message = self._neutral_words(error, held - reference)
        elif self.spec.target_deg is None and pending.set not in self._target:
            self._target[pending.set] = held - reference
            message = "That is the target. Now find it again with your eyes closed."
            demonstration = True
        else:
            aim = self.spec.target_deg
            aim = self._target[pending.set] if aim is None else aim
            error = (held - reference - aim) * (1.0 if aim >= 0 else -1.0)
            message = self._target_words(error)
        result = TrialResult(number, pending.set, t, error, held, message)
        if not demonstration:
            self.trials.append(result)
        return CoachEvent("trial", t, message, result.to_json() | {"demonstration": demonstration})

    def _moved_sign(self, pending: _Pending, reference: float) -> float:
        _, v = self._series(pending.side, pending.start_s, pending.end_s)
        if v.size == 0:
            return 1.0
        far = v[int(np.argmax(np.abs(v - reference)))]
        return 1.0 if far >= reference else -1.0

    def _band(self, error: float) -> str:
        for band in self.spec.bands:
            if abs(error) <= band.max_error_deg:
                return band.words
        return self.spec.bands[-1].words

    def _neutral_words(self, error: float, offset: float) -> str:
        spec = self.spec
        if abs(error) < spec.on_target_deg:
            return f"On {spec.reference_words}, within {spec.on_target_deg:g} deg. " + self._band(
                error
            )
        where = "short of" if error > 0 else "past"
        side = spec.positive_words if offset > 0 else spec.negative_words
        text = f"{abs(error):.0f} deg {where} {spec.reference_words}"
        return text + (f", {side}" if side else "") + ". " + self._band(error)

    def _target_words(self, error: float) -> str:
        spec = self.spec
        if abs(error) < spec.on_target_deg:
            return f"On {spec.reference_words}. " + self._band(error)
        where = "past" if error > 0 else "short of"
        return f"{abs(error):.0f} deg {where} {spec.reference_words}. " + self._band(error)

    # ---------------------------------------------------------------- summary
    def summary(self) -> dict[str, Any]:
        """The session: trials, their absolute, constant and variable error (deg) and the
        stage advised (``progression``: the first whose bound the mean absolute error is
        within)."""
        scored = [r.error_deg for r in self.trials if r.error_deg is not None]
        out: dict[str, Any] = {"trials": [r.to_json() for r in self.trials],
                               "scored_trials": len(scored)}  # fmt: skip
        if not scored:
            return out | {"message": "No trial could be scored: hold still where you stop."}
        ae, ce, ve = repositioning_errors(scored)
        stage = next(
            (s for s in self.spec.progression if ae <= s.max_error_deg), self.spec.progression[-1]
        )
        tendency = "short of" if ce > 0 else "past"
        message = (
            f"{len(scored)} trials: on average {ae:.1f} deg from {self.spec.reference_words}"
            f" (mostly {tendency} it). Next: {stage.advice}"
        )
        return out | {
            "absolute_error_deg": ae,
            "constant_error_deg": ce,
            "variable_error_deg": ve,
            "stage": stage.stage,
            "advice": stage.advice,
            "message": message,
        }

    def summary_event(self, t: float) -> list[CoachEvent]:
        """The ``practice_summary`` event, once."""
        if self._summarised:
            return []
        self._summarised = True
        summary = self.summary()
        return [CoachEvent("practice_summary", t, summary["message"], summary)]
