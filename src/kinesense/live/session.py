"""One live coaching session: landmark frames from a client in, the coach's events out.

The browser runs the pose model (``@mediapipe/tasks-vision``, one pose) and sends each frame's
landmarks; :class:`LiveSession` turns them into a :class:`~kinesense.capture.estimator.
PoseDetection` and feeds the SAME :class:`~kinesense.coach.session.CoachSession` the camera
driver feeds (:func:`kinesense.coach.drivers.coach_camera`): live set-up check first, then the
:class:`~kinesense.coach.engine.Coach`, with the exercise's side choice. The person criteria are
those of :func:`kinesense.coach.drivers.person_criteria`: with one pose per frame there is
nobody else to choose, so they only say whether the person followed is provisional (shows less
than the exercise needs), as :class:`~kinesense.capture.follower.PersonFollower` says it.

Frames are applied in ``seq`` order: a frame already applied (a client resending after a
dropped connection) is acknowledged and ignored; a frame whose time does not increase is a
:class:`~kinesense.live.protocol.ProtocolError` (MediaPipe's VIDEO mode and the coach both need
increasing times).
"""

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from kinesense.capture.estimator import PoseDetection
from kinesense.capture.person import REACQUIRE_AFTER_S, PersonCriteria
from kinesense.clock import utc_now
from kinesense.coach.drivers import person_criteria
from kinesense.coach.events import CoachEvent
from kinesense.coach.overlay import Panel
from kinesense.coach.session import CoachSession, SessionResult
from kinesense.exercises import Exercise
from kinesense.landmarks import N_LANDMARKS
from kinesense.live.protocol import CLOSE_OUT_OF_ORDER, FrameMessage, ProtocolError
from kinesense.signal.head_pose import matrix_from_column_major

SOURCE = "browser:live"
"""The ``source`` of a live session's result."""


def detection_of(frame: FrameMessage) -> PoseDetection | None:
    """The landmarks of a frame message as a :class:`PoseDetection` (None: nobody found)."""
    if frame.lm is None:
        return None
    packed = np.asarray(frame.lm, dtype=np.float64).reshape(N_LANDMARKS, 4)
    world = (
        np.asarray(frame.wl, dtype=np.float64).reshape(N_LANDMARKS, 3)
        if frame.wl is not None
        else np.full((N_LANDMARKS, 3), np.nan)
    )
    return PoseDetection(image_xyz=packed[:, :3].copy(), world_xyz_m=world,
                         visibility=packed[:, 3].copy())  # fmt: skip


@dataclass
class OnePersonFollower:
    """What :class:`~kinesense.capture.follower.PersonFollower` decides when the model finds at
    most one person: whether that person is followed provisionally (chosen while not showing
    what the exercise needs; no longer once they do; chosen again after
    :data:`~kinesense.capture.person.REACQUIRE_AFTER_S` unseen)."""

    criteria: PersonCriteria
    provisional: bool = False
    chosen: bool = False
    last_seen_s: float | None = None

    def update(self, time_s: float, detection: PoseDetection | None) -> None:
        """Follow the person of one frame."""
        if detection is None:
            return
        if self.last_seen_s is not None and time_s - self.last_seen_s > REACQUIRE_AFTER_S:
            self.chosen = self.provisional = False
        shows = self.criteria.shows_enough(detection.image_xyz, detection.visibility)
        if not self.chosen:
            self.chosen, self.provisional = True, not shows
        elif self.provisional:
            self.provisional = not shows
        self.last_seen_s = time_s


def event_json(event: CoachEvent) -> dict[str, Any]:
    """An event as it travels: kind, time (s), message and data."""
    return {"kind": event.kind, "t": event.time_s, "message": event.message,
            "data": dict(event.data)}  # fmt: skip


def panel_json(panel: Panel, coaching: bool) -> dict[str, Any]:
    """What the page shows besides the skeleton (:class:`~kinesense.coach.overlay.Panel`)."""
    return {
        "coaching": coaching,
        "reps": panel.reps,
        "reps_target": panel.reps_target,
        "set": panel.set_index,
        "sets_total": panel.sets_total,
        "hold_s": round(panel.hold_elapsed_s, 2),
        "hold_target_s": panel.hold_target_s,
        "rest_s": None if panel.rest_remaining_s is None else round(panel.rest_remaining_s, 1),
        "cue": panel.cue,
        "instructions": list(panel.instructions),
        "lost": panel.tracking_lost,
        "done": panel.done,
    }


@dataclass
class LiveSession:
    """A live session of one exercise for one person (or nobody: a guest, never saved).

    Args:
        exercise: the exercise at the person's planned dose.
        resolution: (width, height) of the client's frames, pixels.
        side: the side exercised, or None for the exercise's own.
        person_id: the person coached (None: nothing is saved).
        account_id: the account that started it (only it may resume it).
    """

    exercise: Exercise
    resolution: tuple[int, int]
    side: str | None = None
    person_id: int | None = None
    account_id: int | None = None
    started_at: datetime = field(default_factory=lambda: utc_now().replace(microsecond=0))
    last_seq: int = -1
    last_t_ms: int | None = None
    finished: bool = False
    generation: int = 0
    """Bumped whenever a connection attaches: an older connection sees it and stops."""
    touched: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.session = CoachSession(
            self.exercise, side=self.side, live=True, resolution=self.resolution
        )
        self.follower = OnePersonFollower(person_criteria(self.exercise))

    def feed(self, frame: FrameMessage) -> dict[str, Any]:
        """Apply one frame; the ``step`` message to send back (``dup`` when already applied).

        Raises:
            ProtocolError: the frame's time does not increase (close code 4409), or the session
                is finished.
        """
        self.touched = time.monotonic()
        if self.finished:
            raise ProtocolError("the session is finished", CLOSE_OUT_OF_ORDER)
        if frame.seq <= self.last_seq:
            return {"type": "step", "seq": frame.seq, "dup": True}
        if self.last_t_ms is not None and frame.t <= self.last_t_ms:
            raise ProtocolError(
                f"frame {frame.seq}: time {frame.t} ms does not follow {self.last_t_ms} ms",
                CLOSE_OUT_OF_ORDER,
            )
        time_s = frame.t / 1000.0
        detection = detection_of(frame)
        self.follower.update(time_s, detection)
        step = self.session.step(
            time_s,
            detection,
            luma=frame.luma if frame.luma is not None else float("nan"),
            partial=self.follower.provisional,
            face_matrix=None if frame.fm is None else matrix_from_column_major(frame.fm),
        )
        self.last_seq, self.last_t_ms = frame.seq, frame.t
        return {
            "type": "step",
            "seq": frame.seq,
            "t": frame.t,
            "events": [event_json(e) for e in step.events],
            "panel": panel_json(step.panel, step.coaching),
        }

    def skip_setup(self) -> None:
        """Coach now, whatever the set-up check says (the person chose to)."""
        self.touched = time.monotonic()
        self.session.skip_setup("skipped")

    def finish(self) -> SessionResult:
        """End the session: the coach closes (a hold still held is reported) and the set-up
        report is made; the result, as ``kinesense coach`` gives it. Idempotent."""
        if not self.finished:
            self.finished = True
            self.session.finish()
        return self.session.result(source=SOURCE)

    def ready_json(self, token: str, resumed: bool) -> dict[str, Any]:
        """The ``ready`` message: the session's token and where it stands."""
        exercise = self.exercise
        return {
            "type": "ready",
            "v": 1,
            "token": token,
            "resumed": resumed,
            "last_seq": self.last_seq,
            "last_t": self.last_t_ms,
            "exercise": {
                "id": exercise.id,
                "name": exercise.name,
                "mode": exercise.mode,
                "sets": exercise.dose.sets,
                "reps": exercise.dose.reps,
                "rest_s": exercise.dose.rest_s,
            },
            "coaching": self.session.coaching,
        }
