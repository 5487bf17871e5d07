"""Simulated clients against the clinic stack on loopback (``scripts/clinic.sh``: PostgreSQL,
Redis, one Celery worker, 1, 2 and 4 web processes behind one address).

Each client is a signed-in browser (its own thread and HTTP connection) that, without pause,
asks for a page view drawn at random among the pages a person and their therapist use most: the
person's page and API record, the journey (screening, plan, alerts), the caseload (therapist),
and every tenth request a weekly check-in (a write: the safety answers, pain; the plan is
reviewed). It reports, per number of web processes, requests a second, p50 and p95 latency (from
the request to the whole answer) and the error rate (any answer but 200/201, or no answer).

Together with the page views, ``N`` simulated live coaching sessions stream landmarks over the
live WebSocket at 30 frames/s (the clients of ``benchmarks/live_server.py``: a real recording's
landmarks, the squat after ``skip_setup``; on the clinic stack the sessions are kept in Redis),
for each ``N`` of ``--live``. Per number of web processes and ``N`` it reports the live frames'
server time and round trip (p50, p95, ms), the share of frames answered, the sessions that
failed, the page views' rate, p50/p95 and error rate, the CPU the web processes used (cores),
and whether the level passes as in ``live_server.py`` (server p95 < 5 ms, 95 % of the frames
answered, round-trip median < 20 ms). Live sessions per core = the largest passing ``N``
divided by the cores the web processes used at that level.

The machine's cores are shared with whatever else runs (the clients here too): the figures are
this machine's, at this moment; the load average is printed with them. Usage::

    .venv/bin/python benchmarks/clinic_load.py [--clients 8] [--seconds 15] [--webs 1 2 4]
        [--live 0 10 25 50] [--json]
"""

import argparse
import asyncio
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.live_server import (  # noqa: E402
    FPS,
    KEEP_UP,
    P95_TARGET_MS,
    QUEUE_LIMIT_MS,
    WARMUP_S,
    _session,
    landmark_frames,
)

CLINIC = ROOT / "scripts" / "clinic.sh"
PORT = 8765


@dataclass
class Tally:
    """What the clients saw in one run."""

    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies_s.append(seconds)
            self.errors += 0 if ok else 1


def clinic_env() -> dict[str, str]:
    """The settings ``clinic.sh`` wrote for its processes."""
    env: dict[str, str] = {}
    for line in (ROOT / ".cache/clinic/env").read_text().splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        env[key] = value.strip("'")
    return env


def sign_in(env: dict[str, str], base: str, clients: int) -> tuple[list[httpx.Client], int]:
    """A therapist and a screened person with a plan; ``clients`` browsers, half of them the
    person's, half the therapist's."""
    from kinesense.store.accounts import Accounts
    from kinesense.store.engine import make_engine
    from kinesense.web.access import CONSENT_VERSION
    from kinesense.web.passwords import hash_password
    from kinesense.web.security import CSRF_COOKIE, SESSION_COOKIE, csrf_token, new_token
    from kinesense.web.state import INVITATION_LIFETIME, SESSION_LIFETIME

    engine = make_engine(env["KINESENSE_DATABASE_URL"])
    accounts = Accounts(engine)
    made = []
    password = hash_password("a long benchmark password")
    for role, name, inviter in (("therapist", "Theo", None), ("person", "Ann", 0)):
        token = new_token()
        accounts.create_link(token, role, lifetime=INVITATION_LIFETIME, name=name,
                             invited_by=made[0].id if inviter is not None else None)  # fmt: skip
        account = accounts.accept_link(token, email=f"{name}.{token[:6]}@example.org".lower(),
                                       name=name, password_hash=password)  # fmt: skip
        if role == "person":
            accounts.record_consent(account.id, CONSENT_VERSION)
        made.append(accounts.get(account.id))
    therapist, person = made
    browsers = []
    for index in range(clients):
        account = person if index % 2 == 0 else therapist
        session = new_token()
        accounts.open_session(session, account.id, lifetime=SESSION_LIFETIME)
        cookie = secrets.token_urlsafe(16)
        browsers.append(httpx.Client(
            base_url=base, timeout=30, cookies={SESSION_COOKIE: session, CSRF_COOKIE: cookie},
            headers={"x-csrf-token": csrf_token(env["KINESENSE_SECRET_KEY"], cookie, session)},
        ))  # fmt: skip
    engine.dispose()
    pid = person.person_id
    assert pid is not None
    first = browsers[0]
    assert first.post(f"/api/v1/people/{pid}/screenings", json={"none": True}).status_code == 201
    assert first.post(f"/api/v1/people/{pid}/plan", json={}).status_code == 201
    return browsers, pid


def client_loop(client: httpx.Client, pid: int, tally: Tally, stop_at: float, seed: int) -> None:
    rng = random.Random(seed)
    pages = [f"/people/{pid}", f"/api/v1/people/{pid}", f"/api/v1/people/{pid}/journey",
             f"/api/v1/people/{pid}/plan", "/api/v1/caseload"]  # fmt: skip
    count = 0
    while time.monotonic() < stop_at:
        count += 1
        started = time.perf_counter()
        try:
            if count % 10 == 0:
                body = {"none": True, "pain_now": rng.randint(0, 10), "pain_week": 4}
                answer = client.post(f"/api/v1/people/{pid}/checkins", json=body)
                ok = answer.status_code == 201
            else:
                page = rng.choice(pages)
                answer = client.get(page)
                # a person is refused the caseload (403): that is the answer expected
                ok = answer.status_code == 200 or (page.endswith("caseload")
                                                   and answer.status_code == 403)  # fmt: skip
        except httpx.HTTPError:
            ok = False
        tally.add(time.perf_counter() - started, ok)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def web_pids() -> list[int]:
    """The uvicorn supervisor ``clinic.sh`` started and its web processes."""
    master = int((ROOT / ".cache/clinic/web.pid").read_text())
    found = [master]
    for task in Path(f"/proc/{master}/task").glob("*"):
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def cpu_s(pids: list[int]) -> float:
    """User + system CPU seconds of ``pids`` so far (those still running)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


async def live_streams(n: int, base: str, cookie: str, frames: list[list[float]],
                       seconds: float) -> dict[str, Any]:  # fmt: skip
    """``n`` live sessions at 30 fps (``live_server``'s client) through the stack's address."""
    trips: list[float] = []
    server: list[float] = []
    counts = [0]
    url = base.replace("http://", "ws://") + "/live/ws"
    outcomes = await asyncio.gather(
        *(_session(url, cookie, base, frames, seconds, trips, counts, server) for _ in range(n)),
        return_exceptions=True,
    )
    skip = n * int(WARMUP_S * FPS)
    kept, served = trips[skip:] or trips, server[skip:] or server
    due = n * int(seconds * FPS)
    return {
        "sessions": n, "failed": sum(isinstance(o, BaseException) for o in outcomes),
        "answered": round(counts[0] / due, 3) if due else 1.0,
        "server_p50_ms": round(float(np.percentile(served, 50)), 3) if served else None,
        "server_p95_ms": round(float(np.percentile(served, 95)), 3) if served else None,
        "trip_p50_ms": round(float(np.percentile(kept, 50)), 2) if kept else None,
        "trip_p95_ms": round(float(np.percentile(kept, 95)), 2) if kept else None,
    }  # fmt: skip


def pages(browsers: list[httpx.Client], pid: int, seconds: float) -> dict[str, Any]:
    """The page-view clients for ``seconds``: rate, latency and errors."""
    tally = Tally()
    stop_at = time.monotonic() + seconds
    threads = [threading.Thread(target=client_loop, args=(c, pid, tally, stop_at, i))
               for i, c in enumerate(browsers)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lat = tally.latencies_s
    return {
        "requests": len(lat), "per_second": round(len(lat) / seconds, 1),
        "p50_ms": round(1000 * statistics.median(lat), 1) if lat else None,
        "p95_ms": round(1000 * percentile(lat, 0.95), 1) if lat else None,
        "error_rate": round(tally.errors / max(len(lat), 1), 4),
    }  # fmt: skip


def live_process(n: int, base: str, cookie: str, frames: list[list[float]], seconds: float,
                 start_at: float) -> dict[str, Any]:  # fmt: skip
    """:func:`live_streams` in a process of its own (the page-view threads and the live clients
    would otherwise share one interpreter lock), starting at the wall-clock time ``start_at``."""
    time.sleep(max(0.0, start_at - time.time()))
    return asyncio.run(live_streams(n, base, cookie, frames, seconds))


def level(browsers: list[httpx.Client], pid: int, cookie: str, base: str, n: int,
          frames: list[list[float]], seconds: float) -> dict[str, Any]:  # fmt: skip
    """Page views and ``n`` live sessions at once; their figures and the web processes' CPU."""
    processes = web_pids()
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        start_at = time.time() + 8.0  # the live process imports kinesense meanwhile
        future = (
            pool.submit(live_process, n, base, cookie, frames, seconds, start_at) if n else None
        )
        time.sleep(max(0.0, start_at - time.time()))
        cpu0, wall0 = cpu_s(processes), time.perf_counter()
        page = pages(browsers, pid, seconds)
        live = future.result() if future is not None else {}
        cores = (cpu_s(processes) - cpu0) / (time.perf_counter() - wall0)
    passed = bool(n) and bool(live) and live["failed"] == 0 and (
        (live["server_p95_ms"] or 1e9) < P95_TARGET_MS and live["answered"] >= KEEP_UP
        and (live["trip_p50_ms"] or 1e9) < QUEUE_LIMIT_MS
    )  # fmt: skip
    return {"live": live or None, "pages": page, "web_cores_used": round(cores, 2),
            "passed": passed}  # fmt: skip


def run(webs: int, clients: int, seconds: float, levels: list[int]) -> dict[str, Any]:
    """One stack of ``webs`` web processes, every live level in turn."""
    env = os.environ | {"CLINIC_PORT": str(PORT), "CLINIC_WEB": str(webs), "CLINIC_WORKERS": "1"}
    started = subprocess.run([str(CLINIC), "start"], env=env, capture_output=True, text=True,
                             check=False)  # fmt: skip
    if started.returncode != 0:
        raise SystemExit(f"clinic.sh start failed:\n{started.stderr}")
    frames = landmark_frames() if any(levels) else []
    base = f"http://127.0.0.1:{PORT}"
    try:
        browsers, pid = sign_in(clinic_env(), base, clients)
        from kinesense.web.security import SESSION_COOKIE

        cookie = browsers[0].cookies[SESSION_COOKIE]  # the person's browser
        for client in browsers:  # warm-up: each connection's first page
            client.get(f"/api/v1/people/{pid}")
        rows = [level(browsers, pid, cookie, base, n, frames, seconds) | {"live_sessions": n}
                for n in levels]  # fmt: skip
        for client in browsers:
            client.close()
    finally:
        subprocess.run([str(CLINIC), "stop"], env=env, capture_output=True, check=False)
    passing = [r for r in rows if r["passed"]]
    best = max(passing, key=lambda r: r["live_sessions"], default=None)
    per_core = None
    if best is not None:
        per_core = round(best["live_sessions"] / max(best["web_cores_used"], 1e-9), 1)
    return {"web_processes": webs, "clients": clients, "seconds": seconds, "levels": rows,
            "most_live_sessions_passing": best["live_sessions"] if best else 0,
            "live_sessions_per_core": per_core, "load_average": os.getloadavg()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--webs", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--live", type=int, nargs="+", default=[0, 10, 25, 50])
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    print(f"load average before: {os.getloadavg()} on {os.cpu_count()} cores", file=sys.stderr)
    results = [run(webs, arguments.clients, arguments.seconds, arguments.live)
               for webs in arguments.webs]  # fmt: skip
    if arguments.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'web':>3} {'live':>4} {'answered':>8} {'srv p50':>7} {'srv p95':>7} {'trip p50':>8} "
          f"{'trip p95':>8} {'failed':>6} | {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'errors':>6} | {'cores':>5} pass")  # fmt: skip
    for result in results:
        for row in result["levels"]:
            live = row["live"] or {}
            page = row["pages"]
            print(f"{result['web_processes']:>3} {row['live_sessions']:>4} "
                  f"{live.get('answered', '-'):>8} {live.get('server_p50_ms', '-'):>7} "
                  f"{live.get('server_p95_ms', '-'):>7} {live.get('trip_p50_ms', '-'):>8} "
                  f"{live.get('trip_p95_ms', '-'):>8} {live.get('failed', '-'):>6} | "
                  f"{page['per_second']:>6} {page['p50_ms']:>7} {page['p95_ms']:>7} "
                  f"{page['error_rate']:>6.2%} | {row['web_cores_used']:>5} "
                  f"{'yes' if row['passed'] else 'no'}")  # fmt: skip
        print(
            f"{result['web_processes']} web: most live sessions passing "
            f"{result['most_live_sessions_passing']}, per core used "
            f"{result['live_sessions_per_core']}, load average {result['load_average']}"
        )


if __name__ == "__main__":
    main()
