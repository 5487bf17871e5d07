"""The web process's side of the clinic stack's queue: :class:`QueueRunner` creates the job row
and sends the job id to Celery; workers run it (:mod:`kinesense.clinic.queue`).

:func:`make_runner` chooses: with a broker URL (``KINESENSE_BROKER_URL``) the queue, otherwise
the embedded in-process :class:`~kinesense.jobs.JobRunner`, unchanged.
"""

import time
from collections.abc import Mapping
from typing import Any

from kinesense.errors import InvalidValueError, KinesenseError
from kinesense.jobs import JobFunction, JobRecord, JobRepository, JobRunner

QUEUE_DOWN_REASON = "the job queue is unavailable; please send the file again in a minute"
RETRY_AFTER_S = 5
"""What a client is told to wait (``Retry-After``) when the database or the queue is away."""


class ServiceUnavailableError(KinesenseError):
    """The database or the job queue cannot be reached now; trying again later may work."""

    http_status = 503
    retry_after_s = RETRY_AFTER_S


class QueueRunner(JobRunner):
    """Jobs for Celery workers: the same interface as the in-process runner (``submit``,
    ``repository``, ``kinds``), no threads here. Jobs left unfinished are not failed when a web
    process starts: workers may be running them, and a lost one comes back from the broker."""

    def __init__(  # no super().__init__: this runner has no thread pool
        self, repository: JobRepository, functions: Mapping[str, JobFunction], broker_url: str
    ) -> None:
        from kinesense.clinic.queue import make_celery  # Celery only where a broker is set

        self.repository = repository
        self._functions = dict(functions)
        self.thread_count = 0
        self.celery = make_celery(broker_url)

    def recover(self) -> int:
        """Nothing to recover here (see the class docstring)."""
        return 0

    def submit(
        self, kind: str, job_input: Mapping[str, Any], *, account_id: int | None = None,
        person_id: int | None = None,
    ) -> JobRecord:  # fmt: skip
        """Create the job (status ``queued``) and send it to the workers;
        :class:`ServiceUnavailableError` (the job recorded as failed) if the broker is away."""
        from kinesense.clinic.queue import TASK_NAME

        if kind not in self._functions:
            known = ", ".join(sorted(self._functions))
            raise InvalidValueError(f"unknown job kind {kind!r}; known: {known}")
        job = self.repository.create(kind, job_input, account_id=account_id, person_id=person_id)
        try:
            self.celery.send_task(TASK_NAME, args=[job.id])
        except Exception:
            self.repository.fail(job.id, QUEUE_DOWN_REASON)
            raise ServiceUnavailableError(QUEUE_DOWN_REASON) from None
        return job

    def wait_idle(self, timeout_s: float | None = None) -> bool:
        """Wait until no job is queued or running anywhere; False if ``timeout_s`` passed."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while self.repository.count_unfinished():
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.2)
        return True

    def shutdown(self, wait: bool = True) -> None:
        """Release the broker connections (running jobs belong to the workers)."""
        self.celery.close()


def make_runner(
    repository: JobRepository, functions: Mapping[str, JobFunction], *, workers: int,
    broker_url: str,
) -> JobRunner:  # fmt: skip
    """The queue when ``broker_url`` is set, else the in-process runner with ``workers``
    threads."""
    if broker_url:
        return QueueRunner(repository, functions, broker_url)
    return JobRunner(repository, functions, workers=workers)
