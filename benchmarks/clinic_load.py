"""Simulated clients against the clinic stack on loopback (``scripts/clinic.sh``: PostgreSQL,
Redis, one Celery worker, 1, 2 and 4 web processes behind one address).

Each client is a signed-in browser (its own thread and HTTP connection) that, without pause,
asks for a page view drawn at random among the pages a person and their therapist use most: the
person's page and API record, the journey (screening, plan, alerts), the caseload (therapist),
and every tenth request a weekly check-in (a write: the safety answers, pain; the plan is
reviewed). It reports, per number of web processes, requests a second, p50 and p95 latency (from
the request to the whole answer) and the error rate (any answer but 200/201, or no answer).

Landmark streams (the live WebSocket at 30 fps) come with the live-coaching branch; until it is
merged this benchmark has page views only and says so.

The machine's cores are shared with whatever else runs: the figures are this machine's, at this
moment. Usage::

    .venv/bin/python benchmarks/clinic_load.py [--clients 8] [--seconds 15] [--webs 1 2 4]
        [--json]
"""

import argparse
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
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


def run(webs: int, clients: int, seconds: float) -> dict[str, Any]:
    env = os.environ | {"CLINIC_PORT": str(PORT), "CLINIC_WEB": str(webs), "CLINIC_WORKERS": "1"}
    started = subprocess.run([str(CLINIC), "start"], env=env, capture_output=True, text=True,
                             check=False)  # fmt: skip
    if started.returncode != 0:
        raise SystemExit(f"clinic.sh start failed:\n{started.stderr}")
    try:
        browsers, pid = sign_in(clinic_env(), f"http://127.0.0.1:{PORT}", clients)
        tally = Tally()
        for client in browsers:  # warm-up: each connection's first page
            client.get(f"/api/v1/people/{pid}")
        stop_at = time.monotonic() + seconds
        threads = [threading.Thread(target=client_loop, args=(c, pid, tally, stop_at, i))
                   for i, c in enumerate(browsers)]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for client in browsers:
            client.close()
    finally:
        subprocess.run([str(CLINIC), "stop"], env=env, capture_output=True, check=False)
    lat = tally.latencies_s
    return {
        "web_processes": webs, "clients": clients, "seconds": seconds, "requests": len(lat),
        "per_second": round(len(lat) / seconds, 1),
        "p50_ms": round(1000 * statistics.median(lat), 1),
        "p95_ms": round(1000 * percentile(lat, 0.95), 1),
        "error_rate": round(tally.errors / max(len(lat), 1), 4),
        "landmark_streams": "not measured: the live WebSocket is not merged yet",
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--webs", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    results = [run(webs, arguments.clients, arguments.seconds) for webs in arguments.webs]
    if arguments.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'web':>4} {'clients':>7} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for r in results:
        print(f"{r['web_processes']:>4} {r['clients']:>7} {r['per_second']:>7} "
              f"{r['p50_ms']:>8} {r['p95_ms']:>8} {r['error_rate']:>7.2%}")  # fmt: skip
    print("landmark streams: not measured (the live WebSocket is not merged yet)", file=sys.stderr)


if __name__ == "__main__":
    main()
