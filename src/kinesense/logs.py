"""Structured logs: one JSON object a line, with the request id of the web request being served.

``configure_logging(service="web")`` sends the ``kinesense`` loggers (and uvicorn's and
Celery's) to stderr as JSON lines::

    {"time": "2026-12-07T16:30:00.123Z", "level": "INFO", "logger": "kinesense.web",
     "message": "...", "service": "web", "pid": 1234, "request_id": "3f2a..."}

with ``exception`` (the formatted traceback) when one is attached. The request id is set by the
web app for each request (:data:`REQUEST_ID`, from an ``X-Request-ID`` header of up to 64 safe
characters, else a random one) and sent back in the response's ``X-Request-ID``. Only the
clinic stack calls :func:`configure_logging` (``kinesense.clinic``); the embedded default keeps
its plain console output.
"""

import json
import logging
import os
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

REQUEST_ID: ContextVar[str] = ContextVar("kinesense_request_id", default="")
"""The id of the web request this code runs for ("" outside a request)."""

LOGGERS = ("kinesense", "uvicorn", "uvicorn.error", "celery")
_RESERVED = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "color_message",  # uvicorn's copy of the message with terminal colours
}


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line (see the module docstring); fields given with
    ``extra={...}`` are kept when JSON can hold them."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        line: dict[str, Any] = {
            "time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "service": self.service,
            "pid": record.process or os.getpid(),
        }
        request_id = REQUEST_ID.get()
        if request_id:
            line["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_") and key not in line:
                line[key] = value if isinstance(value, (str, int, float, bool)) else str(value)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(service: str, level: int = logging.INFO) -> None:
    """Send kinesense's (and uvicorn's, Celery's) logs to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False
