"""Live coaching sessions fed by a client's landmarks (the browser's live page): start one for a
person at their plan's dose, feed it frames, resume it after a dropped connection, finish and
save it.

The refusals are the coaching service's (:func:`kinesense.services.coaching.prepare`): an unknown
exercise, a person never screened or referred and not cleared. A finished session is saved as
:func:`kinesense.services.coaching.coach_session` saves one, in one transaction, after the
safety precondition is checked again: the plan's progression reads it like any other session.
The live sessions themselves wait in a :class:`~kinesense.live.state.LiveStore`.
"""

from dataclasses import dataclass

from kinesense.errors import NotFoundError
from kinesense.exercises import Exercise
from kinesense.live.protocol import FinishMessage, FrameMessage, StartMessage
from kinesense.live.session import LiveSession
from kinesense.live.state import LiveStore
from kinesense.services.coaching import CoachingRequest, Prepared, prepare, save_coached
from kinesense.settings import Settings
from kinesense.store import Store


class LiveSessionNotFoundError(NotFoundError):
    """The session token is unknown, expired, or another account's."""


@dataclass(frozen=True)
class LiveSaved:
    """A finished live session and where it was saved (``record_id`` None: not saved);
    ``practice_summary``: the knowledge-of-results summary of a practice that gives one."""

    reps: int
    holds_s: list[float]
    record_id: int | None
    practice_summary: str | None = None


def check_live(
    store: Store, person_id: int, exercise_id: str, settings: Settings | None = None
) -> Prepared:
    """The exercise at ``person_id``'s planned dose, or the refusal the CLI gives."""
    request = CoachingRequest(exercise_id=exercise_id, camera="browser", person=str(person_id))
    return prepare(request, store, settings)


def live_supported(exercise: Exercise) -> bool:
    """Whether the live page can coach ``exercise``: every exercise, since the page runs the
    face model besides the pose model for those that track the head's orientation
    (``kinesense.coach.session.needs_face``) and sends its head pose matrix."""
    del exercise  # every tracked quantity comes from the pose or the face model
    return True


def start_live(
    sessions: LiveStore,
    store: Store,
    person_id: int,
    account_id: int,
    start: StartMessage,
    settings: Settings | None = None,
) -> tuple[str, LiveSession]:
    """A new live session of ``start.exercise`` for the person, kept in ``sessions``; its token.

    Raises:
        KinesenseError: the exercise is unknown, or the person may not exercise (not screened,
            referred): nothing is started.
    """
    prepared = check_live(store, person_id, start.exercise, settings)
    session = LiveSession(
        prepared.exercise, (start.width, start.height), side=start.side,
        person_id=person_id, account_id=account_id,
    )  # fmt: skip
    return sessions.add(session), session


def resume_live(sessions: LiveStore, token: str, account_id: int) -> LiveSession:
    """The session of ``token``, attached to a new connection (the older one stops, in this
    process or another when the store is shared: :mod:`kinesense.live.redis_state`).

    Raises:
        LiveSessionNotFoundError: unknown, expired, finished, or started by another account.
    """
    session = sessions.get(token)
    if session is None or session.account_id != account_id or session.finished:
        raise LiveSessionNotFoundError("no live session with this token; start a new one")
    attached = sessions.attach(token, session)
    if attached is None or attached.finished:
        raise LiveSessionNotFoundError("no live session with this token; start a new one")
    return attached


def feed_live(session: LiveSession, frame: FrameMessage) -> dict[str, object]:
    """Apply one frame (:meth:`LiveSession.feed`); the ``step`` message to send back."""
    return session.feed(frame)


def finish_live(
    sessions: LiveStore, token: str, session: LiveSession, store: Store, finish: FinishMessage
) -> LiveSaved:
    """Finish the session and save it in the person's history (when it coached anything: a
    session that never got past the camera check is not saved); forget its token.

    Raises:
        KinesenseError: the person was referred meanwhile (nothing saved).
    """
    result = session.finish()
    sessions.remove(token)
    summary = result.summary
    holds = [round(h.duration_s, 3) for h in summary.holds]
    practice = [e.message for e in result.events if e.kind == "practice_summary"]
    told = practice[-1] if practice else None
    if session.person_id is None or not session.session.coaching:
        return LiveSaved(summary.rep_count, holds, None, told)
    _, record_id = save_coached(
        store, session.person_id, result.to_json(), session.started_at,
        pain=(finish.pain_before, finish.pain_after), where="live coached session",
    )  # fmt: skip
    return LiveSaved(summary.rep_count, holds, record_id, told)
