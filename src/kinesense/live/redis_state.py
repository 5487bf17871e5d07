"""Live sessions that outlive the web process serving them: the clinic stack's
:class:`~kinesense.live.state.LiveStore` (issue 13), in the broker's Redis under its own prefix.

The process serving a connection keeps the :class:`~kinesense.live.session.LiveSession` in its
memory and coaches frames there, as the embedded store does; Redis holds what another process
needs to carry it on after this one dies or the client reconnects elsewhere:

* ``{key}:gen`` - the generation of the connection that owns the session. A resume anywhere
  increments it; a connection whose generation is no longer the current one learns it at its
  next frame (every write below is a Lua script that first compares it) and stops (4000);
* ``{key}:snap`` - a signed snapshot (:mod:`kinesense.live.snapshot`), written when the session
  starts, every :data:`SNAPSHOT_EVERY_S`, after ``skip_setup`` and when a connection ends;
* ``{key}:frames`` - the text of every frame applied since that snapshot (one ``RPUSH`` in a
  script per frame: a single round trip), emptied by the next snapshot.

A process asked to resume a token it does not hold (or holds at an older generation) loads the
snapshot and replays the frames after it: the coach is deterministic, so the session stands
exactly where the dead process left it. Keys are SHA-256 of the token (a dump of Redis holds no
usable token) and expire :data:`~kinesense.live.state.IDLE_EXPIRY_S` after the last write.
"""

import hashlib
import secrets
import time
from typing import TYPE_CHECKING, Any

from kinesense.live.protocol import FrameMessage, ProtocolError, parse_client
from kinesense.live.session import LiveSession
from kinesense.live.snapshot import SnapshotError, dump, load, snapshot_key
from kinesense.live.state import IDLE_EXPIRY_S, LiveStore, MemoryLiveStore

if TYPE_CHECKING:
    import redis

PREFIX = "kinesense:live:"
"""Key prefix of live sessions in the broker's Redis (Celery's keys do not start with it)."""
SNAPSHOT_EVERY_S = 1.0
"""Seconds between snapshots of a session receiving frames (its frame list stays short)."""
REDIS_TIMEOUT_S = 2.0
"""A Redis that does not answer within this is treated as away (the connection closes)."""

_PUSH = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""
_SNAPSHOT = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('DEL', KEYS[3])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""
_ATTACH = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local generation = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return {generation, redis.call('GET', KEYS[2]), redis.call('LRANGE', KEYS[3], 0, -1)}
"""


def session_key(token: str) -> str:
    """The Redis key prefix of a session (SHA-256 of its token, never the token)."""
    return PREFIX + hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def replay(session: LiveSession, frames: list[bytes]) -> int:
    """Apply the logged frames ``session`` has not applied yet (in order); how many it applied.
    A frame the session refuses (its time does not increase) was refused live too: skipped."""
    applied = 0
    for text in frames:
        message = parse_client(text)
        if not isinstance(message, FrameMessage) or message.seq <= session.last_seq:
            continue
        try:
            session.feed(message)
        except ProtocolError:
            continue
        applied += 1
    return applied


class RedisLiveStore:
    """:class:`~kinesense.live.state.LiveStore` shared by every web process through Redis.

    Args:
        client: the broker's Redis.
        secret: the app's secret key (the same in every process): signs the snapshots.
        idle_s: seconds without a write after which Redis forgets a session.
    """

    def __init__(self, client: "redis.Redis", secret: str, idle_s: float = IDLE_EXPIRY_S) -> None:
        self.client = client
        self.key = snapshot_key(secret)
        self.ttl_ms = int(idle_s * 1000)
        self.local = MemoryLiveStore(idle_s=idle_s)
        self._snapped: dict[str, float] = {}
        self._push = client.register_script(_PUSH)
        self._snapshot = client.register_script(_SNAPSHOT)
        self._attach = client.register_script(_ATTACH)

    def add(self, session: LiveSession) -> str:
        token = secrets.token_urlsafe(32)
        key = session_key(token)
        with self.client.pipeline() as pipe:
            pipe.set(f"{key}:gen", session.generation, px=self.ttl_ms)
            pipe.set(f"{key}:snap", dump(session, self.key), px=self.ttl_ms)
            pipe.delete(f"{key}:frames")
            pipe.execute()
        self._snapped[token] = time.monotonic()
        self.local.keep(token, session)
        return token

    def get(self, token: str) -> LiveSession | None:
        key = session_key(token)
        with self.client.pipeline() as pipe:  # MULTI/EXEC: the three as of one moment
            pipe.get(f"{key}:gen")
            pipe.get(f"{key}:snap")
            pipe.lrange(f"{key}:frames", 0, -1)
            generation, blob, frames = pipe.execute()
        held = self.local.get(token)
        if generation is None or blob is None:
            if held is not None:
                self.local.remove(token)
            return None
        if held is not None and held.generation == int(generation):
            return held  # this process owns it: it has every frame logged
        try:
            session = load(blob, self.key)
        except SnapshotError:
            return None
        replay(session, frames)
        session.generation = int(generation)
        self.local.keep(token, session)
        return session

    def attach(self, token: str, session: LiveSession) -> LiveSession | None:
        key = session_key(token)
        keys = [f"{key}:gen", f"{key}:snap", f"{key}:frames"]
        answer: Any = self._attach(keys=keys, args=[self.ttl_ms])
        if not answer:
            self.local.remove(token)
            return None
        generation, blob, frames = answer
        if blob is not None:  # the previous connection may have moved on since get()
            try:
                newer = load(blob, self.key)
            except SnapshotError:
                return None
            if newer.last_seq > session.last_seq or newer.finished:
                session = newer
        replay(session, frames)
        session.generation = int(generation)
        self.local.keep(token, session)
        self._snapped[token] = 0.0  # snapshot at the first frame
        return session

    def applied(self, token: str, session: LiveSession, frame: str | bytes | None) -> bool:
        now = time.monotonic()
        if frame is None or now - self._snapped.get(token, 0.0) >= SNAPSHOT_EVERY_S:
            return self.checkpoint(token, session)
        key = session_key(token)
        keys = [f"{key}:gen", f"{key}:frames"]
        return bool(self._push(keys=keys, args=[session.generation, frame, self.ttl_ms]))

    def checkpoint(self, token: str, session: LiveSession) -> bool:
        """Write ``session``'s snapshot (and empty its frame list) if its connection still owns
        it; whether it does."""
        key = session_key(token)
        blob = dump(session, self.key)
        keys = [f"{key}:gen", f"{key}:snap", f"{key}:frames"]
        owned = bool(self._snapshot(keys=keys, args=[session.generation, blob, self.ttl_ms]))
        self._snapped[token] = time.monotonic()
        return owned

    def release(self, token: str, session: LiveSession) -> None:
        if not session.finished:
            self.checkpoint(token, session)
        self._snapped.pop(token, None)

    def remove(self, token: str) -> None:
        key = session_key(token)
        self.client.delete(f"{key}:gen", f"{key}:snap", f"{key}:frames")
        self.local.remove(token)
        self._snapped.pop(token, None)

    def __len__(self) -> int:
        return len(self.local)


def live_store_for(broker_url: str, secret: str) -> LiveStore:
    """The live sessions of a web process: in Redis when the app runs with a Redis broker
    (``KINESENSE_BROKER_URL``, as the job queue), otherwise in this process's memory."""
    if not broker_url.startswith(("redis://", "rediss://", "unix://")):
        return MemoryLiveStore()
    import redis

    client = redis.Redis.from_url(
        broker_url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S
    )
    return RedisLiveStore(client, secret)
