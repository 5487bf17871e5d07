"""Single-leg stance trials in foot signals: when a foot lifts, and what ends the stance.

The signals (:class:`StanceSignals`) are image positions divided by a reference body length
``L`` (the nose-to-ankle height), so the thresholds of :class:`StanceRules` are fractions of
``L`` and do not depend on the camera distance. The rules and why each threshold has its value
are explained in :mod:`kinesense.assess.stance`, which builds the signals from landmarks and
scores the trials (Springer et al. 2007 protocol).

* lift-off: ``|d| > lift_threshold`` held for at least ``lift_hold_s``, with ``d`` the height of
  the left foot over the right; the trial starts at the first frame of that run; the higher foot
  is the lifted one;
* the trial ends at the first frame of the first of these, each held for ``end_hold_s``:
  ``foot_down`` (the lifted foot back within ``down_threshold`` of the stance foot's level and
  slower than ``still_speed_l_per_s``), ``stance_foot_moved`` (farther than ``move_threshold``
  from where it stood during the first ``lift_hold_s``), ``hands_off_hips`` (a wrist farther
  than ``hands_off_threshold`` from its hip, when the protocol asks for hands on hips),
  ``left_frame`` (a needed landmark lost), ``time_limit`` (``max_time_s``), ``recording_end``;
* a new trial needs the lifted foot to come back below the lift threshold first.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np

from kinesense.arrays import BoolArray, FloatArray
from kinesense.parameters import Parameters, Positive
from kinesense.signal.runs import first_lasting_run

ENDINGS = (
    "foot_down",
    "stance_foot_moved",
    "hands_off_hips",
    "left_frame",
    "time_limit",
    "recording_end",
)


class StanceRules(Parameters):
    """When a stance starts and ends: fractions of the reference length ``L``, seconds, ``L``/s."""

    max_time_s: Positive = 45.0
    """Trial ceiling in seconds (Springer et al. 2007)."""
    lift_threshold: Positive = 0.04
    """A foot higher than the other by this share of ``L`` (about 6 cm) is lifted."""
    down_threshold: Positive = 0.02
    """A lifted foot within this share of ``L`` (about 3 cm) of the other's level is down."""
    move_threshold: Positive = 0.05
    """The stance foot moving this share of ``L`` (about 7.5 cm) ends the trial."""
    hands_off_threshold: Positive = 0.15
    """A wrist this share of ``L`` (about 22 cm) from its hip is off the hip."""
    still_speed_l_per_s: Positive = 0.5
    """A foot slower than half the reference length per second (about 0.75 m/s) counts as
    still for a touch-down; a swing through the floor level is faster."""
    lift_hold_s: Positive = 0.2
    """A lift lasts at least this long, s."""
    end_hold_s: Positive = 0.1
    """An end criterion lasts at least this long, s (a one-frame glitch ends nothing)."""


DEFAULT_RULES = StanceRules()


@dataclass(frozen=True)
class Trial:
    """One single-leg stance found in the recording.

    Attributes:
        start_s, end_s: time of lift-off and of the end, in seconds.
        duration_s: stance time in seconds (capped at the ceiling).
        ended_by: one of :data:`ENDINGS`.
        lifted_foot: ``"left"`` or ``"right"``.
        started_before_recording: the foot was already up in the first frame (a lower bound).
    """

    start_s: float
    end_s: float
    duration_s: float
    ended_by: str
    lifted_foot: str
    started_before_recording: bool = False

    @property
    def valid(self) -> bool:
        """Whether the trial has a time that can be scored (not ended by leaving the frame)."""
        return self.ended_by != "left_frame"

    def to_json(self) -> dict[str, Any]:
        """JSON form, as in ``plot_data["trials"]``."""
        return {
            "start_s": round(self.start_s, 4),
            "end_s": round(self.end_s, 4),
            "duration_s": round(self.duration_s, 4),
            "ended_by": self.ended_by,
            "lifted_foot": self.lifted_foot,
            "started_before_recording": self.started_before_recording,
        }


@dataclass(frozen=True)
class StanceSignals:
    """The cleaned signals the detector works on (pixels divided by ``reference_px``)."""

    time_s: FloatArray
    reference_px: float
    left_height: FloatArray  # height of the left foot over the right, in L (``d``)
    left_foot: FloatArray  # (N, 2) position of the left foot, in L
    right_foot: FloatArray
    wrist_hip: FloatArray  # (N,) larger of the two wrist-to-hip distances, in L
    lost: BoolArray  # (N,) a needed landmark is missing beyond the bridged gaps


def detect_trials(
    signals: StanceSignals, *, hands_on_hips: bool = False, rules: StanceRules = DEFAULT_RULES
) -> list[Trial]:
    """Every single-leg stance in the signals, in time order (see the module docstring)."""
    t = signals.time_s
    n = t.size
    if n < 2:
        return []
    period = float(np.median(np.diff(t)))
    d = signals.left_height
    ok = ~signals.lost
    with np.errstate(invalid="ignore"):
        up_left = ok & (d > rules.lift_threshold)
        up_right = ok & (d < -rules.lift_threshold)
        below_lift = ok & (np.abs(d) <= rules.lift_threshold)
    first_seen = int(np.argmax(ok)) if np.any(ok) else n
    trials: list[Trial] = []
    i = 0
    while i < n:
        starts = [
            (k, side)
            for k, side in (
                (first_lasting_run(up_left, i, rules.lift_hold_s, t, period), "left"),
                (first_lasting_run(up_right, i, rules.lift_hold_s, t, period), "right"),
            )
            if k >= 0
        ]
        if not starts:
            break
        k0, side = min(starts)
        trial, end_index = _follow_trial(signals, k0, side, hands_on_hips, rules, period)
        trial = Trial(
            trial.start_s,
            trial.end_s,
            trial.duration_s,
            trial.ended_by,
            trial.lifted_foot,
            started_before_recording=k0 <= first_seen,
        )
        trials.append(trial)
        if end_index >= n:
            break
        down_again = first_lasting_run(below_lift, end_index, 0.0, t, period)
        if down_again < 0:
            break
        i = down_again
    return trials


def _follow_trial(
    signals: StanceSignals,
    k0: int,
    side: str,
    hands_on_hips: bool,
    rules: StanceRules,
    period: float,
) -> tuple[Trial, int]:
    t = signals.time_s
    n = t.size
    sign = 1.0 if side == "left" else -1.0
    lifted = signals.left_foot if side == "left" else signals.right_foot
    stance = signals.right_foot if side == "left" else signals.left_foot
    height = sign * signals.left_height
    baseline_end = int(np.searchsorted(t, t[k0] + rules.lift_hold_s - 1e-9))
    baseline = np.nanmedian(stance[k0 : max(baseline_end, k0 + 1)], axis=0)
    speed = np.full(n, np.inf)
    step = np.linalg.norm(np.diff(lifted, axis=0), axis=1) / np.diff(t)
    speed[:-1] = step
    speed[-1] = step[-1] if step.size else np.inf
    ok = ~signals.lost
    with np.errstate(invalid="ignore"):
        down = ok & (np.abs(height) < rules.down_threshold) & (speed < rules.still_speed_l_per_s)
        moved = ok & (np.linalg.norm(stance - baseline, axis=1) > rules.move_threshold)
        hands = ok & (signals.wrist_hip > rules.hands_off_threshold) if hands_on_hips else None
    candidates: list[tuple[int, int, str]] = []  # (index, priority, ending)
    lost_after = np.flatnonzero(signals.lost[k0:])
    if lost_after.size:
        candidates.append((k0 + int(lost_after[0]), 0, "left_frame"))
    for priority, (mask, ending) in enumerate(
        ((moved, "stance_foot_moved"), (hands, "hands_off_hips"), (down, "foot_down")), start=1
    ):
        if mask is None:
            continue
        k = first_lasting_run(mask, k0 + 1, rules.end_hold_s, t, period)
        if k >= 0:
            candidates.append((k, priority, ending))
    start_s = float(t[k0])
    if candidates:
        index, _, ending = min(candidates)
        end_s = float(t[index])
    else:
        index, ending = n, "recording_end"
        end_s = float(t[-1] + period)
    if end_s - start_s > rules.max_time_s:
        end_s = start_s + rules.max_time_s
        ending = "time_limit"
        index = int(np.searchsorted(t, end_s - 1e-9))
    duration = end_s - start_s
    return Trial(start_s, end_s, duration, ending, side), index
