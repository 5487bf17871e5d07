"""Every response carries the security headers; cookies are HttpOnly, SameSite, and Secure
beyond loopback; CSRF tokens belong to one browser and one sign-in."""

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kinesense.web.app import create_app
from kinesense.web.security import (
    CONTENT_SECURITY_POLICY,
    CSRF_COOKIE,
    HEADERS,
    csrf_matches,
    csrf_token,
)
from tests.web.conftest import PASSWORD, World, csrf_from, make_config, signed_in, state_of

STATIC_FILES = sorted(
    p.relative_to(Path(__file__).resolve().parents[2] / "src" / "kinesense" / "web")
    for p in (Path(__file__).resolve().parents[2] / "src" / "kinesense" / "web" / "static").rglob(
        "*.*"
    )
)


def assert_secure_headers(response: object, *, static: bool = False) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert headers["content-security-policy"].startswith("default-src 'self'")
    for name, value in HEADERS.items():
        assert headers[name] == value, name
    if not static:
        assert headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "path",
    ["/", "/signin", "/api/v1/health", "/api/v1/openapi.json", "/api/v1/me", "/no/such/page",
     "/api/v1/no-such-route", "/account", "/join/not-a-token"],
)  # fmt: skip
def test_headers_on_pages_api_errors_and_redirects(client: TestClient, path: str) -> None:
    assert_secure_headers(client.get(path))


@pytest.mark.parametrize("relative", STATIC_FILES, ids=str)
def test_headers_on_static_files(client: TestClient, relative: Path) -> None:
    response = client.get("/" + relative.as_posix())
    assert response.status_code == 200
    assert_secure_headers(response, static=True)


def test_headers_on_a_bug(tmp_path: Path) -> None:
    app = create_app(make_config(tmp_path))

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("internal detail")

    @app.get("/boom")
    def boom_page() -> None:
        raise RuntimeError("internal detail")

    with TestClient(app, raise_server_exceptions=False) as browser:
        for path in ("/api/v1/boom", "/boom"):
            response = browser.get(path)
            assert response.status_code == 500
            assert_secure_headers(response)
            assert "internal detail" not in response.text
            assert "logged for the administrator" in response.text


def test_pages_have_no_inline_script_or_style(world: World) -> None:
    browser = signed_in(world.app, world.person)
    for path in ("/signin", "/account", f"/people/{world.person.person_id}", "/consent"):
        html = browser.get(path).text
        assert "<style" not in html
        assert " style=" not in html
        assert "<script>" not in html
        assert " on" + "click=" not in html
        for line in html.splitlines():
            if "<script" in line:
                assert 'type="module" src="/static/js/' in line


def test_the_csrf_cookie_is_set_once_httponly_and_samesite(client: TestClient) -> None:
    first = client.get("/signin")
    cookie = first.headers["set-cookie"]
    assert cookie.startswith(f"{CSRF_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # loopback: plain http works
    assert "set-cookie" not in client.get("/signin").headers


def test_the_session_cookie_is_httponly_and_samesite(world: World) -> None:
    browser = TestClient(world.app, follow_redirects=False)
    token = csrf_from(browser.get("/signin").text)
    answer = browser.post(
        "/signin", data={"email": world.person.email, "password": PASSWORD, "csrf_token": token}
    )
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("ks_session=")
    for attribute in ("HttpOnly", "SameSite=lax", "Path=/", "Max-Age=1209600"):
        assert attribute.lower() in cookie.lower()
    assert "secure" not in cookie.lower()


def test_beyond_loopback_every_cookie_is_secure(tmp_path: Path) -> None:
    config = make_config(tmp_path, host="0.0.0.0", secret_key="s" * 40)
    app: FastAPI = create_app(config)
    with TestClient(app, base_url="https://kinesense.example.org") as browser:
        assert "Secure" in browser.get("/signin").headers["set-cookie"]
    state_of(app).close()


def test_csrf_tokens_belong_to_one_browser_and_one_sign_in() -> None:
    token = csrf_token("key", "browser-1", "")
    assert csrf_matches("key", "browser-1", "", token)
    assert not csrf_matches("key", "browser-2", "", token)
    assert not csrf_matches("key", "browser-1", "session", token)  # signed in since
    assert not csrf_matches("other-key", "browser-1", "", token)
    assert not csrf_matches("key", "", "", csrf_token("key", "", ""))  # no cookie, no token
    assert not csrf_matches("key", "browser-1", "", "")


def test_a_form_from_another_site_is_refused(world: World) -> None:
    attacker = TestClient(world.app, follow_redirects=False)
    attacker.get("/signin")  # has a csrf cookie of its own, but not the victim's token
    victim = signed_in(world.app, world.person)
    stolen_cookie_less = victim.cookies.get("ks_session")
    attacker.cookies.set("ks_session", stolen_cookie_less or "")
    answer = attacker.post("/account/signout-everywhere", data={"csrf_token": "0" * 64})
    assert answer.status_code == 403
    assert state_of(world.app).accounts.session_count(world.person.id) == 1
