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

:class:`MemoryPairings` keeps pairings in this process (one ``kinesense serve`` process, as the
web app runs); another store (a database table) can replace it behind :class:`PairingStore`.
"""

import hashlib
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal, Protocol

from kinesense.clock import utc_now
from kinesense.errors import KinesenseError, NotFoundError
from kinesense.phone.protocols import PhoneTest

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


class MemoryPairings:
    """:class:`PairingStore` in this process's memory (lost at restart, which only cancels the
    pairings in progress)."""

    def __init__(self, now: Callable[[], datetime] = utc_now) -> None:
        self._now = now
        self._by_hash: dict[str, Pairing] = {}
        self._lock = threading.Lock()

    def issue(self, person_id: int, account_id: int, test: PhoneTest) -> IssuedPairing:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        created = self._now()
        pairing = Pairing(
            pairing_id=secrets.token_urlsafe(12), token_hash=token_hash(token),
            person_id=person_id, account_id=account_id, test=test, created_at=created,
            expires_at=created + PAIRING_LIFETIME,
        )  # fmt: skip
        with self._lock:
            self._forget_old(created)
            mine = sorted(
                (p for p in self._by_hash.values()
                 if p.account_id == account_id and p.status == "waiting"),
                key=lambda p: p.created_at,
            )  # fmt: skip
            for old in mine[: max(0, len(mine) - MAX_OPEN_PER_ACCOUNT + 1)]:
                del self._by_hash[old.token_hash]
            self._by_hash[pairing.token_hash] = pairing
        return IssuedPairing(token, pairing)

    def check(self, token: str) -> Pairing:
        with self._lock:
            return self._usable(token)

    def claim(self, token: str) -> Pairing:
        with self._lock:
            pairing = replace(self._usable(token), used_at=self._now(), status="recording")
            self._by_hash[pairing.token_hash] = pairing
            return pairing

    def finish(self, pairing_id: str, status: Status, *, record_id: int | None = None,
               message: str = "") -> Pairing:  # fmt: skip
        with self._lock:
            pairing = self._by_id(pairing_id)
            if pairing.used_at is None:
                raise PairingRefusedError("this pairing was never used by a phone")
            done = replace(pairing, status=status, record_id=record_id, message=message)
            self._by_hash[done.token_hash] = done
            return done

    def for_person(self, pairing_id: str, person_id: int) -> Pairing:
        with self._lock:
            pairing = self._by_id(pairing_id)
        if pairing.person_id != person_id:
            raise NotFoundError(f"no pairing {pairing_id}")
        return pairing

    def _by_id(self, pairing_id: str) -> Pairing:
        for pairing in self._by_hash.values():
            if secrets.compare_digest(pairing.pairing_id, pairing_id):
                return pairing
        raise NotFoundError(f"no pairing {pairing_id}")

    def _usable(self, token: str) -> Pairing:
        pairing = self._by_hash.get(token_hash(token))
        if pairing is None:
            raise PairingRefusedError(
                "this phone link is not valid: make a new one on the computer (Pair a phone)"
            )
        if pairing.used_at is not None:
            raise PairingRefusedError(
                "this phone link was already used: make a new one on the computer"
            )
        if self._now() >= pairing.expires_at:
            raise PairingRefusedError(
                "this phone link has expired (links last 10 minutes): make a new one on the "
                "computer"
            )
        return pairing

    def _forget_old(self, now: datetime) -> None:
        stale = [h for h, p in self._by_hash.items() if now >= p.expires_at + KEEP_FINISHED]
        for key in stale:
            del self._by_hash[key]
