"""The guided live test page ``/measure/live/{test}`` for the signed-in person: instructions and
camera placement, a camera check, a spoken countdown, a timer, then the result.

The page refuses what the service refuses (an unknown test or choice, a person not screened or
referred: :func:`kinesense.services.live_tests.check_guided`) before the camera is asked for.
The pose model runs in the browser (``static/js/live/``), and the face model too for a test
that reads the head's pose (``data-face-model``, as the coaching page asks for it); the
landmarks go over ``/live/tests/ws`` (:mod:`kinesense.web.api.live_tests_ws`).
"""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from kinesense.capture.models import FACE_MODEL_FILE
from kinesense.errors import InvalidValueError
from kinesense.live.guided import MAX_COUNTDOWN_S
from kinesense.live.guided_tests import GUIDED_TESTS, HEAD_MOVES, guided_test
from kinesense.live.recording import MAX_DURATION_S
from kinesense.services.live_tests import check_guided
from kinesense.web import access
from kinesense.web.analysis_choices import OPTION_LABELS
from kinesense.web.deps import CurrentUser, StateDep
from kinesense.web.pages.live import DEFAULT_LIVE_MODEL, MODELS
from kinesense.web.templating import render

router = APIRouter()


LABELS = {"eyes": "eyes {}", "view": "{} view"}
"""How a choice reads in a link, by the choice's name."""
WORDS = {
    "movement": {name: words.lower() for name, words in OPTION_LABELS["movement"].items()},
    "axis": {axis: move[0].lower() for axis, move in HEAD_MOVES.items()},
}
"""Choices named in words rather than by their option: the trunk's movements as the upload
form words them, the head's as the head test's titles do."""


def choice_label(option_name: str, option: str) -> str:
    """How one choice of a guided test reads in the measure page's links."""
    words = WORDS.get(option_name, {})
    return words.get(option, LABELS.get(option_name, "{}").format(option))


def guided_choices() -> list[dict[str, object]]:
    """The guided tests and their choices, for the measure page's links."""
    return [
        {"id": test.id, "title": test.title, "summary": test.summary,
         "option_name": test.option_name,
         "plans": [(option, choice_label(test.option_name, option)) for option in test.plans]}
        for test in GUIDED_TESTS.values()
    ]  # fmt: skip


@router.get("/measure/live/{test}")
async def guided_test_page(
    request: Request,
    test: str,
    user: CurrentUser,
    state: StateDep,
    seconds: Annotated[float | None, Query(gt=0, le=MAX_DURATION_S)] = None,
    countdown: Annotated[int | None, Query(ge=0, le=MAX_COUNTDOWN_S)] = None,
) -> Response:
    """Guided test ``test`` with the device's camera (people only); its choice is the query
    parameter the test names (``?eyes=closed``, ``?view=front``, ``?movement=lateral``);
    ``?model=full`` runs the full pose model; ``?seconds=N`` and ``?countdown=N`` shorten the
    recording and the countdown."""
    access.require_role(user, "person")
    assert user.person_id is not None
    option = request.query_params.get(guided_test(test).option_name)
    plan, _ = await run_in_threadpool(check_guided, state.store, user.person_id, test, option)
    model_name = request.query_params.get("model", DEFAULT_LIVE_MODEL)
    if model_name not in MODELS.values():
        raise InvalidValueError(f"model must be one of {', '.join(sorted(MODELS.values()))}")
    context = {
        "title": plan.title,
        "plan": plan,
        "person_id": user.person_id,
        "model": model_name,
        "model_url": f"/models/pose_landmarker_{model_name}.task",
        "face_model_url": f"/models/{FACE_MODEL_FILE}" if plan.needs_face else None,
        "seconds": seconds,
        "countdown": countdown,
    }
    return render(request, "measure_live.html", context)
