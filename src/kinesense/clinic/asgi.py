"""The app several web processes serve: ``uvicorn --factory kinesense.clinic.asgi:create_clinic_app
--workers N`` (``scripts/clinic.sh``). Each process calls :func:`create_clinic_app` once.

The settings come from the environment as for ``kinesense serve`` (``KINESENSE_DATABASE_URL``,
``KINESENSE_DATA_DIR``, ``KINESENSE_SECRET_KEY``, ``KINESENSE_BROKER_URL``...), with the address
in ``KINESENSE_HOST`` and ``KINESENSE_PORT``. All processes must share one
``KINESENSE_SECRET_KEY`` (a key made per process would refuse the forms another process
signed): :func:`create_clinic_app` refuses to start without it. Logs are JSON lines
(:mod:`kinesense.logs`). The database must be migrated first (``kinesense db upgrade``).
"""

import os

from fastapi import FastAPI

from kinesense.errors import InvalidValueError
from kinesense.logs import configure_logging


def create_clinic_app() -> FastAPI:
    """The kinesense web app for one of several processes (see the module docstring)."""
    from kinesense.web.app import create_app
    from kinesense.web.config import load_config

    if not os.environ.get("KINESENSE_SECRET_KEY", "").strip():
        raise InvalidValueError(
            "KINESENSE_SECRET_KEY must be set when several web processes serve kinesense"
        )
    configure_logging(service="web")
    host = os.environ.get("KINESENSE_HOST", "127.0.0.1")
    port_text = os.environ.get("KINESENSE_PORT", "8000")
    if not port_text.isdigit():
        raise InvalidValueError(f"KINESENSE_PORT must be a port number; got {port_text!r}")
    return create_app(load_config(host, int(port_text)))
