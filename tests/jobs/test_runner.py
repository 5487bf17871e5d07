"""The job runner: status, progress and outcome in the database, whatever the job does."""

import logging
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from kinesense.errors import InputFileError, InvalidValueError
from kinesense.jobs import JobRepository, JobRunner, Progress, execute
from kinesense.jobs.runner import INTERRUPTED, ProgressWriter
from kinesense.store.engine import make_engine, migrate


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated throw-away SQLite database."""
    database = make_engine(f"sqlite:///{tmp_path / 'jobs.db'}")
    migrate(database)
    yield database
    database.dispose()


@pytest.fixture
def repository(engine: Engine) -> JobRepository:
    """The jobs table."""
    return JobRepository(engine)


def total(job_input: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
    """Adds the numbers, reporting after each one."""
    numbers = list(job_input["numbers"])
    running = 0
    for i, number in enumerate(numbers):
        running += number
        progress((i + 1) / len(numbers), f"added {i + 1} of {len(numbers)}")
    return {"total": running}


def refuse(job_input: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
    """Fails as a reader does on a bad file."""
    progress(0.5, "reading")
    raise InputFileError("walk.csv: no column named time")


def crash(job_input: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
    """A bug."""
    raise ZeroDivisionError("division by zero in secret/path.py")


FUNCTIONS = {"total": total, "refuse": refuse, "crash": crash}


def test_a_job_runs_to_done_with_its_result(repository: JobRepository) -> None:
    job = repository.create("total", {"numbers": [1, 2, 3, 4]}, person_id=None)
    assert (job.status, job.progress, job.result) == ("queued", 0.0, None)
    execute(repository, FUNCTIONS, job.id)
    done = repository.get(job.id)
    assert (done.status, done.progress, done.stage, done.result) == ("done", 1.0, "done",
                                                                     {"total": 10})  # fmt: skip
    assert done.error == ""
    assert done.started_at is not None
    assert done.finished_at is not None
    assert done.created_at <= done.started_at <= done.finished_at


def test_a_users_error_is_kept_as_the_clis_one_line_message(repository: JobRepository) -> None:
    job = repository.create("refuse", {})
    execute(repository, FUNCTIONS, job.id)
    failed = repository.get(job.id)
    assert (failed.status, failed.error, failed.result) == (
        "failed", "walk.csv: no column named time", None,
    )  # fmt: skip
    assert failed.progress == 0.5  # how far it got


def test_a_bug_is_logged_and_shown_without_details(
    repository: JobRepository, caplog: pytest.LogCaptureFixture
) -> None:
    job = repository.create("crash", {})
    with caplog.at_level(logging.ERROR, logger="kinesense.jobs"):
        execute(repository, FUNCTIONS, job.id)
    failed = repository.get(job.id)
    assert failed.status == "failed"
    assert failed.error == "internal error while running the crash job"
    assert "secret" not in failed.error
    assert "ZeroDivisionError" in caplog.text


def test_a_job_of_an_unknown_kind_fails(repository: JobRepository) -> None:
    job = repository.create("transcode", {})
    execute(repository, FUNCTIONS, job.id)
    assert repository.get(job.id).error == "this server cannot run jobs of kind 'transcode'"


def test_progress_is_clipped_to_0_1_and_nan_is_0(repository: JobRepository) -> None:
    job = repository.create("total", {})
    for given, stored in ((1.7, 1.0), (-0.2, 0.0), (float("nan"), 0.0), (0.25, 0.25)):
        repository.progress(job.id, given, "x")
        assert repository.get(job.id).progress == stored


def test_progress_writes_are_throttled_but_stages_always_written(
    repository: JobRepository,
) -> None:
    job = repository.create("total", {})
    write = ProgressWriter(repository, job.id, interval_s=3600)
    write(0.1, "reading")
    for i in range(50):
        write(0.1 + i / 100, "reading")  # within the interval: not written
    assert repository.get(job.id).progress == pytest.approx(0.1)
    write(0.7, "summarising")  # a new stage is written at once
    stored = repository.get(job.id)
    assert (stored.progress, stored.stage) == (pytest.approx(0.7), "summarising")
    fast = ProgressWriter(repository, job.id, interval_s=0.0)
    fast(0.8, "summarising")
    fast(0.9, "summarising")
    assert repository.get(job.id).progress == pytest.approx(0.9)


def test_the_runner_runs_jobs_in_threads_and_waits(repository: JobRepository) -> None:
    runner = JobRunner(repository, FUNCTIONS, workers=2)
    jobs = [
        runner.submit("total", {"numbers": list(range(n))}, person_id=None) for n in range(1, 9)
    ]
    assert runner.wait_idle(timeout_s=30)
    results = [repository.get(job.id).result for job in jobs]
    assert results == [{"total": n * (n - 1) // 2} for n in range(1, 9)]
    runner.shutdown()


def test_submit_refuses_an_unknown_kind_before_storing(repository: JobRepository) -> None:
    runner = JobRunner(repository, FUNCTIONS)
    with pytest.raises(InvalidValueError, match="unknown job kind 'nope'; known: crash, refuse"):
        runner.submit("nope", {})
    runner.shutdown()
    with pytest.raises(InvalidValueError, match="job workers must be 1 or more"):
        JobRunner(repository, FUNCTIONS, workers=0)


def test_jobs_left_by_a_stopped_server_are_failed_on_start(repository: JobRepository) -> None:
    queued = repository.create("total", {"numbers": [1]})
    running = repository.create("total", {"numbers": [1]})
    repository.start(running.id)
    finished = repository.create("total", {"numbers": [2]})
    execute(repository, FUNCTIONS, finished.id)
    runner = JobRunner(repository, FUNCTIONS)
    assert runner.recover() == 2
    assert repository.get(queued.id).error == INTERRUPTED
    assert repository.get(running.id).status == "failed"
    assert repository.get(finished.id).result == {"total": 2}
    runner.shutdown()


def test_a_job_blocked_mid_way_is_seen_running_by_a_poller(repository: JobRepository) -> None:
    gate, reached = threading.Event(), threading.Event()

    def slow(job_input: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
        progress(0.4, "halfway there")
        reached.set()
        gate.wait(10)
        return {"ok": True}

    runner = JobRunner(repository, {"slow": slow})
    job = runner.submit("slow", {})
    assert reached.wait(10)
    seen = repository.get(job.id)
    assert (seen.status, seen.progress, seen.stage) == ("running", 0.4, "halfway there")
    gate.set()
    assert runner.wait_idle(10)
    assert repository.get(job.id).status == "done"
    runner.shutdown()


def test_jobs_of_a_person_newest_first(repository: JobRepository, engine: Engine) -> None:
    from kinesense.store import Store

    with Store(str(engine.url)) as store, store.transaction() as unit:
        ann, bob = unit.add_person("Ann").id, unit.add_person("Bob").id
    first = repository.create("total", {}, person_id=ann)
    second = repository.create("total", {}, person_id=ann)
    repository.create("total", {}, person_id=bob)
    assert [j.id for j in repository.for_person(ann)] == [second.id, first.id]
