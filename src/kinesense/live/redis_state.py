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
* ``{key}:frames`` - the text of every frame applied since that snapshot (an ``RPUSH`` in a
  script), emptied by the next snapshot.

The connection does not wait for Redis: its writes go, in order, through one
:class:`Writer` thread per process that pipelines whatever is queued (a frame costs the event
loop a queue put; a snapshot, once a second, its pickle). A superseded connection learns it from
the writer's refused writes, one frame or so later.

A process asked to resume a token it does not hold (or holds at an older generation) loads the
snapshot and replays the frames after it: the coach is deterministic, so the session stands
exactly where the dead process left it. Keys are SHA-256 of the token (a dump of Redis holds no
usable token) and expire :data:`~kinesense.live.state.IDLE_EXPIRY_S` after the last write.
"""

import hashlib
import logging
import queue
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

from kinesense.clinic.runner import ServiceUnavailableError
from kinesense.live.protocol import FrameMessage, ProtocolError, parse_client
from kinesense.live.session import LiveSession
from kinesense.live.snapshot import SnapshotError, dump, load, snapshot_key
from kinesense.live.state import IDLE_EXPIRY_S, LiveStore, MemoryLiveStore

if TYPE_CHECKING:
    import redis

LOG = logging.getLogger(__name__)
PREFIX = "kinesense:live:"
"""Key prefix of live sessions in the broker's Redis (Celery's keys do not start with it)."""
SNAPSHOT_EVERY_S = 1.0
"""Seconds between snapshots of a session receiving frames (its frame list stays short)."""
REDIS_TIMEOUT_S = 2.0
"""A Redis that does not answer within this is treated as away."""
COMPLAIN_EVERY_S = 10.0
"""The writer logs a Redis that is away at most this often."""
BATCH_MAX = 512
"""Writes sent in one pipelined round trip at most."""
GATHER_S = 0.01
"""The writer sends what was queued every this many seconds (a third of a frame at 30 fps):
one round trip, and one moment of the writer holding the interpreter, for many frames; a
connection queueing a write never wakes a thread (that cost milliseconds under load)."""

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


LIVE_DOWN = "live sessions cannot be kept now (Redis is away); the page will try again"


@contextmanager
def reachable() -> Iterator[None]:
    """Redis's errors as :class:`ServiceUnavailableError` (the client may try again)."""
    import redis

    try:
        yield
    except redis.RedisError:
        LOG.warning("Redis is away for live sessions", exc_info=True)
        raise ServiceUnavailableError(LIVE_DOWN) from None


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


Write = tuple[str, int, Any, list[str], list[Any]]
"""A write for :class:`Writer`: token, generation, script, keys, arguments."""


class Writer(threading.Thread):
    """Sends a process's frame logs and snapshots to Redis off the event loop: the connection
    only queues a write (microseconds); this thread sends whatever is queued in one pipelined
    round trip, in order, and notes the (token, generation) pairs Redis refused (another
    connection owns the session now). A write still queued when the process is killed is lost
    like a frame still in the network: the client resends what follows ``ready.last_seq``."""

    def __init__(self, client: "redis.Redis") -> None:
        super().__init__(name="kinesense-live-redis", daemon=True)
        self.client = client
        self.queue: queue.SimpleQueue[Write | threading.Event] = queue.SimpleQueue()
        self.superseded: set[tuple[str, int]] = set()
        self.complained = -COMPLAIN_EVERY_S

    def run(self) -> None:
        while True:
            time.sleep(GATHER_S)  # polled, not woken: queueing a write wakes no thread
            batch: list[Write | threading.Event] = []
            while len(batch) < BATCH_MAX:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            writes = [item for item in batch if not isinstance(item, threading.Event)]
            try:
                self._send(writes)
            except Exception:  # Redis away: the sessions go on in memory; say so now and then
                if time.monotonic() - self.complained >= COMPLAIN_EVERY_S:
                    self.complained = time.monotonic()
                    LOG.exception("could not write %d live session updates to Redis", len(writes))
            for item in batch:
                if isinstance(item, threading.Event):
                    item.set()

    def _send(self, writes: list[Write]) -> None:
        if not writes:
            return
        with self.client.pipeline(transaction=False) as pipe:
            for _, _, script, keys, args in writes:
                script(keys=keys, args=args, client=pipe)
            answers = pipe.execute()
        for (token, generation, _, _, _), owned in zip(writes, answers, strict=True):
            if not owned:
                self.superseded.add((token, generation))

    def flush(self, timeout_s: float = REDIS_TIMEOUT_S) -> bool:
        """Wait until every write queued so far is sent; False after ``timeout_s``."""
        done = threading.Event()
        self.queue.put(done)
        return done.wait(timeout_s)


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
        self.writer = Writer(client)
        self.writer.start()

    def add(self, session: LiveSession) -> str:
        token = secrets.token_urlsafe(32)
        key = session_key(token)
        with reachable(), self.client.pipeline() as pipe:
            pipe.set(f"{key}:gen", session.generation, px=self.ttl_ms)
            pipe.set(f"{key}:snap", dump(session, self.key), px=self.ttl_ms)
            pipe.delete(f"{key}:frames")
            pipe.execute()
        self._snapped[token] = time.monotonic()
        self.local.keep(token, session)
        return token

    def get(self, token: str) -> LiveSession | None:
        key = session_key(token)
        with reachable(), self.client.pipeline() as pipe:  # MULTI/EXEC: as of one moment
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
        with reachable():
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
        if (token, session.generation) in self.writer.superseded:
            return False
        key = session_key(token)
        if frame is None or time.monotonic() - self._snapped.get(token, 0.0) >= SNAPSHOT_EVERY_S:
            blob = dump(session, self.key)  # now: the session moves on
            keys = [f"{key}:gen", f"{key}:snap", f"{key}:frames"]
            args = [session.generation, blob, self.ttl_ms]
            self.writer.queue.put((token, session.generation, self._snapshot, keys, args))
            self._snapped[token] = time.monotonic()
        else:
            keys, args = [f"{key}:gen", f"{key}:frames"], [session.generation, frame, self.ttl_ms]
            self.writer.queue.put((token, session.generation, self._push, keys, args))
        return True

    def checkpoint(self, token: str, session: LiveSession) -> bool:
        """Write ``session``'s snapshot (and empty its frame list) now, after the writes queued
        before it, if its connection still owns it; whether it does."""
        self.writer.flush()
        return self.write_snapshot(token, session)

    def write_snapshot(self, token: str, session: LiveSession) -> bool:
        """:meth:`checkpoint` without waiting for the queued writes (one round trip)."""
        key = session_key(token)
        blob = dump(session, self.key)
        keys = [f"{key}:gen", f"{key}:snap", f"{key}:frames"]
        with reachable():
            owned = bool(self._snapshot(keys=keys, args=[session.generation, blob, self.ttl_ms]))
        self._snapped[token] = time.monotonic()
        return owned

    def release(self, token: str, session: LiveSession) -> None:
        if not session.finished:
            with suppress(ServiceUnavailableError):  # logged; what Redis holds stays valid
                self.checkpoint(token, session)
        self._snapped.pop(token, None)
        self.writer.superseded.discard((token, session.generation))

    def remove(self, token: str) -> None:
        key = session_key(token)
        with reachable():
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
