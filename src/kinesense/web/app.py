"""The application factory: ``create_app(config)`` opens the store, the accounts and the job
runner and returns the FastAPI app (pages, ``/api/v1``, ``/static``, ``/metrics``), with the
security headers, a request id, request metrics and the audit log of person-scoped requests
(:mod:`kinesense.clinic.operations`) on every response. Nothing happens on import."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from kinesense import __version__
from kinesense.clinic.operations import AuditTrail, RequestIds
from kinesense.clinic.unavailable import install_unavailable_handlers
from kinesense.phone.tokens import DatabasePairings
from kinesense.store.audit import AuditLog
from kinesense.web import api, metrics, pages
from kinesense.web.api import phone_ws
from kinesense.web.config import WebConfig
from kinesense.web.handlers import CatchUnexpected, install_error_handlers
from kinesense.web.security import SecurityHeaders
from kinesense.web.state import AppState, open_state

STATIC = Path(__file__).resolve().parent / "static"
OPENAPI_URL = "/api/v1/openapi.json"
NO_TELEMETRY = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}


def document_one_line_details(app: FastAPI) -> None:
    """Say in the OpenAPI document that a 422's ``detail`` is FastAPI's list of field errors
    *or* the one-line message of a :class:`~kinesense.errors.KinesenseError` (an invalid value,
    a file that cannot be read), as the handlers answer (found by Schemathesis)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            error = schema.get("components", {}).get("schemas", {}).get("HTTPValidationError")
            if error is not None:
                listed = error["properties"]["detail"]
                error["properties"]["detail"] = {
                    "title": "Detail", "anyOf": [listed, {"type": "string"}],
                }  # fmt: skip
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(config: WebConfig, state: AppState | None = None) -> FastAPI:
    """The kinesense web app for ``config`` (or around an already opened ``state``).

    The state is closed (jobs finished, databases released) when the app shuts down."""
    opened = state if state is not None else open_state(config)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            opened.close()

    extra = {"telemetry": NO_TELEMETRY} if "telemetry" in FastAPI.__init__.__annotations__ else {}
    app = FastAPI(
        title="kinesense",
        version=__version__,
        description="The kinesense JSON API. Every route but /api/v1/health needs a sign-in.",
        openapi_url=OPENAPI_URL,
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN: not with our CSP
        redoc_url=None,
        lifespan=lifespan,
        **extra,  # type: ignore[arg-type]
    )
    app.state.kinesense = opened
    app.state.phone_pairings = DatabasePairings(opened.engine)
    document_one_line_details(app)
    install_error_handlers(app)
    install_unavailable_handlers(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(phone_ws.router)
    app.include_router(metrics.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(AuditTrail, audit=AuditLog(opened.engine))
    app.add_middleware(metrics.RequestMetrics)
    app.add_middleware(CatchUnexpected)
    app.add_middleware(SecurityHeaders, secure_cookies=config.secure_cookies)
    app.add_middleware(RequestIds)
    return app
