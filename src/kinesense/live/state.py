"""Where live sessions wait between frames and between connections: a small store keyed by the
session token, behind :class:`LiveStore`, so that another implementation (Redis, issue 13) can
replace :class:`MemoryLiveStore` without touching the service or the web layer.

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
        with self._lock:
            self._expire()
            while len(self._sessions) >= self.max_sessions:
                self._sessions.popitem(last=False)
            self._sessions[token] = session
        return token

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

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._sessions)

    def _expire(self) -> None:
        limit = time.monotonic() - self.idle_s
        for token in [t for t, s in self._sessions.items() if s.touched < limit]:
            del self._sessions[token]
