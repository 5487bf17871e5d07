"""Exactly-once job writes (:mod:`kinesense.clinic.once`, :mod:`kinesense.clinic.queue`) on the
embedded database with a real force-plate recording: a job run again after a crash, or twice,
leaves one result; a finished job is not run again; the database itself refuses a second
copy; passing failures are told apart from a user's."""

from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from kinesense.clinic.failures import is_transient
from kinesense.clinic.once import OnceStore
from kinesense.clinic.queue import WorkerContext, backoff_s, run_job_once
from kinesense.errors import InputFileError
from kinesense.jobs import JobRepository, execute, job_functions
from kinesense.store import Store, StoreError
from kinesense.store.audit import JobWriteRow
from kinesense.store.engine import make_engine
from tests.clinic.jobs_support import (
    SWAY_FILE,
    add_person,
    assessment_count,
    create_job,
    sway_job_input,
)
from tests.conftest import shared_file


@pytest.fixture
def context(tmp_path: Path) -> WorkerContext:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    return WorkerContext(Store(url), JobRepository(make_engine(url)), data_dir)


def ledger_rows(store: Store, job_id: str) -> int:
    engine = make_engine(store.url)
    with Session(engine) as session:
        query = select(func.count()).select_from(JobWriteRow).where(JobWriteRow.job_id == job_id)
        count = int(session.scalar(query) or 0)
    engine.dispose()
    return count


def test_a_job_run_again_after_a_crash_keeps_one_result(
    context: WorkerContext, shared_data: Path
) -> None:
    person = add_person(context.store)
    job_input = sway_job_input(context.data_dir, shared_file(shared_data, SWAY_FILE), person)
    job = create_job(context.repository, job_input)
    # the first run saved its result, then its worker died before the job row said "done"
    first = job_functions(context.data_dir, OnceStore.around(context.store, job.id))["assess"]
    crashed = first(job.input, lambda fraction, stage: None)
    assert assessment_count(context.store, person) == 1
    assert context.repository.get(job.id).status == "queued"
    # the message comes back: the job runs again and finds its write
    assert run_job_once(context, job.id) == "done"
    done = context.repository.get(job.id)
    assert done.result == crashed
    assert done.result is not None
    assert done.result["test"] == "sway"
    assert assessment_count(context.store, person) == 1
    assert ledger_rows(context.store, job.id) == 1


def test_without_the_ledger_a_second_run_would_count_twice(
    context: WorkerContext, shared_data: Path
) -> None:
    """The control: the same job run twice on the plain store saves two results."""
    person = add_person(context.store)
    job_input = sway_job_input(context.data_dir, shared_file(shared_data, SWAY_FILE), person)
    assess = job_functions(context.data_dir, context.store)["assess"]
    ids = {assess(job_input, lambda fraction, stage: None)["record_id"] for _ in range(2)}
    assert len(ids) == 2
    assert assessment_count(context.store, person) == 2


def test_a_finished_job_is_not_run_again(context: WorkerContext, shared_data: Path) -> None:
    person = add_person(context.store)
    job_input = sway_job_input(context.data_dir, shared_file(shared_data, SWAY_FILE), person)
    job = create_job(context.repository, job_input)
    assert run_job_once(context, job.id) == "done"
    finished = context.repository.get(job.id)
    assert run_job_once(context, job.id) == "done"
    assert context.repository.get(job.id) == finished
    assert assessment_count(context.store, person) == 1


def test_a_failed_job_keeps_its_reason_and_is_not_run_again(
    context: WorkerContext, shared_data: Path
) -> None:
    person = add_person(context.store)
    job_input = sway_job_input(context.data_dir, shared_file(shared_data, SWAY_FILE), person)
    (context.data_dir / job_input["file"]).write_text("Seq,Time\n", encoding="utf-8")
    job = create_job(context.repository, job_input)
    assert run_job_once(context, job.id) == "failed"
    failed = context.repository.get(job.id)
    assert "standing.csv.gz" in failed.error
    assert "\n" not in failed.error
    assert str(context.data_dir) not in failed.error
    assert run_job_once(context, job.id) == "failed"
    assert assessment_count(context.store, person) == 0


def test_the_database_refuses_a_second_copy_of_a_write(
    context: WorkerContext, shared_data: Path
) -> None:
    person = add_person(context.store)
    job_input = sway_job_input(context.data_dir, shared_file(shared_data, SWAY_FILE), person)
    job = create_job(context.repository, job_input)
    assert run_job_once(context, job.id) == "done"
    engine = make_engine(context.store.url)
    with engine.connect() as connection:
        written = connection.execute(select(JobWriteRow.written_at)).scalar_one()
    copy = insert(JobWriteRow).values(
        job_id=job.id, seq=0, kind="assessment", record_id=999, written_at=written
    )
    with engine.begin() as connection, pytest.raises(IntegrityError):
        connection.execute(copy)
    engine.dispose()


def test_a_missing_job_is_dropped(context: WorkerContext) -> None:
    assert run_job_once(context, "0" * 32) == "missing"


def test_passing_failures_are_told_apart() -> None:
    lost = OperationalError("SELECT 1", {}, Exception("server closed the connection"))
    wrapped = StoreError("database x: server closed the connection")
    wrapped.__context__ = lost  # as `raise StoreError(...) from None` inside `except` leaves it
    wrapped.__suppress_context__ = True
    assert is_transient(wrapped)
    race = IntegrityError("INSERT INTO job_writes", {}, Exception("duplicate key"))
    assert is_transient(race)
    other = IntegrityError("INSERT INTO records", {}, Exception("foreign key"))
    assert not is_transient(other)
    assert not is_transient(InputFileError("standing.csv is empty"))
    assert [backoff_s(n) for n in range(7)] == [1, 2, 4, 8, 16, 30, 30]


def test_execute_raises_a_passing_failure_only_when_asked(
    context: WorkerContext, shared_data: Path
) -> None:
    """The embedded runner records every failure; the queue gets the passing ones back."""
    person = add_person(context.store)
    job_input = sway_job_input(context.data_dir, shared_file(shared_data, SWAY_FILE), person)

    def database_away(job_input: object, progress: object) -> dict[str, object]:
        raise StoreError("database x: connection refused") from OperationalError(
            "SELECT 1", {}, Exception("connection refused")
        )

    functions = {"assess": database_away}
    embedded = create_job(context.repository, job_input)
    execute(context.repository, functions, embedded.id)
    assert context.repository.get(embedded.id).error == "database x: connection refused"
    queued = create_job(context.repository, job_input)
    with pytest.raises(StoreError):
        execute(context.repository, functions, queued.id, retryable=is_transient)
    assert context.repository.get(queued.id).status == "running"  # left for the retry
