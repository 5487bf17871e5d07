"""The messages of the phone's WebSocket (``/ws/phone/{token}``), validated with pydantic.

Phone to server, JSON text frames:

``{"type": "motion", "seq": 0, "motion": [[t_ms, ax, ay, az, alpha, beta, gamma, interval_ms],
...], "orientation": [[t_ms, alpha, beta, gamma], ...]}``
    a batch of samples. ``t_ms`` is when the page received the sample (``performance.now()``,
    milliseconds); ``ax, ay, az`` is ``DeviceMotionEvent.accelerationIncludingGravity`` (m/s²);
    ``alpha, beta, gamma`` is ``rotationRate`` (degrees per second about the device's z, x and
    y axes); ``interval_ms`` is the event's ``interval``; an orientation row is a
    ``DeviceOrientationEvent``'s ``alpha, beta, gamma`` (degrees; ``alpha`` may be null where
    the phone gives no compass heading). ``seq`` counts batches from 0.
``{"type": "end", "samples": N}``
    the page recorded the protocol's duration and sent ``N`` motion samples in all.

Server to phone:

``{"type": "ready", "test": ..., "duration_s": ..., "countdown_s": ...}`` once the token is
spent; ``{"type": "received", "samples": N}`` after each batch; ``{"type": "result", ...}``
(:class:`ResultMessage`) at the end; ``{"type": "error", "message": ...}`` before the server
closes the socket for a bad message (close codes: 1007 invalid data, 1008 policy (rate, order,
token), 1009 too big).

The caps bound what one phone can make the server hold: :data:`MAX_MESSAGE_BYTES` a message,
:data:`MAX_ROWS` rows a batch, :data:`MAX_RATE_HZ` samples a second of the protocol in all, and
:data:`MESSAGES_PER_S` messages a second on average (bursts up to :data:`BURST_MESSAGES`).
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

MAX_MESSAGE_BYTES = 64 * 1024
"""The longest text frame accepted (a full batch of :data:`MAX_ROWS` rows is about 30 KiB)."""
MAX_ROWS = 256
"""Motion (and orientation) rows in one batch at most."""
MAX_RATE_HZ = 250.0
"""Motion samples a second accepted in all (phones give 50-200 Hz)."""
MESSAGES_PER_S = 20.0
"""Messages a second allowed on average."""
BURST_MESSAGES = 120
"""Messages allowed at once above the average (a page catching up after a stall)."""
MAX_ACC_M_S2 = 2000.0
"""A larger acceleration is no phone's reading (their accelerometers saturate at 8-16 g)."""
MAX_RATE_DEG_S = 20000.0
"""A larger rotation rate is no phone's reading (gyroscopes saturate at 2000-4000 deg/s)."""
MAX_TIME_MS = 1e10
"""``performance.now()`` of a page open for under four months."""

Time = Annotated[float, Field(ge=0.0, le=MAX_TIME_MS, allow_inf_nan=False)]
Acc = Annotated[float, Field(ge=-MAX_ACC_M_S2, le=MAX_ACC_M_S2, allow_inf_nan=False)]
Rate = Annotated[float, Field(ge=-MAX_RATE_DEG_S, le=MAX_RATE_DEG_S, allow_inf_nan=False)]
Angle = Annotated[float, Field(ge=-360.0, le=360.0, allow_inf_nan=False)]
Interval = Annotated[float, Field(ge=0.0, le=10_000.0, allow_inf_nan=False)]
MotionRow = tuple[Time, Acc, Acc, Acc, Rate, Rate, Rate, Interval]
OrientationRow = tuple[Time, Angle | None, Angle | None, Angle | None]


class MotionBatch(BaseModel):
    """A batch of DeviceMotion (and DeviceOrientation) samples."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["motion"]
    seq: int = Field(ge=0, le=1_000_000)
    motion: list[MotionRow] = Field(max_length=MAX_ROWS)
    orientation: list[OrientationRow] = Field(default_factory=list, max_length=MAX_ROWS)


class EndMessage(BaseModel):
    """The page finished recording."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["end"]
    samples: int = Field(ge=0, le=10_000_000)


PhoneMessage = Annotated[MotionBatch | EndMessage, Field(discriminator="type")]
PHONE_MESSAGE: TypeAdapter[MotionBatch | EndMessage] = TypeAdapter(PhoneMessage)


class ResultMessage(BaseModel):
    """The test's outcome, for the phone (the computer page opens the saved result)."""

    type: Literal["result"] = "result"
    test: str
    usable: bool
    interpretation: str
    reasons: list[str]
    metrics: dict[str, float]
    record_id: int | None


def parse_message(text: str | bytes) -> MotionBatch | EndMessage:
    """A phone message from its JSON text (``pydantic.ValidationError`` or ``ValueError`` when
    it is not one; see :func:`first_problem`)."""
    if len(text) > MAX_MESSAGE_BYTES:
        raise ValueError(f"message longer than {MAX_MESSAGE_BYTES} bytes")
    return PHONE_MESSAGE.validate_json(text)


def first_problem(errors: list[Any]) -> str:
    """The first of pydantic's errors as ``where: what`` (for the close reason)."""
    if not errors:
        return "not a phone message"
    first = errors[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    return f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg"))


def max_samples(duration_s: float) -> int:
    """Motion samples accepted for a recording of ``duration_s`` (at :data:`MAX_RATE_HZ`, with
    a second's margin)."""
    return int((duration_s + 1.0) * MAX_RATE_HZ)


def max_messages(duration_s: float) -> int:
    """Messages accepted for a recording of ``duration_s`` in all."""
    return max_samples(duration_s) // 8 + 10
