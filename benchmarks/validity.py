"""Validity on real people (issue 10, item 6): repetition counts and form flags of the coach on
UI-PRMD recordings filmed by virtual cameras, and IMU repetition segmentation on UCI subject 1.

**Coaching.** For each person (s01-s05), movement (m01 deep squat -> ``squat``, m03 in-line lunge
-> ``inline_lunge``, m05 sit-to-stand -> ``sit_to_stand``, m06 standing active straight-leg raise
-> ``standing_straight_leg_raise``) and execution (the 10 correct and the 10 deliberately incorrect
repetitions), the repetitions are joined by quiet standing
(:func:`kinesense.capture.readers.uiprmd_clips.load_clip`) and filmed by four virtual cameras
(:mod:`kinesense.signal.projection`, 1280 x 720, 3 m away at hip height). Views, for two-sided
movements: ``left`` and ``right`` side, ``front``, ``oblique`` (45 degrees front-left); for
one-sided movements: the working side towards the camera (``work``), the other side (``other``),
``front`` and ``oblique`` (45 degrees on the working side). The working leg is read from the 3D
recording: the front foot of the lunge, the leg raised higher in the leg raise. The four
exercises are written for a side view (``camera_view`` "side"), with the working side towards
the camera for the one-sided ones: the other views are shown in brackets, for information.

Every clip is coached (:func:`kinesense.coach.engine.coach_series`) twice: with the side facing
the camera (two-sided) or the working side (one-sided) given, which is what automatic side
selection must find, and with no side (the engine's own choice today). The dose is one set with
room for every repetition, and cues are never held back (``repeat_after_s`` 0), so that every
fault episode is an event; nothing else of the exercise is changed.

*Matching* (coaching and IMU alike): a detection and a true repetition pair up when they overlap
by more than half the shorter of the two, one to one, the largest overlap first. For the coach a
detection is a counted repetition or a movement rejected as too fast, too slow or incomplete.
A correct clip is **exact** when every true repetition is counted and nothing else is detected; an
incorrect clip when every true repetition is detected (counted or rejected) and nothing else.
*Form*: a true repetition is **flagged** when its detection was rejected or a ``form_fault``
event fell between the detection's start and end; sensitivity = flagged incorrect repetitions /
detected incorrect ones, specificity = unflagged correct / detected correct, agreement = both
together / all detected; true repetitions with no detection are counted apart (``missed``). The
*form score* is the engine's own (the fraction of a counted repetition's frames with no rule's
condition on).

**IMU.** :func:`kinesense.signal.imu_repetitions.segment_repetitions` on the test session of each
exercise of UCI subject 1, with the most active of its five sensors
(:func:`kinesense.signal.imu_repetitions.most_active`), against ``test_times.csv`` (30
repetitions each: correct, too fast, too small). Timing errors are absolute differences of the
start and of the end times of paired repetitions, in seconds.

**Tuned on this data**: the thresholds named in the exercise files' ``sources`` (squat trunk
lean and minimum duration; sit-to-stand thresholds and trunk lean; in-line lunge and leg raise
thresholds) were chosen on people s01-s03 (*development*) and are reported on s04-s05 (*check*)
apart. The IMU segmentation has no per-exercise setting; its one threshold
(:data:`kinesense.signal.imu_repetitions.MIN_FRACTION`) was chosen on UCI subject 1, the only
subject here.

Usage: ``.venv/bin/python benchmarks/validity.py [--people 1 2 3 4 5] [--movements 1 3 5 6]
[--exercises 1 ... 8] [--json]`` (two to three minutes on two cores).
"""

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kinesense.capture.readers.uiprmd_clips import JoinedClip, load_clip
from kinesense.coach.engine import coach_series
from kinesense.exercises import load_exercise
from kinesense.exercises.schema import Exercise
from kinesense.series import PoseSeries
from kinesense.signal.projection import film

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA = PROJECT_ROOT.parent / "shared" / "data"
UIPRMD = DATA / "ui-prmd"
UCI = DATA / "imu" / "uci_s1"

EXERCISE_OF: dict[int, str] = {
    1: "squat",
    3: "inline_lunge",
    5: "sit_to_stand",
    6: "standing_straight_leg_raise",
}
MOVEMENT_NAME = {1: "deep squat", 3: "in-line lunge", 5: "sit-to-stand", 6: "leg raise"}
ONE_SIDED = {3, 6}
PEOPLE = (1, 2, 3, 4, 5)
DEVELOPMENT = (1, 2, 3)
CHECK = (4, 5)
MIN_OVERLAP = 0.5
"""A detection and a true repetition pair up when they overlap by more than half the shorter."""


@dataclass(frozen=True)
class View:
    """A virtual camera: ``label`` in the tables, ``view`` (provenance name), ``azimuth_deg``
    (None: the view's own) and the ``side`` the coach is told to follow."""

    label: str
    view: str
    azimuth_deg: float | None
    side: str


@dataclass(frozen=True)
class Detection:
    """A movement the coach detected: counted (``reason`` "ok") or rejected."""

    start_s: float
    end_s: float
    reason: str
    faults: tuple[str, ...] = ()
    form_score: float | None = None  # counted repetitions only


@dataclass
class CaseResult:
    """One clip in one view."""

    person: int
    movement: int
    correct: bool
    view: str
    truth: int
    counted: int
    detected: int
    matched: int
    spurious: int
    counted_default_side: int
    flags: list[bool | None] = field(default_factory=list)  # per true repetition; None: missed
    form_scores: list[float] = field(default_factory=list)  # of the counted true repetitions

    @property
    def exact(self) -> bool:
        """Every true repetition counted (correct clips) or detected (incorrect), nothing else."""
        hits = self.counted if self.correct else self.detected
        return hits == self.truth and self.matched == self.truth and self.spurious == 0

    @property
    def exact_default_side(self) -> bool:
        """Counts exact with the engine's own choice of side (correct clips only)."""
        return not self.correct or self.counted_default_side == self.truth


def evaluation_copy(exercise: Exercise) -> Exercise:
    """The exercise with one long set (no rests) and cues never held back."""
    dose = dataclasses.replace(exercise.dose, sets=1, reps=1000, rest_s=0.0)
    rules = tuple(dataclasses.replace(r, repeat_after_s=0.0) for r in exercise.form_rules)
    return dataclasses.replace(exercise, dose=dose, form_rules=rules)


def working_side(clip: JoinedClip, movement: int) -> str | None:
    """The working leg, read from the 3D clip: the front foot of the lunge (m03), the leg raised
    higher (m06); None for two-sided movements."""
    pose = clip.pose
    if movement == 3:
        from kinesense.signal.projection import body_directions

        _, forward, _ = body_directions(pose)
        ahead = (pose.world_point("left_ankle") - pose.world_point("right_ankle")) @ forward
        return "left" if float(np.median(ahead)) > 0 else "right"
    if movement == 6:
        heights = {
            side: float(np.max(pose.world_point(f"{side}_knee")[:, 1]))
            for side in ("left", "right")
        }
        return max(heights, key=lambda side: heights[side])
    return None


def views_for(movement: int, work: str | None) -> list[View]:
    """The four cameras of a movement (see the module docstring)."""
    if work is None:
        return [
            View("left", "left-side", None, "left"),
            View("right", "right-side", None, "right"),
            View("front", "front", None, "left"),
            View("oblique", "oblique", 45.0, "left"),
        ]
    other = "right" if work == "left" else "left"
    return [
        View("work", f"{work}-side", None, work),
        View("other", f"{other}-side", None, work),
        View("front", "front", None, work),
        View("oblique", "oblique", 45.0 if work == "left" else -45.0, work),
    ]


def detections(
    exercise: Exercise, pose: PoseSeries, side: str | None
) -> tuple[list[Detection], int]:
    """The detected movements (sorted by start) with the faults during each, and the number
    counted."""
    events, summary = coach_series(exercise, pose, side=side)
    faults = [(e.time_s, str(e.data.get("rule", ""))) for e in events if e.kind == "form_fault"]

    def during(start: float, end: float) -> tuple[str, ...]:
        return tuple(rule for t, rule in faults if start <= t <= end)

    found = [
        Detection(r.start_s, r.end_s, "ok", during(r.start_s, r.end_s), r.form_score)
        for r in summary.reps
    ]
    found += [
        Detection(r.start_s, r.end_s, r.reason, during(r.start_s, r.end_s))
        for r in summary.rejected
    ]
    found.sort(key=lambda d: d.start_s)
    return found, len(summary.reps)


def match(
    truth: Sequence[tuple[float, float]],
    found: Sequence[tuple[float, float]],
    min_overlap: float = MIN_OVERLAP,
) -> list[int | None]:
    """For each true interval, the index of the found interval paired with it, or None.

    A pair must overlap by more than ``min_overlap`` of the shorter of the two; pairs are made
    one to one, the largest overlap first."""
    pairs = []
    for i, (start, end) in enumerate(truth):
        for j, (found_start, found_end) in enumerate(found):
            overlap = min(end, found_end) - max(start, found_start)
            shorter = min(end - start, found_end - found_start)
            if overlap > 0 and overlap > min_overlap * shorter:
                pairs.append((overlap, i, j))
    assigned: list[int | None] = [None] * len(truth)
    used: set[int] = set()
    for _, i, j in sorted(pairs, reverse=True):
        if assigned[i] is None and j not in used:
            assigned[i] = j
            used.add(j)
    return assigned


def run_case(
    movement: int,
    person: int,
    correct: bool,
    *,
    views: Sequence[str] | None = None,
    default_side: bool = True,
) -> list[CaseResult]:
    """Coach one clip (person, movement, execution) in each of ``views`` (labels; all four by
    default), with the side given and, when ``default_side``, with no side given."""
    exercise = evaluation_copy(load_exercise(EXERCISE_OF[movement]))
    clip = load_clip(UIPRMD, movement, person, correct=correct)
    results = []
    for view in views_for(movement, working_side(clip, movement)):
        if views is not None and view.label not in views:
            continue
        pose = film(clip.pose, view.view, azimuth_deg=view.azimuth_deg)
        found, counted = detections(exercise, pose, view.side)
        default_counted = counted
        if default_side and view.side != "left":  # the engine follows the left side by default
            default_counted = detections(exercise, pose, None)[1]
        assigned = match(clip.repetitions, [(d.start_s, d.end_s) for d in found])
        flags: list[bool | None] = [
            None if j is None else (found[j].reason != "ok" or bool(found[j].faults))
            for j in assigned
        ]
        matched = sum(j is not None for j in assigned)
        scores = [found[j].form_score for j in assigned if j is not None]
        results.append(
            CaseResult(
                person=person,
                movement=movement,
                correct=correct,
                view=view.label,
                truth=len(clip.repetitions),
                counted=counted,
                detected=len(found),
                matched=matched,
                spurious=len(found) - matched,
                counted_default_side=default_counted,
                flags=flags,
                form_scores=[x for x in scores if x is not None],
            )
        )
    return results


# --------------------------------------------------------------------------------- tables
def separation(results: Sequence[CaseResult]) -> dict[str, float | int]:
    """Agreement, sensitivity and specificity of the flags over detected repetitions."""
    tp = sum(f is True for r in results if not r.correct for f in r.flags)
    fn = sum(f is False for r in results if not r.correct for f in r.flags)
    fp = sum(f is True for r in results if r.correct for f in r.flags)
    tn = sum(f is False for r in results if r.correct for f in r.flags)
    missed = sum(f is None for r in results for f in r.flags)
    total = tp + fn + fp + tn

    def ratio(a: int, b: int) -> float:
        return a / b if b else float("nan")

    correct_scores = [x for r in results if r.correct for x in r.form_scores]
    incorrect_scores = [x for r in results if not r.correct for x in r.form_scores]
    return {
        "n": total,
        "missed": missed,
        "score_correct": float(np.mean(correct_scores)) if correct_scores else float("nan"),
        "score_incorrect": float(np.mean(incorrect_scores)) if incorrect_scores else float("nan"),
        "agreement": ratio(tp + tn, total),
        "sensitivity": ratio(tp, tp + fn),
        "specificity": ratio(tn, tn + fp),
    }


IN_PROTOCOL_VIEWS = {"left", "right", "work"}
"""Views the exercises are written for: side views, with the working side towards the camera for
one-sided exercises (``camera_view`` "side" in every exercise validated here)."""


def count_table(results: Sequence[CaseResult]) -> list[str]:
    """Counts per person x movement x view: counted (correct) and detected (incorrect) / truth."""
    lines = []
    for movement in sorted({r.movement for r in results}):
        rows = [r for r in results if r.movement == movement]
        labels = list(dict.fromkeys(r.view for r in rows))
        heads = [v if v in IN_PROTOCOL_VIEWS else f"({v})" for v in labels]
        lines.append(f"{MOVEMENT_NAME[movement]} ({EXERCISE_OF[movement]})")
        lines.append("  person  execution  " + "  ".join(f"{v:>9}" for v in heads))
        for person in sorted({r.person for r in rows}):
            for correct in (True, False):
                cells = []
                for label in labels:
                    hit = [
                        r
                        for r in rows
                        if r.person == person and r.correct == correct and r.view == label
                    ]
                    if not hit:
                        cells.append(f"{'-':>9}")
                        continue
                    r = hit[0]
                    n = r.counted if correct else r.detected
                    mark = "" if r.exact else "*"
                    cells.append(f"{f'{n}/{r.truth}{mark}':>9}")
                execution = "correct" if correct else "incorrect"
                lines.append(f"  s{person:02d}     {execution:<9}  " + "  ".join(cells))
    return lines


def form_table(results: Sequence[CaseResult]) -> list[str]:
    """Form separation per movement x view, for development, check and all people."""
    lines = ["  movement        view       people   n   agree  sens  spec  score c/i  missed"]
    for movement in sorted({r.movement for r in results}):
        rows = [r for r in results if r.movement == movement]
        for label in dict.fromkeys(r.view for r in rows):
            shown = label if label in IN_PROTOCOL_VIEWS else f"({label})"
            for name, people in (("dev", DEVELOPMENT), ("check", CHECK), ("all", PEOPLE)):
                chosen = [r for r in rows if r.view == label and r.person in people]
                if not chosen or (name != "all" and label not in IN_PROTOCOL_VIEWS):
                    continue
                s = separation(chosen)
                lines.append(
                    f"  {MOVEMENT_NAME[movement]:<15} {shown:<10} {name:<6} {s['n']:>4}  "
                    f"{s['agreement']:.2f}  {s['sensitivity']:.2f}  {s['specificity']:.2f}  "
                    f"{s['score_correct']:.2f}/{s['score_incorrect']:.2f}  {s['missed']:>6}"
                )
    return lines


def failures(results: Sequence[CaseResult]) -> list[str]:
    """The clips of the exercises' own views whose count is not exact with the side given."""
    lines = []
    for r in results:
        if r.exact or r.view not in IN_PROTOCOL_VIEWS:
            continue
        what = "correct" if r.correct else "incorrect"
        lines.append(
            f"  {MOVEMENT_NAME[r.movement]} s{r.person:02d} {what} {r.view}: counted "
            f"{r.counted}, detected {r.detected}, paired {r.matched}/{r.truth}, "
            f"unpaired detections {r.spurious}"
        )
    return lines


def default_side_failures(results: Sequence[CaseResult]) -> list[str]:
    """Correct clips of the exercises' own views that the engine miscounts when no side is
    given (it follows the left side), grouped by movement and view."""
    groups: dict[tuple[int, str], list[str]] = {}
    for r in results:
        if r.correct and r.view in IN_PROTOCOL_VIEWS and not r.exact_default_side:
            groups.setdefault((r.movement, r.view), []).append(
                f"s{r.person:02d} {r.counted_default_side}/{r.truth}"
            )
    return [
        f"  {MOVEMENT_NAME[m]} {view}: " + ", ".join(cells)
        for (m, view), cells in sorted(groups.items())
    ]


def other_views(results: Sequence[CaseResult]) -> list[str]:
    """How many clips of the views the exercises are not written for are exact."""
    lines = []
    for movement in sorted({r.movement for r in results}):
        for label in dict.fromkeys(r.view for r in results if r.movement == movement):
            if label in IN_PROTOCOL_VIEWS:
                continue
            chosen = [r for r in results if r.movement == movement and r.view == label]
            correct = [r for r in chosen if r.correct]
            lines.append(
                f"  {MOVEMENT_NAME[movement]} {label}: exact in {sum(r.exact for r in chosen)}"
                f" of {len(chosen)} clips ({sum(r.exact for r in correct)} of "
                f"{len(correct)} correct)"
            )
    return lines


# ---------------------------------------------------------------------------------- IMU
@dataclass
class ImuResult:
    """Segmentation of one UCI exercise session by its most active sensor."""

    exercise: int
    unit: int
    truth: int
    detected: int
    matched: int
    start_errors_s: list[float]
    end_errors_s: list[float]


def uci_truth(exercise: int) -> list[tuple[float, float]]:
    """True repetitions of UCI subject 1's test session (``test_times.csv``) in seconds; sample
    indices count from 1 at 25 Hz, as the recordings' ``time index`` does. (The template
    sessions are not scored: ``template_times`` labels 3 of their 8 or 9 repetitions.)"""
    rows = np.loadtxt(UCI / f"e{exercise}" / "test_times.csv", delimiter=",", skiprows=1)
    return [((a - 1) / 25.0, (b - 1) / 25.0) for a, b in rows[:, 2:4]]


def imu_case(exercise: int) -> ImuResult:
    """Segment one test session with its most active sensor and compare with the truth."""
    from kinesense.capture.readers import read_imu_csv
    from kinesense.signal.imu_repetitions import most_active, segment_repetitions

    recordings = [read_imu_csv(UCI / f"e{exercise}" / f"u{u}" / "test.txt.gz") for u in range(1, 6)]
    unit = most_active(recordings)
    found = [(r.start_s, r.end_s) for r in segment_repetitions(recordings[unit])]
    truth = uci_truth(exercise)
    assigned = match(truth, found)
    pairs = [(truth[i], found[j]) for i, j in enumerate(assigned) if j is not None]
    return ImuResult(
        exercise=exercise,
        unit=unit + 1,
        truth=len(truth),
        detected=len(found),
        matched=len(pairs),
        start_errors_s=[abs(f[0] - t[0]) for t, f in pairs],
        end_errors_s=[abs(f[1] - t[1]) for t, f in pairs],
    )


def imu_table(results: Sequence[ImuResult]) -> list[str]:
    """Precision, recall and timing errors per exercise and pooled."""
    lines = [
        "  exercise  unit  true  found  precision  recall  start median/p95 s  end median/p95 s"
    ]

    def timing(errors: list[float]) -> str:
        if not errors:
            return "-"
        return f"{np.median(errors):.2f} / {np.percentile(errors, 95):.2f}"

    def row(label: str, unit: str, rs: Sequence[ImuResult]) -> str:
        truth = sum(r.truth for r in rs)
        detected = sum(r.detected for r in rs)
        matched = sum(r.matched for r in rs)
        starts = [e for r in rs for e in r.start_errors_s]
        ends = [e for r in rs for e in r.end_errors_s]
        precision = matched / detected if detected else float("nan")
        recall = matched / truth if truth else float("nan")
        return (
            f"  {label:<9} {unit:>4}  {truth:>4}  {detected:>5}  {precision:>9.2f}  "
            f"{recall:>6.2f}  {timing(starts):>18}  {timing(ends):>16}"
        )

    lines += [row(f"e{r.exercise}", f"u{r.unit}", [r]) for r in results]
    lines.append(row("all", "", results))
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, nargs="+", default=list(PEOPLE))
    parser.add_argument("--movements", type=int, nargs="+", default=sorted(EXERCISE_OF))
    parser.add_argument("--exercises", type=int, nargs="*", default=list(range(1, 9)))
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if not UIPRMD.is_dir():
        print(f"UI-PRMD recordings not found at {UIPRMD}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    results = [
        case
        for movement in args.movements
        for person in args.people
        for correct in (True, False)
        for case in run_case(movement, person, correct)
    ]
    elapsed = time.perf_counter() - started
    imu = [imu_case(e) for e in args.exercises]
    if args.json:
        print(
            json.dumps(
                {
                    "coaching": [dataclasses.asdict(r) for r in results],
                    "imu": [dataclasses.asdict(r) for r in imu],
                },
                indent=1,
            )
        )
        return 0
    print("Repetition counts: counted/true (correct clips), detected/true (incorrect clips);")
    print("* = not exact; (view) = a view the exercise is not written for. The coach is given")
    print("the side facing the camera (two-sided) or the working side (one-sided).\n")
    print("\n".join(count_table(results)))
    print("\nNot exact in the exercises' own views, side given:")
    print("\n".join(failures(results)) or "  none")
    print("\nCorrect clips miscounted when no side is given (the engine follows the left side):")
    print("\n".join(default_side_failures(results)) or "  none")
    print("\nViews the exercises are not written for:")
    print("\n".join(other_views(results)))
    print("\nForm separation, detected repetitions (flag = rejected, or a form fault during it);")
    print("score c/i = mean form score of counted correct / incorrect repetitions:")
    print("\n".join(form_table(results)))
    print("\nIMU repetition segmentation, UCI subject 1 (most active sensor of five):")
    print("\n".join(imu_table(imu)))
    print(f"\ncoaching: {len(results)} clip-views in {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
