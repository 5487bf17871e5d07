"""One guided live test: landmark frames in, the phases of the test and what to say out.

The client sends the coaching protocol's frames (:class:`~kinesense.live.protocol.FrameMessage`)
from the moment the camera is on; the server decides, on the frames' own times:

1. ``check``: the camera set-up check of live coaching
   (:func:`kinesense.coach.setup_check.check_setup`, over the last
   :data:`~kinesense.coach.setup_check.SETUP_WINDOW_S` seconds, for the view and the framing
   the plan needs: the whole body, or the head and shoulders of a seated test) until it passes
   or the person skips it (``skip_setup``);
2. ``countdown``: the plan's start line, then "3", "2", "1" a second apart (recorded: the person
   stands still);
3. ``record``: the plan's "go" line, and the plan's seconds recorded; the plan's timed prompts
   are said when the recording's clock (the frames' times since "go") reaches them;
4. ``done``: the end line; the server measures the recording
   (:mod:`kinesense.services.live_tests`).

Each frame is answered with a ``step`` message: the phase, the lines to speak now (``say``),
the camera check's instructions, the countdown's number and the seconds recorded and left.
The first message of a connection is :class:`GuidedStartMessage` (``docs/live-protocol.md``,
"Guided tests").
"""

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from kinesense.coach.setup_check import SETUP_WINDOW_S, SetupReport, check_setup
from kinesense.landmarks import N_LANDMARKS
from kinesense.live.guided_tests import GuidedPlan
from kinesense.live.protocol import (
    CLOSE_OUT_OF_ORDER,
    MAX_SIDE_PX,
    FrameMessage,
    ProtocolError,
    check_size,
)
from kinesense.live.recording import MAX_DURATION_S, LiveRecording, is_new
from kinesense.validation_errors import one_line

PHASES = ("check", "countdown", "record", "done")
MAX_COUNTDOWN_S = 10


class GuidedStartMessage(BaseModel):
    """Start guided test ``test`` with ``option`` chosen (None: its default), frames ``width`` x
    ``height`` pixels from the pose model ``model``; ``seconds`` and ``countdown_s`` shorten
    the recording and the countdown (never lengthen them); ``sex`` for the norms that need it."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    type: Literal["start"]
    v: Literal[1]
    test: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$")]
    option: Annotated[str, Field(max_length=40, pattern=r"^[a-z0-9_-]*$")] | None = None
    width: Annotated[int, Field(ge=16, le=MAX_SIDE_PX)]
    height: Annotated[int, Field(ge=16, le=MAX_SIDE_PX)]
    model: Literal["lite", "full"] = "lite"
    seconds: Annotated[float, Field(gt=0, le=MAX_DURATION_S)] | None = None
    countdown_s: Annotated[int, Field(ge=0, le=MAX_COUNTDOWN_S)] | None = None
    sex: Literal["female", "male"] | None = None


_START: TypeAdapter[GuidedStartMessage] = TypeAdapter(GuidedStartMessage)


def parse_guided_start(text: str | bytes) -> GuidedStartMessage:
    """Validate the first message of a guided test's connection.

    Raises:
        ProtocolError: too big (close code 1009), not JSON, or not a valid ``start`` (4400).
    """
    check_size(text)
    try:
        return _START.validate_json(text)
    except ValidationError as exc:
        raise ProtocolError(one_line(exc, "bad start")) from None


@dataclass
class GuidedRun:
    """A guided test under way (see the module docstring).

    Args:
        plan: the test and the person's choice.
        resolution: (width, height) of the client's frames, pixels.
        model: the client's pose model.
        countdown_s: seconds of countdown (None: the plan's; never more).
        duration_s: seconds recorded after "go" (None: the plan's; never more).
    """

    plan: GuidedPlan
    resolution: tuple[int, int]
    model: str = "lite"
    countdown_s: float | None = None
    duration_s: float | None = None
    phase: str = "check"
    instructions: tuple[str, ...] = ()
    recording: LiveRecording | None = None
    last_seq: int = -1
    last_t_ms: int | None = None
    _window: list[tuple[float, FrameMessage]] = field(default_factory=list)
    _skip: bool = False
    _countdown_at_ms: int | None = None
    _go_at_ms: int | None = None
    _numbers_said: int = 0
    _prompts_said: int = 0

    def __post_init__(self) -> None:
        plan = self.plan
        self.countdown_s = min(self.countdown_s if self.countdown_s is not None
                               else plan.countdown_s, plan.countdown_s)  # fmt: skip
        self.duration_s = min(self.duration_s or plan.duration_s, plan.duration_s)

    @property
    def done(self) -> bool:
        """Whether the recording is over (its time is up, or it is full)."""
        return self.phase == "done"

    def skip_setup(self) -> None:
        """Start the countdown at the next frame, whatever the camera check says."""
        self._skip = True

    def feed(self, frame: FrameMessage) -> dict[str, Any]:
        """Apply one frame; the ``step`` message to send back (``dup`` when already applied).

        Raises:
            ProtocolError: the frame's time does not increase (4409), or the test is over.
        """
        if self.phase == "done":
            raise ProtocolError("the test is over", CLOSE_OUT_OF_ORDER)
        if not is_new(frame, self.last_seq, self.last_t_ms):
            return {"type": "step", "seq": frame.seq, "dup": True}
        self.last_seq, self.last_t_ms = frame.seq, frame.t
        say: list[str] = []
        if self.phase == "check":
            self._check(frame, say)
        if self.phase in ("countdown", "record"):
            self._record(frame, say)
        return self.step_json(frame, say)

    def step_json(self, frame: FrameMessage, say: list[str]) -> dict[str, Any]:
        """The ``step`` message after ``frame``."""
        assert self.countdown_s is not None
        assert self.duration_s is not None
        countdown = None
        if self.phase == "countdown" and self._countdown_at_ms is not None:
            elapsed = (frame.t - self._countdown_at_ms) / 1000.0
            countdown = max(1, int(np.ceil(self.countdown_s - elapsed)))
        recorded = 0.0
        if self._go_at_ms is not None:
            recorded = min((frame.t - self._go_at_ms) / 1000.0, self.duration_s)
        return {
            "type": "step",
            "seq": frame.seq,
            "t": frame.t,
            "phase": self.phase,
            "say": say,
            "instructions": list(self.instructions),
            "countdown": countdown,
            "recorded_s": round(max(recorded, 0.0), 2),
            "remaining_s": round(self.duration_s - max(recorded, 0.0), 2),
            "done": self.done,
        }

    def _check(self, frame: FrameMessage, say: list[str]) -> None:
        time_s = frame.t / 1000.0
        self._window.append((time_s, frame))
        self._window = [(t, f) for t, f in self._window if t > time_s - SETUP_WINDOW_S]
        if not self._skip:
            if time_s - self._window[0][0] < SETUP_WINDOW_S * 2 / 3:
                return
            report = self._setup_report()
            instructions = tuple(report.instructions)
            if instructions and instructions[:1] != self.instructions[:1]:
                say.append(instructions[0])
            self.instructions = instructions
            if not report.ok:
                return
        self.instructions = ()
        self._window = []
        self.phase = "countdown"
        self._countdown_at_ms = frame.t
        self.recording = LiveRecording(self.resolution, model=self.model)
        say.append(self.plan.start_line)

    def _setup_report(self) -> SetupReport:
        frames = [f for _, f in self._window]
        image = np.full((len(frames), N_LANDMARKS, 3), np.nan)
        visibility = np.zeros((len(frames), N_LANDMARKS))
        for k, f in enumerate(frames):
            if f.lm is not None:
                packed = np.asarray(f.lm, dtype=np.float64).reshape(N_LANDMARKS, 4)
                image[k], visibility[k] = packed[:, :3], packed[:, 3]
        luma = [f.luma for f in frames if f.luma is not None]
        return check_setup(image, visibility, resolution=self.resolution,
                           luma=luma or None, camera_view=self.plan.camera_view,
                           framed=self.plan.framed)  # fmt: skip

    def _record(self, frame: FrameMessage, say: list[str]) -> None:
        assert self.recording is not None
        assert self._countdown_at_ms is not None
        assert self.countdown_s is not None
        assert self.duration_s is not None
        self.recording.add(frame)
        elapsed = (frame.t - self._countdown_at_ms) / 1000.0
        if self.phase == "countdown":
            while (self._numbers_said < self.countdown_s
                   and elapsed >= self._numbers_said):  # fmt: skip
                say.append(str(int(self.countdown_s) - self._numbers_said))
                self._numbers_said += 1
            if elapsed >= self.countdown_s:
                self.phase = "record"
                self._go_at_ms = frame.t
                say.append(self.plan.go_line)
        if self.phase == "record" and self._go_at_ms is not None:
            recorded = (frame.t - self._go_at_ms) / 1000.0
            prompts = self.plan.prompts[self._prompts_said :]
            due = [line for at, line in prompts if at <= min(recorded, self.duration_s)]
            say.extend(due)
            self._prompts_said += len(due)
            if recorded >= self.duration_s or self.recording.full:
                self.phase = "done"
                say.append(self.plan.end_line)
