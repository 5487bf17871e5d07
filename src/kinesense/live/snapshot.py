"""A live session as bytes and back, for another web process to carry it on (issue 13).

A snapshot is the session's :mod:`pickle` (the coach's whole state: counts, the hold timer,
filters, the set-up check) behind an HMAC-SHA256 of it keyed by the app's secret key. Unpickling
runs code chosen by whoever wrote the bytes, so a snapshot whose signature does not match
(written without the key: a tampered or foreign Redis) is refused before :func:`pickle.loads`
sees it. Every web process of one site shares the key (``KINESENSE_SECRET_KEY``).

The clock a session keeps for its idle time (``touched``, :func:`time.monotonic`) belongs to the
process that made it: a restored session is touched now.
"""

import hashlib
import hmac
import pickle
import time

from kinesense.errors import KinesenseError
from kinesense.live.session import LiveSession

DIGEST_BYTES = 32
"""Length of the signature in front of the pickle (SHA-256)."""
CONTEXT = b"kinesense live snapshot v1"
"""Mixed into the key so that a signature made for something else never verifies here."""


class SnapshotError(KinesenseError):
    """A snapshot that is not signed with this site's key, or not a live session."""


def snapshot_key(secret: str) -> bytes:
    """The signing key of snapshots, derived from the app's secret key."""
    return hmac.new(secret.encode(), CONTEXT, hashlib.sha256).digest()


def dump(session: LiveSession, key: bytes) -> bytes:
    """``session`` as signed bytes (signature, then the pickle)."""
    body = pickle.dumps(session, protocol=pickle.HIGHEST_PROTOCOL)
    return hmac.new(key, body, hashlib.sha256).digest() + body


def load(blob: bytes, key: bytes) -> LiveSession:
    """The session of a snapshot made by :func:`dump` with the same key.

    Raises:
        SnapshotError: the signature does not match (nothing is unpickled), or the bytes are
            not a live session.
    """
    signature, body = blob[:DIGEST_BYTES], blob[DIGEST_BYTES:]
    expected = hmac.new(key, body, hashlib.sha256).digest()
    if len(signature) != DIGEST_BYTES or not hmac.compare_digest(signature, expected):
        raise SnapshotError("the live session's snapshot is not signed with this site's key")
    session = pickle.loads(body)  # signed with this site's key: checked above
    if not isinstance(session, LiveSession):
        raise SnapshotError("the snapshot does not hold a live session")
    session.touched = time.monotonic()
    return session
