"""Prometheus metrics: ``GET /metrics`` in the text exposition format.

=======================================  ====================================================
``kinesense_http_requests_total``        requests by ``method``, ``route`` (the route's
                                         template, so no id or name is ever a label) and
                                         ``status``
``kinesense_http_request_seconds``       their duration (histogram) by ``method`` and ``route``
=======================================  ====================================================

Several web processes (the clinic stack): when ``PROMETHEUS_MULTIPROC_DIR`` names a folder
(``scripts/clinic.sh`` sets ``.cache/clinic/metrics`` and empties it at start), every process
writes its samples there and ``/metrics``, whichever process answers, adds up all of them
(prometheus_client's multiprocess mode). Without it the figures are this process's alone. The
route is open like ``/api/v1/health``: it holds counts and timings, no personal data; put it
behind the proxy's access rules if the address is public.
"""

import os
import time

from fastapi import APIRouter, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from starlette.types import ASGIApp, Receive, Scope, Send

from kinesense.clinic.operations import StatusSeen, route_template

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "kinesense_http_requests", "HTTP requests answered.", ("method", "route", "status")
)
DURATION = Histogram(
    "kinesense_http_request_seconds", "Time to answer an HTTP request.", ("method", "route"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)  # fmt: skip

router = APIRouter(include_in_schema=False)


@router.get("/metrics")
def metrics() -> Response:
    """The metrics of this process, or of every process sharing the multiprocess folder."""
    registry = REGISTRY
    if os.environ.get(MULTIPROCESS_ENV):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


class RequestMetrics:
    """Counts and times every HTTP request (pure ASGI middleware, inside the others, where the
    matched route is known)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        answer = StatusSeen(send)
        try:
            await self.app(scope, receive, answer)
        finally:
            method, route = str(scope.get("method", "")), route_template(scope, "(no route)")
            REQUESTS.labels(method, route, str(answer.status)).inc()
            DURATION.labels(method, route).observe(time.perf_counter() - started)
