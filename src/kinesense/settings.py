"""One settings object for every front end: the database, the folders, the server.

Where a value comes from, strongest first:

1. arguments given to :class:`Settings` in code (tests, a front end's own options);
2. the environment, under the names kinesense has always used: ``KINESENSE_DATABASE_URL``,
   ``KINESENSE_DATA_DIR``, ``KINESENSE_EXERCISES`` (folders separated by ``:``, ``;`` on
   Windows), ``KINESENSE_HOST``, ``KINESENSE_PORT``, ``KINESENSE_SECRET_KEY`` (the web app's too),
   ``KINESENSE_BROKER_URL`` (the clinic stack's Redis: jobs go to Celery workers),
   ``KINESENSE_BROKER_VISIBILITY_S``;
3. a TOML config file: ``KINESENSE_CONFIG`` when set (it must exist), else ``config.toml`` in
   the user's config folder (``~/.config/kinesense`` on Linux) when it exists; keys are the
   field names (``database_url = "..."``, ``port = 8000``...);
4. the defaults: a SQLite file in the user's data folder (platformdirs), no extra exercise
   folder, the server on ``127.0.0.1:8000`` without a secret.

Unsafe values are refused when the settings are read, with the name of the setting: a secret
shorter than :data:`MIN_SECRET_LENGTH` characters or a well-known placeholder, a server open to
other machines without a secret, a port outside 1-65535, a database URL that SQLAlchemy cannot
parse or of a kind kinesense does not support. :meth:`Settings.shown` lists what is in force
with passwords hidden (``kinesense info --settings``).
"""

import os
import tomllib
from pathlib import Path
from typing import Annotated, Any

import platformdirs
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from kinesense.errors import InvalidValueError
from kinesense.validation_errors import Wording, one_line

APP_NAME = "kinesense"
ENV_PREFIX = "KINESENSE_"
CONFIG_ENV = "KINESENSE_CONFIG"
CONFIG_FILE_NAME = "config.toml"
DATABASE_FILE_NAME = "kinesense.db"
MIN_SECRET_LENGTH = 32
PLACEHOLDER_SECRETS = frozenset({"changeme", "change-me", "secret", "password", "kinesense"})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
SUPPORTED_DATABASES = ("sqlite", "postgresql")


def default_data_dir() -> Path:
    """The platform's folder for kinesense's data (``~/.local/share/kinesense`` on Linux,
    following ``XDG_DATA_HOME``)."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_config_file() -> Path:
    """``config.toml`` in the platform's config folder for kinesense."""
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / CONFIG_FILE_NAME


class _TomlFile(PydanticBaseSettingsSource):
    """Settings from the TOML config file (see the module docstring)."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        self.path, self.values = _read_config_file()

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self.values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self.values)


def _read_config_file() -> tuple[Path | None, dict[str, Any]]:
    named = os.environ.get(CONFIG_ENV, "").strip()
    path = Path(named).expanduser() if named else default_config_file()
    if not named and not path.is_file():
        return None, {}
    if not path.is_file():
        raise InvalidValueError(f"{CONFIG_ENV}: config file {path} not found")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidValueError(f"cannot read the config file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidValueError(f"config file {path} is not valid TOML: {exc}") from None
    unknown = sorted(set(data) - set(Settings.model_fields))
    if unknown:
        known = ", ".join(Settings.model_fields)
        raise InvalidValueError(
            f"config file {path}: unknown setting(s) {', '.join(unknown)}; known: {known}"
        )
    return path, data


def _folders(value: Any) -> Any:
    if isinstance(value, str):
        return [part for part in value.split(os.pathsep) if part.strip()]
    return value


class Settings(BaseSettings):
    """What kinesense runs with (sources and checks in the module docstring)."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, extra="ignore", frozen=True, validate_default=True
    )

    database_url: str = Field(
        default="",
        description="SQLAlchemy URL of the history; empty: a SQLite file in data_dir.",
    )
    data_dir: Path = Field(
        default_factory=default_data_dir, description="Folder for kinesense's own data."
    )
    exercises: Annotated[tuple[Path, ...], NoDecode] = Field(
        default=(), description="Folders of a therapist's own exercise files, in order."
    )
    host: str = Field(default="127.0.0.1", description="Address the web server listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port of the web server.")
    secret_key: SecretStr | None = Field(
        default=None, description="Secret that signs the web app's sessions."
    )
    broker_url: str = Field(
        default="",
        description="Redis URL of the clinic stack's job queue (Celery); empty: jobs run in "
        "the web process.",
    )
    broker_visibility_s: int = Field(
        default=3600,
        ge=1,
        description="Seconds before a job taken by a worker that vanished (killed with its "
        "pool) is handed out again; longer than the longest analysis.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, _TomlFile(settings_cls)

    @field_validator("exercises", mode="before")
    @classmethod
    def _split_folders(cls, value: Any) -> Any:
        return _folders(value)

    @field_validator("data_dir", "exercises", mode="after")
    @classmethod
    def _absolute(cls, value: Any) -> Any:
        if isinstance(value, Path):
            return value.expanduser().absolute()
        return tuple(path.expanduser().absolute() for path in value)

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        value = value.strip()
        if not value:
            return value
        from sqlalchemy.engine import make_url

        try:
            backend = make_url(value).get_backend_name()
        except Exception:
            raise ValueError(
                "not a database URL (e.g. postgresql+psycopg://user@host/db)"
            ) from None
        if backend not in SUPPORTED_DATABASES:
            raise ValueError(
                f"kinesense supports {' and '.join(SUPPORTED_DATABASES)}; got {backend}"
            )
        return value

    @field_validator("broker_url")
    @classmethod
    def _broker(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a Redis URL (redis://[:password@]host:port/db)")
        return value

    @field_validator("secret_key", mode="before")
    @classmethod
    def _empty_secret_is_none(cls, value: Any) -> Any:
        """An empty or blank ``KINESENSE_SECRET_KEY`` is no secret (as the web server reads it)."""
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("secret_key")
    @classmethod
    def _strong_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        text = value.get_secret_value()
        if text.strip().lower() in PLACEHOLDER_SECRETS:
            raise ValueError("is a well-known placeholder; generate a random secret")
        if len(text) < MIN_SECRET_LENGTH:
            raise ValueError(
                f"must be at least {MIN_SECRET_LENGTH} characters long (e.g. the output of "
                "python -c 'import secrets; print(secrets.token_urlsafe(32))')"
            )
        return value

    @model_validator(mode="after")
    def _open_server_needs_a_secret(self) -> "Settings":
        if self.host.strip() not in LOOPBACK_HOSTS and self.secret_key is None:
            raise ValueError(
                f"{ENV_PREFIX}HOST {self.host!r} opens the server to other machines: set "
                f"{ENV_PREFIX}SECRET_KEY too"
            )
        return self

    @property
    def database(self) -> str:
        """The database URL in force: :attr:`database_url`, else the SQLite file in
        :attr:`data_dir`."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / DATABASE_FILE_NAME}"

    @property
    def config_file(self) -> Path | None:
        """The config file read, if any."""
        return _read_config_file()[0]

    def shown(self) -> dict[str, Any]:
        """What is in force, as JSON, with the database password and the secret hidden."""
        config = self.config_file
        return {
            "database_url": hide_password(self.database),
            "data_dir": str(self.data_dir),
            "exercises": [str(path) for path in self.exercises],
            "host": self.host,
            "port": self.port,
            "secret_key": None if self.secret_key is None else "**********",
            "broker_url": hide_password(self.broker_url) if self.broker_url else "",
            "broker_visibility_s": self.broker_visibility_s,
            "config_file": None if config is None else str(config),
        }


def hide_password(url: str) -> str:
    """``url`` with any password replaced by ``***``."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparsable database URL>"


def _value_worth_showing(error: ErrorDetails) -> bool:
    return bool(error["loc"]) and tuple(error["loc"]) != ("secret_key",)


SETTINGS_WORDING = Wording(
    field="setting {path} ({origin}{PATH}): ",
    top_level="settings: ",
    dotted=True,
    show_input=_value_worth_showing,
)
"""A setting refused: ``setting port (KINESENSE_PORT): message (got VALUE)``, the secret's
value never shown."""


def load_settings(**overrides: Any) -> Settings:
    """The settings in force (``overrides`` win over every other source).

    Raises :class:`InvalidValueError` naming the setting (and its environment variable) when a
    value is refused.
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise InvalidValueError(describe_settings_error(exc)) from None


def describe_settings_error(exc: ValidationError) -> str:
    """The first problem of a settings :class:`ValidationError`, in one line."""
    return one_line(exc, ENV_PREFIX, SETTINGS_WORDING)
