"""Repositioning trials in a joint angle: movements away from neutral paired with their holds.

An *excursion* is a stretch away from neutral beyond a threshold; a *hold* is a still stretch
(:mod:`kinesense.signal.holds`). Target task: the reproduced angle of a trial is the last hold
inside an excursion (the first one is the eyes-open demonstration of the target unless told
otherwise). Neutral task: it is the first hold after an excursion ends. The scoring (absolute,
constant and variable error) is :mod:`kinesense.assess.repositioning`'s.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np

from kinesense._checks import check_option
from kinesense.signal.holds import (
    DEFAULT_RULES,
    HoldRules,
    find_holds,
    hold_angle,
    smoothed_angle_and_speed,
)
from kinesense.signal.runs import hysteresis_runs, true_runs

TASKS = ("target", "neutral")


@dataclass(frozen=True)
class Trial:
    """One repositioning trial.

    Attributes:
        start_s, end_s: start and end of the movement (excursion start to hold end), s.
        hold_start_s, hold_end_s: the still hold at the reproduced position, s.
        reproduced_deg: mean angle during the hold, degrees from the neutral start.
        target_deg: the angle aimed at (0 for the neutral task).
        error_deg: signed error, degrees (target task: reproduced - target, positive =
            overshoot; neutral task: positive = stopped short of neutral on the side moved to,
            negative = went past neutral).
    """

    start_s: float
    end_s: float
    hold_start_s: float
    hold_end_s: float
    reproduced_deg: float
    target_deg: float
    error_deg: float

    def to_json(self) -> dict[str, float]:
        """The plot-data form."""
        return {
            "target_deg": self.target_deg,
            "reproduced_deg": self.reproduced_deg,
            "error_deg": self.error_deg,
            "start_s": self.start_s,
            "end_s": self.end_s,
            "hold_start_s": self.hold_start_s,
            "hold_end_s": self.hold_end_s,
        }


@dataclass(frozen=True)
class TrialDetection:
    """What :func:`detect_trials` found: the trials and the excursions left without a hold."""

    trials: tuple[Trial, ...]
    excursions: int
    excursions_without_hold: int
    demonstrated_target_deg: float | None


def detect_trials(
    time_s: Any,
    angle_deg: Any,
    *,
    task: str = "target",
    target_deg: float | None = None,
    demonstration: bool = True,
    excursion_deg: float | None = None,
    rules: HoldRules = DEFAULT_RULES,
) -> TrialDetection:
    """Find the repositioning trials in an angle series (degrees from the neutral start).

    Args:
        time_s: (N,) sample times, s.
        angle_deg: (N,) angle from the neutral start, degrees; for the target task, movements
            towards the target are positive.
        task: ``"target"`` or ``"neutral"`` (see the module docstring).
        target_deg: the target angle (target task); ``None``: the demonstrated angle.
        demonstration: the first hold of the target task is the (eyes-open) demonstration of the
            target, not a trial; its angle is the target unless ``target_deg`` is given.
        excursion_deg: how far from neutral a movement must go to count; default for the
            target task max(5, 0.3 x largest angle), for the neutral task max(10, 0.3 x largest).
        rules: what counts as a hold.
    """
    t = np.asarray(time_s, dtype=np.float64)
    angle = np.asarray(angle_deg, dtype=np.float64)
    check_option("task", task, TASKS)
    holds = find_holds(t, angle, rules)
    smooth, _ = smoothed_angle_and_speed(t, angle, rules.smoothing_cutoff_hz)
    peak = float(np.nanmax(np.abs(smooth))) if smooth.size else 0.0
    if excursion_deg is None:
        excursion_deg = max(5.0 if task == "target" else 10.0, 0.3 * peak)
    if task == "target":  # enter beyond the threshold, leave below half of it (hysteresis)
        excursions = hysteresis_runs(smooth, excursion_deg, excursion_deg / 2)
    else:
        excursions = true_runs(np.abs(smooth) >= excursion_deg)
    hold_means = [hold_angle(angle[a:b], smooth[a:b], rules.hold_band_deg) for a, b in holds]
    found: list[tuple[int, int, int, int, float, float]] = []  # start, end, hold a, b, mean, sign
    used: set[int] = set()
    missing = 0
    for k, (ea, eb) in enumerate(excursions):
        if task == "target":
            candidates = [i for i, (a, b) in enumerate(holds) if ea <= (a + b) / 2 < eb]
            pick = candidates[-1] if candidates else None
        else:
            limit = excursions[k + 1][0] if k + 1 < len(excursions) else angle.size
            candidates = [i for i, (a, b) in enumerate(holds) if eb <= (a + b) / 2 < limit]
            pick = candidates[0] if candidates else None
        if pick is None or pick in used:
            missing += 1
            continue
        used.add(pick)
        a, b = holds[pick]
        sign = float(np.sign(smooth[ea:eb][np.argmax(np.abs(smooth[ea:eb]))]))
        found.append((ea, eb, a, b, hold_means[pick], sign))
    demonstrated: float | None = None
    if task == "target" and demonstration and found:
        demonstrated = found[0][4]
        found = found[1:]
    trials = []
    for ea, _eb, a, b, mean, sign in found:
        if task == "target":
            if target_deg is not None:
                target = float(target_deg)
            elif demonstrated is not None:
                target = demonstrated
            else:
                raise ValueError("the target task needs target_deg or a demonstration")
            error = mean - target
        else:
            target, error = 0.0, mean * sign
        trials.append(
            Trial(
                start_s=float(t[ea]),
                end_s=float(t[b - 1]),
                hold_start_s=float(t[a]),
                hold_end_s=float(t[b - 1]),
                reproduced_deg=mean,
                target_deg=target,
                error_deg=float(error),
            )
        )
    return TrialDetection(tuple(trials), len(excursions), missing, demonstrated)
