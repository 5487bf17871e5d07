"""Running the server: ``kinesense serve`` checks the settings and the port, prints the address
(and the first-run or demo link), opens the browser when there is a display, and runs uvicorn."""

import gc
import os
import socket
import sys
import threading
import webbrowser
from typing import Any

from kinesense.errors import InvalidValueError
from kinesense.store.engine import safe_url
from kinesense.web.config import WebConfig, load_config


def display_available() -> bool:
    """Whether a browser window can be opened: macOS and Windows always; elsewhere when an X11
    or Wayland display is set."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def check_port_free(host: str, port: int) -> None:
    """:class:`InvalidValueError` when ``host``:``port`` cannot be listened on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise InvalidValueError(
                f"cannot listen on {host}:{port} ({exc.strerror}); is kinesense already "
                "running? Choose another port with --port"
            ) from None


def freeze_startup_objects() -> None:
    """Collect garbage once, then move every object alive after start-up (the app, templates,
    exercise library, models' code) out of the garbage collector's reach (``gc.freeze``).

    A page reads a person's whole history and makes tens of thousands of small objects, which
    start the collector's full passes; each pass then scanned every start-up object too. With
    1,000 people x one year (benchmarks/web_pages.py), reading a history took 22 ms at the
    median and 75 ms at the 95th percentile; frozen, 21 and 26 ms."""
    gc.collect()
    gc.freeze()


def say(text: str) -> None:
    """One line on stdout, at once (a test or a supervisor reads it)."""
    print(text, flush=True)


LAN_HOST = "0.0.0.0"
"""``--lan`` listens on every IPv4 interface."""


def serve(
    host: str, port: int, *, demo: bool = False, open_browser: bool = True, lan: bool = False
) -> None:
    """Serve kinesense until interrupted; with ``lan``, HTTPS on every interface with the
    self-signed certificate of :mod:`kinesense.web.tls`, so that phones can be paired."""
    import uvicorn

    from kinesense.web.app import create_app
    from kinesense.web.auth import setup_link
    from kinesense.web.demo import prepare_demo, therapist_link
    from kinesense.web.state import open_state

    if lan and demo:
        raise InvalidValueError("--demo works only on this computer: leave out --lan")
    config = load_config(LAN_HOST if lan else host, port)
    if demo and not config.loopback:
        raise InvalidValueError("--demo works only on this computer: leave --host at 127.0.0.1")
    check_port_free(config.host, config.port)
    state = open_state(config)
    app = create_app(config, state)
    links = (prepare_demo(state), therapist_link(state)) if demo else None
    tls: dict[str, str] = {}
    if lan:
        tls = _lan_certificate(config, app)
    _announce(config, setup_link(state), links, open_browser)
    freeze_startup_objects()
    uvicorn.run(
        app, host=config.host, port=config.port, log_level="warning", server_header=False,
        proxy_headers=True, **tls,  # type: ignore[arg-type]
    )  # fmt: skip


def _lan_certificate(config: WebConfig, app: Any) -> dict[str, str]:
    """Make or reuse the certificate, tell the pairing pages the phones' address, say both."""
    from kinesense.web.pages.phone import PHONE_BASE_ATTRIBUTE
    from kinesense.web.tls import ensure_certificate

    certificate = ensure_certificate(config.data_dir)
    lan = [a for a in certificate.addresses if a != "127.0.0.1"]
    phone_host = lan[0] if lan else "127.0.0.1"
    setattr(app.state, PHONE_BASE_ATTRIBUTE, f"https://{phone_host}:{config.port}")
    made = "made now" if certificate.created else "reused"
    say(f"On your local network (phones): https://{phone_host}:{config.port}")
    say(f"certificate ({made}): {certificate.cert_path}")
    say(f"certificate SHA-256 fingerprint: {certificate.fingerprint_sha256}")
    return {"ssl_certfile": str(certificate.cert_path), "ssl_keyfile": str(certificate.key_path)}


def _announce(
    config: WebConfig, setup: str | None, demo: tuple[str, str] | None, open_browser: bool
) -> None:
    base = config.base_url
    say(f"kinesense is running at {base} (press Ctrl+C to stop)")
    say(f"database: {safe_url(config.database_url)}; uploads: {config.data_dir}")
    if setup:
        say(f"Set up kinesense at {base}{setup} (this link works once, for one day)")
    if demo:
        say(f"Demo: {base}{demo[0]} signs you in as the demo person (once, for ten minutes)")
        say(f"Demo therapist: {base}{demo[1]} signs in as their therapist (in another browser)")
    if config.secure_cookies:
        say("cookies are Secure: serve kinesense through HTTPS (a reverse proxy) to sign in")
    start = demo[0] if demo else (setup or "/")
    if open_browser and display_available():
        threading.Timer(1.0, webbrowser.open, args=(base + start,)).start()
