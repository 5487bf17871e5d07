"""Slowing down password guessing: failed sign-ins are counted per account and per address in
the database (so every web process sees the same count), and sign-in is refused for a while
once a count is reached.

Limits: 5 failures of one account, or 20 from one address, within 15 minutes. NIST SP 800-63B
section 5.2.2 asks for no more than 100 consecutive failures per account; the OWASP
Authentication Cheat Sheet suggests a short lockout after a few failures. These are
kinesense's choices, not tuned on data. A successful sign-in clears the account's count (not
the address's, so one known password does not reopen guessing at others).
"""

import math
from datetime import UTC, datetime, timedelta

from kinesense.store.accounts import Accounts
from kinesense.web.errors import TooManyAttemptsError

WINDOW = timedelta(minutes=15)
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20


def keys(email: str, address: str) -> tuple[str, str]:
    """The counters a sign-in attempt belongs to."""
    return f"account:{email.strip().lower()}", f"address:{address}"


def check_allowed(accounts: Accounts, email: str, address: str) -> None:
    """Raise :class:`TooManyAttemptsError` (429, with the wait) while a limit is reached."""
    now = datetime.now(UTC)
    account_key, address_key = keys(email, address)
    for key, limit, who in (
        (account_key, ACCOUNT_LIMIT, "this account"),
        (address_key, ADDRESS_LIMIT, "this network address"),
    ):
        count, oldest = accounts.failures_since(key, now - WINDOW)
        if count >= limit and oldest is not None:
            wait_s = max(1, math.ceil((oldest + WINDOW - now).total_seconds()))
            minutes = math.ceil(wait_s / 60)
            raise TooManyAttemptsError(
                f"too many failed sign-ins for {who}; try again in {minutes} minute"
                + ("s" if minutes != 1 else ""),
                retry_after_s=wait_s,
            )


def record_failure(accounts: Accounts, email: str, address: str) -> None:
    """Count a failed sign-in."""
    accounts.add_failure(*keys(email, address))


def record_success(accounts: Accounts, email: str) -> None:
    """Clear the account's failures after a successful sign-in."""
    accounts.clear_failures(keys(email, "")[0])
