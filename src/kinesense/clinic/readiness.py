"""Whether this web process can serve: its database answers, and its job queue has workers.

:func:`readiness` gives ``{"database": "sqlite"|"postgresql", "broker": "in-process"|"redis",
"workers": N}`` and, when something is down, ``"reason"``: one line naming what (the web app
answers 503 then, see ``GET /api/v1/ready``). Embedded: ``workers`` is the in-process runner's
thread count. Clinic stack: the Celery workers that answered a ping within
:data:`PING_TIMEOUT_S`; none answering is not ready (uploads would wait forever).
"""

from dataclasses import dataclass

from sqlalchemy import Engine, text

from kinesense.jobs import JobRunner
from kinesense.store.engine import first_line

PING_TIMEOUT_S = 1.0


@dataclass(frozen=True)
class Readiness:
    """What :func:`readiness` found; ``reason`` is empty when everything answers."""

    database: str
    broker: str
    workers: int
    reason: str = ""

    @property
    def ready(self) -> bool:
        """Whether the database and the job queue both answer."""
        return not self.reason


def database_problem(engine: Engine) -> str:
    """ "" when ``SELECT 1`` works, else one line saying why not."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        return f"the database does not answer: {first_line(exc)}"
    return ""


def queue_state(runner: JobRunner) -> tuple[str, int, str]:
    """(broker name, workers, problem) of ``runner``."""
    from kinesense.clinic.runner import QueueRunner

    if not isinstance(runner, QueueRunner):
        return "in-process", runner.thread_count, ""
    try:
        with runner.celery.connection_for_read() as connection:
            connection.ensure_connection(max_retries=1, timeout=PING_TIMEOUT_S)
    except Exception as exc:
        return "redis", 0, f"the job broker does not answer: {' '.join(str(exc).split())}"
    try:
        answers = runner.celery.control.inspect(timeout=PING_TIMEOUT_S).ping() or {}
    except Exception as exc:
        return "redis", 0, f"the job workers cannot be asked: {' '.join(str(exc).split())}"
    if not answers:
        return "redis", 0, "no job worker answers (start them: scripts/clinic.sh start)"
    return "redis", len(answers), ""


def readiness(engine: Engine, runner: JobRunner) -> Readiness:
    """The database's and the job queue's state (see the module docstring)."""
    problem = database_problem(engine)
    broker, workers, queue_problem = queue_state(runner)
    return Readiness(engine.dialect.name, broker, workers, problem or queue_problem)
