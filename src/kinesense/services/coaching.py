"""Coached sessions: coach an exercise from a video file or a camera, at the dose of the
person's plan, and save the session in their history.

For a person (``person``), screening is a precondition checked before any video or camera work:
a person never screened, or whose referral no clinician has cleared, is refused with the
referral message (:mod:`~kinesense.services.safety`), and nothing is coached or saved. The
session is saved in one transaction after the coaching, with when it started (UTC) and the pain
before and after it (0-10), which the plan's pain rule reads. The annotated video's path is
checked before any work and may not be the input video.

The coaching itself is the coach package's (:func:`kinesense.coach.session.coach_video`,
:func:`~kinesense.coach.session.coach_camera`).
"""

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kinesense.clock import utc_now
from kinesense.errors import InvalidValueError
from kinesense.exercises import Exercise
from kinesense.outputs import check_output_path
from kinesense.program.dose import apply_planned_dose, planned_exercise
from kinesense.program.plan import PlannedExercise
from kinesense.program.records import CoachedSession, Person
from kinesense.services.database import open_store
from kinesense.services.library import exercise_library, find_exercise
from kinesense.services.safety import require_cleared
from kinesense.settings import Settings
from kinesense.store import Store
from kinesense.store.codec import stored_json

if TYPE_CHECKING:  # re-exported for the front ends' type hints
    from kinesense.coach.session import FrameCallback as FrameCallback
    from kinesense.coach.session import SessionResult as SessionResult
    from kinesense.coach.session import Step as Step


@dataclass(frozen=True)
class CoachingRequest:
    """What to coach, from where, and for whom.

    Exactly one of ``video`` (a file) and ``camera`` (a number or a stream address) is given.
    ``side`` is ``left``/``right`` or None (the exercise's own); ``strict`` refuses a video badly
    set up; ``speak``, ``window`` and ``seconds`` apply to a camera; ``pain_before`` and
    ``pain_after`` are 0-10.
    """

    exercise_id: str
    video: Path | None = None
    camera: str | None = None
    out: Path | None = None
    side: str | None = None
    strict: bool = False
    speak: bool = True
    window: bool = True
    seconds: float | None = None
    model: str = "full"
    person: str | None = None
    pain_before: int | None = None
    pain_after: int | None = None


@dataclass(frozen=True)
class Prepared:
    """The exercise to coach (at the plan's dose when the plan holds it) and for whom."""

    exercise: Exercise
    person: Person | None = None
    dose: PlannedExercise | None = None


@dataclass(frozen=True)
class CoachingOutcome:
    """A coached session, and where it was saved."""

    session: "SessionResult"
    prepared: Prepared
    record: CoachedSession | None = None
    record_id: int | None = None


def check_request(request: CoachingRequest) -> None:
    """Refuse inconsistent options before anything is loaded."""
    if (request.video is None) == (request.camera is None):
        raise InvalidValueError("give either --video FILE or --camera N")
    if request.side is not None and request.side not in ("left", "right"):
        raise InvalidValueError(f"--side must be left or right; got {request.side!r}")
    for name, value in (
        ("--pain-before", request.pain_before),
        ("--pain-after", request.pain_after),
    ):
        if value is not None and not 0 <= value <= 10:
            raise InvalidValueError(f"{name} must be from 0 to 10; got {value}")
    if request.out is not None:
        inputs = [request.video] if request.video is not None else []
        check_output_path(request.out, inputs=inputs, what="annotated video")


def prepare(
    request: CoachingRequest, store: Store | None, settings: Settings | None = None
) -> Prepared:
    """The exercise at the person's planned dose, after the safety precondition."""
    exercise = find_exercise(request.exercise_id, exercise_library(settings))
    if request.person is None or store is None:
        return Prepared(exercise)
    with store.transaction(write=False) as unit:
        person = unit.person(request.person)
        require_cleared(unit, person)
        plan = unit.active_plan(person.id)
    planned = planned_exercise(plan, exercise.id) if plan is not None else None
    if planned is None:
        return Prepared(exercise, person)
    return Prepared(apply_planned_dose(exercise, planned), person, planned)


def _run(
    request: CoachingRequest, exercise: Exercise, on_step: "FrameCallback | None"
) -> "SessionResult":
    if request.video is not None:
        from kinesense.coach.session import coach_video

        # A file is analysed faster than real time: cues are not spoken.
        return coach_video(
            request.video, exercise, side=request.side, model=request.model, out=request.out,
            strict=request.strict,
        )  # fmt: skip
    from kinesense.coach.session import coach_camera
    from kinesense.coach.speech import Speaker

    assert request.camera is not None
    camera = request.camera
    source: int | str = int(camera) if camera.isdigit() else camera
    return coach_camera(
        source, exercise, side=request.side, model=request.model, out=request.out,
        window=request.window, speaker=Speaker(enabled=request.speak),
        max_duration_s=request.seconds, on_step=on_step,
    )  # fmt: skip


def coach_session(
    request: CoachingRequest,
    *,
    store: Store | None = None,
    settings: Settings | None = None,
    on_ready: Callable[[Prepared], None] | None = None,
    on_step: "FrameCallback | None" = None,
) -> CoachingOutcome:
    """Coach one session (see the module docstring). ``on_ready`` is told what will be
    coached before the work starts; ``on_step`` receives each camera frame's events. The store
    of the settings is opened when a person is given and no ``store`` is."""
    check_request(request)
    with ExitStack() as stack:
        if request.person is not None and store is None:
            store = stack.enter_context(open_store(settings))
        prepared = prepare(request, store, settings)
        if on_ready is not None:
            on_ready(prepared)
        started = utc_now().replace(microsecond=0)
        session = _run(request, prepared.exercise, on_step)
        if prepared.person is None or store is None:
            return CoachingOutcome(session, prepared)
        record, record_id = save_coached(
            store, prepared.person.id, session.to_json(), started,
            pain=(request.pain_before, request.pain_after), where="coached session",
        )  # fmt: skip
        return CoachingOutcome(session, prepared, record, record_id)


def save_coached(
    store: Store,
    person_id: int,
    session_json: dict[str, Any],
    started: datetime,
    *,
    pain: tuple[int | None, int | None] = (None, None),
    where: str,
) -> tuple[CoachedSession, int]:
    """Save a coached session (its JSON, the start time and the pain before and after, 0-10,
    when given) in the person's history, once the person is checked still cleared to exercise
    (:class:`SafetyError` otherwise: nothing is saved); the record and its id."""
    before, after = pain
    record = CoachedSession.from_json(
        stored_json(session_json)
        | {"started_at": started}
        | ({"pain_before": before} if before is not None else {})
        | ({"pain_after": after} if after is not None else {}),
        where=where,
    )
    with store.transaction() as unit:
        person = unit.lock_person(person_id)
        require_cleared(unit, person)
        record_id = unit.save_session(person.id, record)
    return record, record_id
