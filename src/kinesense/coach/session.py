"""A coaching session's logic, without input or output: feed it frames and their detections,
get events and what to draw.

:class:`CoachSession` checks the camera set-up first (:mod:`kinesense.coach.setup_check`) over
the first :data:`~kinesense.coach.setup_check.SETUP_WINDOW_S` seconds, then feeds the
:class:`~kinesense.coach.engine.Coach`:

* **video file**: the check starts at the first frame with the person; the findings are
  reported and every frame is still analysed (from the first frame), unless ``strict`` asks to
  refuse a recording whose set-up is wrong;
* **live camera**: instructions are shown (and spoken) and the check repeats until the set-up is
  right, the person skips it (key ``s``) or :data:`SETUP_TIMEOUT_S` passes; the coach starts
  only then.

It is tested with synthetic landmarks; :mod:`kinesense.coach.drivers` wires it to files,
cameras, windows and speakers (``coach_video`` and ``coach_camera`` are also reachable from this
module, where callers found them before).
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kinesense.capture.estimator import PoseDetection
from kinesense.coach.engine import Coach, CoachEvent, CoachFrame
from kinesense.coach.overlay import Panel
from kinesense.coach.setup_check import (
    HEAD_AND_SHOULDERS,
    KEY_LANDMARKS,
    SETUP_WINDOW_S,
    SetupReport,
    check_setup,
)
from kinesense.coach.summary import SessionSummary
from kinesense.errors import KinesenseError
from kinesense.exercises import Exercise
from kinesense.landmarks import N_LANDMARKS

SETUP_TIMEOUT_S = 60.0
"""Live sessions: seconds after which coaching starts even if the set-up is still wrong."""

CUE_SHOW_S = 3.0
"""Seconds a form cue or a trial's feedback stays on screen after its event."""

SHOWN_KINDS = frozenset({"form_fault", "trial", "practice_summary"})
"""Events whose message the overlay shows as its cue: form faults, and the knowledge of results
(:mod:`kinesense.coach.knowledge`)."""

CHECKING = "Checking the camera: stand where it sees all of you"
"""Shown while the first live set-up check collects frames."""

LOST_AFTER_S = 0.5
"""Seconds without the person before the overlay says they are lost."""


HOLD_FIELDS = ("start_s", "end_s", "duration_s", "completed", "ended_by", "set", "side")
"""The fields of each hold in the ``holds`` list of :meth:`SessionResult.to_json`."""


class SetupError(KinesenseError):
    """The camera set-up is wrong and the session was asked to be strict about it."""


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


def needs_face(exercise: Exercise) -> bool:
    """Whether the exercise tracks the head's orientation: the face model must run too, and the
    camera frames the head and shoulders of a seated person, not the whole body."""
    return any(item.kind == "head_angle" for item in exercise.tracked)


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
        self._partial = _Window()
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
        partial: bool = False,
        face_matrix: NDArray[np.float64] | None = None,
    ) -> Step:
        """Process one frame (in time order); returns its events and the overlay panel.

        ``people_seen`` and ``person_switches`` count, since the session started, the most
        people found in one frame and the times the model turned to somebody else;
        ``partial``: the person found does not show what the exercise needs (followed only
        provisionally, :class:`~kinesense.capture.follower.PersonFollower`); ``face_matrix``:
        the face model's head pose matrix for exercises that track the head, or None.
        """
        if self._start_s is None:
            self._start_s = time_s
        self.frames += 1
        if detection is not None:
            self.detected_frames += 1
            self._last_seen_s = time_s
        instructions = self._check_setup(
            time_s, detection, luma, people_seen, person_switches, partial
        )
        events: list[CoachEvent] = []
        if self._coaching:
            frame = _coach_frame(time_s, detection, self.resolution, face_matrix)
            events = self.coach.update(frame)
            self.events.extend(events)
            for event in events:
                if event.kind in SHOWN_KINDS and event.message:
                    self._cue = (event.message, time_s)
        return Step(events, self._panel(time_s, instructions), self._coaching)

    def _check_setup(
        self,
        time_s: float,
        detection: PoseDetection | None,
        luma: float,
        people_seen: int,
        person_switches: int,
        partial: bool = False,
    ) -> tuple[str, ...]:
        """Collect frames; check the set-up when a window is full; instructions to show.

        A file's check starts at the first frame with the person showing what the exercise
        needs (a title card or a close-up before them is not the set-up); when nobody ever
        does, the first frames with somebody are checked at the end (:meth:`finish`)."""
        checking = (self.live and not self._coaching) or self.setup is None
        if not checking:
            return ()
        if not self.live and not self._window.times_s and (detection is None or partial):
            if detection is not None and self._partial.span_s < self.setup_window_s:
                self._partial.add(time_s, detection, luma)
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
            framed=HEAD_AND_SHOULDERS if needs_face(self.exercise) else KEY_LANDMARKS,
        )
        return report

    def finish(self, people_seen: int = 1, person_switches: int = 0) -> SetupReport:
        """End of frames: close the coach (a hold still held is reported, ended by the
        recording), check a set-up window still unchecked (short videos); the report."""
        if self._coaching:
            self.events.extend(self.coach.finish())
        report = self.setup
        if report is None:
            if not self._window.times_s and self._partial.times_s:
                self._window = self._partial
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
    time_s: float,
    detection: PoseDetection | None,
    resolution: tuple[int, int],
    face_matrix: NDArray[np.float64] | None = None,
) -> CoachFrame:
    if detection is None:
        return CoachFrame(time_s, None, None, resolution=resolution, face_matrix=face_matrix)
    return CoachFrame(
        time_s,
        detection.image_xyz,
        detection.visibility,
        world_xyz_m=detection.world_xyz_m,
        resolution=resolution,
        face_matrix=face_matrix,
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
            "holds": [{k: hold[k] for k in HOLD_FIELDS} for hold in summary["holds"]],
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


def coach_video(path: str | Path, exercise: Exercise, **options: Any) -> SessionResult:
    """:func:`kinesense.coach.drivers.coach_video` (same arguments), where callers found it."""
    from kinesense.coach import drivers

    return drivers.coach_video(path, exercise, **options)


def coach_camera(camera: int | str, exercise: Exercise, **options: Any) -> SessionResult:
    """:func:`kinesense.coach.drivers.coach_camera` (same arguments), where callers found it."""
    from kinesense.coach import drivers

    return drivers.coach_camera(camera, exercise, **options)


_DRIVERS = frozenset(
    {"run_frames", "PeopleCounter", "FrameCallback",
     "RECOUNT_EVERY_S", "SPOKEN_KINDS", "AnnotatedVideo", "LiveWindow", "FrameSink",
     "has_display", "WINDOW_MAX_PX"}
)  # fmt: skip


def __getattr__(name: str) -> Any:
    """The drivers' names, where callers found them before the drivers had their own modules."""
    if name in _DRIVERS:
        from kinesense.coach import drivers, sinks

        return getattr(drivers, name, None) or getattr(sinks, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
