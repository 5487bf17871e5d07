"""The clinic stack's job queue: Celery over Redis, running the embedded runner's job functions.

One task, :data:`TASK_NAME`, takes a job id; the job itself (kind, input, person) is the row the
web process created in the ``jobs`` table, and its progress, result or one-line failure reason
go back to that row, which the page polls, exactly as with the in-process runner.

Delivery is at least once, the effect exactly once:

* ``acks_late``: the message is acknowledged only when the task has returned, so a worker killed
  half-way (``kill -9``, out of memory) leaves it to be delivered again;
  ``task_reject_on_worker_lost`` puts it back at once when a pool process dies;
* a job already finished (done or failed) is not run again (:func:`run_job_once`);
* its history writes are kept once by the ``job_writes`` ledger (:mod:`kinesense.clinic.once`);
* a passing failure (:func:`~kinesense.clinic.failures.is_transient`: the database
  restarting, a lost connection, a race for the same write) is retried :data:`MAX_RETRIES`
  times, waiting :func:`backoff_s`; then the job fails with a one-line reason. Any other
  failure is recorded at once, as in the embedded runner.

A message that Redis handed out and that was never acknowledged (the whole worker killed, not
only its pool process) comes back after :data:`VISIBILITY_TIMEOUT_S` (the setting
``KINESENSE_BROKER_VISIBILITY_S``), once a worker is running again.
"""

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from celery import Celery
from sqlalchemy import Engine

from kinesense.clinic.failures import is_transient
from kinesense.clinic.once import OnceStore
from kinesense.errors import NotFoundError
from kinesense.jobs import JobRepository, execute, job_functions
from kinesense.store import Store

LOG = logging.getLogger("kinesense.clinic")

TASK_NAME = "kinesense.run_job"
QUEUE = "kinesense-jobs"
MAX_RETRIES = 5
"""How many times a job whose database went away is tried again before it fails."""
VISIBILITY_TIMEOUT_S = 3600
"""By default, how long Redis waits for an acknowledgement before handing a message out again
(longer than the longest analysis: an hour of video takes about 10 minutes at 55 fps on one
core)."""
GIVE_UP_REASON = "the database was unavailable while this job ran; please send the file again"


def backoff_s(retries: int) -> float:
    """Seconds before retry number ``retries + 1``: 1, 2, 4, 8, 16, at most 30."""
    return float(min(2**retries, 30))


def make_celery(broker_url: str, visibility_timeout_s: int = VISIBILITY_TIMEOUT_S) -> Celery:
    """A Celery app on ``broker_url`` (Redis) with the exactly-once settings, no result backend
    (results are in the ``jobs`` table) and :data:`TASK_NAME` registered; a message taken by a
    worker that vanished comes back after ``visibility_timeout_s``."""
    app = Celery("kinesense", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_default_queue=QUEUE,
        broker_transport_options={"visibility_timeout": visibility_timeout_s},
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=3,
        task_publish_retry_policy={
            "max_retries": 2,
            "interval_start": 0.2,
            "interval_step": 0.5,
            "interval_max": 1,
        },
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        enable_utc=True,
    )
    _register(app)
    return app


@dataclass(frozen=True)
class WorkerContext:
    """What a worker process runs jobs with (made once per process, after the fork)."""

    store: Store
    repository: JobRepository
    data_dir: Path


@cache
def worker_context() -> WorkerContext:
    """The settings' database (which must be migrated already: ``kinesense db upgrade``) and
    data folder, opened once in this process."""
    from kinesense.settings import load_settings
    from kinesense.store.engine import make_engine

    settings = load_settings()
    store = Store(settings.database)
    engine: Engine = make_engine(settings.database)
    return WorkerContext(store, JobRepository(engine), settings.data_dir)


def run_job_once(context: WorkerContext, job_id: str) -> str:
    """Run job ``job_id`` unless it already ended; returns its status. Raises what
    :func:`is_transient` calls passing (for the queue to retry)."""
    try:
        job = context.repository.get(job_id)
    except NotFoundError:
        LOG.warning("job %s is not in the database; dropped", job_id)
        return "missing"
    if job.finished:
        LOG.info("job %s already %s; not run again", job_id, job.status)
        return job.status
    store = OnceStore.around(context.store, job_id)
    functions = job_functions(context.data_dir, store)
    execute(context.repository, functions, job_id, retryable=is_transient)
    return context.repository.get(job_id).status


def give_up(context: WorkerContext, job_id: str, exc: BaseException) -> None:
    """Record that ``job_id`` failed after its last retry (logged if even that fails)."""
    LOG.error("job %s failed after %d retries", job_id, MAX_RETRIES, exc_info=exc)
    try:
        context.repository.fail(job_id, GIVE_UP_REASON)
    except Exception:
        LOG.exception("job %s: its failure could not be recorded", job_id)


def _register(app: Celery) -> None:
    @app.task(  # type: ignore[untyped-decorator]
        bind=True, name=TASK_NAME, acks_late=True, reject_on_worker_lost=True,
        max_retries=MAX_RETRIES,
    )  # fmt: skip
    def run_job(task: Any, job_id: str) -> str:
        context = worker_context()
        try:
            return run_job_once(context, job_id)
        except Exception as exc:
            if not is_transient(exc):
                raise
            if task.request.retries >= MAX_RETRIES:
                give_up(context, job_id, exc)
                return "failed"
            LOG.warning("job %s: %s; retrying", job_id, exc)
            raise task.retry(exc=exc, countdown=backoff_s(task.request.retries)) from None
