"""The pairing token rules: 128 random bits, ten minutes, used once, bound to the person, the
account and the test; only the account that made a pairing may read it. On SQLite (the embedded
app) and on PostgreSQL (the clinic stack) when ``KINESENSE_TEST_POSTGRES_URL`` is set."""

import base64
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kinesense.errors import NotFoundError
from kinesense.phone.protocols import PhoneTest
from kinesense.phone.tokens import (
    MAX_OPEN_PER_ACCOUNT,
    PAIRING_LIFETIME,
    DatabasePairings,
    PairingRefusedError,
    token_hash,
)
from kinesense.store import Store
from kinesense.store.engine import make_engine
from tests.store.postgres import POSTGRES_URL, emptied_database

SWAY = PhoneTest(test="sway", placement="lower back", eyes="closed")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


Pairings = Callable[..., DatabasePairings]


@pytest.fixture(params=["sqlite", "postgresql"])
def pairings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pairings]:
    """Pairing stores on an empty, migrated database with people 1 to 7."""
    if request.param == "postgresql":
        if not POSTGRES_URL:
            pytest.skip("KINESENSE_TEST_POSTGRES_URL is not set")
        url = emptied_database()
    else:
        url = f"sqlite:///{tmp_path / 'pairings.db'}"
    with Store(url, migrate=True) as store, store.transaction() as unit:
        for number in range(1, 8):
            unit.add_person(f"Person {number}")
    engine = make_engine(url)
    yield (
        lambda now=None: DatabasePairings(engine) if now is None else DatabasePairings(engine, now)
    )
    engine.dispose()


def test_a_token_is_128_random_bits_and_only_its_hash_is_kept(pairings: Pairings) -> None:
    store = pairings()
    issued = [store.issue(1, 10, SWAY) for _ in range(5)]
    for item in issued:
        raw = base64.urlsafe_b64decode(item.token + "=" * (-len(item.token) % 4))
        assert len(raw) == 16
        assert item.pairing.token_hash == token_hash(item.token) != item.token
        assert item.token not in repr(item.pairing)
    assert len({item.token for item in issued}) == 5


def test_the_token_is_bound_to_person_account_and_test(pairings: Pairings) -> None:
    store = pairings()
    issued = store.issue(7, 70, SWAY)
    claimed = store.claim(issued.token)
    assert (claimed.person_id, claimed.account_id, claimed.test) == (7, 70, SWAY)
    assert claimed.status == "recording"


def test_checking_does_not_spend_but_claiming_does(pairings: Pairings) -> None:
    store = pairings()
    issued = store.issue(1, 10, SWAY)
    store.check(issued.token)
    store.check(issued.token)
    store.claim(issued.token)
    with pytest.raises(PairingRefusedError, match="already used"):
        store.check(issued.token)
    with pytest.raises(PairingRefusedError, match="already used"):
        store.claim(issued.token)


def test_a_token_expires_after_ten_minutes(pairings: Pairings) -> None:
    clock = Clock()
    store = pairings(clock)
    issued = store.issue(1, 10, SWAY)
    assert timedelta(minutes=10) == PAIRING_LIFETIME
    clock.now += PAIRING_LIFETIME - timedelta(seconds=1)
    store.check(issued.token)
    clock.now += timedelta(seconds=1)
    with pytest.raises(PairingRefusedError, match="expired"):
        store.claim(issued.token)


def test_unknown_and_altered_tokens_are_refused(pairings: Pairings) -> None:
    store = pairings()
    issued = store.issue(1, 10, SWAY)
    altered = issued.token[:-1] + ("A" if issued.token[-1] != "A" else "B")
    for token in ("", "nope", altered):
        with pytest.raises(PairingRefusedError, match="not valid") as caught:
            store.claim(token)
        assert caught.value.http_status == 410


def test_a_pairing_and_its_outcome_are_read_through_its_person(pairings: Pairings) -> None:
    store = pairings()
    issued = store.issue(1, 10, SWAY)
    pairing_id = issued.pairing.pairing_id
    with pytest.raises(PairingRefusedError, match="never used"):
        store.finish(pairing_id, "done", record_id=3)
    store.claim(issued.token)
    store.finish(pairing_id, "done", record_id=3, message="fine")
    seen = store.for_person(pairing_id, 1)
    assert (seen.status, seen.record_id, seen.message) == ("done", 3, "fine")
    with pytest.raises(NotFoundError):
        store.for_person(pairing_id, 2)
    with pytest.raises(NotFoundError):
        store.for_person("no-such-id", 1)


def test_an_account_holds_a_bounded_number_of_open_pairings(pairings: Pairings) -> None:
    store = pairings()
    issued = [store.issue(1, 10, SWAY) for _ in range(MAX_OPEN_PER_ACCOUNT + 3)]
    for old in issued[:3]:
        with pytest.raises(PairingRefusedError):
            store.check(old.token)
    for recent in issued[3:]:
        store.check(recent.token)
    store.check(store.issue(2, 20, SWAY).token)  # another account is not affected


def test_repositioning_is_always_on_the_lower_back() -> None:
    test = PhoneTest.model_validate({"test": "repositioning", "placement": "sternum"})
    assert test.placement == "lower back"
    assert test.forward_axis == "-z"
    assert PhoneTest(test="sway").forward_axis == "+z"
    assert PhoneTest(test="sway").duration_s == 30.0
