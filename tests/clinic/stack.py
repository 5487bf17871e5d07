"""The clinic stack on loopback for the fault tests: the test PostgreSQL
(``KINESENSE_TEST_POSTGRES_URL``) and Redis (``KINESENSE_TEST_REDIS_URL``) that ``make pytest``
starts with ``scripts/postgres.sh`` and ``scripts/redis.sh``, Celery workers and web processes
started here as ``scripts/clinic.sh`` starts them. Without both variables the tests marked
:data:`needs_stack` are skipped."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from kinesense.clinic.queue import make_celery
from kinesense.jobs import JobRepository
from kinesense.store import Store
from kinesense.store.accounts import AccountRecord, Accounts
from kinesense.store.engine import make_engine
from kinesense.web.access import CONSENT_VERSION
from kinesense.web.security import CSRF_COOKIE, SESSION_COOKIE, csrf_token, new_token
from kinesense.web.state import INVITATION_LIFETIME, SESSION_LIFETIME
from tests.store.postgres import POSTGRES_URL, emptied_database
from tests.web.conftest import password_hash

REDIS_URL = os.environ.get("KINESENSE_TEST_REDIS_URL", "").strip()
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

needs_stack = pytest.mark.skipif(
    not (REDIS_URL and POSTGRES_URL),
    reason="KINESENSE_TEST_REDIS_URL and KINESENSE_TEST_POSTGRES_URL are not both set (make "
    "pytest starts Redis and PostgreSQL with scripts/redis.sh and scripts/postgres.sh)",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stop_process(process: subprocess.Popen[bytes], seconds: float = 20) -> None:
    """TERM the process group, then KILL it if it lingers."""
    if process.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux ``/proc``)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with suppress(OSError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


def serving_pid(master: int, server_port: int, client_port: int) -> int:
    """The web process holding the server end of the TCP connection from ``client_port``."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = (int(a.split(":")[1], 16) for a in fields[1:3])
        if local == server_port and remote == client_port:
            inodes.add(f"socket:[{fields[9]}]")
    for pid in children(master):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) in inodes:
                    return pid
            except OSError:
                continue
    raise AssertionError(f"no web process holds the connection from port {client_port}")


def cpu_ticks(pid: int) -> int:
    """User + system CPU time of ``pid`` so far, in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


@dataclass
class Stack:
    """An emptied, migrated database, an emptied broker, and the processes started on them."""

    url: str
    broker: str
    data_dir: Path
    logs: Path
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    webs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        return os.environ | {
            "KINESENSE_DATABASE_URL": self.url, "KINESENSE_BROKER_URL": self.broker,
            "KINESENSE_DATA_DIR": str(self.data_dir), "KINESENSE_SECRET_KEY": self.secret,
            "HOME": str(self.data_dir.parent),
        }  # fmt: skip

    def start_worker(self, name: str, **env: str) -> subprocess.Popen[bytes]:
        """A Celery worker (one pool process) as ``scripts/clinic.sh`` starts it, in a process
        group of its own."""
        log = (self.logs / f"{name}.log").open("ab")
        worker = subprocess.Popen(
            [str(BIN / "celery"), "-A", "kinesense.clinic.worker", "worker", "-n",
             f"{name}@%h", "--concurrency", "1", "--pool", "prefork", "--loglevel", "INFO",
             "--without-gossip", "--without-mingle"],
            env=self.env | env, stdout=log, stderr=log, start_new_session=True, cwd=ROOT,
        )  # fmt: skip
        self.workers.append(worker)
        return worker

    def wait_for_workers(self, count: int, timeout_s: float = 60) -> None:
        celery = make_celery(self.broker)
        deadline = time.monotonic() + timeout_s
        try:
            while time.monotonic() < deadline:
                answers = celery.control.inspect(timeout=1.0).ping() or {}
                if len(answers) >= count:
                    return
                time.sleep(0.2)
        finally:
            celery.close()
        raise AssertionError(f"fewer than {count} workers answered; see {self.logs}")

    def start_web(self, processes: int = 2, **env: str) -> str:
        """``processes`` web processes behind one address; returns it once ``/health`` is 200
        (``/ready`` also needs job workers)."""
        port = free_port()
        log = (self.logs / f"web-{port}.log").open("ab")
        web = subprocess.Popen(
            [str(BIN / "uvicorn"), "--factory", "kinesense.clinic.asgi:create_clinic_app",
             "--host", "127.0.0.1", "--port", str(port), "--workers", str(processes),
             "--log-level", "warning"],
            env=self.env | env, stdout=log, stderr=log, start_new_session=True, cwd=ROOT,
        )  # fmt: skip
        self.webs.append(web)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert web.poll() is None, f"the web processes died; see {self.logs}"
            with suppress(httpx.HTTPError):
                if httpx.get(f"{base}/api/v1/health", timeout=5).status_code == 200:
                    return base
            time.sleep(0.3)
        raise AssertionError(f"{base} never became ready; see {self.logs}")

    def stop(self) -> None:
        for process in [*self.webs, *self.workers]:
            stop_process(process)


@contextmanager
def clinic_stack(tmp_path: Path) -> Iterator[Stack]:
    """A :class:`Stack` on the test servers; every process stopped afterwards."""
    import redis

    url = emptied_database()
    Store(url, migrate=True).close()  # kinesense db upgrade
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    client.close()
    logs = tmp_path / "logs"
    logs.mkdir()
    stack = Stack(url, REDIS_URL, tmp_path / "data", logs)
    stack.data_dir.mkdir()
    try:
        yield stack
    finally:
        stack.stop()


def make_account(accounts: Accounts, role: str, name: str, invited_by: int | None = None
                 ) -> AccountRecord:  # fmt: skip
    """An account made through an invitation, as the pages do (people have consented)."""
    token = new_token()
    accounts.create_link(token, role, lifetime=INVITATION_LIFETIME, invited_by=invited_by,
                         name=name)  # fmt: skip
    email = f"{name.lower()}.{token[:6].lower()}@example.org"
    account = accounts.accept_link(token, email=email, name=name, password_hash=password_hash())
    if role == "person":
        accounts.record_consent(account.id, CONSENT_VERSION)
        account = accounts.get(account.id)
    return account


def browser(stack: Stack, base: str, account: AccountRecord) -> httpx.Client:
    """An HTTP client signed in as ``account``, with its CSRF token on every request."""
    engine = make_engine(stack.url)
    session = new_token()
    Accounts(engine).open_session(session, account.id, lifetime=SESSION_LIFETIME,
                                  address="127.0.0.1", user_agent="pytest")  # fmt: skip
    engine.dispose()
    csrf_cookie = secrets.token_urlsafe(16)
    token = csrf_token(stack.secret, csrf_cookie, session)
    return httpx.Client(
        base_url=base, timeout=30,
        cookies={SESSION_COOKIE: session, CSRF_COOKIE: csrf_cookie},
        headers={"x-csrf-token": token},
    )  # fmt: skip


def jobs_of(stack: Stack) -> JobRepository:
    return JobRepository(make_engine(stack.url))
