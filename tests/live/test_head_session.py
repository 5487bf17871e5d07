"""Head repositioning practice coached live: the face matrix of each frame message (column-major,
as tasks-vision gives it) reaches the coach, which scores each trial and tells its error and
direction, and sums the practice up at the end."""

from pathlib import Path

import numpy as np
import pytest

from kinesense.exercises import load_exercise
from kinesense.live.protocol import FinishMessage, FrameMessage
from kinesense.live.session import LiveSession
from kinesense.live.state import MemoryLiveStore
from kinesense.services.live import finish_live
from kinesense.signal.head_pose import rotation_from_angles
from kinesense.store import Store

FPS = 15.0


def yaw_trial(excursion: float, held: float) -> list[float]:
    """Yaw per frame of one trial: still, a turn to ``excursion``, a return to ``held`` and a
    hold, then back to centre."""
    return ([0.0] * 30 + list(np.linspace(0, excursion, 12)) + [excursion] * 8
            + list(np.linspace(excursion, held, 12)) + [held] * 40
            + list(np.linspace(held, 0, 8)))  # fmt: skip


def face_frame(seq: int, yaw_deg: float) -> FrameMessage:
    matrix = np.eye(4)
    matrix[:3, :3] = rotation_from_angles(np.array([yaw_deg, 12.0, 0.0]))
    matrix[:3, 3] = [0.0, 0.0, -50.0]
    fm = [round(float(v), 6) for v in matrix.T.ravel()]  # column-major, as WebGL stores it
    return FrameMessage(type="frame", seq=seq, t=round(seq * 1000 / FPS), lm=None, luma=120.0,
                        fm=fm, fb=[0.4, 0.3, 0.6, 0.6], bg=0.5)  # fmt: skip


def test_the_face_matrix_drives_the_live_practice(tmp_path: Path) -> None:
    exercise = load_exercise("head_repositioning_practice").with_dose(sets=1, reps=2)
    session = LiveSession(exercise, (640, 480))
    session.skip_setup()
    yaws = yaw_trial(35.0, 2.0) + yaw_trial(-35.0, 3.0) + [0.0] * 90
    events = []
    for seq, yaw in enumerate(yaws):
        events += session.feed(face_frame(seq, yaw))["events"]
    sessions = MemoryLiveStore()
    with Store(f"sqlite:///{tmp_path / 'live.db'}") as store:  # a guest's session: not saved
        saved = finish_live(sessions, sessions.add(session), session, store,
                            FinishMessage(type="finish"))  # fmt: skip
    assert saved.record_id is None
    assert saved.practice_summary is not None
    assert saved.practice_summary.startswith("2 trials: on average 2.5 deg from centre")
    trials = [e for e in events if e["kind"] == "trial"]
    assert [t["message"].split(".")[0] for t in trials] == [
        "2 deg short of centre, to the left",  # yaw > 0: the person's left
        "3 deg past centre, to the left",
    ]
    assert trials[0]["data"]["error_deg"] == pytest.approx(2.0, abs=0.05)
    assert trials[1]["data"]["error_deg"] == pytest.approx(-3.0, abs=0.05)
    summary = [e["message"] for e in events if e["kind"] == "practice_summary"]
    assert summary == [saved.practice_summary]  # told live, and again when saved


def test_pose_only_frames_carry_no_face() -> None:
    session = LiveSession(load_exercise("head_repositioning_practice"), (640, 480))
    session.skip_setup()
    step = session.feed(FrameMessage(type="frame", seq=0, t=0, lm=None, luma=100.0))
    assert step["panel"]["reps"] == 0
