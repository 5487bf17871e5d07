"""A coaching session: frames from a video file or a camera, through the pose model, into a coach.

The per-frame path is the same for files and cameras, and the same as extraction: decoded RGB
frame -> :class:`~kinesense.capture.follower.PersonFollower` (one person) ->
:class:`~kinesense.coach.engine.Coach` -> events, and optionally the overlay
(:mod:`kinesense.coach.overlay`) written to an annotated video or shown in a window, and cues
spoken (:mod:`kinesense.coach.speech`).

:class:`CoachSession` holds the logic without any input or output (feed it frames and
detections; it returns events and what to draw), so it is tested with synthetic landmarks;
:func:`coach_video` and :func:`coach_camera` wire it to files, cameras, windows and speakers.

The camera set-up is checked first (:mod:`kinesense.coach.setup_check`) over the first
:data:`~kinesense.coach.setup_check.SETUP_WINDOW_S` seconds:

* **video file**: the findings are reported and every frame is still analysed (from the first
  frame), unless ``strict`` asks to refuse a recording whose set-up is wrong;
* **live camera**: instructions are shown (and spoken) and the check repeats until the set-up is
  right, the person skips it (key ``s``) or :data:`SETUP_TIMEOUT_S` passes; the coach starts
  only then.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from kinesense.capture.estimator import PoseDetection, PoseEstimator
from kinesense.capture.follower import (
    MAX_PEOPLE,
    EstimatorFactory,
    PersonFollower,
    mediapipe_factory,
)
from kinesense.capture.video import Frame
from kinesense.coach.engine import Coach, CoachEvent, CoachFrame
from kinesense.coach.overlay import Panel
from kinesense.coach.setup_check import SETUP_WINDOW_S, SetupReport, check_setup, frame_luma
from kinesense.coach.speech import Speaker
from kinesense.coach.summary import SessionSummary
from kinesense.errors import KinesenseError
from kinesense.exercises import Exercise
from kinesense.landmarks import N_LANDMARKS

SETUP_TIMEOUT_S = 60.0
"""Live sessions: seconds after which coaching starts even if the set-up is still wrong."""

CUE_SHOW_S = 3.0
"""Seconds a form cue stays on screen after its event."""

RECOUNT_EVERY_S = 0.5
"""Live set-up: seconds between two counts of the people in view."""

CHECKING = "Checking the camera: stand where it sees all of you"
"""Shown while the first live set-up check collects frames."""

LOST_AFTER_S = 0.5
"""Seconds without the person before the overlay says they are lost."""

SPOKEN_KINDS = frozenset(
    {"rep", "form_fault", "hold_start", "hold_end", "hold_broken", "set_done", "rest_start",
     "rest_end", "exercise_done", "tracking_lost"}
)  # fmt: skip
"""Event kinds whose message is spoken."""


class SetupError(KinesenseError):
    """The camera set-up is wrong and the session was asked to be strict about it."""


@dataclass
class PeopleCounter:
    """Wraps an :data:`EstimatorFactory` to count the people its multi-person model finds.

    The follower runs the multi-person model on the first frame with anybody in it and whenever
    the tracking model seems to follow somebody else; :attr:`most_seen` is the most people that
    model found in one frame since the last :meth:`reset`.
    """

    factory: EstimatorFactory
    most_seen: int = 0
    _own: PoseEstimator | None = None

    def __call__(self, mode: str, num_poses: int) -> PoseEstimator:
        estimator = self.factory(mode, num_poses)
        return estimator if mode == "video" else _Counting(estimator, self)

    def reset(self) -> None:
        """Start counting again."""
        self.most_seen = 0

    def recount(self, rgb: NDArray[np.uint8]) -> int:
        """Count the people in ``rgb`` now with a multi-person model of its own (live set-up);
        :attr:`most_seen` becomes that count."""
        if self._own is None:
            self._own = self.factory("image", MAX_PEOPLE)
        self.most_seen = len(self._own.estimate(rgb, 0))
        return self.most_seen

    def close(self) -> None:
        """Release the model of :meth:`recount`."""
        if self._own is not None:
            self._own.close()
            self._own = None


class _Counting:
    """A pose estimator that reports how many people it found to a :class:`PeopleCounter`."""

    def __init__(self, inner: PoseEstimator, counter: PeopleCounter) -> None:
        self.inner = inner
        self.name = inner.name
        self.counter = counter

    def estimate(self, rgb: NDArray[np.uint8], timestamp_ms: int) -> list[PoseDetection]:
        found = self.inner.estimate(rgb, timestamp_ms)
        self.counter.most_seen = max(self.counter.most_seen, len(found))
        return found

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> "_Counting":
        return self

    def __exit__(self, *args: object) -> None:
        self.close()


@dataclass
class _Window:
    """Frames collected for one set-up check."""

    times_s: list[float] = field(default_factory=list)
    image: list[NDArray[np.float64]] = field(default_factory=list)
    visibility: list[NDArray[np.float64]] = field(default_factory=list)
    luma: list[float] = field(default_factory=list)

    def add(self, time_s: float, detection: PoseDetection | None, luma: float) -> None:
        self.times_s.append(time_s)
        self.luma.append(luma)
        if detection is None:
            self.image.append(np.full((N_LANDMARKS, 3), np.nan))
            self.visibility.append(np.zeros(N_LANDMARKS))
        else:
            self.image.append(np.asarray(detection.image_xyz, dtype=np.float64))
            self.visibility.append(np.asarray(detection.visibility, dtype=np.float64))

    def drop_before(self, time_s: float) -> None:
        keep = next((i for i, t in enumerate(self.times_s) if t >= time_s), len(self.times_s))
        for name in ("times_s", "image", "visibility", "luma"):
            del getattr(self, name)[:keep]

    @property
    def span_s(self) -> float:
        return self.times_s[-1] - self.times_s[0] if self.times_s else 0.0


@dataclass(frozen=True)
class Step:
    """What one frame produced: coach events and what the overlay should show."""

    events: list[CoachEvent]
    panel: Panel
    coaching: bool


class CoachSession:
    """The session logic, without input or output: feed frames with their detections.

    Args:
        exercise: the exercise to coach.
        side: ``"left"``/``"right"``: the side exercised (given to the coach, and the side that
            must face the camera for side-view exercises); None for the exercise's own.
        live: True for a camera (coaching waits for a good set-up), False for a file.
        resolution: (width, height) of the frames in pixels.
        setup_window_s: seconds of frames per set-up check.
        setup_timeout_s: live only: coaching starts anyway after this long.
        strict: files only: raise :class:`SetupError` when the set-up is wrong.
    """

    def __init__(
        self,
        exercise: Exercise,
        *,
        side: str | None = None,
        live: bool = False,
        resolution: tuple[int, int],
        setup_window_s: float = SETUP_WINDOW_S,
        setup_timeout_s: float = SETUP_TIMEOUT_S,
        strict: bool = False,
    ) -> None:
        self.exercise = exercise
        dose_side = exercise.dose.side if exercise.dose.side in ("left", "right") else None
        self.side = side if side is not None else dose_side
        self.coach = Coach(exercise, side=side)
        self.live = live
        self.resolution = resolution
        self.setup_window_s = setup_window_s
        self.setup_timeout_s = setup_timeout_s
        self.strict = strict
        self.setup: SetupReport | None = None
        self.setup_skipped: str | None = None
        self.events: list[CoachEvent] = []
        self.frames = 0
        self.detected_frames = 0
        self._window = _Window()
        self.checks = 0
        """Set-up checks done so far."""
        self._start_s: float | None = None
        self._last_seen_s: float | None = None
        self._coaching = not live
        self._cue: tuple[str, float] | None = None

    @property
    def coaching(self) -> bool:
        """True once the coach is being fed (always for files; after the set-up when live)."""
        return self._coaching

    def skip_setup(self, reason: str = "skipped") -> None:
        """Start coaching now, whatever the set-up check says (live)."""
        if not self._coaching:
            self._coaching = True
            self.setup_skipped = reason

    def step(
        self,
        time_s: float,
        detection: PoseDetection | None,
        *,
        luma: float = float("nan"),
        people_seen: int = 1,
        person_switches: int = 0,
    ) -> Step:
        """Process one frame (in time order); returns its events and the overlay panel.

        ``people_seen`` and ``person_switches`` count, since the session started, the most
        people found in one frame and the times the model turned to somebody else.
        """
        if self._start_s is None:
            self._start_s = time_s
        self.frames += 1
        if detection is not None:
            self.detected_frames += 1
            self._last_seen_s = time_s
        instructions = self._check_setup(time_s, detection, luma, people_seen, person_switches)
        events: list[CoachEvent] = []
        if self._coaching:
            events = self.coach.update(_coach_frame(time_s, detection, self.resolution))
            self.events.extend(events)
            for event in events:
                if event.kind == "form_fault" and event.message:
                    self._cue = (event.message, time_s)
        return Step(events, self._panel(time_s, instructions), self._coaching)

    def _check_setup(
        self,
        time_s: float,
        detection: PoseDetection | None,
        luma: float,
        people_seen: int,
        person_switches: int,
    ) -> tuple[str, ...]:
        """Collect frames; check the set-up when a window is full; instructions to show."""
        checking = (self.live and not self._coaching) or self.setup is None
        if not checking:
            return ()
        self._window.add(time_s, detection, luma)
        if self._window.span_s >= self.setup_window_s:
            self._evaluate(people_seen, person_switches)
            self.checks += 1
            # Live: the next check looks at a window sliding by a third of its length.
            self._window.drop_before(time_s - self.setup_window_s * 2 / 3)
            assert self.setup is not None
            if self.live:
                if self.setup.ok:
                    self._coaching = True
                elif self._start_s is not None and time_s - self._start_s >= self.setup_timeout_s:
                    self.skip_setup("timeout")
            elif self.strict and not self.setup.ok:
                raise SetupError("camera set-up: " + "; ".join(self.setup.instructions))
        if self.live and not self._coaching:
            return tuple(self.setup.instructions) if self.setup is not None else (CHECKING,)
        return ()

    def _evaluate(self, people_seen: int, person_switches: int) -> SetupReport:
        window = self._window
        self.setup = report = check_setup(
            np.array(window.image),
            np.array(window.visibility),
            resolution=self.resolution,
            luma=np.array(window.luma) if np.all(np.isfinite(window.luma)) else None,
            camera_view=self.exercise.camera_view,
            side=self.side if self.exercise.camera_view == "side" else None,
            people_seen=people_seen,
            person_switches=person_switches,
        )
        return report

    def finish(self, people_seen: int = 1, person_switches: int = 0) -> SetupReport:
        """End of frames: check a set-up window still unchecked (short videos); the report."""
        report = self.setup
        if report is None:
            if not self._window.times_s:
                self.setup = report = check_setup(
                    np.zeros((0, N_LANDMARKS, 3)), np.zeros((0, N_LANDMARKS)),
                    resolution=self.resolution, camera_view=self.exercise.camera_view,
                )  # fmt: skip
            else:
                report = self._evaluate(people_seen, person_switches)
            if self.strict and not self.live and not report.ok:
                raise SetupError("camera set-up: " + "; ".join(report.instructions))
        return report

    def _panel(self, time_s: float, instructions: tuple[str, ...]) -> Panel:
        state = self.coach.state
        lost = self._last_seen_s is None or time_s - self._last_seen_s > LOST_AFTER_S
        cue: str | None = None
        if self._cue is not None and time_s - self._cue[1] <= CUE_SHOW_S:
            cue = self._cue[0]
        elif state.active_cues:
            cue = state.active_cues[0]
        return Panel(
            title=state.exercise_name,
            mode=state.mode,
            reps=state.reps_in_set,
            reps_target=state.reps_target,
            set_index=state.set_index,
            sets_total=state.sets_total,
            hold_elapsed_s=state.hold_elapsed_s,
            hold_target_s=state.hold_target_s,
            rest_remaining_s=state.rest_remaining_s if state.resting else None,
            cue=cue,
            instructions=instructions,
            tracking_lost=lost and self._coaching and self.frames > 1,
            done=state.done,
        )

    def result(self, *, annotated: Path | None = None, source: str = "") -> "SessionResult":
        """The session's result (call after :meth:`finish`)."""
        return SessionResult(
            exercise=self.exercise,
            setup=self.setup if self.setup is not None else self.finish(),
            setup_skipped=self.setup_skipped,
            events=list(self.events),
            summary=self.coach.summary(),
            frames=self.frames,
            detected_frames=self.detected_frames,
            annotated=annotated,
            source=source,
        )


def _coach_frame(
    time_s: float, detection: PoseDetection | None, resolution: tuple[int, int]
) -> CoachFrame:
    if detection is None:
        return CoachFrame(time_s, None, None, resolution=resolution)
    return CoachFrame(
        time_s,
        detection.image_xyz,
        detection.visibility,
        world_xyz_m=detection.world_xyz_m,
        resolution=resolution,
    )


@dataclass(frozen=True)
class SessionResult:
    """What a coaching session produced."""

    exercise: Exercise
    setup: SetupReport
    setup_skipped: str | None
    events: list[CoachEvent]
    summary: SessionSummary
    frames: int
    detected_frames: int
    annotated: Path | None
    source: str

    def to_json(self) -> dict[str, Any]:
        """The ``kinesense coach --json`` object."""
        summary = self.summary.to_dict()
        setup = self.setup.to_json() | {"skipped": self.setup_skipped}
        return {
            "exercise": self.exercise.id,
            "exercise_name": self.exercise.name,
            "source": self.source,
            "reps": self.summary.rep_count,
            "holds": [
                {k: hold[k] for k in ("start_s", "end_s", "duration_s", "completed", "set", "side")}
                for hold in summary["holds"]
            ],
            "events": [
                {"kind": e.kind, "time_s": e.time_s, "message": e.message, "data": e.data}
                for e in self.events
            ],
            "summary": summary,
            "setup": setup,
            "frames": self.frames,
            "detected_frames": self.detected_frames,
            "annotated": str(self.annotated) if self.annotated is not None else None,
        }


class FrameSink(Protocol):
    """Receives each annotated BGR frame; returns a key pressed (live windows) or None."""

    def show(self, bgr: NDArray[np.uint8]) -> str | None: ...

    def close(self) -> None: ...


class AnnotatedVideo:
    """Writes annotated frames to an MP4 file (OpenCV ``VideoWriter``, fourcc ``mp4v``)."""

    def __init__(self, path: Path, fps: float, resolution: tuple[int, int]) -> None:
        import cv2

        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fourcc = cv2.VideoWriter.fourcc(*"mp4v")
        self._writer = cv2.VideoWriter(str(path), fourcc, fps, resolution)
        if not self._writer.isOpened():
            raise KinesenseError(f"cannot write an annotated video to {path}")

    def show(self, bgr: NDArray[np.uint8]) -> str | None:
        self._writer.write(bgr)
        return None

    def close(self) -> None:
        self._writer.release()


def has_display() -> bool:
    """Whether a window can be opened (a desktop session, or any non-Linux system)."""
    import os
    import sys

    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


WINDOW_MAX_PX = (1280, 900)
"""Largest size of the live window (width, height) in pixels."""


class LiveWindow:
    """An OpenCV window showing the annotated frames; keys: ``q`` quits, ``s`` skips set-up."""

    TITLE = "kinesense coach (q: quit, s: skip set-up)"

    def __init__(self) -> None:
        if not has_display():
            raise KinesenseError(
                "no display to show the camera window (DISPLAY is not set): run on a desktop, "
                "or use --no-window to coach by voice and text only"
            )
        import cv2

        try:
            cv2.namedWindow(self.TITLE, cv2.WINDOW_NORMAL)
        except cv2.error as error:
            raise KinesenseError(f"cannot open a window: {error}") from None
        self._sized = False

    def show(self, bgr: NDArray[np.uint8]) -> str | None:
        import cv2

        if not self._sized:
            # Frame size, made smaller (same shape) to fit WINDOW_MAX_PX.
            height, width = bgr.shape[:2]
            scale = min(1.0, WINDOW_MAX_PX[0] / width, WINDOW_MAX_PX[1] / height)
            cv2.resizeWindow(self.TITLE, round(width * scale), round(height * scale))
            self._sized = True
        cv2.imshow(self.TITLE, bgr)
        key = cv2.waitKey(1) & 0xFF
        return chr(key).lower() if key != 0xFF else None

    def close(self) -> None:
        import cv2

        cv2.destroyWindow(self.TITLE)


FrameCallback = Callable[[Step, float], None]


def run_frames(
    frames: Iterable[Frame],
    session: CoachSession,
    follower: PersonFollower,
    people: PeopleCounter | None = None,
    *,
    sinks: Sequence[FrameSink] = (),
    speaker: Speaker | None = None,
    on_step: FrameCallback | None = None,
) -> None:
    """Feed ``frames`` through the follower into ``session``; draw to ``sinks``; speak cues.

    Stops at the end of the frames, when a sink returns ``q`` or when the exercise is done
    (live). A sink returning ``s`` skips the set-up check. ``on_step`` sees each step and its
    frame time.
    """
    from kinesense.coach.overlay import draw_overlay

    last_instruction: str | None = None
    last_count_s = -float("inf")
    for frame in frames:
        detection = follower.process(frame.rgb, frame.time_s)
        checking = (session.live and not session.coaching) or session.setup is None
        step = session.step(
            frame.time_s,
            detection,
            luma=frame_luma(frame.rgb) if checking else float("nan"),
            people_seen=people.most_seen if people is not None else 1,
            person_switches=sum(
                1 for t in follower.switch_times_s if t >= frame.time_s - session.setup_window_s
            ),
        )
        # The follower looks for other people only when in doubt: recount them live.
        recount = people is not None and session.live and not session.coaching
        if recount and frame.time_s - last_count_s >= RECOUNT_EVERY_S:
            assert people is not None
            people.recount(frame.rgb)
            last_count_s = frame.time_s
        if speaker is not None:
            if step.panel.instructions and step.panel.instructions[0] != last_instruction:
                last_instruction = step.panel.instructions[0]
                speaker.say(last_instruction)
            for event in step.events:
                if event.kind in SPOKEN_KINDS and event.message:
                    speaker.say(event.message)
            speaker.tick()
        if on_step is not None:
            on_step(step, frame.time_s)
        key = None
        if sinks:
            import cv2

            bgr = np.ascontiguousarray(cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2BGR), dtype=np.uint8)
            draw_overlay(
                bgr,
                step.panel,
                detection.image_xyz if detection is not None else None,
                detection.visibility if detection is not None else None,
            )
            for sink in sinks:
                key = sink.show(bgr) or key
        if key == "q":
            break
        if key == "s":
            session.skip_setup()
        if session.live and step.panel.done:
            break


def coach_video(
    path: str | Path,
    exercise: Exercise,
    *,
    side: str | None = None,
    model: str = "full",
    out: Path | None = None,
    strict: bool = False,
    speaker: Speaker | None = None,
    make_estimator: EstimatorFactory | None = None,
    on_step: FrameCallback | None = None,
) -> SessionResult:
    """Coach ``exercise`` over every frame of a video file.

    Args:
        path: the video.
        exercise: the exercise (see :func:`kinesense.exercises.load_exercise`).
        side: ``"left"``/``"right"`` or None (the exercise's own).
        model: pose model (``"full"``, ``"lite"`` or a ``.task`` file).
        out: write the annotated video here (MP4, mp4v), or None.
        strict: refuse (:class:`SetupError`) when the camera set-up is wrong.
        speaker: speaks cues (None: silent).
        make_estimator: pose model factory (tests); BlazePose by default.

    Raises:
        InputFileError: the file is not a readable video.
        SetupError: with ``strict``, the set-up is wrong.
    """
    from kinesense.capture.models import model_file
    from kinesense.capture.video import VideoFile

    if make_estimator is None:
        model_file(model)
    people = PeopleCounter(make_estimator or mediapipe_factory(model))
    sinks: list[FrameSink] = []
    with VideoFile(path) as video, PersonFollower(model, make_estimator=people) as follower:
        resolution = (video.info.width, video.info.height)
        session = CoachSession(
            exercise, side=side, live=False, resolution=resolution, strict=strict
        )
        if out is not None:
            sinks.append(AnnotatedVideo(out, video.info.fps or 30.0, resolution))
        try:
            run_frames(
                video.frames(), session, follower, people,
                sinks=sinks, speaker=speaker, on_step=on_step,
            )  # fmt: skip
        finally:
            for sink in sinks:
                sink.close()
            if speaker is not None:
                speaker.close()
        session.finish(people.most_seen, len(follower.switch_times_s))
    people.close()
    return session.result(annotated=out, source=str(path))


def coach_camera(
    camera: int | str,
    exercise: Exercise,
    *,
    side: str | None = None,
    model: str = "full",
    out: Path | None = None,
    window: bool = True,
    speaker: Speaker | None = None,
    setup_timeout_s: float = SETUP_TIMEOUT_S,
    max_duration_s: float | None = None,
    on_step: FrameCallback | None = None,
) -> SessionResult:
    """Coach ``exercise`` live from a camera until ``q``, the end of the exercise, or
    ``max_duration_s``.

    Raises:
        InputFileError: the camera cannot be opened.
        KinesenseError: ``window`` asked on a machine without a display.
    """
    import itertools
    import time

    from kinesense.capture.camera import Camera
    from kinesense.capture.models import model_file

    model_file(model)
    sinks: list[FrameSink] = []
    if window:
        sinks.append(LiveWindow())
    people = PeopleCounter(mediapipe_factory(model))
    try:
        with Camera(camera) as cam, PersonFollower(model, make_estimator=people) as follower:
            resolution = (cam.width, cam.height)
            session = CoachSession(
                exercise, side=side, live=True, resolution=resolution,
                setup_timeout_s=setup_timeout_s,
            )  # fmt: skip
            if out is not None:
                sinks.append(AnnotatedVideo(out, 30.0, resolution))
            frames: Iterable[Frame] = cam.frames()
            if max_duration_s is not None:
                deadline = time.monotonic() + max_duration_s
                frames = itertools.takewhile(lambda _: time.monotonic() < deadline, frames)
            run_frames(
                frames, session, follower, people, sinks=sinks, speaker=speaker, on_step=on_step
            )
            session.finish(people.most_seen, len(follower.switch_times_s))
    finally:
        people.close()
        for sink in sinks:
            sink.close()
        if speaker is not None:
            speaker.close()
    return session.result(annotated=out, source=f"camera:{camera}")
