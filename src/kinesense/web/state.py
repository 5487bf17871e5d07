"""What one running web app holds: its settings, the store, the accounts, the job runner and the
templates. Built once by :func:`open_state`, reached by routes through :mod:`kinesense.web.deps`.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from kinesense.clinic.runner import make_runner
from kinesense.jobs import JobRepository, JobRunner, job_functions
from kinesense.settings import load_settings
from kinesense.store import Store
from kinesense.store.accounts import Accounts
from kinesense.store.engine import make_engine
from kinesense.web.config import WebConfig
from kinesense.web.templating import make_templates

SESSION_LIFETIME = timedelta(days=14)
"""How long a sign-in lasts at most."""
SESSION_IDLE = timedelta(days=2)
"""A sign-in unused for this long ends."""
INVITATION_LIFETIME = timedelta(days=7)
SETUP_LINK_LIFETIME = timedelta(days=1)
SIGNIN_LINK_LIFETIME = timedelta(minutes=10)
FORGET_AFTER = timedelta(days=1)
"""At start-up, failed sign-ins older than this are forgotten, with expired sessions and links."""


@dataclass
class AppState:
    """The long-lived parts of the web app (one per process)."""

    config: WebConfig
    store: Store
    engine: Engine
    accounts: Accounts
    jobs: JobRunner
    templates: Jinja2Templates

    def close(self) -> None:
        """Stop the job runner (letting running jobs end) and close the databases."""
        self.jobs.shutdown(wait=True)
        self.engine.dispose()
        self.store.close()


def open_state(config: WebConfig) -> AppState:
    """Open the store (migrating it), the accounts and the job runner (the Celery queue when
    ``KINESENSE_BROKER_URL`` is set, :mod:`kinesense.clinic.runner`); with the in-process
    runner, jobs a previous run left unfinished are marked failed; old failed sign-ins, expired
    sessions and links are deleted."""
    store = Store(config.database_url)
    engine = make_engine(config.database_url)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    runner = make_runner(
        JobRepository(engine), job_functions(config.data_dir, store), workers=config.job_workers,
        broker_url=load_settings().broker_url,
    )  # fmt: skip
    runner.recover()
    accounts = Accounts(engine)
    accounts.forget_before(datetime.now(UTC) - FORGET_AFTER)
    return AppState(
        config=config, store=store, engine=engine, accounts=accounts, jobs=runner,
        templates=make_templates(),
    )  # fmt: skip
