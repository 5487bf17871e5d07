"""Tokens, cookies and the headers every response carries.

* Sign-in sessions: a random token in an HttpOnly, SameSite=Lax cookie (``Secure`` beyond
  loopback); the server keeps only its SHA-256 (:mod:`kinesense.store.accounts`), so signing out
  everywhere is deleting rows.
* CSRF: every browser gets a random ``ks_csrf`` cookie; a form's token is the HMAC-SHA256, under
  the server's secret key, of that cookie and the sign-in session token. Forms send it in the
  ``csrf_token`` field, scripts in the ``X-CSRF-Token`` header; a site that cannot read our pages
  cannot compute it (OWASP CSRF Prevention Cheat Sheet, "signed double-submit cookie").
* :class:`SecurityHeaders`: the Content-Security-Policy ``default-src 'self'`` (no inline script
  or style, no framing; WebAssembly for the live page's pose model) and the other headers on
  every response, errors and files included.
"""

import hashlib
import hmac
import secrets
from typing import Any

from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "ks_session"
CSRF_COOKIE = "ks_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
    "object-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'"
)
"""``'wasm-unsafe-eval'`` lets the live page's Web Worker compile the pose model's WebAssembly
(no JavaScript ``eval``); ``worker-src 'self'`` allows only our own worker scripts. Connections
stay ``'self'`` (which covers this site's own ``ws:``/``wss:`` in CSP Level 3 browsers)."""
HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(self), microphone=(), geolocation=(), payment=()",
}
"""Sent with every response. ``no-referrer`` also keeps invitation links (their token is in the
path) out of other sites' logs."""


def new_token() -> str:
    """A random token of 256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


def csrf_token(secret_key: str, csrf_cookie: str, session_token: str) -> str:
    """The CSRF token of a browser (its ``ks_csrf`` cookie) in a sign-in session (or ``""``)."""
    message = f"{csrf_cookie}|{session_token}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def csrf_matches(secret_key: str, csrf_cookie: str, session_token: str, sent: str) -> bool:
    """Whether ``sent`` is the browser's CSRF token (compared in constant time)."""
    if not csrf_cookie or not sent:
        return False
    return hmac.compare_digest(csrf_token(secret_key, csrf_cookie, session_token), sent)


def cookie_options(secure: bool, max_age_s: int | None = None) -> dict[str, Any]:
    """The attributes of every kinesense cookie, for ``Response.set_cookie``."""
    options: dict[str, Any] = {"httponly": True, "samesite": "lax", "secure": secure, "path": "/"}
    if max_age_s is not None:
        options["max_age"] = max_age_s
    return options


def _cookie_header(name: str, value: str, secure: bool) -> bytes:
    text = f"{name}={value}; Path=/; HttpOnly; SameSite=Lax"
    return (text + "; Secure" if secure else text).encode("latin-1")


class SecurityHeaders:
    """ASGI middleware: the security headers on every HTTP response, ``Cache-Control: no-store``
    on everything but static files (pages hold health data), and a ``ks_csrf`` cookie for every
    browser that has none (added to the request too, so the page rendered now can use it)."""

    def __init__(self, app: ASGIApp, *, secure_cookies: bool) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        new_cookie = None
        if not _has_cookie(scope, CSRF_COOKIE):
            new_cookie = new_token()
            headers = [(k, v) for k, v in scope["headers"] if k != b"cookie"]
            existing = b"; ".join(v for k, v in scope["headers"] if k == b"cookie")
            joined = (
                existing + b"; " if existing else b""
            ) + f"{CSRF_COOKIE}={new_cookie}".encode()
            scope = dict(scope, headers=[*headers, (b"cookie", joined)])
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for name, value in HEADERS.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                if not static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                if new_cookie is not None:
                    headers.append(
                        (
                            b"set-cookie",
                            _cookie_header(CSRF_COOKIE, new_cookie, self.secure_cookies),
                        )
                    )
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _has_cookie(scope: Scope, name: str) -> bool:
    """Whether the request has a non-empty cookie ``name`` (parsed as Starlette parses it)."""
    for key, value in scope.get("headers", []):
        if key == b"cookie" and cookie_parser(value.decode("latin-1")).get(name):
            return True
    return False
