"""Passwords: argon2id hashes, verified in constant work whether or not the account exists."""

import pytest

from kinesense.errors import InvalidValueError
from kinesense.web.passwords import (
    check_new_password,
    hash_password,
    needs_rehash,
    verify_password,
)


def test_a_hash_verifies_its_password_only() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "correct horse batterY")
    assert not verify_password(stored, "")
    assert hash_password("correct horse battery") != stored  # salted
    assert not needs_rehash(stored)


def test_unknown_accounts_and_broken_hashes_never_verify() -> None:
    assert not verify_password(None, "kinesense: no account has this password")
    assert not verify_password("not a hash", "anything")
    assert needs_rehash("not a hash")


def test_weaker_hashes_are_marked_for_rehashing() -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("correct horse battery")
    assert verify_password(weak, "correct horse battery")
    assert needs_rehash(weak)


@pytest.mark.parametrize(
    ("password", "message"),
    [("123456789", "at least 10"), ("x" * 257, "at most 256"),
     ("Ann@Example.org", "cannot be the email address")],
)  # fmt: skip
def test_new_passwords_follow_the_length_rule(password: str, message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        check_new_password(password, email="ann@example.org")
    assert check_new_password("ten chars!") == "ten chars!"
    assert check_new_password("🙂" * 10) == "🙂" * 10  # any characters
