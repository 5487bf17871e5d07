"""Running jobs: one job function per kind, executed by a small in-process thread pool.

A job function is a plain function ``(job_input, progress) -> result``: it takes its JSON input
and a :data:`Progress` callback (fraction 0-1 and a short stage text) and returns a JSON object.
It knows nothing of threads, databases or the web, so a Celery task at clinic scale runs the
same function through :func:`execute` (``execute(JobRepository(engine), functions, job_id)``).

A failure a user can fix (a :class:`kinesense.errors.KinesenseError`) is stored with exactly the
one-line message the command line prints; anything else is logged with its traceback and stored
as "internal error" without details, which stay in the server log.
"""

import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from kinesense.errors import InvalidValueError, KinesenseError
from kinesense.jobs.repository import JobRecord, JobRepository

LOG = logging.getLogger("kinesense.jobs")

Progress = Callable[[float, str], None]
"""The callback a job reports through: ``progress(fraction_0_to_1, stage_text)``."""

JobFunction = Callable[[Mapping[str, Any], Progress], dict[str, Any]]
"""A job: JSON input and a progress callback in, a JSON object out."""

INTERRUPTED = "the server stopped before this job finished; please send the file again"


class ProgressWriter:
    """A :data:`Progress` callback that writes to the database at most every ``interval_s``
    seconds (a new stage text is always written), so a job reporting every video frame does
    not turn into thousands of writes."""

    def __init__(self, repository: JobRepository, job_id: str, interval_s: float = 0.25) -> None:
        self._repository, self._job_id, self._interval_s = repository, job_id, interval_s
        self._last_time = float("-inf")
        self._last_stage: str | None = None

    def __call__(self, fraction: float, stage: str) -> None:
        now = time.monotonic()
        if stage != self._last_stage or now - self._last_time >= self._interval_s:
            self._repository.progress(self._job_id, fraction, stage)
            self._last_time, self._last_stage = now, stage


def execute(
    repository: JobRepository, functions: Mapping[str, JobFunction], job_id: str,
    retryable: Callable[[BaseException], bool] | None = None,
) -> None:  # fmt: skip
    """Run the stored job ``job_id`` to its end, recording its status, progress and outcome.

    Never raises for a failing job: the failure is what is recorded; except, when
    ``retryable`` is given (the clinic stack's queue), a failure it calls passing (the
    database restarting) is raised instead, for the queue to run the job again later."""
    job = repository.get(job_id)
    function = functions.get(job.kind)
    if function is None:
        repository.fail(job_id, f"this server cannot run jobs of kind {job.kind!r}")
        return
    repository.start(job_id)
    try:
        result = function(job.input, ProgressWriter(repository, job_id))
    except Exception as exc:
        if retryable is not None and retryable(exc):
            raise
        _record_failure(repository, job_id, job.kind, exc)
    else:
        repository.finish(job_id, result)


def _record_failure(repository: JobRepository, job_id: str, kind: str, exc: Exception) -> None:
    if isinstance(exc, KinesenseError):
        repository.fail(job_id, str(exc))
    else:
        LOG.error("job %s (%s) failed", job_id, kind, exc_info=exc)
        repository.fail(job_id, f"internal error while running the {kind} job")


class JobRunner:
    """The embedded job runner: ``workers`` threads in this process, status in the database.

    Meant for one web process (the embedded default). Several web processes share work through
    a Celery runner instead, calling :func:`execute` with the same functions.
    """

    def __init__(
        self, repository: JobRepository, functions: Mapping[str, JobFunction], workers: int = 1
    ) -> None:
        if workers < 1:
            raise InvalidValueError(f"job workers must be 1 or more; got {workers}")
        self.repository = repository
        self._functions = dict(functions)
        self.thread_count = workers
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ks-job")
        self._idle = threading.Condition()
        self._pending = 0

    @property
    def kinds(self) -> tuple[str, ...]:
        """The job kinds this runner knows."""
        return tuple(self._functions)

    def recover(self) -> int:
        """Fail the jobs a previous run of this server left unfinished; returns how many."""
        return self.repository.fail_unfinished(INTERRUPTED)

    def submit(
        self, kind: str, job_input: Mapping[str, Any], *, account_id: int | None = None,
        person_id: int | None = None,
    ) -> JobRecord:  # fmt: skip
        """Queue a job of ``kind``; returns its record (status ``queued``) at once."""
        if kind not in self._functions:
            known = ", ".join(sorted(self._functions))
            raise InvalidValueError(f"unknown job kind {kind!r}; known: {known}")
        job = self.repository.create(kind, job_input, account_id=account_id, person_id=person_id)
        with self._idle:
            self._pending += 1
        self._executor.submit(self._run, job.id)
        return job

    def _run(self, job_id: str) -> None:
        try:
            execute(self.repository, self._functions, job_id)
        except Exception:  # the database itself failed: nothing more can be recorded
            LOG.exception("job %s could not be run", job_id)
        finally:
            with self._idle:
                self._pending -= 1
                self._idle.notify_all()

    def wait_idle(self, timeout_s: float | None = None) -> bool:
        """Wait until no job is queued or running; False if ``timeout_s`` passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout_s)

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking jobs; with ``wait``, let the running ones finish."""
        self._executor.shutdown(wait=wait, cancel_futures=not wait)
