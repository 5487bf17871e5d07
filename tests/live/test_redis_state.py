"""Live sessions in Redis (the clinic stack's store): two stores on one Redis stand for two web
processes. A session started in one continues in the other exactly where it stood (snapshot +
the frames logged after it), the older connection learns it was superseded, a tampered
snapshot is refused, and a finished session is gone everywhere. Skipped without the test Redis
(``KINESENSE_TEST_REDIS_URL``)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from kinesense.exercises import load_exercise
from kinesense.live.redis_state import RedisLiveStore, live_store_for, session_key
from kinesense.live.session import LiveSession
from kinesense.live.state import MemoryLiveStore
from tests.clinic.stack import REDIS_URL
from tests.live.frames import message, real_squats, text

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="KINESENSE_TEST_REDIS_URL is not set")
SECRET = "the key every web process shares"


@pytest.fixture
def client() -> Iterator[object]:
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


def squat_session(resolution: tuple[int, int]) -> LiveSession:
    exercise = load_exercise("squat").with_dose(sets=1, reps=30)
    return LiveSession(exercise, resolution, person_id=1, account_id=7)


def feed(store: RedisLiveStore, token: str, session: LiveSession, seq: int, frame: object) -> bool:
    step = session.feed(message(seq, frame))  # type: ignore[arg-type]
    return store.applied(token, session, None if step.get("dup") else text(seq, frame))  # type: ignore[arg-type]


def test_a_session_continues_in_another_process_as_if_uninterrupted(
    client: object, shared_data: Path
) -> None:
    frames, resolution = real_squats(shared_data)
    first, second = RedisLiveStore(client, SECRET), RedisLiveStore(client, SECRET)  # type: ignore[arg-type]
    session = squat_session(resolution)
    token = first.add(session)
    session.skip_setup()
    assert first.applied(token, session, None)
    cut = 700  # mid-session: snapshots every second, frames logged since the last one
    for seq in range(cut):
        assert feed(first, token, session, seq, frames[seq])
    assert first.writer.flush()
    assert client.llen(f"{session_key(token)}:frames") > 0  # type: ignore[attr-defined]

    found = second.get(token)
    assert found is not None
    assert found is not session
    assert found.last_seq == cut - 1
    assert found.account_id == 7
    taken = second.attach(token, found)
    assert taken is not None
    assert taken.generation == session.generation + 1
    feed(first, token, session, cut, frames[cut])  # refused by Redis: the generation moved on
    assert first.writer.flush()
    assert not first.applied(token, session, None)  # so the old connection stops
    for seq in range(cut, len(frames)):
        assert feed(second, token, taken, seq, frames[seq])
    assert second.writer.flush()
    assert RedisLiveStore(client, SECRET).get(token).last_seq == len(frames) - 1  # type: ignore[arg-type,union-attr]

    uninterrupted = squat_session(resolution)
    uninterrupted.skip_setup()
    for seq, frame in enumerate(frames):
        uninterrupted.feed(message(seq, frame))
    assert taken.finish().to_json() == uninterrupted.finish().to_json()
    assert uninterrupted.finish().summary.rep_count == 10

    second.remove(token)
    assert second.get(token) is None
    assert first.get(token) is None
    assert not client.keys(f"{session_key(token)}*")  # type: ignore[attr-defined]


def test_resuming_in_the_same_process_keeps_the_session_object(client: object) -> None:
    store = RedisLiveStore(client, SECRET)  # type: ignore[arg-type]
    session = squat_session((640, 360))
    token = store.add(session)
    assert store.get(token) is session
    assert store.attach(token, session) is session
    assert session.generation == 1
    store.release(token, session)
    assert RedisLiveStore(client, SECRET).get(token) is not None  # type: ignore[arg-type]


def test_a_tampered_snapshot_is_refused(client: object) -> None:
    store = RedisLiveStore(client, SECRET)  # type: ignore[arg-type]
    token = store.add(squat_session((640, 360)))
    key = f"{session_key(token)}:snap"
    blob = bytearray(client.get(key))  # type: ignore[attr-defined]
    blob[40] ^= 0xFF
    client.set(key, bytes(blob))  # type: ignore[attr-defined]
    assert RedisLiveStore(client, SECRET).get(token) is None  # type: ignore[arg-type]
    assert RedisLiveStore(client, "another site's key").get(token) is None  # type: ignore[arg-type]


def test_keys_hold_no_token_and_expire(client: object) -> None:
    store = RedisLiveStore(client, SECRET, idle_s=30)  # type: ignore[arg-type]
    token = store.add(squat_session((640, 360)))
    keys = [k.decode() for k in client.keys("kinesense:live:*")]  # type: ignore[attr-defined]
    assert len(keys) == 2
    assert not any(token in k for k in keys)
    assert all(0 < client.pttl(k) <= 30_000 for k in keys)  # type: ignore[attr-defined]


def test_the_store_follows_the_broker_setting() -> None:
    assert isinstance(live_store_for("", SECRET), MemoryLiveStore)
    if REDIS_URL:
        assert isinstance(live_store_for(REDIS_URL, SECRET), RedisLiveStore)
