"""One phone recording as it arrives: the messages checked in order and against the caps, the
samples collected, the series made at the end. No I/O: the WebSocket route feeds it text and
the time, and closes the socket with :attr:`PhoneProtocolError.close_code` when it refuses.
"""

from dataclasses import dataclass, field

import numpy as np
from pydantic import ValidationError

from kinesense.errors import KinesenseError
from kinesense.phone.conversion import (
    cut_to_duration,
    missing_gravity,
    motion_rows,
    motion_series,
    orientation_summary,
)
from kinesense.phone.messages import (
    BURST_MESSAGES,
    MAX_MESSAGE_BYTES,
    MESSAGES_PER_S,
    EndMessage,
    MotionBatch,
    MotionRow,
    OrientationRow,
    first_problem,
    max_messages,
    max_samples,
    parse_message,
)
from kinesense.phone.protocols import PhoneTest
from kinesense.series import MotionSeries

INVALID_DATA = 1007
POLICY = 1008
TOO_BIG = 1009


class PhoneProtocolError(KinesenseError):
    """A message the server refuses; the socket closes with :attr:`close_code` and the
    message as its reason."""

    def __init__(self, message: str, close_code: int = POLICY) -> None:
        super().__init__(message)
        self.close_code = close_code


@dataclass
class MessageBudget:
    """A token bucket: :data:`MESSAGES_PER_S` messages a second on average, bursts up to
    :data:`BURST_MESSAGES`; ``now_s`` is a monotonic clock in seconds."""

    rate_per_s: float = MESSAGES_PER_S
    burst: float = float(BURST_MESSAGES)
    tokens: float = float(BURST_MESSAGES)
    last_s: float | None = None

    def spend(self, now_s: float) -> bool:
        """Take one message from the budget; False when it is empty."""
        if self.last_s is not None:
            self.tokens = min(self.burst, self.tokens + (now_s - self.last_s) * self.rate_per_s)
        self.last_s = now_s
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


@dataclass
class PhoneRecording:
    """The samples of one pairing's recording."""

    test: PhoneTest
    source: str
    motion: list[MotionRow] = field(default_factory=list)
    orientation: list[OrientationRow] = field(default_factory=list)
    messages: int = 0
    batches: int = 0
    ended: bool = False
    budget: MessageBudget = field(default_factory=MessageBudget)

    def receive(self, text: str | bytes, now_s: float) -> MotionBatch | EndMessage:
        """Check and keep one message (:class:`PhoneProtocolError` when refused)."""
        if self.ended:
            raise PhoneProtocolError("the recording has ended: nothing more is accepted")
        if len(text) > MAX_MESSAGE_BYTES:
            raise PhoneProtocolError(
                f"message too big ({len(text)} bytes; at most {MAX_MESSAGE_BYTES})", TOO_BIG
            )
        self.messages += 1
        if self.messages > max_messages(self.test.duration_s) or not self.budget.spend(now_s):
            raise PhoneProtocolError("too many messages: send samples in batches")
        try:
            message = parse_message(text)
        except ValidationError as exc:
            raise PhoneProtocolError(
                f"not a phone message ({first_problem(exc.errors())})", INVALID_DATA
            ) from None
        except ValueError as exc:
            raise PhoneProtocolError(f"not a phone message ({exc})", INVALID_DATA) from None
        if isinstance(message, EndMessage):
            self.ended = True
            return message
        if message.seq != self.batches:
            raise PhoneProtocolError(
                f"batch {message.seq} arrived where batch {self.batches} was expected"
            )
        self.batches += 1
        if len(self.motion) + len(message.motion) > max_samples(self.test.duration_s):
            raise PhoneProtocolError(
                f"more samples than a {self.test.duration_s:g}-s recording can hold"
            )
        self.motion.extend(message.motion)
        self.orientation.extend(message.orientation)
        return message

    def series(self) -> MotionSeries:
        """The recording as a :class:`MotionSeries` (the protocol's duration from the first
        sample; see :mod:`kinesense.phone.conversion`)."""
        rows = cut_to_duration(motion_rows(self.motion), self.test.duration_s)
        problem = missing_gravity(rows)
        if problem is not None:
            raise PhoneProtocolError(problem)
        details = {
            "test": self.test.model_dump(),
            "samples_received": len(self.motion),
            "samples_kept": int(rows.shape[0]),
            **orientation_summary(self.orientation),
        }
        return motion_series(rows, placement=self.test.placement, source=self.source,
                             details=details)  # fmt: skip

    @property
    def seconds(self) -> float:
        """Seconds of motion samples received so far."""
        if len(self.motion) < 2:
            return 0.0
        times = np.asarray([self.motion[0][0], self.motion[-1][0]], np.float64)
        return float(times[1] - times[0]) / 1000.0
