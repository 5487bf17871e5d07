"""The coaching engine against sequences whose repetitions, holds and faults are known exactly."""

import dataclasses
import gzip
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kinesense.coach import (
    Coach,
    CoachEvent,
    CoachFrame,
    RepCounter,
    SessionSummary,
    coach_series,
)
from kinesense.exercises import Exercise, load_exercise
from kinesense.exercises.schema import Repetition
from kinesense.landmarks import LANDMARK_INDEX as IDX
from kinesense.series.pose import PoseSeries
from kinesense.series.provenance import Provenance
from kinesense.signal.filters import butter_lowpass_zero_lag
from kinesense.signal.geometry import angle_between_deg
from tests.coach import synthetic as syn
from tests.conftest import shared_file


def run(coach: Coach, frames: list[CoachFrame]) -> list[CoachEvent]:
    events: list[CoachEvent] = []
    for frame in frames:
        events += coach.update(frame)
    return events


def kinds(events: list[CoachEvent], kind: str) -> list[CoachEvent]:
    return [e for e in events if e.kind == kind]


def with_dose(exercise: Exercise, **changes: Any) -> Exercise:
    return exercise.with_dose(**changes)


@pytest.fixture(scope="module")
def squat() -> Exercise:
    return with_dose(load_exercise("squat"), sets=1, reps=30)


def squat_frames(
    n_reps: int, **kwargs: object
) -> tuple[list[CoachFrame], list[tuple[float, float]]]:
    noise = float(kwargs.pop("noise_px", 0.0))  # type: ignore[arg-type]
    missing = kwargs.pop("missing", ())
    time, angle, windows = syn.rep_profile(n_reps, rest_value=170, peak_value=90, **kwargs)  # type: ignore[arg-type]
    frames = syn.frames(time, syn.squat_points(angle), noise_px=noise, missing=missing)  # type: ignore[arg-type]
    return frames, windows


# ------------------------------------------------------------------ repetitions
def test_ten_clean_repetitions_count_exactly_ten_with_their_range(squat: Exercise) -> None:
    frames, windows = squat_frames(10)
    coach = Coach(squat)
    reps = kinds(run(coach, frames), "rep")
    assert [e.data["rep"] for e in reps] == list(range(1, 11))
    for event, (start, end) in zip(reps, windows, strict=True):
        assert start < event.time_s <= end + 0.5  # counted on the way back up, once
        # true range 170 -> 90 = 80 degrees (plateaus let the filter settle): within 1 %
        assert event.data["range_deg"] == pytest.approx(80.0, rel=0.01)
        assert event.data["form_score"] == 1.0
    summary = coach.summary()
    assert summary.rep_count == 10
    assert summary.rejected == []
    assert summary.tracking.tracked_fraction == 1.0


def test_heavy_noise_still_counts_ten_within_one(squat: Exercise) -> None:
    from kinesense.coach.signals import compute_quantities

    time, angle, _ = syn.rep_profile(10, rest_value=170, peak_value=90)
    frames = syn.frames(time, syn.squat_points(angle), noise_px=6.0)
    raw = [
        compute_quantities(squat.tracked, f.image_xyz, f.visibility, f.resolution)["knee_angle_deg"]
        for f in frames
        if f.image_xyz is not None and f.visibility is not None
    ]
    error = np.asarray(raw, dtype=float) - angle
    assert np.std(error) > 4.0  # the raw knee angle jitters by ~5 degrees (SD), up to ~18
    count = len(kinds(run(Coach(squat), frames), "rep"))
    assert abs(count - 10) <= 1  # measured: exactly 10 (also at 10 px, SD ~8 degrees)


def test_short_dropouts_hold_the_state_without_double_counting(squat: Exercise) -> None:
    # a 0.3-0.4 s gap inside every repetition, at a different phase each time
    _, windows = squat_frames(10)
    gaps = [(s + 0.4 * (i % 6), s + 0.4 * (i % 6) + 0.35) for i, (s, _) in enumerate(windows)]
    frames, _ = squat_frames(10, missing=gaps)
    events = run(Coach(squat), frames)
    assert len(kinds(events, "rep")) == 10
    assert kinds(events, "tracking_lost") == []


def test_long_dropout_is_tracking_lost_and_abandons_the_rep(squat: Exercise) -> None:
    _, windows = squat_frames(5)
    start = windows[2][0] + 1.0  # in the middle of rep 3, near the bottom
    frames, _ = squat_frames(5, missing=[(start, start + 1.5)])
    coach = Coach(squat)
    events = run(coach, frames)
    lost, back = kinds(events, "tracking_lost"), kinds(events, "tracking_back")
    assert len(lost) == 1
    assert len(back) == 1
    assert start + 0.5 <= lost[0].time_s <= start + 0.6
    assert back[0].time_s == pytest.approx(start + 1.5, abs=0.05)
    assert len(kinds(events, "rep")) == 4  # rep 3 was abandoned, not counted late
    quality = coach.summary().tracking
    assert quality.lost_episodes == 1
    assert quality.lost_s == pytest.approx(1.5, abs=0.05)
    assert coach.state.tracking


def test_jitter_around_every_threshold_counts_once() -> None:
    spec = Repetition(
        quantity="q", enter=150, target=110, exit=160, min_duration_s=1.0, max_duration_s=8
    )
    counter = RepCounter(spec)
    t = 0.0
    outcomes = []
    # rest, then +/-4 deg jitter around enter (150), around target (110), around exit (160)
    segments = [170.0] * 10 + [146, 154] * 10 + [120, 106, 114, 108, 113] * 4
    segments += [140.0] * 5 + [158, 162] * 10 + [170.0] * 10
    for value in segments:
        t += 1 / 30
        outcome = counter.update(t, value)
        if outcome is not None:
            outcomes.append(outcome)
    assert [o.counted for o in outcomes] == [True]
    assert outcomes[0].peak == 106.0
    assert outcomes[0].range == pytest.approx(170 - 106)


def test_jitter_through_the_coach_never_double_counts(squat: Exercise) -> None:
    time, angle, _ = syn.rep_profile(6, rest_value=170, peak_value=90)
    wobble = 5.0 * np.sin(2 * np.pi * 3.0 * time)  # 3 Hz, +/-5 deg on top of the reps
    frames = syn.frames(time, syn.squat_points(angle + wobble))
    assert len(kinds(run(Coach(squat), frames), "rep")) == 6


def test_too_fast_incomplete_and_too_slow_movements_are_not_counted() -> None:
    spec = Repetition(
        quantity="q", enter=150, target=110, exit=160, min_duration_s=1.0, max_duration_s=8
    )
    counter = RepCounter(spec)

    def feed(values: list[int], dt: float, t0: float) -> list[str]:
        reasons = []
        for i, v in enumerate(values):
            outcome = counter.update(t0 + i * dt, v)
            if outcome is not None:
                reasons.append(outcome.reason)
        return reasons

    assert feed([170, 140, 100, 140, 170], 0.1, 0.0) == ["too_fast"]  # 0.3 s
    assert feed([170, 140, 120, 140, 170], 0.5, 1.0) == ["incomplete"]  # never reached 110
    assert feed([170, 140] + [100] * 20 + [170], 0.5, 10.0) == ["too_slow"]
    assert counter.phase == "rest"


def test_sets_and_rest_timing() -> None:
    exercise = with_dose(load_exercise("squat"), sets=2, reps=3, rest_s=5.0)
    frames, _windows = squat_frames(9)
    coach = Coach(exercise)
    events = run(coach, frames)
    order = [e.kind for e in events]
    assert order == [
        "rep", "rep", "rep", "set_done", "rest_start", "rest_end",
        "rep", "rep", "rep", "set_done", "exercise_done",
    ]  # fmt: skip
    rest_start, rest_end = kinds(events, "rest_start")[0], kinds(events, "rest_end")[0]
    assert rest_end.time_s - rest_start.time_s == pytest.approx(5.0, abs=0.04)
    # the rep under way when the rest ends is not counted half-way: set 2 starts at rest
    second = kinds(events, "rep")[3:]
    assert [e.data["set"] for e in second] == [2, 2, 2]
    assert all(e.time_s > rest_end.time_s for e in second)
    summary = coach.summary()
    assert summary.done
    assert summary.sets_completed == 2
    assert summary.rep_count == 6
    assert coach.state.done
    assert coach.update(dataclasses.replace(frames[-1], time_s=999.0)) == []


def test_state_while_resting() -> None:
    exercise = with_dose(load_exercise("squat"), sets=2, reps=1, rest_s=10.0)
    frames, _ = squat_frames(1, rest_s=3.0)
    coach = Coach(exercise)
    rep = kinds(run(coach, frames), "rep")[0]
    state = coach.state
    assert state.resting
    assert state.phase == "resting"
    assert state.set_index == 2
    expected = 10.0 - (frames[-1].time_s - rep.time_s)
    assert state.rest_remaining_s == pytest.approx(expected, abs=1e-9)


def test_both_sides_alternate_by_set() -> None:
    exercise = with_dose(load_exercise("single_leg_stance_eyes_open"), sets=1, rest_s=1.0)
    coach = Coach(exercise)
    assert (coach.state.sets_total, coach.state.side) == (2, "either")  # found when lifted
    time = np.arange(0.0, 70.0, 1 / 30)
    pts = np.repeat(syn.standing()[None], len(time), axis=0)
    right_up, left_up = (time >= 1) & (time < 33), (time >= 35) & (time < 68)
    pts[right_up, IDX["right_ankle"], 1] -= 40.0  # standing on the left leg
    pts[left_up, IDX["left_ankle"], 1] -= 40.0  # then on the right leg
    events = run(coach, syn.frames(time, pts))
    ends = kinds(events, "hold_end")
    assert [e.data["side"] for e in ends] == ["left", "right"]
    assert kinds(events, "exercise_done")


def test_one_sided_exercise_follows_the_chosen_side() -> None:
    exercise = with_dose(load_exercise("seated_knee_extension_practice"), sets=1, reps=20)
    time, shank, _ = syn.rep_profile(4, rest_value=0.0, peak_value=70.0, move_s=3.0)
    only_left = np.empty((len(time), 33, 2))
    for i, angle in enumerate(shank):
        p = syn.seated()
        syn.set_inclination(p, "left_knee", "left_ankle", 180.0 + angle)
        only_left[i] = p
    frames = syn.frames(time, only_left)
    assert len(kinds(run(Coach(exercise, side="left"), frames), "rep")) == 4
    assert len(kinds(run(Coach(exercise, side="right"), frames), "rep")) == 0


def test_alternate_sides_need_a_movement_to_each_side_in_turn() -> None:
    exercise = with_dose(load_exercise("lateral_trunk_shifts"), sets=1, reps=20)
    time, tilt, _ = syn.rep_profile(6, rest_value=0.0, peak_value=10.0)
    sign = np.ones_like(time)
    sign[time > time[-1] / 2] = -1.0  # three shifts one way, then three the other
    pts = np.empty((len(time), 33, 2))
    for i, angle in enumerate(tilt * sign):
        p = syn.standing()
        syn.tilt_trunk(p, -angle)  # pelvis glides left => the trunk line leans to image left
        pts[i] = p
    events = run(Coach(exercise), syn.frames(time, pts))
    sides = [e.data["side"] for e in kinds(events, "rep")]
    assert sides == ["left", "right"]  # the 2nd/3rd left shifts wait for a right one


# ------------------------------------------------------------------------ holds
def stance_frames(lifted: list[tuple[float, float]], total_s: float) -> list[CoachFrame]:
    time = np.arange(0.0, total_s, 1 / 30)
    pts = np.repeat(syn.standing()[None], len(time), axis=0)
    for a, b in lifted:
        on = (time >= a) & (time < b)
        for name in ("right_ankle", "right_heel", "right_foot_index"):
            pts[on, IDX[name], 1] -= 40.0  # 0.2 torso lengths up
    return syn.frames(time, pts)


def test_hold_of_known_length_then_broken() -> None:
    exercise = load_exercise("single_leg_stance_eyes_open")
    coach = Coach(exercise, side="left")
    events = run(coach, stance_frames([(2.0, 14.0)], 20.0))
    assert [e.kind for e in events] == ["hold_start", "hold_broken"]
    start, broken = events
    assert start.data["start_s"] == pytest.approx(2.0, abs=0.5)
    assert broken.data["duration_s"] == pytest.approx(12.0, abs=0.5)
    assert broken.time_s == pytest.approx(14.0 + exercise.hold.grace_s, abs=0.3)  # type: ignore[union-attr]
    assert coach.summary().holds[0].completed is False


def test_brief_touch_down_within_grace_does_not_break_the_hold() -> None:
    exercise = with_dose(load_exercise("single_leg_stance_eyes_open"), sets=1)
    coach = Coach(exercise, side="left")
    events = run(coach, stance_frames([(1.0, 10.0), (10.3, 40.0)], 41.0))
    assert [e.kind for e in events] == ["hold_start", "hold_end", "set_done", "exercise_done"]
    end = kinds(events, "hold_end")[0]
    assert end.data["duration_s"] == pytest.approx(30.0, abs=0.5)
    assert end.data["start_s"] == pytest.approx(1.0, abs=0.5)
    summary = coach.summary()
    assert summary.holds[0].completed
    assert summary.done


def test_hold_dropout_shorter_than_lost_keeps_timing() -> None:
    exercise = with_dose(load_exercise("single_leg_stance_eyes_open"), sets=1)
    frames = stance_frames([(1.0, 40.0)], 41.0)
    frames = [CoachFrame(f.time_s, None, None) if 5.0 <= f.time_s < 5.4 else f for f in frames]
    events = run(Coach(exercise, side="left"), frames)
    assert "hold_end" in [e.kind for e in events]
    assert "hold_broken" not in [e.kind for e in events]


def test_hold_ends_when_tracking_is_lost() -> None:
    exercise = with_dose(load_exercise("single_leg_stance_eyes_open"), sets=1)
    frames = stance_frames([(1.0, 44.0)], 45.0)
    frames = [CoachFrame(f.time_s, None, None) if 8.0 <= f.time_s < 10.0 else f for f in frames]
    events = run(Coach(exercise, side="left"), frames)
    assert [e.kind for e in events][:4] == [
        "hold_start", "tracking_lost", "hold_broken", "tracking_back",
    ]  # fmt: skip
    broken = kinds(events, "hold_broken")[0]
    assert broken.data["end_s"] == pytest.approx(8.0, abs=1 / 30 + 1e-9)  # last seen
    assert broken.data["duration_s"] == pytest.approx(7.0, abs=0.5)
    # the foot is still up when the person is seen again: a new hold starts and completes
    assert [e.kind for e in events][4:6] == ["hold_start", "hold_end"]


# ------------------------------------------------------------------ form faults
def test_fault_during_reps_three_to_five_is_cued_only_then() -> None:
    exercise = with_dose(load_exercise("squat"), sets=1, reps=30)
    time, angle, windows = syn.rep_profile(8, rest_value=170, peak_value=90, rest_s=3.0)
    pts = syn.squat_points(angle)
    bad = np.zeros(len(time), dtype=bool)
    for start, end in windows[2:5]:
        bad |= (time >= start + 1.0) & (time < end - 1.0)  # lean in the middle of the rep
    for i in np.flatnonzero(bad):
        syn.tilt_trunk(pts[i], 60.0)
    coach = Coach(exercise)
    side_view, visibility = syn.side_on(pts)  # the rule is judged in a side view only
    events = run(coach, syn.frames(time, side_view, visibility=visibility))
    faults = kinds(events, "form_fault")
    assert len(faults) == 3
    for fault, (start, _end) in zip(faults, windows[2:5], strict=True):
        assert fault.message == "Keep your chest up."
        debounce = exercise.form_rules[0].debounce_s
        # debounced: the lean must last debounce_s (plus the smoothing lag) before the cue
        assert start + 1.0 + debounce <= fault.time_s <= start + 1.0 + debounce + 0.25
    assert coach.state.active_cues == []
    scores = [r.form_score for r in coach.summary().reps]
    assert scores[:2] == [1.0, 1.0]
    assert scores[5:] == [1.0] * 3
    # the lean covers 1.5 s of each 2.6 s counted repetition (enter -> exit)
    assert all(0.35 < s < 0.55 for s in scores[2:5])
    trunk = next(f for f in coach.summary().faults if f.rule == "trunk_lean")
    assert (trunk.episodes, trunk.cues) == (3, 3)


# ------------------------------------------------------------------- contracts
def test_times_must_increase(squat: Exercise) -> None:
    coach = Coach(squat)
    coach.update(CoachFrame(1.0, None, None))
    with pytest.raises(ValueError, match="increase"):
        coach.update(CoachFrame(1.0, None, None))


def test_offline_equals_live_and_summary_round_trips(squat: Exercise) -> None:
    frames, _ = squat_frames(3, noise_px=3.0)
    first, second = Coach(squat), Coach(squat)
    assert run(first, frames) == run(second, frames)
    summary = first.summary()
    assert SessionSummary.from_json(summary.to_json()) == summary


def test_a_recorded_series_gives_the_live_answer(squat: Exercise) -> None:
    frames, _ = squat_frames(4, noise_px=3.0, missing=[(3.0, 3.3)])
    n = len(frames)
    image = np.full((n, 33, 3), np.nan)
    visibility = np.zeros((n, 33))
    detected = np.zeros(n, dtype=bool)
    for i, frame in enumerate(frames):
        if frame.image_xyz is not None and frame.visibility is not None:
            image[i], visibility[i], detected[i] = frame.image_xyz, frame.visibility, True
    series = PoseSeries(
        time_s=np.array([f.time_s for f in frames]),
        image_xyz=image,
        world_xyz_m=np.full((n, 33, 3), np.nan),
        visibility=visibility,
        detected=detected,
        frame_rate_hz=30.0,
        provenance=Provenance(resolution=syn.RESOLUTION),
    )
    live = Coach(squat)
    live_events = run(live, frames)
    events, summary = coach_series(squat, series)
    assert len(kinds(events, "rep")) == 4
    assert [(e.kind, e.time_s) for e in events] == [(e.kind, e.time_s) for e in live_events]
    assert summary.to_dict() == live.summary().to_dict()


def test_nobody_in_view_from_the_start_counts_nothing(squat: Exercise) -> None:
    coach = Coach(squat)
    events = run(coach, [CoachFrame(i / 30, None, None) for i in range(90)])
    assert events == []
    assert not coach.state.tracking
    assert coach.summary().tracking.tracked_fraction == 0.0


# ------------------------------------------------------ real recording (UCI IMU)
def _uci_shank_tilt_deg(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with gzip.open(path, "rt") as handle:
        data = np.loadtxt(handle, delimiter=";", skiprows=1)
    acc = butter_lowpass_zero_lag(data[:, 1:4], 25.0, 1.5)
    rest = acc[:25].mean(axis=0)  # the first second: sitting, lower leg hanging
    time = (data[:, 0] - 1) / 25.0
    return time, np.asarray(angle_between_deg(acc, rest))


REASON_OF_EXECUTION_TYPE = {1: "ok", 2: "too_fast", 3: "incomplete"}
"""UCI execution types: 1 correct, 2 too fast, 3 low amplitude."""


def _outcomes(time: np.ndarray, tilt: np.ndarray) -> list[tuple[str, float, float]]:
    spec = load_exercise("seated_knee_extension_practice").repetition
    assert spec is not None
    counter = RepCounter(spec)
    out = []
    for t, value in zip(time, tilt, strict=True):
        outcome = counter.update(float(t), float(value))
        if outcome is not None:
            out.append((outcome.reason, outcome.start_s, outcome.end_s))
    return out


@pytest.mark.parametrize(
    ("session", "labels", "delimiter"),
    [("test", "test_times.csv", ","), ("template_session", "template_times.txt.gz", ";")],
)
def test_repetitions_of_a_real_recording_match_the_labels(
    shared_data: Path, session: str, labels: str, delimiter: str
) -> None:
    """UCI physical-therapy data set (Yurtman & Barshan 2014), subject 1, exercise 1 (seated
    knee extension), sensor u2 on the moving lower leg, 25 Hz. The accelerometer's tilt from
    its position at rest is the shank's inclination from hanging, the quantity that the
    library's ``seated_knee_extension_practice`` counts; fed through the same repetition
    settings, each labelled repetition gives exactly one outcome, at the labelled time: the 10
    correct ones are counted, the 10 too fast rejected as too fast (< 4 s) and the 10 of low
    amplitude (peaks 49-58 deg, never the 60 deg target) as incomplete; likewise the 3
    template repetitions (one of each type) picked from their session of 9."""
    recording = shared_file(shared_data, f"imu/uci_s1/e1/u2/{session}.txt.gz")
    table = np.loadtxt(
        shared_file(shared_data, f"imu/uci_s1/e1/{labels}"), delimiter=delimiter, skiprows=1
    )
    time, tilt = _uci_shank_tilt_deg(recording)
    outcomes = _outcomes(time, tilt)
    for row in table:
        execution, start, end = int(row[-3]), row[-2] / 25.0, row[-1] / 25.0
        inside = [o for o in outcomes if start <= o[1] < o[2] <= end + 0.5]
        assert [o[0] for o in inside] == [REASON_OF_EXECUTION_TYPE[execution]]
    if session == "test":  # every repetition of the session is labelled
        assert len(outcomes) == len(table) == 30
        assert sum(reason == "ok" for reason, _, _ in outcomes) == 10
