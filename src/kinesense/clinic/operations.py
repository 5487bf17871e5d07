"""What the web app does around every request for its operators: a request id, and the audit
log of person-scoped requests (pure ASGI middleware).

* :class:`RequestIds` (outermost) sets :data:`kinesense.logs.REQUEST_ID` for the request (the
  client's ``X-Request-ID`` when it is 1-64 letters, digits, ``-``, ``_`` or ``.``, else a
  random id) and answers it in ``X-Request-ID``;
* :class:`AuditTrail` (innermost), once the route has answered, adds a line to the audit log
  (:class:`kinesense.store.audit.AuditLog`) when the request was about one person's data
  (:func:`audit_subject`): who (the signed-in account and its role), what (``view`` for GET and
  HEAD, ``change`` otherwise), whose (the person), the route template and the status, so refused
  attempts are kept too. A request without a sign-in is not recorded (it saw nothing).
"""

import logging
import re
import secrets
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kinesense.logs import REQUEST_ID
from kinesense.store.audit import AuditAction, AuditLog

LOG = logging.getLogger("kinesense.audit")
REQUEST_ID_HEADER = "x-request-id"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
OWN_DATA_PREFIXES = ("/api/v1/me", "/account")
"""Routes about the signed-in account itself: person-scoped when the account is a person's."""


def request_id_of(headers: list[tuple[bytes, bytes]]) -> str:
    """The client's request id when it is safe to log, else a new random one."""
    for key, value in headers:
        if key.lower() == REQUEST_ID_HEADER.encode():
            text = value.decode("latin-1")
            if _SAFE_ID.match(text):
                return text
    return secrets.token_hex(8)


def route_template(scope: Scope, unmatched: str | None = None) -> str:
    """The matched route's full path template (``/api/v1/people/{person_id}/plan``); for a
    request no route matched, ``unmatched`` or else the path (no query string)."""
    context = scope.get("fastapi", {}).get("effective_route_context")
    template = getattr(context, "path", None) or getattr(scope.get("route"), "path", None)
    if template:
        return str(template)
    return unmatched if unmatched is not None else str(scope.get("path", ""))


class StatusSeen:
    """An ASGI ``send`` that passes every message on and keeps the answer's status (500 until
    one is sent: a request that raised counts as a server error)."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.status = 500

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
        await self._send(message)


def audit_subject(scope: Scope, account: Any) -> int | None:
    """The person a request was about: the route's ``person_id``, or the account's own person
    for the account's own routes (:data:`OWN_DATA_PREFIXES`); None when it was about nobody."""
    raw = scope.get("path_params", {}).get("person_id")
    if raw is not None:
        try:
            return int(raw)
        except (TypeError, ValueError):
            return None
    path = str(scope.get("path", ""))
    if account is not None and path.startswith(OWN_DATA_PREFIXES):
        person_id = getattr(account, "person_id", None)
        return person_id if isinstance(person_id, int) else None
    return None


def _signed_in_account(scope: Scope) -> Any:
    sign_in = scope.get("state", {}).get("sign_in")
    return getattr(sign_in, "account", None)


class RequestIds:
    """Sets :data:`REQUEST_ID` and answers it in ``X-Request-ID`` (outermost middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope.get("headers", []))
        token = REQUEST_ID.set(request_id)

        async def answer(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, answer)
        finally:
            REQUEST_ID.reset(token)


class AuditTrail:
    """Adds the audit line of a person-scoped request (innermost middleware, where the matched
    route and the sign-in are known; a request that raised counts as status 500)."""

    def __init__(self, app: ASGIApp, audit: AuditLog) -> None:
        self.app = app
        self.audit = audit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answer = StatusSeen(send)
        try:
            await self.app(scope, receive, answer)
        finally:
            await self._audit(scope, answer.status)

    async def _audit(self, scope: Scope, status: int) -> None:
        account = _signed_in_account(scope)
        if account is None:
            return
        person_id = audit_subject(scope, account)
        if person_id is None:
            return
        action: AuditAction = "view" if scope.get("method") in ("GET", "HEAD") else "change"
        try:
            await run_in_threadpool(
                self.audit.record, account_id=account.id, role=account.role, action=action,
                person_id=person_id, route=f"{scope.get('method')} {route_template(scope)}",
                status=status, request_id=REQUEST_ID.get(),
            )  # fmt: skip
        except Exception:  # the answer is sent; the operator must hear of the gap
            LOG.exception("audit line lost: account %s, person %s", account.id, person_id)
