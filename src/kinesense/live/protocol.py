"""The live landmark protocol, version 1: the messages a client (the browser's live page, a
phone app, a camera script) and the server exchange over the ``/live`` WebSocket, as pydantic
models validated on every message. ``docs/live-protocol.md`` describes the exchange.

Every message is one JSON object with a ``type``. Landmarks travel as a flat list of 33 x 4
numbers (x, y normalised to the frame's width and height, y down; z relative depth, in the same
unit as x; visibility 0-1), in BlazePose order (:data:`kinesense.landmarks.BLAZEPOSE_LANDMARKS`),
so that a frame is about 1.5 kB of JSON. Times are whole milliseconds on the client's clock,
strictly increasing within a session (MediaPipe's VIDEO mode needs that too).
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from kinesense.landmarks import N_LANDMARKS
from kinesense.validation_errors import Wording, one_line

PROTOCOL_VERSION = 1
MAX_MESSAGE_BYTES = 8192
"""Largest message accepted from a client (a frame with world landmarks is under 4 kB)."""
MAX_SIDE_PX = 8192
"""Largest frame width or height accepted, in pixels."""

CLOSE_BAD_MESSAGE = 4400
CLOSE_NOT_SIGNED_IN = 4401
CLOSE_REFUSED = 4403
CLOSE_UNKNOWN_SESSION = 4404
CLOSE_OUT_OF_ORDER = 4409
CLOSE_TOO_BIG = 1009
CLOSE_SUPERSEDED = 4000
"""WebSocket close codes (4000-4999 are the application's; 1009: message too big)."""

Landmarks = Annotated[list[float], Field(min_length=N_LANDMARKS * 4, max_length=N_LANDMARKS * 4)]
World = Annotated[list[float], Field(min_length=N_LANDMARKS * 3, max_length=N_LANDMARKS * 3)]
FaceMatrix = Annotated[list[float], Field(min_length=16, max_length=16)]
"""The face model's 4x4 head pose matrix, column-major as ``@mediapipe/tasks-vision`` gives it
(:func:`kinesense.signal.head_pose.matrix_from_column_major`)."""
FaceBox = Annotated[
    list[Annotated[float, Field(ge=-1.0, le=2.0)]], Field(min_length=4, max_length=4)
]
"""The face landmarks' box ``x0, y0, x1, y1`` normalised to the frame's width and height (the
landmarks of a face at the frame's edge fall slightly outside 0-1)."""


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class StartMessage(_Message):
    """Start a new live session of ``exercise`` for the signed-in person; frames are
    ``width`` x ``height`` pixels. ``side``: ``left``/``right`` or None (the exercise's own)."""

    type: Literal["start"]
    v: Literal[1]
    exercise: Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[a-z0-9_]+$")]
    width: Annotated[int, Field(ge=16, le=MAX_SIDE_PX)]
    height: Annotated[int, Field(ge=16, le=MAX_SIDE_PX)]
    side: Literal["left", "right"] | None = None


class ResumeMessage(_Message):
    """Continue the session ``token`` after a dropped connection."""

    type: Literal["resume"]
    v: Literal[1]
    token: Annotated[str, Field(min_length=16, max_length=100)]


class FrameMessage(_Message):
    """One frame: ``seq`` counts the client's frames from 0; ``t`` its time in milliseconds;
    ``lm`` the person's landmarks (null: nobody found); ``wl`` world landmarks in metres (33 x 3,
    optional); ``luma`` the frame's mean brightness 0-255 (optional, for the set-up check).

    With the face model (exercises and tests that track the head): ``fm`` the head pose matrix
    (16 numbers, column-major; null: no face found), ``fb`` the face box (normalised ``x0, y0,
    x1, y1``, with ``fm``) and ``bg`` the mean grey-level change outside the face box since the
    previous frame (0-255, :func:`kinesense.capture.head_extract.background_change`)."""

    type: Literal["frame"]
    seq: Annotated[int, Field(ge=0, le=2**31)]
    t: Annotated[int, Field(ge=0, le=2**42)]
    lm: Landmarks | None
    wl: World | None = None
    luma: Annotated[float, Field(ge=0, le=255)] | None = None
    fm: FaceMatrix | None = None
    fb: FaceBox | None = None
    bg: Annotated[float, Field(ge=0, le=255)] | None = None

    @model_validator(mode="after")
    def _face_box_with_matrix(self) -> "FrameMessage":
        if (self.fm is None) != (self.fb is None):
            raise ValueError("fm (face matrix) and fb (face box) come together or not at all")
        if self.fb is not None and not (self.fb[0] < self.fb[2] and self.fb[1] < self.fb[3]):
            raise ValueError("fb (face box) must be x0, y0, x1, y1 with x0 < x1 and y0 < y1")
        return self


class SkipSetupMessage(_Message):
    """Start coaching now, whatever the camera check says (the person chose to)."""

    type: Literal["skip_setup"]


class FinishMessage(_Message):
    """End the session and save it; pain before and after it, 0-10, when the person gave them."""

    type: Literal["finish"]
    pain_before: Annotated[int, Field(ge=0, le=10)] | None = None
    pain_after: Annotated[int, Field(ge=0, le=10)] | None = None


ClientMessage = Annotated[
    StartMessage | ResumeMessage | FrameMessage | SkipSetupMessage | FinishMessage,
    Field(discriminator="type"),
]
_CLIENT: TypeAdapter[
    StartMessage | ResumeMessage | FrameMessage | SkipSetupMessage | FinishMessage
] = TypeAdapter(ClientMessage)


_WORDING = Wording(
    field="{origin}: field {path!r}: ",
    more=" (and {count} more problems)",
    input_limit=40,
    show_input=lambda error: error["type"] in ("literal_error", "json_invalid"),
)


class ProtocolError(Exception):
    """A message the protocol does not allow; ``code`` is the WebSocket close code."""

    def __init__(self, message: str, code: int = CLOSE_BAD_MESSAGE) -> None:
        super().__init__(message)
        self.code = code


def check_size(text: str | bytes) -> None:
    """Refuse a message larger than :data:`MAX_MESSAGE_BYTES` (close code 1009)."""
    size = len(text.encode() if isinstance(text, str) else text)
    if size > MAX_MESSAGE_BYTES:
        raise ProtocolError(
            f"message of {size} bytes; at most {MAX_MESSAGE_BYTES} allowed", CLOSE_TOO_BIG
        )


def parse_client(text: str | bytes) -> (
    StartMessage | ResumeMessage | FrameMessage | SkipSetupMessage | FinishMessage
):  # fmt: skip
    """Validate one client message.

    Raises:
        ProtocolError: too big (close code 1009), not JSON, or not a valid message (4400); the
            message names the field at fault.
    """
    check_size(text)
    try:
        return _CLIENT.validate_json(text)
    except ValidationError as exc:
        raise ProtocolError(one_line(exc, "bad message", _WORDING)) from None


def error_message(code: int, message: str) -> dict[str, Any]:
    """The ``error`` message the server sends before closing with ``code``."""
    return {"type": "error", "code": code, "message": message}
