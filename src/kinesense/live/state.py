"""Where live sessions wait between frames and between connections: a small store keyed by the
session token, behind :class:`LiveStore`, so that another implementation (Redis, issue 13) can
replace :class:`MemoryLiveStore` without touching the service or the web layer: the clinic
stack's :class:`~kinesense.live.redis_state.RedisLiveStore` lets a session continue in another
web process (:func:`~kinesense.live.redis_state.live_store_for` chooses).

A session idle for :data:`IDLE_EXPIRY_S` is dropped (its connection is gone and nobody resumed
it); the store holds at most ``max_sessions`` sessions, the longest idle dropped first.
"""

import secrets
import threading
import time
from collections import OrderedDict
from typing import Protocol

from kinesense.live.session import LiveSession

IDLE_EXPIRY_S = 600.0
"""Seconds without a frame after which a live session is forgotten (10 minutes: long enough to
find the phone charger and reconnect, short enough not to hold memory for the night)."""
MAX_SESSIONS = 10_000
"""Live sessions kept at most by one process (about 20 kB each)."""


class LiveStore(Protocol):
    """Live sessions by token."""

    def add(self, session: LiveSession) -> str:
        """Keep ``session``; its new token (256 random bits, URL-safe)."""
        ...

    def get(self, token: str) -> LiveSession | None:
        """The session of ``token`` (None: unknown or expired)."""
        ...

    def remove(self, token: str) -> None:
        """Forget the session of ``token`` (nothing if unknown)."""
        ...

    def attach(self, token: str, session: LiveSession) -> LiveSession | None:
        """Give the session of ``token`` (``session``, found by :meth:`get`) to a new
        connection: its ``generation`` goes up, and a connection holding an older one stops at
        its next frame. The session to serve from now on (None: gone meanwhile)."""
        ...

    def applied(self, token: str, session: LiveSession, frame: str | bytes | None) -> bool:
        """After a message of a connection at ``session.generation``: keep the text of the
        frame it applied (None: the session changed otherwise, or a frame was a duplicate);
        False when another connection has taken the session over."""
        ...

    def release(self, token: str, session: LiveSession) -> None:
        """The connection ended without finishing: keep where the session stands."""
        ...

    def __len__(self) -> int: ...


class MemoryLiveStore:
    """:class:`LiveStore` in this process's memory (thread-safe)."""

    def __init__(self, idle_s: float = IDLE_EXPIRY_S, max_sessions: int = MAX_SESSIONS) -> None:
        self.idle_s = idle_s
        self.max_sessions = max_sessions
        self._sessions: OrderedDict[str, LiveSession] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, session: LiveSession) -> str:
        token = secrets.token_urlsafe(32)
        self.keep(token, session)
        return token

    def keep(self, token: str, session: LiveSession) -> None:
        """Hold ``session`` under ``token`` (replacing any other)."""
        with self._lock:
            self._expire()
            while len(self._sessions) >= self.max_sessions:
                self._sessions.popitem(last=False)
            self._sessions[token] = session
            self._sessions.move_to_end(token)

    def get(self, token: str) -> LiveSession | None:
        with self._lock:
            self._expire()
            session = self._sessions.get(token)
            if session is not None:
                self._sessions.move_to_end(token)
            return session

    def remove(self, token: str) -> None:
        with self._lock:
            self._sessions.pop(token, None)

    def attach(self, token: str, session: LiveSession) -> LiveSession | None:
        with self._lock:
            session.generation += 1
        return session

    def applied(self, token: str, session: LiveSession, frame: str | bytes | None) -> bool:
        return True  # one process: the connection compares the session's generation itself

    def release(self, token: str, session: LiveSession) -> None:
        return None  # the session stays in memory as it is

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._sessions)

    def _expire(self) -> None:
        limit = time.monotonic() - self.idle_s
        for token in [t for t, s in self._sessions.items() if s.touched < limit]:
            del self._sessions[token]
