"""The accounts repository: accounts, sign-in sessions, one-time links and failed sign-ins.

It stores what the web app decides and decides nothing about who may see what (that is in
:mod:`kinesense.web.access`). Tokens are made by the caller, and only their SHA-256 is kept
(:func:`token_hash`); password hashes come from :mod:`kinesense.web.passwords`. Every method is
one transaction. Times are aware UTC in the records and naive UTC in the tables.

Every transaction that writes starts with its write (an ``UPDATE ... WHERE`` that claims the row,
or an ``INSERT``/``DELETE``), never with a read it then upgrades: under SQLite a read transaction
that turns into a write fails at once with "database is locked" when another connection (a job
reporting progress) wrote in between, and under PostgreSQL the claim is what stops two browsers
from using one link twice.
"""

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from kinesense.errors import ConflictError, InvalidValueError, NotFoundError
from kinesense.store.codec import optional_aware, stored_time, to_aware
from kinesense.store.engine import StoreError, safe_url
from kinesense.store.models import Person, Record
from kinesense.store.web_tables import (
    LINK_PURPOSES,
    ROLES,
    Account,
    OneTimeLink,
    SignInFailure,
    SignInSession,
)

Row = TypeVar("Row", Account, OneTimeLink)
T = TypeVar("T")

NAME_MAX = 200
EMAIL_MAX = 254


def token_hash(token: str) -> str:
    """The SHA-256 (hex) under which a session or link token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AccountRecord:
    """An account as the web app sees it (never its password hash)."""

    id: int
    email: str
    name: str
    role: str
    person_id: int | None
    therapist_id: int | None
    consent_version: str | None
    consent_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class LinkRecord:
    """A one-time link: an invitation, the first-run link or a sign-in link."""

    id: int
    purpose: str
    invited_by: int | None
    account_id: int | None
    name: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None


def _account(row: Account) -> AccountRecord:
    return AccountRecord(
        id=row.id, email=row.email, name=row.name, role=row.role, person_id=row.person_id,
        therapist_id=row.therapist_id, consent_version=row.consent_version,
        consent_at=optional_aware(row.consent_at), created_at=to_aware(row.created_at),
    )  # fmt: skip


def _link(row: OneTimeLink) -> LinkRecord:
    return LinkRecord(
        id=row.id, purpose=row.purpose, invited_by=row.invited_by, account_id=row.account_id,
        name=row.name, created_at=to_aware(row.created_at),
        expires_at=to_aware(row.expires_at), used_at=optional_aware(row.used_at),
    )  # fmt: skip


def normalise_email(email: str) -> str:
    """``email`` trimmed and lower-cased; :class:`InvalidValueError` unless it looks like one."""
    cleaned = email.strip().lower()
    local, _, domain = cleaned.partition("@")
    if not local or not domain or " " in cleaned or len(cleaned) > EMAIL_MAX:
        raise InvalidValueError(f"not an email address: {email.strip()[:80]!r}")
    return cleaned


def clean_name(name: str, what: str = "name") -> str:
    """``name`` trimmed; :class:`InvalidValueError` when empty or longer than 200 characters."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidValueError(f"the {what} cannot be empty")
    if len(cleaned) > NAME_MAX:
        raise InvalidValueError(f"the {what} is longer than {NAME_MAX} characters")
    return cleaned


class Accounts:
    """Accounts and everything that signs them in, in the kinesense database (the tables are
    created by the store's migrations: open a :class:`kinesense.store.Store` on the same URL
    first, or call :func:`kinesense.store.engine.migrate`)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        try:
            with self._sessions.begin() as session:
                yield session
        except IntegrityError as exc:
            if "email" in str(exc.orig).lower():
                raise ConflictError("an account with this email address already exists") from None
            raise StoreError(f"database {safe_url(str(self._engine.url))}: {exc.orig}") from None
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise StoreError(f"database {safe_url(str(self._engine.url))}: {reason}") from None

    # --- accounts ------------------------------------------------------------------------------

    def count(self, role: str | None = None) -> int:
        """How many accounts there are (of one role)."""
        query = select(func.count(Account.id))
        if role is not None:
            query = query.where(Account.role == role)
        with self._transaction() as session:
            return int(session.scalar(query) or 0)

    def _read(self, table: type[Row], key: int, missing: str, read: Callable[[Row], T]) -> T:
        """``read`` of the row of ``table`` with primary key ``key``; :class:`NotFoundError`
        ``missing`` if there is none."""
        with self._transaction() as session:
            row = session.get(table, key)
            if row is None:
                raise NotFoundError(missing)
            return read(row)

    def get(self, account_id: int) -> AccountRecord:
        """An account by id; :class:`NotFoundError` if there is none."""
        return self._read(Account, account_id, f"no account with id {account_id}", _account)

    def password_of(self, email: str) -> tuple[AccountRecord, str] | None:
        """The account with this email and its password hash, or None."""
        try:
            wanted = normalise_email(email)
        except InvalidValueError:
            return None
        with self._transaction() as session:
            row = session.scalars(select(Account).where(Account.email == wanted)).first()
            return None if row is None else (_account(row), row.password_hash)

    def password_hash(self, account_id: int) -> str:
        """The stored password hash of an account."""
        return self._read(
            Account, account_id, f"no account with id {account_id}", lambda row: row.password_hash
        )

    def set_password_hash(self, account_id: int, password_hash: str) -> None:
        """Replace an account's password hash (after a re-hash with stronger parameters)."""
        query = update(Account).where(Account.id == account_id)
        with self._transaction() as session:
            session.execute(query.values(password_hash=password_hash))

    def by_role(self, role: str) -> list[AccountRecord]:
        """Every account of a role, oldest first."""
        with self._transaction() as session:
            rows = session.scalars(select(Account).where(Account.role == role).order_by(Account.id))
            return [_account(r) for r in rows]

    def people_of(self, therapist_id: int) -> list[AccountRecord]:
        """The person accounts a therapist invited, oldest first."""
        query = select(Account).where(
            Account.therapist_id == therapist_id, Account.role == "person"
        )
        with self._transaction() as session:
            return [_account(r) for r in session.scalars(query.order_by(Account.id))]

    def for_person(self, person_id: int) -> AccountRecord | None:
        """The account linked to a ``people`` row, or None (people added with the CLI)."""
        with self._transaction() as session:
            row = session.scalars(select(Account).where(Account.person_id == person_id)).first()
            return None if row is None else _account(row)

    def record_consent(self, account_id: int, version: str) -> None:
        """Note that the account accepted the consent and disclaimer of ``version`` now."""
        query = update(Account).where(Account.id == account_id)
        query = query.values(consent_version=version, consent_at=stored_time())
        with self._transaction() as session:
            if not _rowcount(session.execute(query)):
                raise NotFoundError(f"no account with id {account_id}")

    def delete_person_account(self, account_id: int) -> int | None:
        """Delete a person's account, their ``people`` row and every record of their history, in
        one transaction; returns the person id (to remove their files), or None."""
        person_id = self.get(account_id).person_id
        with self._transaction() as session:
            if not _rowcount(session.execute(delete(Account).where(Account.id == account_id))):
                raise NotFoundError(f"no account with id {account_id}")
            if person_id is not None:
                session.execute(delete(Record).where(Record.person_id == person_id))
                session.execute(delete(Person).where(Person.id == person_id))
        return person_id

    # --- one-time links ------------------------------------------------------------------------

    def create_link(
        self, token: str, purpose: str, *, lifetime: timedelta, invited_by: int | None = None,
        account_id: int | None = None, name: str = "",
    ) -> LinkRecord:  # fmt: skip
        """Store a one-time link for ``token`` (see :data:`LINK_PURPOSES`)."""
        if purpose not in LINK_PURPOSES:
            raise InvalidValueError(f"unknown link purpose {purpose!r}")
        created = stored_time()
        with self._transaction() as session:
            row = OneTimeLink(
                token_hash=token_hash(token), purpose=purpose, invited_by=invited_by,
                account_id=account_id, name=name, created_at=created,
                expires_at=created + lifetime,
            )  # fmt: skip
            session.add(row)
            session.flush()
            return _link(row)

    def link(self, token: str) -> LinkRecord:
        """The usable link for ``token``; :class:`NotFoundError` saying why it cannot be used."""
        with self._transaction() as session:
            return _link(_usable_link(session, token))

    def links_by(self, account_id: int) -> list[LinkRecord]:
        """The links an account created, newest first."""
        query = select(OneTimeLink).where(OneTimeLink.invited_by == account_id)
        with self._transaction() as session:
            return [_link(r) for r in session.scalars(query.order_by(OneTimeLink.id.desc()))]

    def link_by_id(self, link_id: int) -> LinkRecord:
        """A link by id; :class:`NotFoundError` if there is none."""
        return self._read(OneTimeLink, link_id, f"no invitation with id {link_id}", _link)

    def revoke_link(self, link_id: int) -> None:
        """Delete an unused link."""
        with self._transaction() as session:
            session.execute(delete(OneTimeLink).where(OneTimeLink.id == link_id))

    def revoke_unused(self, purpose: str) -> None:
        """Delete every unused link of a purpose (the earlier first-run links, say)."""
        with self._transaction() as session:
            session.execute(
                delete(OneTimeLink).where(
                    OneTimeLink.purpose == purpose, OneTimeLink.used_at.is_(None)
                )
            )

    def use_signin_link(self, token: str) -> AccountRecord:
        """Mark a sign-in link used and return its account."""
        with self._transaction() as session:
            link = _claim_link(session, token)
            if link.purpose != "signin" or link.account_id is None:
                raise NotFoundError("this link does not sign anyone in")
            account = session.get(Account, link.account_id)
            if account is None:
                raise NotFoundError("the account of this link no longer exists")
            return _account(account)

    def accept_link(
        self, token: str, *, email: str, name: str, password_hash: str
    ) -> AccountRecord:
        """Create the account an invitation (or the first-run link) is for, and for a person their
        ``people`` row, marking the link used, all in one transaction."""
        email, name = normalise_email(email), clean_name(name)
        with self._transaction() as session:
            link = _claim_link(session, token)
            if link.purpose not in ROLES:
                raise NotFoundError("this link is not an invitation")
            if link.purpose == "admin" and session.scalar(
                select(func.count(Account.id)).where(Account.role == "admin")
            ):
                raise ConflictError("kinesense already has an administrator; sign in instead")
            created = stored_time()
            person_id = None
            if link.purpose == "person":
                person = Person(name=name, birth_year=None, notes="", created_at=created)
                session.add(person)
                session.flush()
                person_id = person.id
            account = Account(
                email=email, name=name, role=link.purpose, password_hash=password_hash,
                person_id=person_id, therapist_id=link.invited_by if person_id else None,
                created_at=created,
            )  # fmt: skip
            session.add(account)
            session.flush()
            return _account(account)

    # --- sign-in sessions ----------------------------------------------------------------------

    def open_session(
        self, token: str, account_id: int, *, lifetime: timedelta, address: str = "",
        user_agent: str = "",
    ) -> None:  # fmt: skip
        """Record a new sign-in session for ``token``."""
        created = stored_time()
        with self._transaction() as session:
            session.add(
                SignInSession(
                    id=token_hash(token),
                    account_id=account_id,
                    created_at=created,
                    last_seen_at=created,
                    expires_at=created + lifetime,
                    address=address[:64],
                    user_agent=user_agent[:200],
                )
            )

    def session_account(self, token: str, *, idle: timedelta) -> AccountRecord | None:
        """The account signed in with ``token``, or None when the session is unknown, expired or
        idle for longer than ``idle`` (it is then deleted). Its last use is refreshed at most
        once a minute, in a write of its own."""
        now, key = stored_time(), token_hash(token)
        with self._transaction() as session:
            found = session.execute(
                select(SignInSession, Account)
                .join(Account, Account.id == SignInSession.account_id)
                .where(SignInSession.id == key)
            ).first()
            row, account = found if found is not None else (None, None)
            if row is None or account is None:
                return None
            ended = now >= row.expires_at or now - row.last_seen_at > idle
            stale = now - row.last_seen_at > timedelta(minutes=1)
            record = _account(account)
        if ended:
            self.close_session(token)
            return None
        if stale:
            with self._transaction() as session:
                session.execute(
                    update(SignInSession).where(SignInSession.id == key).values(last_seen_at=now)
                )
        return record

    def close_session(self, token: str) -> None:
        """Sign one browser out."""
        with self._transaction() as session:
            session.execute(delete(SignInSession).where(SignInSession.id == token_hash(token)))

    def close_all_sessions(self, account_id: int) -> int:
        """Sign an account out everywhere; returns how many sessions were closed."""
        with self._transaction() as session:
            query = delete(SignInSession).where(SignInSession.account_id == account_id)
            return int(getattr(session.execute(query), "rowcount", 0) or 0)

    def session_count(self, account_id: int) -> int:
        """How many sessions an account has open."""
        query = select(func.count()).where(SignInSession.account_id == account_id)
        with self._transaction() as session:
            return int(session.scalar(query) or 0)

    # --- failed sign-ins -----------------------------------------------------------------------

    def add_failure(self, *keys: str) -> None:
        """Count a failed sign-in under each key (``account:...``, ``address:...``)."""
        with self._transaction() as session:
            session.add_all(SignInFailure(key=key[:300], at=stored_time()) for key in keys)

    def failures_since(self, key: str, since: datetime) -> tuple[int, datetime | None]:
        """How many failures ``key`` had since ``since`` (aware UTC), and the oldest of them."""
        start = stored_time(since)
        query = select(func.count(SignInFailure.id), func.min(SignInFailure.at)).where(
            SignInFailure.key == key[:300], SignInFailure.at >= start
        )
        with self._transaction() as session:
            count, oldest = session.execute(query).one()
            return int(count or 0), optional_aware(oldest)

    def clear_failures(self, key: str) -> None:
        """Forget the failures of ``key`` (after a successful sign-in)."""
        with self._transaction() as session:
            session.execute(delete(SignInFailure).where(SignInFailure.key == key[:300]))

    def forget_before(self, moment: datetime) -> None:
        """Delete failures and expired sessions and links older than ``moment`` (aware UTC)."""
        cut = stored_time(moment)
        with self._transaction() as session:
            session.execute(delete(SignInFailure).where(SignInFailure.at < cut))
            session.execute(delete(SignInSession).where(SignInSession.expires_at < cut))
            session.execute(
                delete(OneTimeLink).where(
                    OneTimeLink.expires_at < cut, OneTimeLink.used_at.is_(None)
                )
            )


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _usable_link(session: Session, token: str) -> OneTimeLink:
    row = session.scalars(select(OneTimeLink).where(OneTimeLink.token_hash == token_hash(token)))
    link = row.first()
    if link is None:
        raise NotFoundError("this link is not valid: check that it was copied whole")
    if link.used_at is not None:
        raise NotFoundError("this link was already used: sign in, or ask for a new one")
    if stored_time() >= link.expires_at:
        raise NotFoundError("this link has expired: ask for a new one")
    return link


def _claim_link(session: Session, token: str) -> OneTimeLink:
    """Mark the link of ``token`` used, as the transaction's first statement (so that only one
    of two simultaneous uses can succeed); raises, saying why, when it cannot be used (the
    caller's transaction then rolls the claim back)."""
    now = stored_time()
    claim = (
        update(OneTimeLink)
        .where(
            OneTimeLink.token_hash == token_hash(token),
            OneTimeLink.used_at.is_(None),
            OneTimeLink.expires_at > now,
        )
        .values(used_at=now)
    )
    claimed = _rowcount(session.execute(claim))
    link = session.scalars(
        select(OneTimeLink).where(OneTimeLink.token_hash == token_hash(token))
    ).first()
    if not claimed or link is None:
        _usable_link(session, token)  # raises with the reason
        raise NotFoundError("this link cannot be used")
    return link
