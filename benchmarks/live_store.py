"""What keeping live sessions in Redis (:mod:`kinesense.live.redis_state`, the clinic stack)
adds to a frame, and what a takeover by another web process costs.

One live squat session (after ``skip_setup``) is fed the landmarks of a real recording (the
bundled sample clip through the shipped lite model, as ``benchmarks/live_server.py`` sends them,
looped with increasing times) at 30 frames/s for ``--seconds``. Each frame is coached
(:meth:`LiveSession.feed`, the baseline measured in the same run) and then noted by the store
(:meth:`LiveStore.applied`): for :class:`MemoryLiveStore` nothing, for :class:`RedisLiveStore`
the frame queued for its writer thread (a Lua script appends it) or, once a second, a signed
snapshot pickled and queued. It prints:

* the store's time per frame, p50 / p95 / p99 / mean in microseconds, for both stores, and the
  Redis store's p50 as a share of the engine's p50;
* the snapshot: size in bytes, time to sign and pickle it, time to write it (pickle and one
  round trip; p50 / p95);
* the writer's lag at the end: how long the last queued writes took to reach Redis;
* the takeover: another store (another web process) ``get`` + ``attach`` of the session after
  ``--seconds`` of frames (snapshot loaded, frames since it replayed), p50 / p95 in ms.

Redis is the one in ``KINESENSE_TEST_REDIS_URL`` or ``--redis URL``; otherwise
``scripts/redis.sh`` starts a throw-away one (stopped at the end). The machine's cores are
shared: the figures are this machine's, now. Usage::

    .venv/bin/python benchmarks/live_store.py [--seconds 20] [--redis URL] [--json]
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.live_server import EXERCISE, FPS, landmark_frames  # noqa: E402

from kinesense.live.protocol import parse_client  # noqa: E402

SECRET = "benchmark secret shared by the web processes"
TAKEOVERS = 20
REPLAYED = int(FPS / 2)
"""Frames logged since the last snapshot at a takeover (half the snapshot interval)."""


def frame_text(seq: int, frames: list[list[float]]) -> str:
    """Frame ``seq`` as the live page sends it, the recording looped with increasing times."""
    return json.dumps({"type": "frame", "seq": seq, "t": round(seq * 1000 / FPS),
                       "lm": frames[seq % len(frames)]})  # fmt: skip


def percentiles(values: list[float], scale: float) -> dict[str, float]:
    """p50, p95, p99 and mean of ``values`` times ``scale``, rounded."""
    array = np.asarray(values) * scale
    return {
        "p50": round(float(np.percentile(array, 50)), 1),
        "p95": round(float(np.percentile(array, 95)), 1),
        "p99": round(float(np.percentile(array, 99)), 1),
        "mean": round(float(array.mean()), 1),
    }


def stream(store: Any, frames: list[list[float]], seconds: float) -> dict[str, Any]:
    """One paced session through ``store``: engine and store times per frame (s), its token."""
    from kinesense.exercises import load_exercise
    from kinesense.live.session import LiveSession

    session = LiveSession(load_exercise(EXERCISE), (640, 360), person_id=1, account_id=1)
    token = store.add(session)
    session.skip_setup()
    store.applied(token, session, None)
    engine, noted = [], []
    began = time.perf_counter()
    for seq in range(int(seconds * FPS)):
        time.sleep(max(0.0, began + seq / FPS - time.perf_counter()))
        text = frame_text(seq, frames)
        t0 = time.perf_counter()
        step = session.feed(parse_client(text))  # type: ignore[arg-type]
        t1 = time.perf_counter()
        assert store.applied(token, session, None if step.get("dup") else text)
        t2 = time.perf_counter()
        engine.append(t1 - t0)
        noted.append(t2 - t1)
    return {"engine": engine, "noted": noted, "token": token, "session": session}


def measure(redis_url: str, seconds: float) -> dict[str, Any]:
    import redis

    from kinesense.live.redis_state import RedisLiveStore
    from kinesense.live.snapshot import dump, snapshot_key
    from kinesense.live.state import MemoryLiveStore

    frames = landmark_frames()
    client = redis.Redis.from_url(redis_url)
    memory = stream(MemoryLiveStore(), frames, seconds)
    shared = RedisLiveStore(client, SECRET)
    run = stream(shared, frames, seconds)
    flushed = time.perf_counter()
    assert shared.writer.flush()
    lag = time.perf_counter() - flushed
    session, token = run["session"], run["token"]

    key = snapshot_key(SECRET)
    dumps, writes = [], []
    for _ in range(50):
        t0 = time.perf_counter()
        blob = dump(session, key)
        t1 = time.perf_counter()
        shared.write_snapshot(token, session)
        writes.append(time.perf_counter() - t1)
        dumps.append(t1 - t0)

    takeovers = []
    owner = shared
    for _ in range(TAKEOVERS):
        # half a second of frames logged since the last snapshot, as at a crash on average
        owner.checkpoint(token, session)
        for seq in range(session.last_seq + 1, session.last_seq + 1 + REPLAYED):
            text = frame_text(seq, frames)
            session.feed(parse_client(text))  # type: ignore[arg-type]
            assert owner.applied(token, session, text)
        assert owner.writer.flush()  # what a killed process had sent
        other = RedisLiveStore(client, SECRET)  # a process that never held it
        t0 = time.perf_counter()
        found = other.get(token)
        taken = other.attach(token, found) if found is not None else None
        takeovers.append(time.perf_counter() - t0)
        assert taken is not None
        assert taken.last_seq == session.last_seq
        owner, session = other, taken
    shared.remove(token)
    client.close()
    return {
        "seconds": seconds,
        "fps": FPS,
        "frames": len(run["noted"]),
        "engine_us": percentiles(run["engine"], 1e6),
        "memory_store_us": percentiles(memory["noted"], 1e6),
        "redis_store_us": percentiles(run["noted"], 1e6),
        "redis_p50_vs_engine_p50": round(
            float(np.median(run["noted"]) / np.median(run["engine"])), 3
        ),
        "writer_lag_at_end_ms": round(lag * 1e3, 2),
        "snapshot_bytes": len(blob),
        "snapshot_dump_ms": percentiles(dumps, 1e3),
        "snapshot_write_ms": percentiles(writes, 1e3),
        "takeover_ms": percentiles(takeovers, 1e3),
        "takeover_frames_replayed": REPLAYED,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--redis", default=os.environ.get("KINESENSE_TEST_REDIS_URL", ""))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    url, started = args.redis, False
    if not url:
        url = subprocess.run([str(ROOT / "scripts/redis.sh"), "start"], check=True,
                             capture_output=True, text=True).stdout.strip()  # fmt: skip
        started = True
    try:
        figures = measure(url, args.seconds)
    finally:
        if started:
            subprocess.run([str(ROOT / "scripts/redis.sh"), "stop"], check=False)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"{figures['frames']} frames at {FPS:g} fps; microseconds per frame:")
    for name in ("engine_us", "memory_store_us", "redis_store_us"):
        row = figures[name]
        print(f"  {name[:-3]:<13} p50 {row['p50']:>8} p95 {row['p95']:>8} p99 {row['p99']:>8} "
              f"mean {row['mean']:>8}")  # fmt: skip
    print(f"  redis store p50 / engine p50: {figures['redis_p50_vs_engine_p50']}")
    print(f"writer lag at the end: {figures['writer_lag_at_end_ms']} ms")
    print(f"snapshot: {figures['snapshot_bytes']} bytes, dump {figures['snapshot_dump_ms']} ms, "
          f"write {figures['snapshot_write_ms']} ms")  # fmt: skip
    print(f"takeover by another process ({figures['takeover_frames_replayed']} frames "
          f"replayed): {figures['takeover_ms']} ms")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
