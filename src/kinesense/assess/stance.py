"""Single-leg (unipedal) stance time from a video's landmarks, with age norms.

Protocol (Springer BA, Marin R, Cyhan T, Roberts H, Gill NW 2007, "Normative values for the
unipedal stance test with eyes open and eyes closed", J Geriatr Phys Ther 30(1):8-15): stand on
one leg, the other foot lifted near the stance ankle without touching it, for as long as
possible up to 45 s; three trials; the score is the best of the three. The trial ends when the
lifted foot touches down, the stance foot shifts or hops, the arms leave their position, or the
ceiling is reached.

How the video is read (image coordinates in pixels, y down):

* camera view: front or back is best (both feet at the same distance from the camera, so a foot
  on the floor is level with the other in the image). A side view works when the camera is low
  (knee height): seen from above, the far foot looks higher, by about 4 % of ``L`` for feet
  20 cm apart in depth with the camera at hip height 3 m away. An oblique view is refused: the
  feet are then at clearly different depths.

* reference length ``L``: the median nose-to-lower-ankle height over the frames, in pixels (about
  0.88 of stature: 1.5 m for a 1.7 m adult). Every threshold is a fraction of ``L``, so it does
  not depend on the camera distance.
* foot level: the mean image height of the ankle and heel of each foot; the height of the left
  foot over the right ``d = (y_right - y_left) / L``. Each signal is cleaned first: landmarks
  with visibility below :data:`MIN_VISIBILITY` or outside the frame are missing, gaps up to
  :data:`MAX_GAP_S` are bridged linearly, then a running median of :data:`MEDIAN_WINDOW_S`
  removes isolated jumps while keeping a step's timing exact.
* lift-off: ``|d| > LIFT_THRESHOLD`` held for at least :data:`LIFT_HOLD_S`; the trial starts at
  the first frame of that run; the higher foot is the lifted one.
* the trial ends at the first frame of the first of these, each held for :data:`END_HOLD_S`
  (so a one-frame glitch ends nothing):

  - ``foot_down``: the lifted foot is back within ``DOWN_THRESHOLD`` of the stance foot's level
    and still (slower than :data:`STILL_SPEED_L_PER_S`); a foot swinging past that level, as
    seen in oblique views, is not a touch-down;
  - ``stance_foot_moved``: the stance foot has moved more than ``MOVE_THRESHOLD`` from where it
    stood during the first :data:`LIFT_HOLD_S` (a hop, a shuffle or a pivot);
  - ``hands_off_hips`` (only when the protocol asks for hands on hips): a wrist is farther than
    ``HANDS_OFF_THRESHOLD`` from its hip;
  - ``left_frame``: a foot or hip landmark (or a wrist, with hands on hips) is missing for
    longer than :data:`MAX_GAP_S` or the person is not detected: such a trial has no valid
    time and is reported, not scored;
  - ``time_limit``: the ceiling (45 s by default) is reached; the time is the ceiling;
  - ``recording_end``: the video stops first; the time is a lower bound.

* a new trial needs the lifted foot to come back below the lift threshold first.

Thresholds, as fractions of ``L`` (about 1.5 m), and why:

* :data:`LIFT_THRESHOLD` 0.04 (about 6 cm): well under the 10-20 cm a foot lifted to the other
  ankle rises, and above the 1-2 % jitter of BlazePose's ankle landmarks in still frames;
* :data:`DOWN_THRESHOLD` 0.02 (about 3 cm): a foot on the floor is level with the other one
  within landmark noise; hysteresis with the lift threshold avoids chattering;
* :data:`MOVE_THRESHOLD` 0.05 (about 7.5 cm): the stance foot is then clearly no longer where it
  was (half a foot's width); smaller shifts are lost in landmark noise;
* :data:`HANDS_OFF_THRESHOLD` 0.15 (about 22 cm): hands on the iliac crests keep the wrist
  within about 10-15 cm of BlazePose's hip landmark (the hip joint); arms thrown out to regain
  balance go far beyond. Arms hanging at the sides also keep the wrist near the hip, so this
  check catches the arms leaving, not hands that were never placed.
"""

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kinesense._checks import check_option, check_positive
from kinesense.assess.norms import NormRow, load_norms
from kinesense.assess.result import AssessmentResult, MetricInfo, NormComparison
from kinesense.series import PoseSeries
from kinesense.signal.gaps import fill_gaps

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

TEST_NAME = "stance"
NORMS_ID = "springer_2007_single_leg_stance"
SPRINGER = "Springer BA et al. 2007, J Geriatr Phys Ther 30(1):8-15"

DEFAULT_MAX_TIME_S = 45.0
"""Trial ceiling in seconds (Springer et al. 2007)."""
TRIALS_SCORED = 3
"""The score is the best of the first three valid trials (Springer et al. 2007)."""

LIFT_THRESHOLD = 0.04
DOWN_THRESHOLD = 0.02
MOVE_THRESHOLD = 0.05
HANDS_OFF_THRESHOLD = 0.15
STILL_SPEED_L_PER_S = 0.5
"""A foot slower than half the reference length per second (about 0.75 m/s) counts as still
for a touch-down; a swing through the floor level is faster."""
LIFT_HOLD_S = 0.2
END_HOLD_S = 0.1
MAX_GAP_S = 0.25
"""Landmark dropouts up to a quarter of a second are bridged; longer ones mean out of view."""
MEDIAN_WINDOW_S = 0.15
MIN_VISIBILITY = 0.5
MIN_BODY_SHARE = 0.2
"""The nose-to-ankle height must span at least a fifth of the frame height."""

ENDINGS = (
    "foot_down",
    "stance_foot_moved",
    "hands_off_hips",
    "left_frame",
    "time_limit",
    "recording_end",
)

_FEET = ("ankle", "heel")


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


def _odd_window(frame_period_s: float) -> int:
    frames = max(1, round(MEDIAN_WINDOW_S / frame_period_s))
    return frames if frames % 2 == 1 else frames + 1


def running_median(values: FloatArray, window: int) -> FloatArray:
    """Centred running median over ``window`` (odd) samples along axis 0, ignoring NaN.

    The window shrinks at the ends; a sample that is NaN stays NaN.
    """
    v = np.asarray(values, dtype=np.float64)
    if window <= 1 or v.shape[0] == 0:
        return v.copy()
    half = window // 2
    pad = [(half, half)] + [(0, 0)] * (v.ndim - 1)
    padded = np.pad(v, pad, mode="constant", constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, window, axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows give NaN
        out: FloatArray = np.nanmedian(windows, axis=-1)
    out[np.isnan(v)] = np.nan
    return out


def _pixels(series: PoseSeries) -> tuple[FloatArray, FloatArray]:
    """(N, 33, 2) pixel coordinates with invalid landmarks NaN, and the frame height."""
    if series.provenance.resolution is not None:
        width, height = series.provenance.resolution
    else:
        width, height = 1, 1
    xy = series.image_xyz[:, :, :2] * np.array([width, height], dtype=np.float64)
    norm = series.image_xyz[:, :, :2]
    inside = np.all((norm >= 0.0) & (norm <= 1.0), axis=-1)
    ok = inside & (series.visibility >= MIN_VISIBILITY) & series.detected[:, None]
    xy = np.where(ok[..., None], xy, np.nan)
    return xy, np.asarray(height, dtype=np.float64)


def stance_signals(series: PoseSeries, *, hands_on_hips: bool = False) -> StanceSignals | str:
    """The cleaned foot, wrist and visibility signals; a reason string when impossible."""
    xy, frame_height = _pixels(series)
    t = series.time_s
    period = float(np.median(np.diff(t))) if len(t) > 1 else 1.0 / 30.0

    def point(name: str) -> FloatArray:
        filled: FloatArray = fill_gaps(t, xy[:, series.index_of(name)], MAX_GAP_S)
        return filled

    # A foot is known only when both its ankle and heel are (a lost heel must not pass
    # unnoticed behind the ankle).
    feet: dict[str, FloatArray] = {}
    for side in ("left", "right"):
        parts = np.stack([point(f"{side}_{part}") for part in _FEET])
        known = np.all(np.isfinite(parts), axis=(0, 2))
        feet[side] = np.where(known[:, None], parts.mean(axis=0), np.nan)
    nose = point("nose")
    hips = {side: point(f"{side}_hip") for side in ("left", "right")}
    lower_foot = np.fmax(feet["left"][:, 1], feet["right"][:, 1])
    heights = lower_foot - nose[:, 1]
    heights = heights[np.isfinite(heights) & (heights > 0)]
    if heights.size == 0:
        return "the nose and both feet are never visible together, so body size is unknown"
    reference = float(np.median(heights))
    if series.provenance.resolution is not None and reference < MIN_BODY_SHARE * frame_height:
        return (
            f"the person is too small in the frame (nose to ankle {reference:.0f} px, under "
            f"{MIN_BODY_SHARE:.0%} of the frame height); move the camera closer"
        )
    window = _odd_window(period)
    left = running_median(feet["left"] / reference, window)
    right = running_median(feet["right"] / reference, window)
    needed = [left, right, hips["left"], hips["right"]]
    wrist_hip = np.zeros(len(t))
    if hands_on_hips:
        distances = []
        for side in ("left", "right"):
            wrist = point(f"{side}_wrist")
            needed.append(wrist)
            distances.append(np.linalg.norm(wrist - hips[side], axis=1) / reference)
        wrist_hip = running_median(np.fmax(distances[0], distances[1]), window)
    lost = ~series.detected.copy()
    for signal in needed:
        lost |= ~np.all(np.isfinite(signal), axis=1)
    return StanceSignals(
        time_s=t,
        reference_px=reference,
        left_height=right[:, 1] - left[:, 1],
        left_foot=left,
        right_foot=right,
        wrist_hip=wrist_hip,
        lost=lost,
    )


def _run_start(mask: BoolArray, start: int, hold_s: float, t: FloatArray, period: float) -> int:
    """First index >= ``start`` beginning a run of True lasting ``hold_s`` (or reaching the end
    with at least two frames); -1 if none."""
    n = mask.size
    k = start
    while k < n:
        if not mask[k]:
            k += 1
            continue
        m = k
        while m + 1 < n and mask[m + 1]:
            m += 1
        lasts = t[m] - t[k] + period >= hold_s - 1e-9
        if lasts or (m == n - 1 and m > k):
            return k
        k = m + 1
    return -1


def detect_trials(
    signals: StanceSignals,
    *,
    hands_on_hips: bool = False,
    max_time_s: float = DEFAULT_MAX_TIME_S,
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
        up_left = ok & (d > LIFT_THRESHOLD)
        up_right = ok & (d < -LIFT_THRESHOLD)
        below_lift = ok & (np.abs(d) <= LIFT_THRESHOLD)
    first_seen = int(np.argmax(ok)) if np.any(ok) else n
    trials: list[Trial] = []
    i = 0
    while i < n:
        starts = [
            (k, side)
            for k, side in (
                (_run_start(up_left, i, LIFT_HOLD_S, t, period), "left"),
                (_run_start(up_right, i, LIFT_HOLD_S, t, period), "right"),
            )
            if k >= 0
        ]
        if not starts:
            break
        k0, side = min(starts)
        trial, end_index = _follow_trial(signals, k0, side, hands_on_hips, max_time_s, period)
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
        down_again = _run_start(below_lift, end_index, 0.0, t, period)
        if down_again < 0:
            break
        i = down_again
    return trials


def _follow_trial(
    signals: StanceSignals,
    k0: int,
    side: str,
    hands_on_hips: bool,
    max_time_s: float,
    period: float,
) -> tuple[Trial, int]:
    t = signals.time_s
    n = t.size
    sign = 1.0 if side == "left" else -1.0
    lifted = signals.left_foot if side == "left" else signals.right_foot
    stance = signals.right_foot if side == "left" else signals.left_foot
    height = sign * signals.left_height
    baseline_end = int(np.searchsorted(t, t[k0] + LIFT_HOLD_S - 1e-9))
    baseline = np.nanmedian(stance[k0 : max(baseline_end, k0 + 1)], axis=0)
    speed = np.full(n, np.inf)
    step = np.linalg.norm(np.diff(lifted, axis=0), axis=1) / np.diff(t)
    speed[:-1] = step
    speed[-1] = step[-1] if step.size else np.inf
    ok = ~signals.lost
    with np.errstate(invalid="ignore"):
        down = ok & (np.abs(height) < DOWN_THRESHOLD) & (speed < STILL_SPEED_L_PER_S)
        moved = ok & (np.linalg.norm(stance - baseline, axis=1) > MOVE_THRESHOLD)
        hands = ok & (signals.wrist_hip > HANDS_OFF_THRESHOLD) if hands_on_hips else None
    candidates: list[tuple[int, int, str]] = []  # (index, priority, ending)
    lost_after = np.flatnonzero(signals.lost[k0:])
    if lost_after.size:
        candidates.append((k0 + int(lost_after[0]), 0, "left_frame"))
    for priority, (mask, ending) in enumerate(
        ((moved, "stance_foot_moved"), (hands, "hands_off_hips"), (down, "foot_down")), start=1
    ):
        if mask is None:
            continue
        k = _run_start(mask, k0 + 1, END_HOLD_S, t, period)
        if k >= 0:
            candidates.append((k, priority, ending))
    start_s = float(t[k0])
    if candidates:
        index, _, ending = min(candidates)
        end_s = float(t[index])
    else:
        index, ending = n, "recording_end"
        end_s = float(t[-1] + period)
    if end_s - start_s > max_time_s:
        end_s = start_s + max_time_s
        ending = "time_limit"
        index = int(np.searchsorted(t, end_s - 1e-9))
    duration = end_s - start_s
    return Trial(start_s, end_s, duration, ending, side), index


def _norm_comparison(
    best_s: float, row: NormRow, population: str, source: str
) -> tuple[NormComparison, str]:
    mean = float(row.mean) if row.mean is not None else float("nan")
    if row.sd is not None and row.mean is not None:
        low = mean - 2.0 * row.sd
        verdict = "below" if best_s < low else "within"
        if verdict == "below":
            plain = "shorter than most people your age"
        else:
            plain = "within the range of most people your age"
        text = f"best time {best_s:.1f} s: {plain} (mean - 2 SD = {low:.1f} s; {population})"
        return NormComparison(
            "stance_time_s", best_s, low, None, population, source, verdict, text
        ), plain
    # Averages only: no range is given (low and high stay empty), the verdict is relative to
    # the average and the text says so.
    verdict = "below" if best_s < mean else "above"
    if verdict == "below":
        plain = f"shorter than the average of healthy people your age ({mean:.1f} s)"
    else:
        plain = f"at or above the average of healthy people your age ({mean:.1f} s)"
    text = (
        f"best time {best_s:.1f} s is {plain}; {population}. The study gives averages, not a "
        "lower limit of normal: about half of healthy people score below their average."
    )
    return NormComparison(
        "stance_time_s", best_s, None, None, population, source, verdict, text
    ), plain


METRIC_INFO = {
    "stance_time_s": MetricInfo(
        "s",
        "best single-leg stance time of the first three valid trials, from lift-off to the "
        "first end criterion (foot down, stance foot moved, hands off hips) or the ceiling",
        SPRINGER,
    ),
    "trials_found": MetricInfo(
        "count", "single-leg stances found in the recording (valid or not)", SPRINGER
    ),
}


def _trial_info(number: int) -> MetricInfo:
    return MetricInfo(
        "s", f"stance time of trial {number}, from lift-off to its end criterion", SPRINGER
    )


def assess_stance(
    series: PoseSeries,
    *,
    age: float | None = None,
    eyes: str = "open",
    sex: str | None = None,
    hands_on_hips: bool = False,
    max_time_s: float = DEFAULT_MAX_TIME_S,
) -> AssessmentResult:
    """Single-leg stance time from landmarks (see the module docstring).

    Args:
        series: landmarks of one person, front or back view (side view: camera low); an
            oblique view gives an unusable result.
        age: years, to compare with Springer et al.'s age bands (18-99); None: no comparison.
        eyes: ``"open"`` or ``"closed"`` (the condition the person was tested in).
        sex: ``"female"`` or ``"male"``; the eyes-closed norms are given by sex.
        hands_on_hips: whether the protocol asked for hands on the hips (then taking them off
            ends a trial).
        max_time_s: trial ceiling in seconds (45 in Springer et al.).

    Returns:
        An :class:`AssessmentResult` with ``stance_time_s`` (best of the first three valid
        trials), ``trial_N_s`` and ``trials_found``; unusable (with the reason) when no valid
        trial is found or the recording cannot be read.
    """
    check_option("eyes", eyes, ("open", "closed"))
    if sex is not None:
        check_option("sex", sex, ("female", "male"))
    check_positive("max_time_s", max_time_s)
    conditions: dict[str, Any] = {
        "eyes": eyes,
        "hands_on_hips": hands_on_hips,
        "max_time_s": max_time_s,
        "age": age,
        "sex": sex,
    }
    protocol = (
        f"unipedal stance, eyes {eyes}, best of {TRIALS_SCORED} trials, ceiling "
        f"{max_time_s:g} s" + (", hands on hips" if hands_on_hips else "")
    )
    common: dict[str, Any] = {
        "conditions": conditions,
        "protocol": protocol,
        "source": series.provenance.to_json(),
    }
    if len(series) < 2 or series.n_detected == 0:
        return AssessmentResult.unusable(
            TEST_NAME, "nobody was detected in the recording", **common
        )
    view = series.provenance.camera_view
    if view == "oblique":
        return AssessmentResult.unusable(
            TEST_NAME,
            "the camera sees the person at an angle (oblique view): a foot farther from the "
            "camera looks higher, so a lifted foot cannot be told from a foot set back; film "
            "from the front",
            **common,
        )
    signals = stance_signals(series, hands_on_hips=hands_on_hips)
    if isinstance(signals, str):
        return AssessmentResult.unusable(TEST_NAME, signals, **common)
    trials = detect_trials(signals, hands_on_hips=hands_on_hips, max_time_s=max_time_s)
    quality = {
        "camera_view": series.provenance.camera_view,
        "frames": len(series),
        "frames_in_view": int(np.count_nonzero(~signals.lost)),
        "reference_length_px": round(signals.reference_px, 1),
        "trials": [trial.to_json() for trial in trials],
    }
    plot_data = {
        "trials": [trial.to_json() for trial in trials],
        "time_s": signals.time_s.tolist(),
        "foot_height_rel": [
            None if not np.isfinite(v) else round(float(abs(v)), 4) for v in signals.left_height
        ],
    }
    common.update(quality=quality, plot_data=plot_data)
    if not trials:
        return AssessmentResult.unusable(
            TEST_NAME,
            "no single-leg stance found: neither foot rose more than "
            f"{LIFT_THRESHOLD:.0%} of the nose-to-ankle height for {LIFT_HOLD_S:g} s",
            **common,
        )
    valid = [trial for trial in trials if trial.valid]
    if not valid:
        return AssessmentResult.unusable(
            TEST_NAME,
            "every trial ended with the person (feet, hips or wrists) leaving the frame or "
            "out of the model's view; keep the whole body in the picture",
            **common,
        )
    scored = valid[:TRIALS_SCORED]
    best = max(scored, key=lambda trial: trial.duration_s)
    metrics: dict[str, float] = {
        "stance_time_s": round(best.duration_s, 3),
        "trials_found": float(len(trials)),
    }
    info = dict(METRIC_INFO)
    for number, trial in enumerate(trials, start=1):
        if trial.valid:
            metrics[f"trial_{number}_s"] = round(trial.duration_s, 3)
            info[f"trial_{number}_s"] = _trial_info(number)
    notes = _notes(trials, scored, best, max_time_s)
    lower_bound = best.started_before_recording or best.ended_by == "recording_end"
    norms, interpretation = _compare(best.duration_s, age, eyes, sex, notes, lower_bound)
    return AssessmentResult(
        test=TEST_NAME,
        usable=True,
        metrics=metrics,
        metric_info=info,
        norms=norms,
        interpretation=interpretation,
        notes=tuple(notes),
        **common,
    )


def _notes(
    trials: Sequence[Trial], scored: Sequence[Trial], best: Trial, max_time_s: float
) -> list[str]:
    notes = []
    for number, trial in enumerate(trials, start=1):
        line = (
            f"trial {number}: {trial.lifted_foot} foot lifted at {trial.start_s:.2f} s, "
            f"{trial.duration_s:.2f} s, ended by {trial.ended_by.replace('_', ' ')}"
        )
        if not trial.valid:
            line += " (not scored: the person was out of view)"
        if trial.started_before_recording:
            line += " (the foot was already up when the recording started: a lower bound)"
        if trial.ended_by == "recording_end":
            line += " (the recording stopped first: a lower bound)"
        notes.append(line)
    extra = sum(1 for trial in trials if trial.valid) - len(scored)
    if extra > 0:
        notes.append(f"{extra} further valid trial(s) not scored: the score is the best of 3")
    if len(scored) < TRIALS_SCORED:
        notes.append(f"only {len(scored)} valid trial(s); the protocol asks for {TRIALS_SCORED}")
    if best.ended_by == "time_limit":
        notes.append(f"the best trial reached the {max_time_s:g} s ceiling")
    return notes


def _compare(
    best_s: float,
    age: float | None,
    eyes: str,
    sex: str | None,
    notes: list[str],
    lower_bound: bool = False,
) -> tuple[tuple[NormComparison, ...], str]:
    summary = f"best single-leg stance {best_s:.1f} s (eyes {eyes})"
    if age is None:
        notes.append("no age given: not compared with age norms")
        return (), summary
    table = load_norms(NORMS_ID)
    row = table.lookup(age=age, eyes=eyes, sex=sex)
    if row is None:
        if eyes == "closed" and sex is None:
            notes.append("the eyes-closed norms are given for women and men: give the sex")
        else:
            notes.append(f"no norm for age {age:g} with eyes {eyes} (the norms cover 18-99)")
        return (), summary
    band = f"{row.match['age_min']}-{row.match['age_max']}"
    who = f"healthy adults {band} y, eyes {eyes}" + (f", {sex}" if "sex" in row.match else "")
    population = f"mean best of 3 of {who}"
    comparison, plain = _norm_comparison(best_s, row, population, table.source)
    if lower_bound and comparison.verdict == "below":
        notes.append(
            "the best time is only a lower bound (the recording missed its start or its end), "
            "so it is not compared with the norm; record whole trials"
        )
        return (), summary
    return (comparison,), f"{summary}: {plain} ({SPRINGER})"
