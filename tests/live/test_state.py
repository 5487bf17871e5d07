"""The in-memory store of live sessions: tokens, expiry of idle sessions, a bounded size."""

import time

from kinesense.exercises import load_exercise
from kinesense.live.session import LiveSession
from kinesense.live.state import LiveStore, MemoryLiveStore


def session() -> LiveSession:
    return LiveSession(load_exercise("squat"), (640, 360), person_id=1, account_id=1)


def test_a_session_is_found_by_its_token_until_removed() -> None:
    store: LiveStore = MemoryLiveStore()
    kept = session()
    token = store.add(kept)
    assert len(token) >= 40
    assert store.get(token) is kept
    assert store.get(token + "x") is None
    store.remove(token)
    store.remove(token)  # nothing left: no error
    assert store.get(token) is None
    assert len(store) == 0


def test_an_idle_session_expires_and_a_busy_one_stays() -> None:
    store = MemoryLiveStore(idle_s=60)
    idle, busy = session(), session()
    idle_token, busy_token = store.add(idle), store.add(busy)
    idle.touched = time.monotonic() - 61
    busy.touched = time.monotonic() - 59
    assert store.get(idle_token) is None
    assert store.get(busy_token) is busy
    assert len(store) == 1


def test_the_longest_idle_session_gives_way_when_full() -> None:
    store = MemoryLiveStore(max_sessions=2)
    first, second, third = session(), session(), session()
    tokens = [store.add(first), store.add(second)]
    store.get(tokens[0])  # used last: kept
    newest = store.add(third)
    assert store.get(tokens[1]) is None
    assert store.get(tokens[0]) is first
    assert store.get(newest) is third
