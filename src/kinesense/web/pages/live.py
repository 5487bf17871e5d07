"""The live coaching page ``/coach/{exercise_id}`` for the signed-in person, and the pose models
the page's Web Worker loads (``/models/{name}``: the pose bundles, and the face bundle for
exercises that track the head).

The page refuses what the coaching service refuses (an unknown exercise, a person not screened
or referred: :func:`kinesense.services.live.check_live`), before the camera is ever asked for.
Everything else happens in the browser (``static/js/live/``) and over the ``/live/ws``
WebSocket (:mod:`kinesense.web.api.live_ws`).
"""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import FileResponse, Response

from kinesense.capture.models import FACE_MODEL_FILE, face_model_file, model_file
from kinesense.coach.session import needs_face
from kinesense.errors import InvalidValueError, NotFoundError
from kinesense.services.live import check_live
from kinesense.web import access
from kinesense.web.deps import CurrentUser, StateDep
from kinesense.web.templating import render

router = APIRouter()

MODELS = {"pose_landmarker_lite.task": "lite", "pose_landmarker_full.task": "full"}
"""The pose model files the live page may load (an allow-list: with the face bundle, nothing
else is served)."""
DEFAULT_LIVE_MODEL = "lite"
"""The browser runs the lite model by default: 28-33 ms a frame on a 2-core machine in the
feasibility run of issue 12, against 60 ms for full (too slow for 30 fps)."""
MODEL_CACHE = "public, max-age=31536000, immutable"


@router.get("/models/{name}")
def model(name: str) -> Response:
    """A shipped pose or face model bundle, cached for a year (the file changes only with a
    release)."""
    if name not in MODELS and name != FACE_MODEL_FILE:
        raise NotFoundError(f"no model {name!r}")
    return FileResponse(
        face_model_file() if name == FACE_MODEL_FILE else model_file(MODELS[name]),
        media_type="application/octet-stream",
        headers={"cache-control": MODEL_CACHE},
    )


@router.get("/coach/{exercise_id}")
async def coach_live_page(
    request: Request,
    exercise_id: str,
    user: CurrentUser,
    state: StateDep,
    seconds: Annotated[float | None, Query(gt=0, le=7200)] = None,
) -> Response:
    """Coach ``exercise_id`` live with the device's camera (people only); ``?model=full`` runs
    the full pose model instead of the lite one; ``?seconds=N`` ends the session after N
    seconds of frames (as ``kinesense coach --seconds``)."""
    access.require_role(user, "person")
    assert user.person_id is not None
    prepared = await run_in_threadpool(check_live, state.store, user.person_id, exercise_id)
    model_name = request.query_params.get("model", DEFAULT_LIVE_MODEL)
    if model_name not in MODELS.values():
        raise InvalidValueError(f"model must be one of {', '.join(sorted(MODELS.values()))}")
    exercise = prepared.exercise
    context = {
        "title": f"Coach: {exercise.name}",
        "exercise": exercise,
        "person_id": user.person_id,
        "model_url": f"/models/pose_landmarker_{model_name}.task",
        "face_model_url": f"/models/{FACE_MODEL_FILE}" if needs_face(exercise) else None,
        "planned": prepared.dose is not None,
        "seconds": seconds,
    }
    return render(request, "coach_live.html", context)
