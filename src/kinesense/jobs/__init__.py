"""Background jobs: what runs after an upload (describing it now, analysing it next).

* :mod:`kinesense.jobs.runner` - job functions, :func:`execute` and the in-process
  :class:`JobRunner` (a small thread pool, the embedded default);
* :mod:`kinesense.jobs.repository` - the ``jobs`` table: status, progress 0-1, stage, result or
  a one-line failure reason, polled by pages;
* :mod:`kinesense.jobs.tasks` - the job functions by kind.

A Celery worker at clinic scale runs the same functions through :func:`execute`.
"""

from kinesense.jobs.repository import JobRecord, JobRepository
from kinesense.jobs.runner import JobFunction, JobRunner, Progress, execute
from kinesense.jobs.tasks import job_functions

__all__ = [
    "JobFunction",
    "JobRecord",
    "JobRepository",
    "JobRunner",
    "Progress",
    "execute",
    "job_functions",
]
