"""A live session survives being pickled (another web process carries it on), and a snapshot
not signed with the site's key is refused before anything is unpickled."""

import pickle
from pathlib import Path

import pytest

from kinesense.exercises import load_exercise
from kinesense.live.session import LiveSession
from kinesense.live.snapshot import SnapshotError, dump, load, snapshot_key
from tests.live.frames import message, real_squats

KEY = snapshot_key("a secret shared by the web processes")


def squat_session(resolution: tuple[int, int]) -> LiveSession:
    exercise = load_exercise("squat").with_dose(sets=1, reps=30)
    session = LiveSession(exercise, resolution, person_id=1, account_id=7)
    session.skip_setup()
    return session


def test_a_restored_session_answers_the_later_frames_as_the_original(shared_data: Path) -> None:
    frames, resolution = real_squats(shared_data)
    original = squat_session(resolution)
    half = len(frames) // 2
    for seq in range(half):
        original.feed(message(seq, frames[seq]))
    restored = load(dump(original, KEY), KEY)
    assert restored is not original
    assert restored.account_id == 7
    assert restored.last_seq == original.last_seq == half - 1
    later = [message(seq, frames[seq]) for seq in range(half, len(frames))]
    assert [restored.feed(m) for m in later] == [original.feed(m) for m in later]
    mine, theirs = restored.finish().summary, original.finish().summary
    assert mine.rep_count == theirs.rep_count == 10  # UI-PRMD's ten squats
    assert mine.holds == theirs.holds
    assert restored.finish().to_json() == original.finish().to_json()


def test_a_snapshot_signed_with_another_key_is_refused_unread(tmp_path: Path) -> None:
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (marker.touch, ())  # type: ignore[return-value]

    forged = dump(Payload(), snapshot_key("another site"))  # type: ignore[arg-type]
    with pytest.raises(SnapshotError, match="not signed"):
        load(forged, KEY)
    assert not marker.exists()


def test_a_tampered_or_short_snapshot_is_refused() -> None:
    blob = bytearray(dump(squat_session((640, 360)), KEY))
    blob[-5] ^= 0x01
    with pytest.raises(SnapshotError):
        load(bytes(blob), KEY)
    with pytest.raises(SnapshotError):
        load(b"short", KEY)


def test_a_signed_snapshot_of_something_else_is_refused() -> None:
    import hashlib
    import hmac

    body = pickle.dumps({"not": "a session"})
    signed = hmac.new(KEY, body, hashlib.sha256).digest() + body
    with pytest.raises(SnapshotError, match="live session"):
        load(signed, KEY)
