"""Single-leg (unipedal) stance time from a video's landmarks, with age norms.

Protocol (Springer BA, Marin R, Cyhan T, Roberts H, Gill NW 2007, "Normative values for the
unipedal stance test with eyes open and eyes closed", J Geriatr Phys Ther 30(1):8-15): stand on
one leg, the other foot lifted near the stance ankle without touching it, for as long as
possible up to 45 s; three trials; the score is the best of the three. The trial ends when the
lifted foot touches down, the stance foot shifts or hops, the arms leave their position, or the
ceiling is reached.

How the video is read (image coordinates in pixels, y down):

* camera view: front or back only (the protocol films the person from the front: both feet at
  the same distance from the camera, so a foot on the floor is level with the other in the
  image). The registry (:mod:`kinesense.assess.registry`) refuses other views before the test
  runs. An oblique view puts the feet at clearly different depths; in a side view the stance
  leg hides the lifted foot (the model then loses it, and a trial of many seconds ends as "left
  frame" after half a second) and the far foot looks higher, by about 4 % of ``L`` for feet
  20 cm apart in depth with the camera at hip height 3 m away. A refusal, not a time compared
  with the age norm, is the only honest answer there (issue 10).

* reference length ``L``: the median nose-to-lower-ankle height over the frames, in pixels (about
  0.88 of stature: 1.5 m for a 1.7 m adult). Every threshold is a fraction of ``L``, so it does
  not depend on the camera distance.
* foot level: the mean image height of the ankle and heel of each foot; the height of the left
  foot over the right ``d = (y_right - y_left) / L``, cleaned as described in
  :mod:`kinesense.assess.stance_signals` (visibility, gaps up to ``max_gap_s``, running median
  of ``median_window_s``).
* lift-off: ``|d| > lift_threshold`` held for at least ``lift_hold_s``; the trial starts at
  the first frame of that run; the higher foot is the lifted one
  (:mod:`kinesense.signal.stance_trials`).
* the trial ends at the first frame of the first of these, each held for ``end_hold_s``
  (so a one-frame glitch ends nothing):

  - ``foot_down``: the lifted foot is back within ``down_threshold`` of the stance foot's level
    and still (slower than ``still_speed_l_per_s``); a foot swinging past that level, as
    seen in oblique views, is not a touch-down;
  - ``stance_foot_moved``: the stance foot has moved more than ``move_threshold`` from where it
    stood during the first ``lift_hold_s`` (a hop, a shuffle or a pivot);
  - ``hands_off_hips`` (only when the protocol asks for hands on hips): a wrist is farther than
    ``hands_off_threshold`` from its hip;
  - ``left_frame``: a foot or hip landmark (or a wrist, with hands on hips) is missing for
    longer than ``max_gap_s`` or the person is not detected: such a trial has no valid
    time and is reported, not scored;
  - ``time_limit``: the ceiling (45 s by default) is reached; the time is the ceiling;
  - ``recording_end``: the video stops first; the time is a lower bound.

* a new trial needs the lifted foot to come back below the lift threshold first.

Thresholds (:class:`StanceParameters`; every result records the values used), as fractions of
``L`` (about 1.5 m), and why:

* ``lift_threshold`` 0.04 (about 6 cm): well under the 10-20 cm a foot lifted to the other
  ankle rises, and above the 1-2 % jitter of BlazePose's ankle landmarks in still frames;
* ``down_threshold`` 0.02 (about 3 cm): a foot on the floor is level with the other one
  within landmark noise; hysteresis with the lift threshold avoids chattering;
* ``move_threshold`` 0.05 (about 7.5 cm): the stance foot is then clearly no longer where it
  was (half a foot's width); smaller shifts are lost in landmark noise;
* ``hands_off_threshold`` 0.15 (about 22 cm): hands on the iliac crests keep the wrist
  within about 10-15 cm of BlazePose's hip landmark (the hip joint); arms thrown out to regain
  balance go far beyond. Arms hanging at the sides also keep the wrist near the hip, so this
  check catches the arms leaving, not hands that were never placed.
"""

from collections.abc import Sequence
from typing import Annotated, Any

import numpy as np
from pydantic import Field

from kinesense._checks import check_option
from kinesense.assess.norms import NormRow, load_norms
from kinesense.assess.result import AssessmentResult, MetricInfo, NormComparison
from kinesense.assess.stance_norms import stance_norm
from kinesense.assess.stance_signals import (
    MAX_GAP_S,
    MEDIAN_WINDOW_S,
    MIN_BODY_SHARE,
    stance_signals,
)
from kinesense.parameters import Positive
from kinesense.series import PoseSeries
from kinesense.signal.stance_trials import StanceRules, Trial, detect_trials

TEST_NAME = "stance"
NORMS_ID = "springer_2007_single_leg_stance"
SPRINGER = "Springer BA et al. 2007, J Geriatr Phys Ther 30(1):8-15"

DEFAULT_MAX_TIME_S: float = StanceRules.model_fields["max_time_s"].default
"""Trial ceiling in seconds (Springer et al. 2007: 45)."""
TRIALS_SCORED = 3
"""The score is the best of the first three valid trials (Springer et al. 2007)."""


class StanceParameters(StanceRules):
    """Settings of the single-leg stance test: the trial rules of :class:`StanceRules` plus
    these (see the module docstring for why each has its value)."""

    trials_scored: Annotated[int, Field(ge=1)] = TRIALS_SCORED
    """The score is the best of this many first valid trials (Springer et al. 2007: 3)."""
    max_gap_s: Positive = MAX_GAP_S
    """Landmark dropouts up to this long are bridged, s; longer ones mean out of view."""
    median_window_s: Positive = MEDIAN_WINDOW_S
    """Running median of the foot and wrist signals, s."""
    min_body_share: Positive = MIN_BODY_SHARE
    """The nose-to-ankle height must span at least this share of the frame height."""
    min_duration_s: Positive = 1.0
    """A shorter recording cannot hold a trial: the protocol starts on both feet and a lift must
    be held 0.2 s to count (kinesense choice, not tuned on data)."""


DEFAULTS = StanceParameters()


def _norm_comparison(
    best_s: float, row: NormRow, population: str, source: str
) -> tuple[NormComparison, str]:
    mean = float(row.mean) if row.mean is not None else float("nan")
    low: float | None = None
    if row.sd is not None and row.mean is not None:
        low = mean - 2.0 * row.sd
        verdict = "below" if best_s < low else "within"
        if verdict == "below":
            plain = "shorter than most people your age"
        else:
            plain = "within the range of most people your age"
        text = f"best time {best_s:.1f} s: {plain} (mean - 2 SD = {low:.1f} s; {population})"
    else:
        # Averages only: no range is given (low and high stay empty), the verdict is relative
        # to the average and the text says so.
        verdict = "below" if best_s < mean else "above"
        if verdict == "below":
            plain = f"shorter than the average of healthy people your age ({mean:.1f} s)"
        else:
            plain = f"at or above the average of healthy people your age ({mean:.1f} s)"
        text = (
            f"best time {best_s:.1f} s is {plain}; {population}. The study gives averages, not "
            "a lower limit of normal: about half of healthy people score below their average."
        )
    comparison = NormComparison(
        "stance_time_s", best_s, low, None, population, source, verdict, text
    )
    return comparison, plain


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


def common_fields(
    series: PoseSeries,
    *,
    age: float | None,
    eyes: str,
    sex: str | None,
    hands_on_hips: bool,
    params: StanceParameters,
) -> dict[str, Any]:
    """Conditions, protocol and source of every result of ``series`` (usable or not), after
    checking the choices (:class:`kinesense.errors.InvalidValueError` names a bad one)."""
    check_option("eyes", eyes, ("open", "closed"))
    if sex is not None:
        check_option("sex", sex, ("female", "male"))
    conditions: dict[str, Any] = {
        "eyes": eyes,
        "hands_on_hips": hands_on_hips,
        "max_time_s": params.max_time_s,
        "age": age,
        "sex": sex,
    }
    protocol = (
        f"unipedal stance, eyes {eyes}, best of {params.trials_scored} trials, ceiling "
        f"{params.max_time_s:g} s" + (", hands on hips" if hands_on_hips else "")
    )
    return {"conditions": conditions, "protocol": protocol, "source": series.provenance.to_json()}


def assess_stance(
    series: PoseSeries,
    *,
    age: float | None = None,
    eyes: str = "open",
    sex: str | None = None,
    hands_on_hips: bool = False,
    params: StanceParameters = DEFAULTS,
) -> AssessmentResult:
    """Single-leg stance time from landmarks (see the module docstring).

    Args:
        series: landmarks of one person, filmed from the front or the back (the registry
            refuses other views before this runs).
        age: years, to compare with Springer et al.'s age bands (18-99); None: no comparison.
        eyes: ``"open"`` or ``"closed"`` (the condition the person was tested in).
        sex: ``"female"`` or ``"male"``; the eyes-closed norms are given by sex.
        hands_on_hips: whether the protocol asked for hands on the hips (then taking them off
            ends a trial).
        params: the settings (trial ceiling ``max_time_s``, 45 s in Springer et al.;
            thresholds).

    Returns:
        An :class:`AssessmentResult` with ``stance_time_s`` (best of the first three valid
        trials), ``trial_N_s`` and ``trials_found``; unusable (with the reason) when no valid
        trial is found or the recording cannot be read.
    """
    common = common_fields(series, age=age, eyes=eyes, sex=sex, hands_on_hips=hands_on_hips,
                           params=params)  # fmt: skip
    if len(series) < 2 or series.n_detected == 0:
        return AssessmentResult.unusable(
            TEST_NAME, "nobody was detected in the recording", **common
        )
    if series.duration_s < params.min_duration_s:
        return AssessmentResult.unusable(
            TEST_NAME,
            f"the recording is too short: {series.duration_s:.2f} s, at least "
            f"{params.min_duration_s:g} s are needed (stand on both feet, then lift one foot)",
            **common,
        )
    signals = stance_signals(
        series,
        hands_on_hips=hands_on_hips,
        max_gap_s=params.max_gap_s,
        median_window_s=params.median_window_s,
        min_body_share=params.min_body_share,
    )
    if isinstance(signals, str):
        return AssessmentResult.unusable(TEST_NAME, signals, **common)
    trials = detect_trials(signals, hands_on_hips=hands_on_hips, rules=params)
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
            f"{params.lift_threshold:.0%} of the nose-to-ankle height for "
            f"{params.lift_hold_s:g} s",
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
    scored = valid[: params.trials_scored]
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
    notes = _notes(trials, scored, best, params)
    lower_bound = best.started_before_recording or best.ended_by == "recording_end"
    norms, interpretation = _compare(best.duration_s, age, eyes, sex, notes, lower_bound)
    norm = stance_norm(best.duration_s, age=age, eyes=eyes, sex=sex, max_time_s=params.max_time_s,
                       trials_scored=params.trials_scored, lower_bound=lower_bound)  # fmt: skip
    if norms and not norm.compared:  # the protocol differs from the reference's: no verdict
        norms, interpretation = (), f"best single-leg stance {best.duration_s:.1f} s (eyes {eyes})"
        notes.append("not compared with the age norm: " + "; ".join(norm.reasons))
    return AssessmentResult(
        test=TEST_NAME,
        usable=True,
        metrics=metrics,
        metric_info=info,
        norms=norms,
        norm=norm,
        interpretation=interpretation,
        notes=tuple(notes),
        **common,
    )


def _notes(
    trials: Sequence[Trial], scored: Sequence[Trial], best: Trial, params: StanceParameters
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
        notes.append(
            f"{extra} further valid trial(s) not scored: the score is the best of "
            f"{params.trials_scored}"
        )
    if len(scored) < params.trials_scored:
        notes.append(
            f"only {len(scored)} valid trial(s); the protocol asks for {params.trials_scored}"
        )
    if best.ended_by == "time_limit":
        notes.append(f"the best trial reached the {params.max_time_s:g} s ceiling")
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
