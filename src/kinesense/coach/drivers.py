"""Coaching drivers: a video file or a camera, through the pose model, into a coaching session.

The per-frame path is the same for files and cameras, and the same as extraction: decoded RGB
frame -> :class:`~kinesense.capture.follower.PersonFollower` (one person) ->
:class:`~kinesense.coach.session.CoachSession` -> events, and optionally the overlay
(:mod:`kinesense.coach.overlay`) written to an annotated video or shown in a window
(:mod:`kinesense.coach.sinks`), and cues spoken (:mod:`kinesense.coach.speech`).

Every resource a driver opens (the video or camera, the pose models, the sinks, the speaker) is
released when the driver returns or raises.
"""

import itertools
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack, closing
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from kinesense.capture.estimator import PoseDetection, PoseEstimator
from kinesense.capture.face import FaceEstimator
from kinesense.capture.follower import (
    MAX_PEOPLE,
    EstimatorFactory,
    PersonFollower,
    mediapipe_factory,
)
from kinesense.capture.person import PersonCriteria
from kinesense.capture.video import Frame
from kinesense.coach.session import (
    SETUP_TIMEOUT_S,
    CoachSession,
    SessionResult,
    Step,
    needs_face,
)
from kinesense.coach.setup_check import frame_luma
from kinesense.coach.sinks import AnnotatedVideo, FrameSink, LiveWindow
from kinesense.coach.speech import Speaker
from kinesense.exercises import Exercise

RECOUNT_EVERY_S = 0.5
"""Live set-up: seconds between two counts of the people in view."""

SPOKEN_KINDS = frozenset(
    {"rep", "form_fault", "hold_start", "hold_end", "hold_broken", "set_done", "rest_start",
     "rest_end", "exercise_done", "tracking_lost", "position", "trial", "practice_summary"}
)  # fmt: skip
"""Event kinds whose message is spoken (when it has one)."""

FrameCallback = Callable[[Step, float], None]


def _open_face_model(stack: ExitStack, exercise: Exercise) -> FaceEstimator | None:
    if not needs_face(exercise):
        return None
    from kinesense.capture.face import MediaPipeFaceEstimator

    return stack.enter_context(MediaPipeFaceEstimator())


def person_criteria(exercise: Exercise) -> PersonCriteria:
    """What the person to coach must show to be chosen: every landmark the exercise's
    quantities read (on either side of the body: a side view shows one), and preferably the
    exercise's body position. A waist-up close-up is followed for a squat only while nobody
    shows the whole body (:class:`~kinesense.capture.follower.PersonFollower`)."""
    from kinesense.exercises.schema import VIRTUAL_POINTS

    groups: dict[tuple[str, ...], None] = {}
    for item in exercise.tracked:
        for point in item.points:
            for name in VIRTUAL_POINTS.get(point, (point,)):
                bare = name.removeprefix("left_").removeprefix("right_")
                pair = (f"left_{bare}", f"right_{bare}") if bare != name else (name,)
                groups[pair] = None
    return PersonCriteria(needed=tuple(groups), positions=exercise.body_position)


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


def run_frames(
    frames: Iterable[Frame],
    session: CoachSession,
    follower: PersonFollower,
    people: PeopleCounter | None = None,
    *,
    sinks: Sequence[FrameSink] = (),
    speaker: Speaker | None = None,
    on_step: FrameCallback | None = None,
    faces: FaceEstimator | None = None,
) -> None:
    """Feed ``frames`` through the follower (and ``faces``, the face model, for exercises that
    track the head) into ``session``; draw to ``sinks``; speak cues.

    Stops at the end of the frames, when a sink returns ``q`` or when the exercise is done
    (live). A sink returning ``s`` skips the set-up check. ``on_step`` sees each step and its
    frame time.
    """
    from kinesense.coach.overlay import draw_overlay

    last_instruction: str | None = None
    last_count_s = -float("inf")
    for frame in frames:
        detection = follower.process(frame.rgb, frame.time_s)
        found = faces.estimate(frame.rgb, round(frame.time_s * 1000)) if faces else []
        checking = (session.live and not session.coaching) or session.setup is None
        step = session.step(
            frame.time_s,
            detection,
            luma=frame_luma(frame.rgb) if checking else float("nan"),
            people_seen=people.most_seen if people is not None else 1,
            person_switches=sum(
                1 for t in follower.switch_times_s if t >= frame.time_s - session.setup_window_s
            ),
            partial=follower.provisional,
            face_matrix=found[0].matrix if found else None,
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
        side: ``"left"``/``"right"`` to watch that side; None chooses (the side facing the
            camera, or the side that works: :mod:`kinesense.coach.channels`).
        model: pose model (``"full"``, ``"lite"`` or a ``.task`` file).
        out: write the annotated video here (MP4, mp4v), or None.
        strict: refuse (:class:`~kinesense.coach.session.SetupError`) when the camera set-up
            is wrong.
        speaker: speaks cues (None: silent); closed when coaching ends.
        make_estimator: pose model factory (tests); BlazePose by default.

    Raises:
        InputFileError: the file is not a readable video.
        SetupError: with ``strict``, the set-up is wrong.
    """
    from kinesense.capture.models import model_file
    from kinesense.capture.video import VideoFile

    if make_estimator is None:
        model_file(model)
    with ExitStack() as stack:
        if speaker is not None:
            stack.callback(speaker.close)
        people = PeopleCounter(make_estimator or mediapipe_factory(model))
        stack.callback(people.close)
        video = stack.enter_context(VideoFile(path))
        follower = stack.enter_context(
            PersonFollower(model, make_estimator=people, criteria=person_criteria(exercise))
        )
        resolution = (video.info.width, video.info.height)
        session = CoachSession(
            exercise, side=side, live=False, resolution=resolution, strict=strict
        )
        sinks: list[FrameSink] = []
        if out is not None:
            writer = AnnotatedVideo(out, video.info.fps or 30.0, resolution)
            sinks.append(stack.enter_context(closing(writer)))
        run_frames(
            video.frames(), session, follower, people,
            sinks=sinks, speaker=speaker, on_step=on_step,
            faces=_open_face_model(stack, exercise),
        )  # fmt: skip
        session.finish(people.most_seen, len(follower.switch_times_s))
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
    make_estimator: EstimatorFactory | None = None,
) -> SessionResult:
    """Coach ``exercise`` live from a camera until ``q``, the end of the exercise, or
    ``max_duration_s``.

    Raises:
        InputFileError: the camera cannot be opened.
        KinesenseError: ``window`` asked on a machine without a display.
    """
    from kinesense.capture.camera import Camera
    from kinesense.capture.models import model_file

    if make_estimator is None:
        model_file(model)
    with ExitStack() as stack:
        if speaker is not None:
            stack.callback(speaker.close)
        sinks: list[FrameSink] = []
        if window:
            sinks.append(stack.enter_context(closing(LiveWindow())))
        people = PeopleCounter(make_estimator or mediapipe_factory(model))
        stack.callback(people.close)
        cam = stack.enter_context(Camera(camera))
        follower = stack.enter_context(
            PersonFollower(model, make_estimator=people, criteria=person_criteria(exercise))
        )
        resolution = (cam.width, cam.height)
        session = CoachSession(
            exercise, side=side, live=True, resolution=resolution,
            setup_timeout_s=setup_timeout_s,
        )  # fmt: skip
        if out is not None:
            sinks.append(stack.enter_context(closing(AnnotatedVideo(out, 30.0, resolution))))
        frames: Iterable[Frame] = cam.frames()
        if max_duration_s is not None:
            deadline = time.monotonic() + max_duration_s
            frames = itertools.takewhile(lambda _: time.monotonic() < deadline, frames)
        faces = _open_face_model(stack, exercise)
        run_frames(
            frames, session, follower, people,
            sinks=sinks, speaker=speaker, on_step=on_step, faces=faces,
        )  # fmt: skip
        session.finish(people.most_seen, len(follower.switch_times_s))
        return session.result(annotated=out, source=f"camera:{camera}")
