"""Which failures pass: a database restarting or a connection lost is worth trying again (the
queue retries the job, the web app answers 503 with ``Retry-After``); anything else is a user's
error or a bug. Free of Celery, so that the embedded web app does not import it."""

from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError


def causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it was raised from or during, outermost first."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it was raised from) is a database failure that passes: a
    connection lost or refused (``OperationalError``, ``InterfaceError``) or two runs of one
    job racing for the same ``job_writes`` row."""
    for link in causes(exc):
        if isinstance(link, (OperationalError, InterfaceError)):
            return True
        if isinstance(link, IntegrityError) and "job_writes" in str(link):
            return True
        if type(link).__module__.startswith("psycopg") and type(link).__name__ in (
            "OperationalError", "InterfaceError",
        ):  # fmt: skip
            return True
    return False
