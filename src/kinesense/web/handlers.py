"""How errors reach the user: JSON ``{"detail": ...}`` under ``/api/``, a readable page elsewhere.

A :class:`kinesense.errors.KinesenseError` keeps its one-line message (the one the command line
prints after ``error:``) and its :attr:`http_status`. A page asked for while signed out sends the
browser to sign in and back; a person who has not accepted the consent is sent to it. Anything
else is a bug: logged with its traceback, answered with a 500 that shows no detail.
"""

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kinesense.errors import KinesenseError
from kinesense.web.errors import ConsentNeededError, NotSignedInError, TooManyAttemptsError
from kinesense.web.templating import render

LOG = logging.getLogger("kinesense.web")

TITLES = {
    400: "Something in the request is wrong",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Already done",
    413: "File too large",
    415: "File type not supported",
    422: "Please check what you entered",
    429: "Too many attempts",
    500: "Something went wrong",
}


def is_api(request: Request) -> bool:
    """Whether the request is for the JSON API."""
    return request.url.path.startswith("/api/")


def error_response(request: Request, status: int, message: str) -> Response:
    """The error as JSON for the API, as the error page otherwise."""
    if is_api(request):
        return JSONResponse({"detail": message}, status_code=status)
    context = {"status": status, "heading": TITLES.get(status, "Error"), "message": message}
    return render(request, "error.html", context | {"title": context["heading"]},
                  status_code=status)  # fmt: skip


def _wants_page(request: Request) -> bool:
    return not is_api(request) and request.method in ("GET", "HEAD")


async def kinesense_error(request: Request, exc: Exception) -> Response:
    """A user's error: its message and status."""
    assert isinstance(exc, KinesenseError)
    if isinstance(exc, NotSignedInError) and _wants_page(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/signin?next={quote(target, safe='')}", status_code=303)
    if isinstance(exc, ConsentNeededError) and _wants_page(request):
        return RedirectResponse("/consent", status_code=303)
    response = error_response(request, exc.http_status, str(exc))
    if isinstance(exc, TooManyAttemptsError):
        response.headers["retry-after"] = str(exc.retry_after_s)
    return response


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's errors (no such route, method not allowed)."""
    assert isinstance(exc, HTTPException)
    messages = {404: "there is no page at this address", 405: "this address does not take that"}
    message = messages.get(exc.status_code, str(exc.detail))
    response = error_response(request, exc.status_code, message)
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    return response


async def validation_error(request: Request, exc: Exception) -> Response:
    """A field missing or of the wrong type: FastAPI's list for the API, one line for pages."""
    assert isinstance(exc, RequestValidationError)
    if is_api(request):
        return JSONResponse({"detail": exc.errors()}, status_code=422)
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(part) for part in first.get("loc", ())[1:]) or "a field"
    message = f"{where}: {str(first.get('msg', 'is not valid')).lower()}"
    return error_response(request, 422, message)


async def unexpected_error(request: Request, exc: Exception) -> Response:
    """A bug: logged with its traceback, shown without detail."""
    LOG.error("error on %s %s", request.method, request.url.path, exc_info=exc)
    message = "an unexpected error happened; it was logged for the administrator"
    try:
        return error_response(request, 500, message)
    except Exception:  # the page itself cannot be made (the database is down...)
        LOG.exception("the error page could not be rendered")
        return PlainTextResponse(message, status_code=500)


class CatchUnexpected:
    """ASGI middleware turning a bug into the 500 page or JSON *inside* the security headers
    middleware (Starlette's own last-resort handler sits outside every middleware, so its
    answer would lack the Content-Security-Policy)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            if started:
                raise
            response = await unexpected_error(Request(scope, receive), exc)
            await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    """Attach the handlers above to ``app`` (add :class:`CatchUnexpected` as a middleware)."""
    app.add_exception_handler(KinesenseError, kinesense_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
