"""A guided test's phases on the frames' own times: the camera check of live coaching, the
spoken countdown, the recording (the countdown included) for the plan's seconds, then the end;
every plan is complete and measured by a registered assessment."""

import numpy as np
import pytest

from kinesense.assess.registry import get_assessment
from kinesense.errors import InvalidValueError, NotFoundError
from kinesense.live.guided import GuidedRun, parse_guided_start
from kinesense.live.guided_tests import GUIDED_TESTS, guided_plan
from kinesense.live.protocol import CLOSE_OUT_OF_ORDER, CLOSE_TOO_BIG, FrameMessage, ProtocolError
from kinesense.series import PoseSeries
from tests.coach.real_poses import clip_series
from tests.live.test_recording import frame_messages


def run_all(run: GuidedRun, frames: list[FrameMessage]) -> list[dict[str, object]]:
    steps = []
    for frame in frames:
        steps.append(run.feed(frame))
        if run.done:
            break
    return steps


def said(steps: list[dict[str, object]]) -> list[str]:
    return [line for step in steps for line in step["say"]]  # type: ignore[attr-defined]


def repeated(series: PoseSeries, times: int) -> list[FrameMessage]:
    """The clip's frames played ``times`` times in a row, time going on (a longer recording)."""
    one = frame_messages(series)
    step = one[1].t - one[0].t
    span = one[-1].t + step
    return [f.model_copy(update={"seq": k * len(one) + f.seq, "t": k * span + f.t})
            for k in range(times) for f in one]  # fmt: skip


def test_every_plan_is_complete_and_names_a_registered_assessment() -> None:
    for test in GUIDED_TESTS.values():
        assert test.default in test.plans
        for option, plan in test.plans.items():
            assert (plan.test, plan.option) == (test.id, option)
            assert get_assessment(plan.assessment).name == plan.assessment
            assert plan.steps
            assert plan.go_line
            assert plan.end_line
            assert plan.start_line
            assert plan.camera_view in ("front", "side", "either")
    assert guided_plan("stance", "closed").go_line == "Close your eyes now, and lift one foot."
    assert guided_plan("mobility", "lateral").camera_view == "front"
    assert guided_plan("mobility", "flexion").camera_view == "side"


def test_unknown_tests_and_choices_are_refused_naming_the_choices() -> None:
    with pytest.raises(NotFoundError, match="the guided tests are: stance, posture, mobility"):
        guided_plan("jump")
    with pytest.raises(InvalidValueError, match="eyes must be one of open, closed; got 'shut'"):
        guided_plan("stance", "shut")


def test_countdown_then_recording_then_end_on_frame_times() -> None:
    series = clip_series("balancing_cam01")  # 60 Hz: 1.65 s a play
    assert series.provenance.resolution is not None
    run = GuidedRun(guided_plan("stance"), series.provenance.resolution, duration_s=1.0)
    run.skip_setup()
    steps = run_all(run, repeated(series, 4))
    assert said(steps) == ["Stand still on both feet.", "3", "2", "1", "Lift one foot.",
                           "The test is over: put your foot down."]  # fmt: skip
    phases = [s["phase"] for s in steps]
    assert phases[0] == "countdown"
    assert phases[-1] == "done"
    go = phases.index("record")
    assert steps[go - 1]["countdown"] == 1
    # the countdown and the recording are recorded: 3 s + 1 s, at 60 Hz
    assert run.recording is not None
    assert run.recording.duration_s == pytest.approx(4.0, abs=0.02)
    with pytest.raises(ProtocolError) as caught:
        run.feed(FrameMessage(type="frame", seq=10_000, t=10**7, lm=None))
    assert caught.value.code == CLOSE_OUT_OF_ORDER


def test_the_camera_check_of_live_coaching_holds_the_countdown_back() -> None:
    # an oblique view of a person: the check asks to face the camera, and waits
    series = clip_series("balancing_cam01")
    assert series.provenance.resolution is not None
    run = GuidedRun(guided_plan("stance"), series.provenance.resolution)
    steps = run_all(run, repeated(series, 2))
    assert {s["phase"] for s in steps} == {"check"}
    assert run.instructions
    assert run.instructions[0] in said(steps)
    assert run.recording is None
    run.skip_setup()
    frame = repeated(series, 3)[-1]
    assert run.feed(frame)["phase"] == "countdown"


def test_a_resent_frame_is_answered_dup() -> None:
    run = GuidedRun(guided_plan("posture"), (640, 480), countdown_s=0)
    run.skip_setup()
    frame = FrameMessage(type="frame", seq=0, t=0, lm=None)
    assert run.feed(frame)["phase"] == "record"
    assert run.feed(frame) == {"type": "step", "seq": 0, "dup": True}


def test_the_start_message_is_checked() -> None:
    start = parse_guided_start(
        '{"type": "start", "v": 1, "test": "stance", "option": "closed",'
        ' "width": 640, "height": 480, "seconds": 5, "countdown_s": 0}'
    )
    assert (start.test, start.option, start.seconds, start.countdown_s) == (
        "stance",
        "closed",
        5,
        0,
    )
    with pytest.raises(
        ProtocolError, match="bad start: countdown_s: Input should be less than or equal to 10"
    ):
        parse_guided_start('{"type": "start", "v": 1, "test": "stance", "width": 640, '
                           '"height": 480, "countdown_s": 60}')  # fmt: skip
    with pytest.raises(ProtocolError) as caught:
        parse_guided_start(" " * 9000)
    assert caught.value.code == CLOSE_TOO_BIG


def test_a_shorter_recording_or_countdown_is_allowed_never_a_longer_one() -> None:
    plan = guided_plan("posture")
    run = GuidedRun(plan, (640, 480), countdown_s=9, duration_s=100.0)
    assert (run.countdown_s, run.duration_s) == (plan.countdown_s, plan.duration_s)
    assert np.isclose(GuidedRun(plan, (640, 480), duration_s=1.0).duration_s or 0, 1.0)
