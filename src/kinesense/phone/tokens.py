"""One-time pairing tokens: the credential a phone shows to send its motion sensors' samples.

The rules (checked by ``tests/phone/test_tokens.py``):

* a token is random, 128 bits (:func:`secrets.token_urlsafe` of 16 bytes), URL-safe;
* it expires :data:`PAIRING_LIFETIME` (10 minutes) after it was made;
* it is used once: the first :meth:`PairingStore.claim` (the phone's WebSocket opening) spends
  it; a second claim, even before it expires, is refused;
* it is bound to the person it was made for, the account that made it and the test chosen
  (:class:`~kinesense.phone.protocols.PhoneTest`): the phone cannot change any of them.

The store keeps only the token's SHA-256 (as the sign-in sessions do), so a memory dump or a
log of the store does not hold a usable token. The computer page follows a pairing by its
``pairing_id``, a second random value that is no credential: it is read through the person it
was made for (:meth:`PairingStore.for_person`), by whoever may see that person.

:class:`DatabasePairings` keeps them in the database (the ``phone_pairings`` table), for the
embedded app as for the clinic stack: a pairing issued by one web process is accepted by any
other (issue 13), and one code path serves both. The comparison of the token is the database's
lookup of its SHA-256 (an index), as for sign-in sessions.
"""

import hashlib
import secrets
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from kinesense.clock import utc_now
from kinesense.errors import KinesenseError, NotFoundError
from kinesense.phone.protocols import PhoneTest
from kinesense.store.codec import stored_time
from kinesense.store.engine import session_scope
from kinesense.store.pairing_table import PairingRow

PAIRING_LIFETIME = timedelta(minutes=10)
"""How long a pairing token may be used after it was made."""
TOKEN_BYTES = 16
"""128 random bits."""
MAX_OPEN_PER_ACCOUNT = 10
"""Unexpired pairings one account may hold at a time (older ones are dropped first)."""
KEEP_FINISHED = timedelta(hours=1)
"""A pairing's outcome stays readable by the computer page this long after it expired."""

Status = Literal["waiting", "recording", "done", "failed"]


class PairingRefusedError(KinesenseError):
    """A phone link that cannot be used: unknown, already used or expired."""

    http_status = 410


@dataclass(frozen=True)
class Pairing:
    """A pairing as the store keeps it (never the token itself).

    Attributes:
        pairing_id: the public id the computer page polls with (not a credential).
        token_hash: SHA-256 (hex) of the token.
        person_id: the person the recording is saved for.
        account_id: the signed-in account that made the pairing.
        test: the test chosen on the computer.
        created_at, expires_at: aware UTC times.
        used_at: when the phone claimed the token (None before).
        status: ``waiting`` (not claimed), ``recording``, ``done`` or ``failed``.
        record_id: the saved result's record in the person's history, once ``done``.
        message: why it ``failed``, or the result's one-line summary.
    """

    pairing_id: str
    token_hash: str
    person_id: int
    account_id: int
    test: PhoneTest
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    status: Status = "waiting"
    record_id: int | None = None
    message: str = ""


@dataclass(frozen=True)
class IssuedPairing:
    """A new pairing and its token (shown once, in the QR code and the link)."""

    token: str
    pairing: Pairing


def token_hash(token: str) -> str:
    """SHA-256 (hex) of a token, as the store keys it."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


class PairingStore(Protocol):
    """Where pairings live; every method is safe to call from several threads."""

    def issue(self, person_id: int, account_id: int, test: PhoneTest) -> IssuedPairing:
        """A new pairing with a fresh token."""
        ...

    def check(self, token: str) -> Pairing:
        """The pairing of an unused, unexpired token (the phone page), without spending it;
        :class:`PairingRefusedError` otherwise."""
        ...

    def claim(self, token: str) -> Pairing:
        """Spend the token (the phone starts sending): as :meth:`check`, and marks it used."""
        ...

    def finish(self, pairing_id: str, status: Status, *, record_id: int | None = None,
               message: str = "") -> Pairing:  # fmt: skip
        """Record a claimed pairing's outcome (``done`` with a record, or ``failed``)."""
        ...

    def for_person(self, pairing_id: str, person_id: int) -> Pairing:
        """The pairing if it was made for ``person_id`` (:class:`NotFoundError` otherwise, as
        if it did not exist)."""
        ...


def usable(pairing: Pairing | None, now: datetime) -> Pairing:
    """``pairing`` if a phone may still use it; :class:`PairingRefusedError` saying why not."""
    if pairing is None:
        raise PairingRefusedError(
            "this phone link is not valid: make a new one on the computer (Pair a phone)"
        )
    if pairing.used_at is not None:
        raise PairingRefusedError(
            "this phone link was already used: make a new one on the computer"
        )
    if now >= pairing.expires_at:
        raise PairingRefusedError(
            "this phone link has expired (links last 10 minutes): make a new one on the computer"
        )
    return pairing


def _aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(tzinfo=UTC)


def _pairing(row: PairingRow) -> Pairing:
    return Pairing(
        pairing_id=row.pairing_id, token_hash=row.token_hash, person_id=row.person_id,
        account_id=row.account_id, test=PhoneTest.model_validate_json(row.test),
        created_at=row.created_at.replace(tzinfo=UTC),
        expires_at=row.expires_at.replace(tzinfo=UTC), used_at=_aware(row.used_at),
        status=row.status,  # type: ignore[arg-type]
        record_id=row.record_id, message=row.message,
    )  # fmt: skip


class DatabasePairings:
    """:class:`PairingStore` in the database's ``phone_pairings`` table, for every web app,
    embedded or clinic: any web process accepts a pairing another issued, a pairing in progress
    survives a restart, and a token is spent by one ``UPDATE`` that only an unused, unexpired
    row matches, so two processes cannot both claim it."""

    def __init__(self, engine: Engine, now: Callable[[], datetime] = utc_now) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._now = now

    def _transaction(self) -> AbstractContextManager[Session]:
        return session_scope(self._sessions, self._engine)

    def issue(self, person_id: int, account_id: int, test: PhoneTest) -> IssuedPairing:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        created = self._now()
        pairing = Pairing(
            pairing_id=secrets.token_urlsafe(12), token_hash=token_hash(token),
            person_id=person_id, account_id=account_id, test=test, created_at=created,
            expires_at=created + PAIRING_LIFETIME,
        )  # fmt: skip
        with self._transaction() as session:
            session.execute(
                delete(PairingRow).where(
                    PairingRow.expires_at <= stored_time(created - KEEP_FINISHED)
                )
            )
            waiting = select(PairingRow.token_hash).where(
                PairingRow.account_id == account_id, PairingRow.status == "waiting"
            )
            mine = list(session.scalars(waiting.order_by(PairingRow.created_at)))
            old = mine[: max(0, len(mine) - MAX_OPEN_PER_ACCOUNT + 1)]
            if old:
                session.execute(delete(PairingRow).where(PairingRow.token_hash.in_(old)))
            session.add(PairingRow(
                token_hash=pairing.token_hash, pairing_id=pairing.pairing_id,
                person_id=person_id, account_id=account_id, test=test.model_dump_json(),
                created_at=stored_time(created), expires_at=stored_time(pairing.expires_at),
                used_at=None, status="waiting", record_id=None, message="",
            ))  # fmt: skip
        return IssuedPairing(token, pairing)

    def check(self, token: str) -> Pairing:
        with self._transaction() as session:
            row = session.get(PairingRow, token_hash(token))
            return usable(None if row is None else _pairing(row), self._now())

    def claim(self, token: str) -> Pairing:
        now = self._now()
        spend = (
            update(PairingRow)
            .where(PairingRow.token_hash == token_hash(token), PairingRow.used_at.is_(None),
                   PairingRow.expires_at > stored_time(now))
            .values(used_at=stored_time(now), status="recording")
        )  # fmt: skip
        with self._transaction() as session:
            spent = int(getattr(session.execute(spend), "rowcount", 0) or 0)
            row = session.get(PairingRow, token_hash(token))
            pairing = None if row is None else _pairing(row)
        if not spent:
            usable(pairing, now)  # says why
            raise PairingRefusedError("this phone link was already used: make a new one")
        assert pairing is not None
        return pairing

    def finish(self, pairing_id: str, status: Status, *, record_id: int | None = None,
               message: str = "") -> Pairing:  # fmt: skip
        with self._transaction() as session:
            row = self._by_id(session, pairing_id)
            if row.used_at is None:
                raise PairingRefusedError("this pairing was never used by a phone")
            row.status, row.record_id, row.message = status, record_id, message
            return _pairing(row)

    def for_person(self, pairing_id: str, person_id: int) -> Pairing:
        with self._transaction() as session:
            row = self._by_id(session, pairing_id)
            if row.person_id != person_id:
                raise NotFoundError(f"no pairing {pairing_id}")
            return _pairing(row)

    @staticmethod
    def _by_id(session: Session, pairing_id: str) -> PairingRow:
        row = session.scalars(
            select(PairingRow).where(PairingRow.pairing_id == pairing_id[:32])
        ).first()
        if row is None:
            raise NotFoundError(f"no pairing {pairing_id}")
        return row
