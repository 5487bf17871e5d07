"""How many live coaching sessions one server core carries at 30 frames/s.

The real web app (``kinesense.web.app.create_app`` under uvicorn, its ``/live/ws`` WebSocket,
the live service and the coaching engine) runs in a child process pinned to one CPU core; the
clients run in this process (pinned to another core when the machine has one), each a signed-in
person's WebSocket sending, at 30 frames/s as the live page does, the landmarks of a real
recording (the bundled sample clip ``single_leg_balance.mp4`` through the shipped lite model,
looped with increasing times, so that the engine's work is real), for the squat (a repetition
exercise) after ``skip_setup``.

For each number of concurrent sessions it reports:

* the **server time** of a frame, p50 and p95 in ms: from the message received to the answer
  ready (reading and validating it, the coaching engine, the answer built), as the server
  measures it (``step.server_ms``);
* the **round trip** of a frame (sent -> its ``step`` answer received), p50 and p95 in ms: that
  plus the loopback network, the queue of frames waiting for the server's core, and the
  clients' own scheduling (on a machine shared with other work, mostly the latter);
* the **server CPU per frame**: the server process's CPU time during the run divided by the
  frames it answered (ms), and the share of its core in use;
* whether the sessions kept up (frames answered / frames due at 30 fps).

A level passes when the p95 server time is under :data:`P95_TARGET_MS`, at least
:data:`KEEP_UP` of the frames due were answered, and the server kept up: the median round trip
stays under :data:`QUEUE_LIMIT_MS` (frames waiting for the core add to the round trip, not to the
server time, so a core past saturation shows there: a growing queue). The result is the
largest passing level (goal: at least :data:`GOAL_SESSIONS` sessions per core) and the p95 at
each level against the p95 of one session measured in the same run.

Usage::

    .venv/bin/python benchmarks/live_server.py [--levels 1 10 25 50 75 100] [--seconds 5] [--json]
"""

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

FPS = 30.0
P95_TARGET_MS = 5.0
KEEP_UP = 0.95
QUEUE_LIMIT_MS = 20.0
GOAL_SESSIONS = 50
WARMUP_S = 1.0
EXERCISE = "squat"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def prepare(folder: Path) -> str:
    """A database in ``folder`` with a screened person signed in; their session cookie."""
    from kinesense.services.screening import run_screening
    from kinesense.web.access import CONSENT_VERSION
    from kinesense.web.auth import open_session
    from kinesense.web.passwords import hash_password
    from kinesense.web.security import new_token
    from kinesense.web.state import INVITATION_LIFETIME, open_state

    state = open_state(config(folder))
    try:
        token = new_token()
        state.accounts.create_link(token, "person", lifetime=INVITATION_LIFETIME, name="Bench")
        account = state.accounts.accept_link(
            token, email="bench@example.org", name="Bench", password_hash=hash_password(token)
        )
        state.accounts.record_consent(account.id, CONSENT_VERSION)
        run_screening({}, store=state.store, person=str(account.person_id))
        return open_session(state, account, "127.0.0.1", "benchmark").token
    finally:
        state.close()


def config(folder: Path) -> Any:
    """The web settings of the benchmark's database."""
    from kinesense.web.config import WebConfig

    return WebConfig(database_url=f"sqlite:///{folder / 'kinesense.db'}", data_dir=folder / "data",
                     secret_key="benchmark-secret")  # fmt: skip


def serve(folder: Path, port: int, pin: bool = True) -> None:
    """The web app on ``port`` (the child process), on CPU core 0 only when ``pin``."""
    import uvicorn

    from kinesense.web.app import create_app

    if pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    uvicorn.run(create_app(config(folder)), host="127.0.0.1", port=port, log_level="warning",
                ws="websockets")  # fmt: skip


def start_server(folder: Path, pin: bool = True) -> tuple[subprocess.Popen[str], int]:
    """:func:`serve` in a child process, once it answers; the process and its port."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve" if pin else "--serve-anywhere", str(folder),
         str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server, port
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("the server did not start") from None
            time.sleep(0.1)


def landmark_frames(limit: int = 300) -> list[list[float]]:
    """The sample clip's landmarks (lite model), packed as the live page packs them."""
    from kinesense.capture.extract import extract_video
    from kinesense.sample import sample_video_path

    series = extract_video(sample_video_path(), model="lite").series
    frames = []
    for i in range(min(limit, len(series.time_s))):
        if not series.detected[i]:
            continue
        grid = np.column_stack(
            [np.round(series.image_xyz[i], 5), np.round(series.visibility[i], 4)]
        )
        frames.append([float(v) for v in grid.ravel()])
    return frames


def frame_message(seq: int, landmarks_json: str) -> str:
    """The ``frame`` message of frame ``seq`` (time from the 30 fps clock), its landmarks
    already JSON-encoded: the text ``json.dumps`` would give, made without encoding the 132
    numbers again for every message (the clients share one core; the server is measured)."""
    return (
        f'{{"type": "frame", "seq": {seq}, "t": {round(seq * 1000 / FPS)}, "lm": {landmarks_json}}}'
    )


async def _session(
    url: str, cookie: str, origin: str, frames: list[str], seconds: float,
    trips: list[float], counts: list[int], server: list[float],
) -> None:  # fmt: skip
    import websockets

    headers = {"Cookie": f"ks_session={cookie}", "Origin": origin}
    async with websockets.connect(url, additional_headers=headers, max_queue=None) as ws:
        start = {"type": "start", "v": 1, "exercise": EXERCISE, "width": 640, "height": 360}
        await ws.send(json.dumps(start))
        json.loads(await ws.recv())
        await ws.send('{"type":"skip_setup"}')
        sent: dict[int, float] = {}
        total = int(seconds * FPS)

        async def read() -> None:
            for _ in range(total):
                answer = json.loads(await ws.recv())
                trips.append((time.perf_counter() - sent.pop(answer["seq"])) * 1000)
                server.append(answer["server_ms"])
                counts[0] += 1

        reader = asyncio.create_task(read())
        began = time.perf_counter() + np.random.default_rng().uniform(0, 1 / FPS)
        for seq in range(total):
            await asyncio.sleep(max(0.0, began + seq / FPS - time.perf_counter()))
            message = frame_message(seq, frames[seq % len(frames)])
            sent[seq] = time.perf_counter()
            await ws.send(message)
        try:
            await asyncio.wait_for(reader, timeout=5.0)
        except TimeoutError:
            reader.cancel()


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _level(
    n: int, url: str, cookie: str, origin: str, frames: list[str], seconds: float,
    server_pid: int,
) -> dict[str, Any]:  # fmt: skip
    trips: list[float] = []
    server: list[float] = []
    counts = [0]
    cpu0, wall0 = _cpu_s(server_pid), time.perf_counter()
    await asyncio.gather(
        *(_session(url, cookie, origin, frames, seconds, trips, counts, server) for _ in range(n))
    )
    cpu, wall = _cpu_s(server_pid) - cpu0, time.perf_counter() - wall0
    skip = n * int(WARMUP_S * FPS)  # start-up left out
    kept, served = trips[skip:] or trips, server[skip:] or server
    due = n * int(seconds * FPS)
    p50, p95 = (float(np.percentile(served, q)) if served else float("nan") for q in (50, 95))
    r50, r95 = (float(np.percentile(kept, q)) if kept else float("nan") for q in (50, 95))
    answered = counts[0] / due if due else 0.0
    return {
        "sessions": n,
        "frames": counts[0],
        "answered": round(answered, 3),
        "p50_ms": round(p50, 3),
        "p95_ms": round(p95, 3),
        "round_trip_p50_ms": round(r50, 3),
        "round_trip_p95_ms": round(r95, 3),
        "server_cpu_ms_per_frame": round(1000 * cpu / max(counts[0], 1), 3),
        "server_core_used": round(cpu / wall, 3),
        "passed": bool(p95 < P95_TARGET_MS and answered >= KEEP_UP and r50 < QUEUE_LIMIT_MS),
    }


def run(
    levels: Sequence[int] = (1, 10, 25, 50, 75, 100),
    seconds: float = 5.0,
    out: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Run every level against one server process; the figures (and a table through ``out``)."""
    frames = [json.dumps(landmarks) for landmarks in landmark_frames()]
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        cookie = prepare(folder)
        server, port = start_server(folder)
        try:
            if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
                os.sched_setaffinity(0, {1})
            url, origin = f"ws://127.0.0.1:{port}/live/ws", f"http://127.0.0.1:{port}"
            rows = [
                asyncio.run(_level(n, url, cookie, origin, frames, seconds, server.pid))
                for n in levels
            ]
        finally:
            server.terminate()
            server.wait(timeout=30)
    single = rows[0]["p95_ms"] if rows and rows[0]["sessions"] == 1 else float("nan")
    for row in rows:
        row["p95_vs_one"] = round(row["p95_ms"] / single, 2) if single == single else None
    passing = [row["sessions"] for row in rows if row["passed"]]
    figures = {"fps": FPS, "target_p95_ms": P95_TARGET_MS, "seconds": seconds,
               "levels": rows, "max_sessions_per_core": max(passing, default=0),
               "goal": GOAL_SESSIONS}  # fmt: skip
    out(f"{'sessions':>8} {'answered':>8} {'p50 ms':>7} {'p95 ms':>7} {'x one':>6} "
        f"{'trip p50':>8} {'trip p95':>8} {'cpu ms/frame':>12} {'core':>5} pass")  # fmt: skip
    for row in rows:
        out(f"{row['sessions']:>8} {row['answered']:>8.3f} {row['p50_ms']:>7.2f} "
            f"{row['p95_ms']:>7.2f} {row['p95_vs_one'] or 0:>6.2f} "
            f"{row['round_trip_p50_ms']:>8.1f} {row['round_trip_p95_ms']:>8.1f} "
            f"{row['server_cpu_ms_per_frame']:>12.3f} {row['server_core_used']:>5.2f} "
            f"{'yes' if row['passed'] else 'no'}")  # fmt: skip
    out(f"most sessions on one core with p95 < {P95_TARGET_MS:g} ms at {FPS:g} fps: "
        f"{figures['max_sessions_per_core']} (goal {GOAL_SESSIONS})")  # fmt: skip
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (``--serve FOLDER PORT`` is the child process)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] in (["--serve"], ["--serve-anywhere"]):
        serve(Path(arguments[1]), int(arguments[2]), pin=arguments[0] == "--serve")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 10, 25, 50, 75, 100])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(arguments)
    figures = run(args.levels, args.seconds, out=(lambda _: None) if args.json else print)
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
