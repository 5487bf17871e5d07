"""A guided live recording is the series the video path makes: the landmarks the shipped model
finds in a real clip, sent as frame messages, rebuild the same series field by field (times to
the millisecond the protocol carries); bounds, resent frames and plausibility as a file's."""

import numpy as np
import pytest

from kinesense.errors import ImplausibleRecordingError, NoPersonError
from kinesense.landmarks import N_LANDMARKS
from kinesense.live.protocol import CLOSE_OUT_OF_ORDER, FrameMessage, ProtocolError
from kinesense.live.recording import MAX_FRAMES, READER, SOURCE, LiveRecording
from kinesense.series import PoseSeries
from tests.coach.real_poses import clip_series


def frame_messages(series: PoseSeries) -> list[FrameMessage]:
    """The frames of ``series`` as a client sends them (landmarks unrounded, whole ms)."""
    messages = []
    for k in range(len(series)):
        lm = wl = None
        if series.detected[k]:
            packed = np.column_stack([series.image_xyz[k], series.visibility[k]])
            lm = [float(v) for v in packed.ravel()]
            wl = [float(v) for v in series.world_xyz_m[k].ravel()]
        t = round(float(series.time_s[k]) * 1000)
        messages.append(FrameMessage(type="frame", seq=k, t=t, lm=lm, wl=wl))
    return messages


def test_frames_rebuild_the_video_series_field_by_field() -> None:
    video = clip_series("balancing_cam01")
    assert video.provenance.resolution is not None
    recording = LiveRecording(video.provenance.resolution, model="full")
    for message in frame_messages(video):
        assert recording.add(message)
    live = recording.series()
    assert len(live) == len(video) == 100
    # the protocol carries whole milliseconds: 1/60 s steps are off by at most half of one
    assert np.max(np.abs(live.time_s - (video.time_s - video.time_s[0]))) <= 0.0005
    for name in ("image_xyz", "world_xyz_m", "visibility", "detected"):
        np.testing.assert_array_equal(getattr(live, name), getattr(video, name), err_msg=name)
    assert live.landmark_names == video.landmark_names
    assert live.world_up == video.world_up
    assert live.frame_rate_hz == pytest.approx(video.frame_rate_hz, rel=0.01)
    same = ("resolution", "camera_view", "model")
    assert [getattr(live.provenance, k) for k in same] == [
        getattr(video.provenance, k) for k in same
    ]
    assert (live.provenance.source, live.provenance.reader) == (SOURCE, READER)
    assert "quality_flags" not in live.provenance.details


def test_resent_and_out_of_order_frames() -> None:
    video = clip_series("balancing_cam01")
    assert video.provenance.resolution is not None
    messages = frame_messages(video)[:3]
    recording = LiveRecording(video.provenance.resolution)
    assert recording.add(messages[0])
    assert recording.add(messages[1])
    assert not recording.add(messages[1])  # resent after a dropped connection: kept once
    late = messages[2].model_copy(update={"t": messages[1].t})
    with pytest.raises(ProtocolError) as caught:
        recording.add(late)
    assert caught.value.code == CLOSE_OUT_OF_ORDER
    assert len(recording) == 2


def test_a_recording_takes_no_more_than_its_bound() -> None:
    recording = LiveRecording((640, 480))
    for seq in range(MAX_FRAMES + 5):
        recording.add(FrameMessage(type="frame", seq=seq, t=seq * 10, lm=None))
    assert len(recording) == MAX_FRAMES
    assert recording.full


def test_nobody_seen_is_refused() -> None:
    recording = LiveRecording((640, 480))
    for seq in range(10):
        recording.add(FrameMessage(type="frame", seq=seq, t=seq * 33, lm=None))
    with pytest.raises(NoPersonError, match="nobody was seen in the 10 frames"):
        recording.series()


def test_landmarks_that_cannot_be_a_person_are_refused_as_a_file_is() -> None:
    recording = LiveRecording((640, 480))
    far = [2000.0, 0.5, 0.0, 0.9] * N_LANDMARKS
    for seq in range(5):
        recording.add(FrameMessage(type="frame", seq=seq, t=seq * 33, lm=far))
    with pytest.raises(ImplausibleRecordingError, match="beyond any real measurement"):
        recording.series()
