"""A live session is the coaching engine fed by landmark messages: the same events as
:class:`~kinesense.coach.engine.Coach` on the same frames, repetitions known exactly, a hold of a
real recording, frames applied once and in time order."""

import dataclasses

import numpy as np
import pytest

from kinesense.capture.person import REACQUIRE_AFTER_S
from kinesense.coach.drivers import person_criteria
from kinesense.coach.engine import Coach
from kinesense.coach.events import CoachEvent, CoachFrame
from kinesense.coach.offline import frames_from_series
from kinesense.exercises import Exercise, load_exercise
from kinesense.live.protocol import CLOSE_OUT_OF_ORDER, FrameMessage, ProtocolError
from kinesense.live.session import LiveSession, OnePersonFollower, detection_of
from tests.coach import synthetic as syn
from tests.coach.real_poses import clip_series
from tests.live.frames import as_received, message


def squat(reps: int = 30) -> Exercise:
    return load_exercise("squat").with_dose(sets=1, reps=reps)


def squat_frames(n_reps: int) -> list[CoachFrame]:
    time, angle, _ = syn.rep_profile(n_reps, rest_value=170, peak_value=90)
    return syn.frames(time, syn.squat_points(angle))


def run_live(session: LiveSession, frames: list[CoachFrame]) -> list[dict[str, object]]:
    events: list[dict[str, object]] = []
    for seq, frame in enumerate(frames):
        step = session.feed(message(seq, frame))
        events += step["events"]  # type: ignore[arg-type]
    return events


def run_coach(coach: Coach, frames: list[CoachFrame]) -> list[CoachEvent]:
    events: list[CoachEvent] = []
    for frame in frames:
        events += coach.update(as_received(frame))
    return events


def same(live: list[dict[str, object]], offline: list[CoachEvent]) -> bool:
    return [(e["kind"], e["t"], e["message"]) for e in live] == [
        (e.kind, e.time_s, e.message) for e in offline
    ]


def test_five_repetitions_count_five_as_the_engine_counts_them() -> None:
    frames = squat_frames(5)
    session = LiveSession(squat(), syn.RESOLUTION)
    session.skip_setup()
    live = run_live(session, frames)
    assert [e["kind"] for e in live].count("rep") == 5
    assert same(live, run_coach(Coach(squat()), frames))
    result = session.finish()
    assert result.summary.rep_count == 5
    assert result.source == "browser:live"


def test_sets_rest_and_the_end_of_the_exercise_reach_the_panel() -> None:
    frames = squat_frames(4)
    session = LiveSession(squat(reps=2).with_dose(sets=2, rest_s=1.0), syn.RESOLUTION)
    session.skip_setup()
    panels = [session.feed(message(i, f)) for i, f in enumerate(frames)]
    kinds = [e["kind"] for step in panels for e in step["events"]]  # type: ignore[attr-defined]
    assert kinds.count("rep") == 4 or "exercise_done" in kinds
    assert "set_done" in kinds
    assert "rest_start" in kinds
    resting = [p["panel"]["rest_s"] for p in panels if p["panel"]["rest_s"] is not None]  # type: ignore[index]
    assert resting
    assert max(resting) <= 1.0
    assert panels[-1]["panel"]["done"] is ("exercise_done" in kinds)  # type: ignore[index]


def test_the_camera_check_comes_first_when_live() -> None:
    session = LiveSession(squat(), syn.RESOLUTION)
    steps = [session.feed(message(i, f)) for i, f in enumerate(squat_frames(1)[:10])]
    assert not steps[0]["panel"]["coaching"]  # type: ignore[index]
    assert steps[0]["panel"]["instructions"]  # type: ignore[index]
    session.skip_setup()
    assert session.feed(message(10, squat_frames(1)[10]))["panel"]["coaching"]  # type: ignore[index]


def test_a_real_hold_is_the_engines_hold() -> None:
    exercise = load_exercise("single_leg_stance_eyes_open")
    series = clip_series("balancing_cam01")
    frames = list(frames_from_series(series))
    assert series.provenance.resolution is not None
    session = LiveSession(exercise, series.provenance.resolution)
    session.skip_setup()
    live = run_live(session, frames)
    coach = Coach(exercise)
    offline = run_coach(coach, frames)
    assert same(live, offline)
    result = session.finish()
    coach.finish()
    assert result.summary.holds == coach.summary().holds
    assert result.summary.holds
    assert result.summary.holds[0].duration_s > 0.5


def test_a_frame_already_applied_is_acknowledged_and_ignored() -> None:
    frames = squat_frames(1)
    session = LiveSession(squat(), syn.RESOLUTION)
    for seq in range(3):
        session.feed(message(seq, frames[seq]))
    assert session.feed(message(1, frames[1])) == {"type": "step", "seq": 1, "dup": True}
    assert session.last_seq == 2
    assert session.session.frames == 3


def test_time_must_increase() -> None:
    frames = squat_frames(1)
    session = LiveSession(squat(), syn.RESOLUTION)
    session.feed(message(0, frames[5]))
    for bad in (message(1, frames[5]), message(1, frames[4])):
        with pytest.raises(ProtocolError) as caught:
            session.feed(bad)
        assert caught.value.code == CLOSE_OUT_OF_ORDER
    assert session.feed(message(1, frames[6]))["seq"] == 1


def test_a_finished_session_takes_no_more_frames() -> None:
    frames = squat_frames(1)
    session = LiveSession(squat(), syn.RESOLUTION)
    session.feed(message(0, frames[0]))
    first = session.finish()
    assert session.finish().summary == first.summary
    with pytest.raises(ProtocolError):
        session.feed(message(1, frames[1]))


def test_nobody_seen_is_a_dropout_not_an_error() -> None:
    session = LiveSession(squat(), syn.RESOLUTION)
    session.skip_setup()
    step = session.feed(FrameMessage(type="frame", seq=0, t=0, lm=None))
    assert step["events"] == []
    assert detection_of(FrameMessage(type="frame", seq=0, t=0, lm=None)) is None


def test_a_person_showing_too_little_is_followed_provisionally() -> None:
    follower = OnePersonFollower(person_criteria(squat()))
    whole = squat_frames(1)[0]
    assert whole.image_xyz is not None
    assert whole.visibility is not None
    detection = detection_of(message(0, whole))
    assert detection is not None
    hidden = dataclasses.replace(detection, visibility=np.zeros(33))
    follower.update(0.0, hidden)
    assert follower.provisional
    follower.update(0.1, detection)
    assert not follower.provisional
    follower.update(0.2, hidden)  # once chosen, a person showing less stays followed
    assert not follower.provisional
    follower.update(0.3 + REACQUIRE_AFTER_S, hidden)  # chosen again after an absence
    assert follower.provisional
