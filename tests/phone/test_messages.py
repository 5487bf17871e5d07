"""The WebSocket messages: what is accepted, and the caps on size, count and rate."""

import json

import pytest
from pydantic import ValidationError

from kinesense.phone.messages import (
    MAX_MESSAGE_BYTES,
    MAX_ROWS,
    EndMessage,
    MotionBatch,
    max_samples,
    parse_message,
)
from kinesense.phone.protocols import PhoneTest
from kinesense.phone.session import (
    INVALID_DATA,
    POLICY,
    TOO_BIG,
    MessageBudget,
    PhoneProtocolError,
    PhoneRecording,
)

ROW = [0.0, 0.1, 9.8, 0.2, 1.0, 2.0, 3.0, 16.0]


def batch(seq: int, rows: list[list[float]] | None = None) -> str:
    return json.dumps({"type": "motion", "seq": seq, "motion": rows or [ROW]})


def test_a_batch_and_the_end_parse() -> None:
    message = parse_message(batch(0, [ROW, ROW]))
    assert isinstance(message, MotionBatch)
    assert message.motion[1] == tuple(ROW)
    assert parse_message('{"type": "end", "samples": 2}') == EndMessage(type="end", samples=2)


@pytest.mark.parametrize(
    "text",
    [
        '{"type": "motion", "seq": 0, "motion": [[0, 1, 2]]}',  # a short row
        '{"type": "motion", "seq": 0, "motion": [[0, 1, 2, 3, 4, 5, 6, "x"]]}',
        '{"type": "motion", "seq": 0, "motion": [[0, 1e9, 0, 0, 0, 0, 0, 16]]}',  # no phone
        '{"type": "motion", "seq": 0, "motion": [[-1, 0, 0, 0, 0, 0, 0, 16]]}',
        '{"type": "motion", "seq": -1, "motion": []}',
        '{"type": "motion", "seq": 0, "motion": [], "extra": 1}',
        '{"type": "landmarks"}',
        "[1, 2]",
        "not json",
    ],
)
def test_bad_messages_are_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_message(text)


def test_a_batch_holds_a_bounded_number_of_rows() -> None:
    parse_message(batch(0, [ROW] * MAX_ROWS))
    with pytest.raises(ValidationError):
        parse_message(batch(0, [ROW] * (MAX_ROWS + 1)))


def test_the_recording_refuses_with_the_right_close_code() -> None:
    test = PhoneTest(test="sway")
    recording = PhoneRecording(test, "phone")
    recording.receive(batch(0), 0.0)
    with pytest.raises(PhoneProtocolError) as caught:
        recording.receive(batch(5), 0.0)
    assert caught.value.close_code == POLICY
    assert "batch 5 arrived where batch 1" in str(caught.value)
    with pytest.raises(PhoneProtocolError) as caught:
        PhoneRecording(test, "phone").receive("x" * (MAX_MESSAGE_BYTES + 1), 0.0)
    assert caught.value.close_code == TOO_BIG
    with pytest.raises(PhoneProtocolError) as caught:
        PhoneRecording(test, "phone").receive('{"type": "motion"}', 0.0)
    assert caught.value.close_code == INVALID_DATA
    assert "seq" in str(caught.value)
    ended = PhoneRecording(test, "phone")
    ended.receive('{"type": "end", "samples": 0}', 0.0)
    with pytest.raises(PhoneProtocolError, match="ended"):
        ended.receive(batch(0), 0.0)


def test_more_samples_than_the_protocol_can_hold_are_refused() -> None:
    test = PhoneTest(test="sway")
    recording = PhoneRecording(test, "phone")
    full = [ROW] * MAX_ROWS
    fitting = max_samples(test.duration_s) // MAX_ROWS
    for seq in range(fitting):
        recording.receive(batch(seq, full), float(seq))
    with pytest.raises(PhoneProtocolError, match="more samples"):
        recording.receive(batch(fitting, full), float(fitting))
    assert len(recording.motion) <= max_samples(test.duration_s)


def test_the_message_budget_allows_bursts_then_the_average_rate() -> None:
    budget = MessageBudget(rate_per_s=10.0, burst=5.0, tokens=5.0)
    assert all(budget.spend(0.0) for _ in range(5))
    assert not budget.spend(0.0)
    assert budget.spend(0.1)  # 0.1 s at 10 a second: one more
    assert not budget.spend(0.1)
    assert all(budget.spend(10.0) for _ in range(5))  # refilled, up to the burst only
    assert not budget.spend(10.0)
