"""The live protocol's messages: what is accepted, and how each refusal closes the socket."""

import json

import pytest

from kinesense.live.protocol import (
    CLOSE_BAD_MESSAGE,
    CLOSE_TOO_BIG,
    MAX_MESSAGE_BYTES,
    FinishMessage,
    FrameMessage,
    ProtocolError,
    StartMessage,
    parse_client,
)

LANDMARKS = [0.5, 0.5, 0.0, 0.9] * 33


def frame(**changes: object) -> str:
    body = {"type": "frame", "seq": 0, "t": 0, "lm": LANDMARKS} | changes
    return json.dumps(body)


def refusal(text: str | bytes) -> ProtocolError:
    with pytest.raises(ProtocolError) as caught:
        parse_client(text)
    return caught.value


def test_every_kind_of_message_is_read() -> None:
    start = parse_client('{"type":"start","v":1,"exercise":"squat","width":640,"height":360}')
    assert start == StartMessage(type="start", v=1, exercise="squat", width=640, height=360)
    assert parse_client(frame(seq=7, t=1234)) == FrameMessage(
        type="frame", seq=7, t=1234, lm=LANDMARKS
    )
    nobody = parse_client(frame(lm=None))
    assert isinstance(nobody, FrameMessage)
    assert nobody.lm is None
    assert parse_client('{"type":"finish","pain_after":3}') == FinishMessage(
        type="finish", pain_after=3
    )
    resume = parse_client('{"type":"resume","v":1,"token":"abcdefghijklmnopqrstuvwxyz"}')
    assert resume.type == "resume"
    assert parse_client('{"type":"skip_setup"}').type == "skip_setup"


def test_a_frame_of_world_landmarks_fits_in_the_size_limit() -> None:
    world = [0.123456] * 99
    text = frame(lm=[0.123456, 0.654321, -0.012345, 0.9876] * 33, wl=world, luma=123.4)
    assert len(text) < MAX_MESSAGE_BYTES
    assert isinstance(parse_client(text), FrameMessage)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("not json", "Invalid JSON"),
        ("[]", "bad message"),
        ('{"type":"dance"}', "bad message"),
        ('{"type":"start","v":2,"exercise":"squat","width":640,"height":360}', "'start.v'"),
        ('{"type":"start","v":1,"exercise":"../etc","width":640,"height":360}', "exercise"),
        ('{"type":"start","v":1,"exercise":"squat","width":0,"height":360}', "width"),
        (frame(lm=[0.5] * 131), "'frame.lm'"),
        (frame(lm=["x"] * 132), "'frame.lm[0]'"),
        (frame(seq=-1), "'frame.seq'"),
        (frame(t=1.5), "'frame.t'"),
        (frame(luma=300), "'frame.luma'"),
        (frame(extra=1), "'frame.extra'"),
        ('{"type":"finish","pain_after":11}', "pain_after"),
        (frame().replace("0.5,", "NaN,", 1), "frame.lm[0]"),
    ],
)
def test_a_bad_message_is_refused_naming_its_field(text: str, words: str) -> None:
    error = refusal(text)
    assert error.code == CLOSE_BAD_MESSAGE
    assert words in str(error)


def test_an_oversized_message_is_refused_before_it_is_read() -> None:
    error = refusal("x" * (MAX_MESSAGE_BYTES + 1))
    assert error.code == CLOSE_TOO_BIG
    assert f"at most {MAX_MESSAGE_BYTES}" in str(error)
    assert refusal(b"{" + b" " * MAX_MESSAGE_BYTES + b"}").code == CLOSE_TOO_BIG
