"""What the page routers share: where to go after a form, reading the client, cookies."""

from fastapi import Request
from fastapi.responses import RedirectResponse

from kinesense.web.auth import NewSession
from kinesense.web.deps import app_state
from kinesense.web.security import SESSION_COOKIE, cookie_options
from kinesense.web.state import SESSION_LIFETIME


def safe_next(target: str | None) -> str:
    """``target`` if it is a path on this site, else ``/`` (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def client_address(request: Request) -> str:
    """The client's address (uvicorn puts a trusted proxy's ``X-Forwarded-For`` here)."""
    return request.client.host if request.client else "unknown"


def user_agent(request: Request) -> str:
    """The browser's description, for the list of sign-ins."""
    return request.headers.get("user-agent", "")[:200]


def redirect(target: str) -> RedirectResponse:
    """See-other redirect (the browser follows it with GET)."""
    return RedirectResponse(target, status_code=303)


def signed_in_redirect(request: Request, session: NewSession, target: str) -> RedirectResponse:
    """Redirect with the new session's cookie set."""
    response = redirect(target)
    secure = app_state(request).config.secure_cookies
    max_age = int(SESSION_LIFETIME.total_seconds())
    response.set_cookie(SESSION_COOKIE, session.token, **cookie_options(secure, max_age))
    return response


def signed_out_redirect(target: str) -> RedirectResponse:
    """Redirect with the session cookie removed."""
    response = redirect(target)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def absolute(request: Request, path: str) -> str:
    """``path`` as a full address on the server the browser is talking to."""
    return str(request.base_url).rstrip("/") + path
