"""The web server's settings, from the environment, and the rule that guards exposure.

=============================  ===================================================================
``KINESENSE_DATABASE_URL``     the store (as for the command line; SQLite in the user data folder
                               by default)
``KINESENSE_DATA_DIR``         where uploads are kept (default: the user data folder)
``KINESENSE_SECRET_KEY``       signs the forms' CSRF tokens; required beyond loopback (at least 32
                               characters), generated per process on loopback
``KINESENSE_MAX_UPLOAD_MB``    the largest upload accepted, in megabytes (default 500)
``KINESENSE_JOB_WORKERS``      threads running background jobs (default 1)
=============================  ===================================================================

These are read here until ``kinesense.settings`` (one settings object for the whole program)
exists; the lead folds them into it then.
"""

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kinesense.errors import InvalidValueError
from kinesense.store.location import database_url, user_data_dir

MIN_SECRET_CHARS = 32
DEFAULT_MAX_UPLOAD_MB = 500


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this computer (``localhost``, 127.0.0.0/8,
    ``::1``); ``0.0.0.0``, ``::`` and any other name are not."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class WebConfig:
    """Everything the web app needs to start. ``secret_key`` is never empty (see
    :func:`load_config`); cookies are ``Secure`` whenever the host is not loopback."""

    database_url: str
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MB * 1024 * 1024
    job_workers: int = 1

    @property
    def loopback(self) -> bool:
        """Whether the server is reachable only from this computer."""
        return is_loopback(self.host)

    @property
    def secure_cookies(self) -> bool:
        """Cookies are sent over HTTPS only beyond loopback (serve through a TLS proxy then)."""
        return not self.loopback

    @property
    def base_url(self) -> str:
        """The address to open in a browser."""
        host = self.host if ":" not in self.host else f"[{self.host}]"
        if host in ("0.0.0.0", "[::]"):
            host = "127.0.0.1"
        scheme = "https" if self.secure_cookies else "http"
        return f"{scheme}://{host}:{self.port}"


def _positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    text = environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise InvalidValueError(f"{name} must be a whole number of 1 or more; got {text!r}")
    return int(text)


def load_config(
    host: str = "127.0.0.1", port: int = 8000, environ: Mapping[str, str] | None = None
) -> WebConfig:
    """The settings for serving on ``host``:``port`` from ``environ`` (default the process
    environment), checked by :func:`check_exposure`."""
    env = os.environ if environ is None else environ
    secret = env.get("KINESENSE_SECRET_KEY", "").strip()
    data_dir = env.get("KINESENSE_DATA_DIR", "").strip()
    if not 1 <= port <= 65535:
        raise InvalidValueError(f"--port must be between 1 and 65535; got {port}")
    config = WebConfig(
        database_url=env.get("KINESENSE_DATABASE_URL", "").strip() or database_url(),
        data_dir=Path(data_dir).expanduser() if data_dir else user_data_dir(),
        host=host.strip(),
        port=port,
        secret_key=secret or secrets.token_urlsafe(32),
        max_upload_bytes=_positive_int(env, "KINESENSE_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)
        * 1024
        * 1024,
        job_workers=_positive_int(env, "KINESENSE_JOB_WORKERS", 1),
    )
    check_exposure(config, secret_was_set=bool(secret))
    return config


def check_exposure(config: WebConfig, *, secret_was_set: bool) -> None:
    """Refuse to serve beyond this computer without a secret key set by the administrator.

    A key made up per process would let anyone who can reach the server forge nothing today,
    but it changes at every restart and differs between processes; an administrator who opens
    kinesense to a network must choose one (and serve it through HTTPS, as cookies are then
    ``Secure``)."""
    if config.loopback:
        return
    if not secret_was_set:
        raise InvalidValueError(
            f"serving on {config.host} makes kinesense reachable from other computers: set "
            f"KINESENSE_SECRET_KEY to a random text of at least {MIN_SECRET_CHARS} characters "
            "first (python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    if len(config.secret_key) < MIN_SECRET_CHARS:
        raise InvalidValueError(
            f"KINESENSE_SECRET_KEY is {len(config.secret_key)} characters long; use at least "
            f"{MIN_SECRET_CHARS} random characters"
        )
