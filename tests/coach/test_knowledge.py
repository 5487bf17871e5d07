"""Knowledge of results in repositioning practice, end to end: a clip of a real face whose head
returns to known errors (:mod:`tests.capture.head_clips`), through the face and pose models and
the coach, to the words spoken and the cue shown on the overlay."""

from typing import Any

import numpy as np
import pytest

from kinesense.coach.drivers import coach_video
from kinesense.coach.engine import Coach
from kinesense.coach.events import CoachFrame
from kinesense.coach.session import Step
from kinesense.coach.speech import Speaker
from kinesense.signal.head_pose import matrix_from_column_major, rotation_from_angles
from tests.capture.head_clips import head_tilt_practice, revel_schedule, write_head_clip


class _Finished:
    """What the speaker's launcher returns: a speech process that has already ended."""

    def poll(self) -> int:
        return 0

    def wait(self, timeout: float | None = None) -> int:
        return 0

    def kill(self) -> None:
        return None


def expected_words(held_deg: float, excursion_deg: float) -> str:
    """The feedback the truth calls for (roll > 0 is a tilt to the person's right)."""
    error = held_deg * np.sign(excursion_deg)
    where = "short of" if error > 0 else "past"
    side = "to the right" if held_deg > 0 else "to the left"
    return f"{abs(error):.0f} deg {where} centre, {side}."


@pytest.fixture(scope="module")
def coached(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    clip = revel_schedule(held_deg=(3.0, -2.0, 4.0, -2.0, 3.0, -4.0), end_s=3.0)
    path = write_head_clip(tmp_path_factory.mktemp("practice") / "tilts.mp4", clip)
    now = [0.0]
    launched: list[list[str]] = []

    def launch(command: Any) -> Any:
        launched.append(list(command))
        return _Finished()

    speaker = Speaker(engine=["say"], clock=lambda: now[0], launch=launch)
    shown: list[str] = []

    def on_step(step: Step, time_s: float) -> None:
        now[0] = time_s
        if step.panel.cue and (not shown or shown[-1] != step.panel.cue):
            shown.append(step.panel.cue)

    result = coach_video(path, head_tilt_practice(), speaker=speaker, on_step=on_step)
    return {"clip": clip, "result": result, "spoken": speaker.spoken, "shown": shown,
            "launched": launched}  # fmt: skip


def test_the_camera_check_passes_a_seated_face_close_up(coached: dict[str, Any]) -> None:
    """The clip is a face close-up (hips and feet out of the picture), as a person sits at a
    laptop for head practice: the camera check frames the head and shoulders and passes (it
    asked to "step back until your feet are in the picture" before)."""
    setup = coached["result"].setup
    assert setup.ok, setup.instructions
    assert not setup.details["view_checked"]


def test_each_trial_is_told_its_error_and_direction(coached: dict[str, Any]) -> None:
    clip, result = coached["clip"], coached["result"]
    trials = [e for e in result.events if e.kind == "trial"]
    assert len(trials) == 6
    for event, held, excursion in zip(trials, clip.held_deg, clip.excursions_deg, strict=True):
        assert event.message.startswith(expected_words(held, excursion)), event.message
        assert event.data["error_deg"] == pytest.approx(held * np.sign(excursion), abs=0.5)


def test_feedback_is_spoken_and_shown(coached: dict[str, Any]) -> None:
    trials = [e.message for e in coached["result"].events if e.kind == "trial"]
    for message in trials:
        assert message in coached["spoken"]
        assert message in coached["shown"]
    assert ["say", trials[0]] in coached["launched"]
    summary = [e for e in coached["result"].events if e.kind == "practice_summary"]
    assert len(summary) == 1
    assert summary[0].message in coached["spoken"]


def test_the_session_summary_advises_the_stage_by_error_band(coached: dict[str, Any]) -> None:
    feedback = coached["result"].summary.feedback
    truth = [3.0, 2.0, 4.0, 2.0, 3.0, 4.0]  # all short of centre
    assert feedback["scored_trials"] == 6
    assert feedback["absolute_error_deg"] == pytest.approx(np.mean(truth), abs=0.5)
    stage = "smaller targets" if feedback["absolute_error_deg"] <= 3.0 else "eyes closed"
    assert feedback["stage"] == stage  # the bands of head_repositioning_practice.json
    assert feedback["message"].startswith("6 trials: on average ")
    assert "(mostly short of it)" in feedback["message"]


def test_the_browser_matrix_drives_the_same_coach() -> None:
    """Frames from the web (tasks-vision's column-major matrix) score a trial like the file."""
    exercise = head_tilt_practice()
    coach = Coach(exercise)
    events = []
    angles = [0.0] * 30 + list(np.linspace(0, 20, 12)) + [20.0] * 8
    angles += list(np.linspace(20, 3, 12)) + [3.0] * 30
    for i, roll in enumerate(angles):
        rotation = rotation_from_angles(np.array([0.0, 10.0, roll]))
        matrix = np.eye(4)
        matrix[:3, :3] = rotation
        sent = matrix.T.reshape(-1).tolist()  # column-major, as WebGL stores it
        frame = CoachFrame(i / 15, None, None, face_matrix=matrix_from_column_major(sent))
        events += coach.update(frame)
    events += coach.finish()
    trial = next(e for e in events if e.kind == "trial")
    assert trial.message.startswith("3 deg short of centre, to the right.")
    assert trial.data["error_deg"] == pytest.approx(3.0, abs=0.05)
