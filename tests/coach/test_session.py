"""Coaching sessions: the session logic on synthetic landmarks, and whole sessions over clips
with exact ground truth cut from a real recording.

The clips repeat two real frames of ../shared/data/video/sports2d_walk_side.mp4 (Sports2D,
BSD-3-Clause), an older woman walking across a gym seen from her left side, 0.23 s apart:

* frame 247: left knee straight (hip-knee-ankle angle 179 deg with the lite model);
* frame 254: left knee bent (131 deg).

Each is held still for a known time, so the number of knee bends and the hold times are known
by construction. Frames are scaled to 640 x 360 and the lite model is used, to keep tests fast.
"""

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from kinesense.capture.estimator import PoseDetection
from kinesense.coach.drivers import PeopleCounter, coach_video
from kinesense.coach.session import CoachSession, SessionResult, SetupError
from kinesense.coach.sinks import LiveWindow, has_display
from kinesense.coach.speech import MIN_INTERVAL_S, REPEAT_INTERVAL_S, Speaker, find_engine
from kinesense.errors import KinesenseError
from kinesense.exercises import Exercise, exercise_from_dict
from kinesense.landmarks import LANDMARK_INDEX
from tests.coach.test_setup_check import RESOLUTION, standing_person
from tests.conftest import shared_file

FPS = 30.0
STRAIGHT_FRAME = 247
BENT_FRAME = 254
WIDTH, HEIGHT = 640, 360
EXERCISE_ID = "test_knee_bend"


def knee_exercise(mode: str = "reps", reps: int = 5) -> dict[str, Any]:
    """A test exercise on the left knee angle: bends (reps) or holding it straight (hold)."""
    data: dict[str, Any] = {
        "id": EXERCISE_ID if mode == "reps" else "test_knee_hold",
        "name": "Test knee bend" if mode == "reps" else "Test straight-knee hold",
        "category": "mobility",
        "level": 1,
        "starting_position": "standing",
        "body_position": ["standing"],
        "camera_view": "side",
        "instructions": ["Bend and straighten your left knee."],
        "tracked": [
            {
                "name": "knee",
                "kind": "joint_angle",
                "points": ["left_hip", "left_knee", "left_ankle"],
            },
        ],
        "mode": mode,
        "form_rules": [],
        "dose": {"sets": 1, "reps": reps, "rest_s": 0, "side": "none"},
        "sources": ["kinesense test fixture"],
    }
    if mode == "reps":
        data["repetition"] = {
            "quantity": "knee",
            "enter": 165,
            "target": 145,
            "exit": 170,
            "min_duration_s": 0.3,
            "max_duration_s": 5.0,
        }
    else:
        data["hold"] = {
            "conditions": [{"quantity": "knee", "min": 165}],
            "target_s": 20,
            "grace_s": 0.3,
            "settle_s": 0.2,
        }
    return data


def load_knee_exercise(mode: str = "reps", reps: int = 5) -> Exercise:
    """The test exercise as an :class:`Exercise`."""
    return exercise_from_dict(knee_exercise(mode, reps), source="<test>")


def write_exercise_folder(folder: Path) -> Path:
    """Write the reps test exercise as a JSON file a user folder would hold."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{EXERCISE_ID}.json").write_text(json.dumps(knee_exercise("reps")))
    return folder


def two_frames(video: Path) -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    """(straight, bent) RGB frames, scaled to 640 x 360."""
    import cv2

    from kinesense.capture.video import VideoFile

    with VideoFile(video) as clip:
        wanted = clip.frames(STRAIGHT_FRAME, BENT_FRAME + 1, exact_seek=True)
        frames = {f.index: f.rgb for f in wanted}
    return tuple(  # type: ignore[return-value]
        np.asarray(cv2.resize(frames[i], (WIDTH, HEIGHT), interpolation=cv2.INTER_AREA))
        for i in (STRAIGHT_FRAME, BENT_FRAME)
    )


def write_clip(path: Path, segments: list[tuple[NDArray[np.uint8], float]]) -> Path:
    """Write ``(frame, seconds)`` segments at 30 frames/s (mp4v); returns ``path``."""
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), FPS, (WIDTH, HEIGHT))
    assert writer.isOpened(), f"cannot write {path}"
    try:
        for frame, seconds in segments:
            bgr = cv2.cvtColor(frame, cv2.COLOR_RGB2BGR)
            for _ in range(round(seconds * FPS)):
                writer.write(bgr)
    finally:
        writer.release()
    return path


def reps_segments(
    straight: NDArray[np.uint8], bent: NDArray[np.uint8], bends: int
) -> list[tuple[NDArray[np.uint8], float]]:
    """1.5 s straight, then ``bends`` x (0.6 s bent, 0.6 s straight): ``bends`` repetitions."""
    return [(straight, 1.5)] + [(f, 0.6) for _ in range(bends) for f in (bent, straight)]


HOLD_START_S = 1.0
HOLD_END_S = 5.0


def hold_segments(
    straight: NDArray[np.uint8], bent: NDArray[np.uint8]
) -> list[tuple[NDArray[np.uint8], float]]:
    """Bent until 1 s, straight from 1 s to 5 s (a 4 s hold), bent until 7 s."""
    return [(bent, HOLD_START_S), (straight, HOLD_END_S - HOLD_START_S), (bent, 2.0)]


# ----------------------------------------------------------------- synthetic landmarks


def knee_pose(angle_deg: float, *, top: float = 0.1, view: str = "left-side") -> PoseDetection:
    """A standing person (side view) whose left hip-knee-ankle angle is exactly ``angle_deg``.

    The shank keeps its length and turns backwards about the knee (in pixels, so the angle is
    exact at :data:`RESOLUTION`).
    """
    xyz, vis = standing_person(view, top=top, frames=1)
    xyz, vis = xyz[0].copy(), vis[0]
    width, height = RESOLUTION
    px = xyz[:, :2] * (width, height)
    hip, knee = px[LANDMARK_INDEX["left_hip"]], px[LANDMARK_INDEX["left_knee"]]
    shank = np.linalg.norm(px[LANDMARK_INDEX["left_ankle"]] - knee)
    thigh = (knee - hip) / np.linalg.norm(knee - hip)
    turn = np.radians(180.0 - angle_deg)  # flexion: the shank turns away from the thigh line
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    ankle = knee + shank * rotation @ thigh
    for name in ("left_ankle", "left_heel", "left_foot_index"):
        offset = px[LANDMARK_INDEX[name]] - px[LANDMARK_INDEX["left_ankle"]]
        xyz[LANDMARK_INDEX[name], :2] = (ankle + offset) / (width, height)
    return PoseDetection(xyz, np.full((33, 3), np.nan), vis)


def test_knee_pose_has_the_angle_asked() -> None:
    from kinesense.signal.geometry import joint_angle_deg

    pose = knee_pose(120.0)
    px = pose.image_xyz[:, :2] * RESOLUTION
    hip, knee, ankle = (px[LANDMARK_INDEX[f"left_{n}"]] for n in ("hip", "knee", "ankle"))
    assert float(joint_angle_deg(hip, knee, ankle)) == pytest.approx(120.0, abs=1e-6)


def feed(
    session: CoachSession, poses: list[tuple[PoseDetection | None, float]], start_s: float = 0.0
) -> float:
    """Feed ``(pose, seconds)`` segments at 30 frames/s; return the next frame time."""
    t = start_s
    for pose, seconds in poses:
        for _ in range(round(seconds * FPS)):
            session.step(t, pose, luma=120.0)
            t += 1.0 / FPS
    return t


def test_a_file_session_counts_synthetic_bends_and_reports_the_setup() -> None:
    session = CoachSession(load_knee_exercise(reps=10), resolution=RESOLUTION)
    straight, bent = knee_pose(178.0), knee_pose(130.0)
    feed(session, [(straight, 1.5)] + [(p, 0.6) for _ in range(4) for p in (bent, straight)])
    result = session.result()
    assert result.summary.rep_count == 4
    assert [e.kind for e in result.events].count("rep") == 4
    assert result.setup.ok, result.setup.instructions
    assert result.setup.view == "left-side"
    out = result.to_json()
    assert out["reps"] == 4
    assert out["setup"]["ok"] is True
    json.dumps(out)  # plain JSON


def test_a_file_session_analyses_everything_despite_a_bad_setup() -> None:
    session = CoachSession(load_knee_exercise(reps=10), resolution=RESOLUTION)
    straight, bent = knee_pose(178.0, top=0.2), knee_pose(130.0, top=0.2)  # feet below the frame
    feed(session, [(straight, 1.5)] + [(p, 0.6) for _ in range(3) for p in (bent, straight)])
    result = session.result()
    assert [p.code for p in result.setup.problems] == ["feet_out"]
    assert result.summary.rep_count == 3  # the knee is still in view


def test_strict_refuses_a_bad_setup_after_the_check_window() -> None:
    session = CoachSession(load_knee_exercise(), resolution=RESOLUTION, strict=True)
    with pytest.raises(SetupError, match="Step back until your feet"):
        feed(session, [(knee_pose(178.0, top=0.2), 2.0)])
    assert 1.4 < session.frames / FPS < 1.6
    short = CoachSession(load_knee_exercise(), resolution=RESOLUTION, strict=True)
    feed(short, [(knee_pose(178.0, top=0.2), 0.5)])  # shorter than the window
    with pytest.raises(SetupError):
        short.finish()


def test_live_coaching_waits_for_a_good_setup() -> None:
    session = CoachSession(load_knee_exercise(), live=True, resolution=RESOLUTION)
    front = knee_pose(178.0, view="front")  # the exercise needs a side view
    t = feed(session, [(front, 1.6)])
    step = session.step(t, front, luma=120.0)
    assert not step.coaching
    assert step.panel.instructions == ("Turn so that your side faces the camera",)
    t = feed(session, [(knee_pose(130.0, view="front"), 1.0)], t + 1 / FPS)
    assert session.coach.summary().rep_count == 0  # not coached before the set-up is right
    t = feed(session, [(knee_pose(178.0), 1.6)], t)
    assert session.coaching
    assert session.setup is not None
    assert session.setup.ok
    assert session.setup_skipped is None
    feed(session, [(p, 0.6) for _ in range(2) for p in (knee_pose(130.0), knee_pose(178.0))], t)
    assert session.coach.summary().rep_count == 2


def test_live_setup_times_out_or_is_skipped() -> None:
    session = CoachSession(
        load_knee_exercise(), live=True, resolution=RESOLUTION, setup_timeout_s=3.0
    )
    feed(session, [(None, 4.0)])
    assert session.coaching
    assert session.setup_skipped == "timeout"
    assert session.setup is not None
    assert [p.code for p in session.setup.problems] == ["nobody"]
    other = CoachSession(load_knee_exercise(), live=True, resolution=RESOLUTION)
    feed(other, [(None, 0.5)])
    other.skip_setup()
    assert other.coaching
    assert other.setup_skipped == "skipped"


def test_the_panel_follows_the_coach_and_tracking() -> None:
    session = CoachSession(load_knee_exercise(), resolution=RESOLUTION)
    t = feed(session, [(knee_pose(178.0), 1.0), (knee_pose(130.0), 0.6), (knee_pose(178.0), 0.6)])
    step = session.step(t, knee_pose(178.0))
    assert step.panel.reps == 1
    assert step.panel.reps_target == 5
    assert step.panel.title == "Test knee bend"
    assert not step.panel.tracking_lost
    t = feed(session, [(None, 1.0)], t + 1 / FPS)
    assert session.step(t, None).panel.tracking_lost
    assert "tracking_lost" in [e.kind for e in session.events]


def test_people_counter_counts_only_the_multi_person_model() -> None:
    class Fake:
        name = "fake"

        def __init__(self, people: int) -> None:
            self.people = people

        def estimate(self, rgb: NDArray[np.uint8], timestamp_ms: int) -> list[PoseDetection]:
            return [knee_pose(178.0)] * self.people

        def close(self) -> None:
            pass

        def __enter__(self) -> "Fake":
            return self

        def __exit__(self, *args: object) -> None:
            pass

    counter = PeopleCounter(lambda mode, n: Fake(3 if mode == "image" else 1))
    frame = np.zeros((4, 4, 3), dtype=np.uint8)
    counter("video", 1).estimate(frame, 0)
    assert counter.most_seen == 0
    counter("image", 4).estimate(frame, 0)
    assert counter.most_seen == 3
    counter.reset()
    assert counter.most_seen == 0


def test_no_display_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert not has_display()
    with pytest.raises(KinesenseError, match="no display"):
        LiveWindow()


# ------------------------------------------------------------------------------ speech


class FakeProcess:
    def __init__(self) -> None:
        self.running = True

    def poll(self) -> int | None:
        return None if self.running else 0

    def wait(self, timeout: float | None = None) -> int:
        self.running = False
        return 0

    def kill(self) -> None:
        self.running = False


def test_speaker_rate_limits_and_does_not_repeat() -> None:
    now = [0.0]
    launched: list[list[str]] = []
    processes: list[FakeProcess] = []

    def launch(command: Any) -> Any:
        launched.append(list(command))
        processes.append(FakeProcess())
        return processes[-1]

    speaker = Speaker(engine=["speak"], clock=lambda: now[0], launch=launch)
    assert speaker.available
    assert speaker.say("1")
    assert launched == [["speak", "1"]]
    assert not speaker.say("2")  # still speaking: waits
    processes[-1].running = False
    now[0] = MIN_INTERVAL_S - 0.1
    assert not speaker.tick()  # too soon after the last start
    now[0] = MIN_INTERVAL_S + 0.1
    assert speaker.tick()
    assert launched[-1] == ["speak", "2"]
    processes[-1].running = False
    now[0] = 2 * MIN_INTERVAL_S + 0.2
    assert not speaker.say("1")  # said less than REPEAT_INTERVAL_S ago
    now[0] = REPEAT_INTERVAL_S + 0.1
    assert speaker.say("1")
    assert speaker.spoken == ["1", "2", "1"]
    speaker.close()
    assert not processes[-1].running


def test_speaker_is_silent_without_an_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert find_engine() is None
    speaker = Speaker()
    assert not speaker.available
    assert not speaker.say("hello")
    assert not speaker.tick()
    assert not Speaker(enabled=False, engine=["x"]).available


def test_speaker_runs_a_real_engine_without_blocking(tmp_path: Path) -> None:
    script = tmp_path / "espeak-ng"
    log = tmp_path / "said.txt"
    script.write_text(f'#!/bin/sh\nsleep 0.3\necho "$@" >> {log}\n')
    script.chmod(0o755)
    import time

    speaker = Speaker(engine=[str(script), "-s", "160"])
    started = time.monotonic()
    assert speaker.say("Keep your back straight")
    assert time.monotonic() - started < 0.2  # did not wait for the speech
    speaker.close()
    assert log.read_text().strip() == "-s 160 Keep your back straight"


def test_speaker_survives_an_engine_that_cannot_start(tmp_path: Path) -> None:
    speaker = Speaker(engine=[str(tmp_path / "missing-engine")])
    assert not speaker.say("hello")
    assert not speaker.available


# ------------------------------------------------------- whole sessions over real frames


@pytest.fixture(scope="module")
def frames_pair(shared_data: Path) -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    return two_frames(shared_file(shared_data, "video/sports2d_walk_side.mp4"))


@pytest.fixture(scope="module")
def reps_session(
    frames_pair: tuple[NDArray[np.uint8], NDArray[np.uint8]],
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[SessionResult, Path]:
    folder = tmp_path_factory.mktemp("coach_reps")
    clip = write_clip(folder / "bends.mp4", reps_segments(*frames_pair, bends=5))
    out = folder / "annotated.mp4"
    return coach_video(clip, load_knee_exercise(reps=5), model="lite", out=out), clip


@pytest.mark.slow
def test_real_frames_repeated_give_the_known_number_of_reps(
    reps_session: tuple[SessionResult, Path],
) -> None:
    result, _ = reps_session
    assert result.summary.rep_count == 5
    kinds = [e.kind for e in result.events]
    assert kinds.count("rep") == 5
    assert kinds[-2:] == ["set_done", "exercise_done"]
    rep_times = [e.time_s for e in result.events if e.kind == "rep"]
    # Each bend returns to straight at 1.5 + 1.2 k + 0.6 s (k = 0..4), plus the filter's lag.
    expected = [1.5 + 1.2 * k + 0.6 for k in range(5)]
    assert np.allclose(rep_times, expected, atol=0.3), rep_times
    assert result.detected_frames == result.frames == round((1.5 + 5 * 1.2) * FPS)
    assert result.setup.ok, result.setup.instructions
    assert result.setup.view == "left-side"


@pytest.mark.slow
def test_the_annotated_video_has_every_frame(reps_session: tuple[SessionResult, Path]) -> None:
    from kinesense.capture.video import VideoFile

    result, clip = reps_session
    assert result.annotated is not None
    with VideoFile(result.annotated) as annotated, VideoFile(clip) as original:
        frames = list(annotated.frames())
        first = original.read()
        assert first is not None
        assert len(frames) == result.frames
        assert (annotated.info.width, annotated.info.height) == (WIDTH, HEIGHT)
        # The overlay changed the picture (counter box, skeleton), not just re-encoded it.
        difference = np.abs(frames[0].rgb.astype(int) - first.rgb.astype(int)).mean()
        assert difference > 3


@pytest.mark.slow
def test_one_real_frame_held_still_gives_the_known_hold_time(
    frames_pair: tuple[NDArray[np.uint8], NDArray[np.uint8]], tmp_path: Path
) -> None:
    clip = write_clip(tmp_path / "hold.mp4", hold_segments(*frames_pair))
    result = coach_video(clip, load_knee_exercise("hold"), model="lite")
    holds = result.to_json()["holds"]
    assert len(holds) == 1
    hold = holds[0]
    assert hold["start_s"] == pytest.approx(HOLD_START_S, abs=0.5)
    assert hold["end_s"] == pytest.approx(HOLD_END_S, abs=0.5)
    assert hold["duration_s"] == pytest.approx(HOLD_END_S - HOLD_START_S, abs=0.5)
    assert hold["completed"] is False  # target 20 s: broken when the knee bent again
