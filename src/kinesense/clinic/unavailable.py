"""A database or job queue that is away is a passing state, not the user's mistake: such a
request is answered 503 with ``Retry-After`` (:data:`~kinesense.clinic.runner.RETRY_AFTER_S`
seconds), so that a client, or the page, tries again, instead of the 400 of a user's error or
the 500 of a bug.

Installed by :func:`install_unavailable_handlers`: a :class:`~kinesense.store.StoreError` raised
from a lost or refused connection (:func:`kinesense.clinic.failures.is_transient`, e.g. while
PostgreSQL restarts), an ``OperationalError`` that escaped the store, and
:class:`~kinesense.clinic.runner.ServiceUnavailableError` (the broker is away). Any other
``StoreError`` keeps its usual answer. Nothing is half-saved: the store's transactions roll
back whole, so the client's retry is the only copy that counts.

A full disk (``ENOSPC``, ``EDQUOT``) or a file-size limit reached (``EFBIG``) while an upload
or a report is written (an ``OSError``, or the :class:`~kinesense.errors.OutputFileError` made
from it) is answered 507 with one line that names no server path (the writer removes its
partial file); any other ``OSError`` stays a bug (500).
"""

import errno
import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import InterfaceError, OperationalError

from kinesense.clinic.failures import causes, is_transient
from kinesense.clinic.runner import RETRY_AFTER_S, ServiceUnavailableError
from kinesense.errors import OutputFileError
from kinesense.store import StoreError
from kinesense.web.handlers import error_response, kinesense_error

LOG = logging.getLogger("kinesense.web")
MESSAGE = "the database is not answering for a moment; please try again in a few seconds"


def unavailable(request: Request, message: str) -> Response:
    """A 503 with ``Retry-After``: JSON under ``/api/``, the error page elsewhere."""
    try:
        response = error_response(request, 503, message)
    except Exception:  # the page itself needs the database
        response = JSONResponse({"detail": message}, status_code=503)
    response.headers["retry-after"] = str(RETRY_AFTER_S)
    return response


async def store_error(request: Request, exc: Exception) -> Response:
    """A store error: 503 when it is a lost connection, its usual answer otherwise."""
    assert isinstance(exc, StoreError)
    if is_transient(exc):
        LOG.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        return unavailable(request, MESSAGE)
    return await kinesense_error(request, exc)


async def database_error(request: Request, exc: Exception) -> Response:
    """A connection error that escaped the store (an account or job lookup)."""
    LOG.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    return unavailable(request, MESSAGE)


DISK_FULL = "the server's disk is full: the file was not kept; please tell the administrator"
DISK_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` comes from a full disk, a quota or a file-size limit."""
    return any(isinstance(link, OSError) and link.errno in DISK_ERRORS for link in causes(exc))


async def disk_error(request: Request, exc: Exception) -> Response:
    """507 for a full disk or a size limit; any other system error goes on to the 500."""
    assert isinstance(exc, OSError)
    if not disk_full(exc):
        raise exc
    LOG.error("disk full on %s %s: %s", request.method, request.url.path, exc)
    return error_response(request, 507, DISK_FULL)


async def output_error(request: Request, exc: Exception) -> Response:
    """507 for a file not written because the disk is full, the usual answer otherwise."""
    if disk_full(exc):
        LOG.error("disk full on %s %s: %s", request.method, request.url.path, exc)
        return error_response(request, 507, DISK_FULL)
    return await kinesense_error(request, exc)


async def service_unavailable(request: Request, exc: Exception) -> Response:
    """The job queue is away."""
    return unavailable(request, str(exc))


def install_unavailable_handlers(app: FastAPI) -> None:
    """Attach the handlers above (after :func:`kinesense.web.handlers.install_error_handlers`:
    these are more specific and win)."""
    app.add_exception_handler(StoreError, store_error)
    app.add_exception_handler(OperationalError, database_error)
    app.add_exception_handler(InterfaceError, database_error)
    app.add_exception_handler(ServiceUnavailableError, service_unavailable)
    app.add_exception_handler(OSError, disk_error)
    app.add_exception_handler(OutputFileError, output_error)
