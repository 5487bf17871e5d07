"""Passwords: argon2id hashes (argon2-cffi's defaults, the RFC 9106 low-memory profile: 3
passes over 64 MiB, 4 lanes) and the length rule.

Length rule after NIST SP 800-63B section 5.1.1.2: at least 10 characters (above its minimum of
8, as the accounts hold health data), at most 256, any characters, no composition rules.
"""

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kinesense.errors import InvalidValueError

MIN_LENGTH = 10
MAX_LENGTH = 256

_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified when the email is unknown, so that a wrong email costs as long as a wrong
    password (made on first use, not on import)."""
    return _HASHER.hash("kinesense: no account has this password")


def check_new_password(password: str, *, email: str = "") -> str:
    """``password`` if it may be used; :class:`InvalidValueError` saying why not."""
    if len(password) < MIN_LENGTH:
        raise InvalidValueError(f"the password must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InvalidValueError(f"the password must have at most {MAX_LENGTH} characters")
    if email and password.strip().lower() == email.strip().lower():
        raise InvalidValueError("the password cannot be the email address")
    return password


def hash_password(password: str) -> str:
    """The argon2id hash to store."""
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash`` (None: an unknown account, checked against a
    dummy hash so that it costs the same time)."""
    try:
        return _HASHER.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether a hash was made with weaker parameters than today's."""
    try:
        return _HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
