"""Fault tests on the real clinic stack on loopback (PostgreSQL, Redis, Celery workers, several
web processes): a worker killed during a job, PostgreSQL restarted under a load of check-ins,
an oversized upload, readiness. Real recordings throughout; skipped without the test servers
(``make pytest`` starts them)."""

import json
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kinesense.clinic.runner import QueueRunner
from kinesense.jobs import JobRecord, job_functions
from kinesense.store import Store
from kinesense.store.accounts import Accounts
from kinesense.store.audit import JobWriteRow
from kinesense.store.engine import make_engine
from tests.cli_runs import run_kinesense
from tests.clinic.jobs_support import (
    SWAY_FILE,
    VIDEO_FILE,
    assessment_count,
    video_job_input,
)
from tests.clinic.stack import (
    ROOT,
    Stack,
    browser,
    children,
    clinic_stack,
    cpu_ticks,
    jobs_of,
    make_account,
    needs_stack,
)
from tests.conftest import shared_file
from tests.store.postgres import POSTGRES_URL

pytestmark = needs_stack


@pytest.fixture
def stack(tmp_path: Path) -> Any:
    with clinic_stack(tmp_path) as started:
        yield started


def wait_for(stack: Stack, job_id: str, done: Any, timeout_s: float = 240) -> JobRecord:
    repository = jobs_of(stack)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = repository.get(job_id)
        if done(job):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} is still {repository.get(job_id)}; logs: {stack.logs}")


def job_writes(url: str, job_id: str) -> int:
    engine = make_engine(url)
    with Session(engine) as session:
        query = select(func.count()).select_from(JobWriteRow).where(JobWriteRow.job_id == job_id)
        count = int(session.scalar(query) or 0)
    engine.dispose()
    return count


def test_a_worker_killed_during_a_job_completes_it_exactly_once(
    stack: Stack, shared_data: Path
) -> None:
    workers = [stack.start_worker("worker1"), stack.start_worker("worker2")]
    stack.wait_for_workers(2)
    store = Store(stack.url)
    with store.transaction() as unit:
        person = unit.add_person("Ann").id
    runner = QueueRunner(jobs_of(stack), job_functions(stack.data_dir, store), stack.broker)
    job_input = video_job_input(stack.data_dir, shared_file(shared_data, VIDEO_FILE), person)
    job = runner.submit("assess", job_input, person_id=person)
    # the pose model is part-way through the video: the page sees progress
    running = wait_for(stack, job.id, lambda j: j.status == "running" and j.progress >= 0.2)
    busy = max((child for w in workers for child in children(w.pid)), key=cpu_ticks)
    os.kill(busy, signal.SIGKILL)
    done = wait_for(stack, job.id, lambda j: j.finished)
    assert done.status == "done", done.error
    assert running.started_at is not None
    assert done.started_at is not None
    assert done.started_at > running.started_at  # it ran again after the kill
    assert assessment_count(store, person) == 1
    assert job_writes(stack.url, job.id) == 1
    with store.transaction(write=False) as unit:
        (entry,) = [e for e in unit.history(person) if e.kind == "assessment"]
    assert done.result is not None
    assert done.result["record_id"] == entry.id
    assert done.result["test"] == "stance"
    assert all(w.poll() is None for w in workers)  # each worker replaced its pool process
    runner.shutdown()
    store.close()


def test_a_whole_worker_killed_during_a_job_completes_it_exactly_once(
    stack: Stack, shared_data: Path
) -> None:
    """The worker and its pool killed together (no one left to put the job back): the broker
    hands the job out again after the visibility timeout, to the next worker."""
    quick = {"KINESENSE_BROKER_VISIBILITY_S": "6"}
    first = stack.start_worker("worker1", **quick)
    stack.wait_for_workers(1)
    store = Store(stack.url)
    with store.transaction() as unit:
        person = unit.add_person("Ann").id
    runner = QueueRunner(jobs_of(stack), job_functions(stack.data_dir, store), stack.broker)
    job_input = video_job_input(stack.data_dir, shared_file(shared_data, VIDEO_FILE), person)
    job = runner.submit("assess", job_input, person_id=person)
    running = wait_for(stack, job.id, lambda j: j.status == "running" and j.progress >= 0.2)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    stack.start_worker("worker2", **quick)
    done = wait_for(stack, job.id, lambda j: j.finished, timeout_s=180)
    assert done.status == "done", done.error
    assert running.started_at is not None
    assert done.started_at is not None
    assert done.started_at > running.started_at
    assert assessment_count(store, person) == 1
    assert job_writes(stack.url, job.id) == 1
    runner.shutdown()
    store.close()


def restartable() -> bool:
    """Whether the test PostgreSQL is this project's ``scripts/postgres.sh`` server."""
    done = subprocess.run([str(ROOT / "scripts/postgres.sh"), "url"], capture_output=True,
                          text=True, check=False)  # fmt: skip
    return done.returncode == 0 and done.stdout.strip() == POSTGRES_URL


CLIENTS = 4
CHECKINS_EACH = 15


def check_in_until_saved(client: httpx.Client, person_id: int, seen: Counter[str],
                         lock: threading.Lock) -> None:  # fmt: skip
    """One check-in, sent again after each retryable answer, as a client should."""
    body = {"none": True, "pain_now": 3, "pain_week": 4}
    for _ in range(200):
        try:
            answer = client.post(f"/api/v1/people/{person_id}/checkins", json=body)
        except httpx.TransportError:
            with lock:
                seen["connection error"] += 1
            time.sleep(0.2)
            continue
        with lock:
            seen[str(answer.status_code)] += 1
        if answer.status_code == 201:
            return
        assert answer.status_code == 503, answer.text
        assert int(answer.headers["retry-after"]) > 0
        time.sleep(0.3)  # the header says 5 s; a test waits less
    raise AssertionError("a check-in was never saved")


def test_restarting_postgresql_under_check_ins_loses_none(stack: Stack) -> None:
    if not restartable():
        pytest.skip("the test PostgreSQL is not scripts/postgres.sh's: cannot restart it")
    engine = make_engine(stack.url)
    accounts = Accounts(engine)
    therapist = make_account(accounts, "therapist", "Theo")
    person = make_account(accounts, "person", "Ann", invited_by=therapist.id)
    assert person.person_id is not None
    env = os.environ | {"KINESENSE_DATABASE_URL": stack.url}
    assert run_kinesense("screen", "--person", str(person.person_id), "--none",
                         env=env).returncode == 0  # fmt: skip
    assert run_kinesense("plan", str(person.person_id), env=env).returncode == 0
    base = stack.start_web(processes=2)
    seen: Counter[str] = Counter()
    lock = threading.Lock()
    failures: list[BaseException] = []

    def client_run() -> None:
        with browser(stack, base, person) as client:
            try:
                for _ in range(CHECKINS_EACH):
                    check_in_until_saved(client, person.person_id or 0, seen, lock)
            except BaseException as exc:
                failures.append(exc)

    threads = [threading.Thread(target=client_run) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    while seen["201"] < CLIENTS * 2 and not failures:  # under way
        time.sleep(0.05)
    restarted = subprocess.run([str(ROOT / "scripts/postgres.sh"), "restart"],
                               capture_output=True, text=True, check=False)  # fmt: skip
    assert restarted.returncode == 0, restarted.stderr
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, failures[0]
    print(json.dumps(dict(seen)))
    assert seen["201"] == CLIENTS * CHECKINS_EACH
    assert seen["503"] + seen["connection error"] >= 1  # the restart was felt, and retried
    store = Store(stack.url)
    with store.transaction(write=False) as unit:
        assert len(unit.checkins(person.person_id)) == CLIENTS * CHECKINS_EACH
    store.close()
    engine.dispose()


def test_uploads_go_to_the_workers_and_an_oversized_one_is_refused(
    stack: Stack, shared_data: Path
) -> None:
    stack.start_worker("worker1")
    stack.wait_for_workers(1)
    engine = make_engine(stack.url)
    accounts = Accounts(engine)
    therapist = make_account(accounts, "therapist", "Theo")
    person = make_account(accounts, "person", "Ann", invited_by=therapist.id)
    base = stack.start_web(processes=2, KINESENSE_MAX_UPLOAD_MB="1")
    with browser(stack, base, therapist) as client:
        ready = client.get("/api/v1/ready")
        assert ready.json() == {"database": "postgresql", "broker": "redis", "workers": 1}
        sway = shared_file(shared_data, SWAY_FILE).read_bytes()
        answer = client.post(
            f"/api/v1/people/{person.person_id}/uploads", content=sway,
            params={"name": "standing.csv.gz", "test": "sway"},
            headers={"content-type": "application/octet-stream"},
        )  # fmt: skip
        assert answer.status_code == 202, answer.text
        done = wait_for(stack, answer.json()["id"], lambda j: j.finished, timeout_s=120)
        assert done.status == "done", done.error
        polled = client.get(f"/api/v1/jobs/{done.id}").json()
        assert polled["status"] == "done"
        video = shared_file(shared_data, "video/sports2d_demo.mp4").read_bytes()
        too_big = client.post(
            f"/api/v1/people/{person.person_id}/uploads", content=video,
            params={"name": "walk.mp4"}, headers={"content-type": "application/octet-stream"},
        )  # fmt: skip
        assert too_big.status_code == 413
        assert too_big.json() == {"detail": "walk.mp4 is larger than the 1 MB this server accepts"}
    assert len(jobs_of(stack).for_person(person.person_id or 0)) == 1
    engine.dispose()


def test_ready_counts_the_workers_that_answer(stack: Stack) -> None:
    first = stack.start_worker("worker1")
    stack.start_worker("worker2")
    stack.wait_for_workers(2)
    base = stack.start_web(processes=1)
    assert httpx.get(f"{base}/api/v1/ready").json() == {
        "database": "postgresql", "broker": "redis", "workers": 2}  # fmt: skip
    first.send_signal(signal.SIGTERM)
    first.wait(timeout=30)
    for process in stack.workers[1:]:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    answer = httpx.get(f"{base}/api/v1/ready")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert answer.json()["reason"].startswith("no job worker answers")
