"""The head series from live frames equals the video path's on the same frames, and the
issue-14 truth test (a real face tilted by known angles, :mod:`tests.capture.head_clips`) run
through the live path gives the same per-trial errors."""

import json

import numpy as np
import pytest

from kinesense.assess.repositioning import assess_repositioning
from kinesense.errors import InvalidValueError
from kinesense.live.head_recording import MAX_FRAMES, head_series_from_frames
from kinesense.live.protocol import CLOSE_BAD_MESSAGE, FrameMessage, ProtocolError, parse_client
from kinesense.series import HeadSeries
from tests.capture.head_clips import revel_schedule, write_head_clip
from tests.live.frames import head_messages

TOLERANCE_DEG = 0.5
"""Issue 14's done-means: each trial's error within 0.5 deg of the truth."""


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[HeadSeries, HeadSeries, list[float]]:
    """The truth clip's head series by the video path and by the live path."""
    clip = revel_schedule()
    path = write_head_clip(tmp_path_factory.mktemp("live_head") / "revel.mp4", clip)
    video, messages = head_messages(path)
    assert video.provenance.resolution is not None
    live = head_series_from_frames(messages, video.provenance.resolution)
    return video, live, clip.true_errors_deg


def test_the_live_series_equals_the_video_series(
    both: tuple[HeadSeries, HeadSeries, list[float]],
) -> None:
    video, live, _ = both
    assert len(live) == len(video)
    assert np.max(np.abs(live.time_s - video.time_s)) <= 0.0005  # whole milliseconds
    np.testing.assert_array_equal(live.detected, video.detected)
    np.testing.assert_allclose(live.angles_deg, video.angles_deg, atol=1e-3)
    np.testing.assert_allclose(live.face_box_px, video.face_box_px, atol=0.01)
    np.testing.assert_allclose(live.luma, video.luma, atol=0.05)
    np.testing.assert_allclose(live.background_change, video.background_change, atol=0.005)
    assert live.provenance.resolution == video.provenance.resolution
    assert live.provenance.camera_view == "front"
    assert live.frame_rate_hz == pytest.approx(video.frame_rate_hz, rel=0.01)


def test_the_truth_test_through_the_live_path(
    both: tuple[HeadSeries, HeadSeries, list[float]],
) -> None:
    video, live, truth = both
    by_video = assess_repositioning(video, axis="lateral")
    result = assess_repositioning(live, axis="lateral")
    assert result.usable, result.reasons
    measured = [result.metrics[f"trial_{i}_error_deg"] for i in range(1, 7)]
    assert np.max(np.abs(np.subtract(measured, truth))) < TOLERANCE_DEG
    seen = [by_video.metrics[f"trial_{i}_error_deg"] for i in range(1, 7)]
    np.testing.assert_allclose(measured, seen, atol=0.01)
    assert result.quality["camera_still_fraction"] == 1.0


def frame(seq: int, t: int, **extra: object) -> FrameMessage:
    return FrameMessage.model_validate({"type": "frame", "seq": seq, "t": t, "lm": None} | extra)


def test_frames_without_a_face_are_nan_and_not_detected() -> None:
    fm = [1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, -50.0, 1.0]
    frames = [frame(0, 0, luma=100.0), frame(1, 40, luma=100.0, fm=fm, fb=[0.25, 0.5, 0.5, 1.0],
              bg=1.5)]  # fmt: skip
    series = head_series_from_frames(frames, (640, 480))
    assert series.detected.tolist() == [False, True]
    assert np.isnan(series.angles_deg[0]).all()
    np.testing.assert_allclose(series.angles_deg[1], [0.0, 0.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(series.face_box_px[1], [160.0, 240.0, 320.0, 480.0])
    assert np.isnan(series.background_change[0])  # the first frame has no previous one
    assert series.background_change[1] == 1.5
    assert series.frame_rate_hz == pytest.approx(25.0)


@pytest.mark.parametrize(
    ("frames", "resolution", "words"),
    [
        ([frame(0, 0, luma=1.0)], (640, 480), "1 frames"),
        ([frame(0, 10, luma=1.0), frame(1, 10, luma=1.0)], (640, 480), "frame 1: its time"),
        ([frame(0, 0, luma=1.0), frame(1, 10)], (640, 480), "frame 1: no luma"),
        ([frame(0, 0, luma=1.0), frame(1, 10, luma=1.0)], (8, 480), "resolution 8 x 480"),
    ],
)
def test_bad_recordings_are_refused(
    frames: list[FrameMessage], resolution: tuple[int, int], words: str
) -> None:
    with pytest.raises(InvalidValueError, match=words):
        head_series_from_frames(frames, resolution)


def test_too_many_frames_are_refused() -> None:
    one = frame(0, 0, luma=1.0)
    with pytest.raises(InvalidValueError, match=f"{MAX_FRAMES + 1} frames"):
        head_series_from_frames([one] * (MAX_FRAMES + 1), (640, 480))


def test_a_face_video_frame_fits_the_message_limit() -> None:
    from kinesense.live.protocol import MAX_MESSAGE_BYTES

    text = frame(0, 0, lm=[0.123456, 0.654321, -0.012345, 0.9876] * 33, wl=[0.1234] * 99,
                 luma=123.4, fm=[-0.123456] * 16, fb=[0.12345] * 2 + [0.9] * 2,
                 bg=12.34).model_dump_json()  # fmt: skip
    assert len(text) < MAX_MESSAGE_BYTES


FACE = {"fm": [1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, -50.0, 1.0],
        "fb": [0.25, 0.5, 0.5, 1.0], "bg": 1.5}  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"fm": FACE["fm"][:15]}, "field 'frame.fm': List should have at least 16 items"),
        ({"fm": ["x", *FACE["fm"][1:]]}, "field 'frame.fm[0]'"),
        ({"fb": None}, "fm (face matrix) and fb (face box) come together"),
        ({"fm": None}, "fm (face matrix) and fb (face box) come together"),
        ({"fb": [0.5, 0.5, 0.25, 1.0]}, "fb (face box) must be x0, y0, x1, y1 with x0 < x1"),
        ({"fb": [0.25, 0.5, 0.5, 3.0]}, "field 'frame.fb[3]'"),
        ({"bg": 300.0}, "field 'frame.bg'"),
    ],
)
def test_the_face_fields_are_checked(changes: dict[str, object], words: str) -> None:
    body = {"type": "frame", "seq": 0, "t": 0, "lm": None} | FACE | changes
    with pytest.raises(ProtocolError) as caught:
        parse_client(json.dumps(body))
    assert words in str(caught.value)
    assert caught.value.code == CLOSE_BAD_MESSAGE


def test_a_frame_with_the_face_is_read() -> None:
    frame_ = parse_client(json.dumps({"type": "frame", "seq": 0, "t": 0, "lm": None} | FACE))
    assert isinstance(frame_, FrameMessage)
    assert frame_.fm == FACE["fm"]
    assert frame_.bg == 1.5
