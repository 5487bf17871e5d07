"""VideoFile: rotation tags, per-frame container times, seeking and unreadable inputs.

The clips are written here with known content (see :mod:`tests.capture.clips`); the expected
pixels and times come from that construction, never from the decoder under test.
"""

from pathlib import Path

import numpy as np
import pytest

from kinesense.capture.video import VideoFile, probe_video
from kinesense.errors import InputFileError
from tests.capture.clips import (
    numbered_frames,
    pattern_image,
    strip_container,
    tag_rotation,
    write_ffmpeg,
)
from tests.conftest import shared_file

UPRIGHT_HEIGHT, UPRIGHT_WIDTH = 96, 64
"""Size of the upright (portrait) test picture."""

CODEC_TOLERANCE = 4.0
"""Largest mean absolute difference (grey levels, 0-255) accepted between a picture and its
decoded copy: x264 at crf 12 in 4:2:0 stays around 1 on this smooth picture, while any wrong
orientation differs by several tens."""


def _mean_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(np.abs(a.astype(np.float64) - b.astype(np.float64))))


# --- rotation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("clockwise_deg", [90, 180, 270])
def test_rotation_tag_decodes_upright(tmp_path: Path, clockwise_deg: int) -> None:
    upright = pattern_image(UPRIGHT_HEIGHT, UPRIGHT_WIDTH)
    # What the sensor stores: the upright picture turned the other way (np.rot90 turns
    # counter-clockwise), so that a player turning it clockwise by the tag shows it upright.
    stored = np.ascontiguousarray(np.rot90(upright, k=clockwise_deg // 90))
    plain = write_ffmpeg(tmp_path / "plain.mp4", [stored] * 6)
    tagged = tag_rotation(plain, tmp_path / "tagged.mp4", clockwise_deg)

    with VideoFile(tagged) as video:
        frames = list(video.frames())
        info = video.info
    assert info.rotation_deg == clockwise_deg
    assert (info.width, info.height) == (UPRIGHT_WIDTH, UPRIGHT_HEIGHT)
    assert len(frames) == 6
    decoded = frames[0].rgb
    assert decoded.shape == upright.shape
    right = _mean_abs_diff(decoded, upright)
    assert right < CODEC_TOLERANCE
    # Every other orientation of the same shape is far off: the test can tell them apart.
    wrong_orientations = [np.rot90(upright, k) for k in (1, 2, 3)] + [
        upright[::-1],
        upright[:, ::-1],
    ]
    for wrong in wrong_orientations:
        if wrong.shape == upright.shape:
            assert _mean_abs_diff(decoded, wrong) > 10 * CODEC_TOLERANCE


def test_untagged_clip_is_not_rotated(tmp_path: Path) -> None:
    upright = pattern_image(UPRIGHT_HEIGHT, UPRIGHT_WIDTH)
    clip = write_ffmpeg(tmp_path / "plain.mp4", [upright] * 3)
    info = probe_video(clip)
    assert info.rotation_deg == 0
    assert (info.width, info.height) == (UPRIGHT_WIDTH, UPRIGHT_HEIGHT)
    with VideoFile(clip) as video:
        first = video.read()
    assert first is not None
    assert _mean_abs_diff(first.rgb, upright) < CODEC_TOLERANCE


# --- time stamps -------------------------------------------------------------------------------

# Irregular intervals as phones produce them: 60 fps bursts, 30 fps, dropped frames, a 120 ms gap.
VFR_INTERVALS_MS = [17, 33, 50, 17, 120, 33, 33, 83, 17, 17, 50, 33, 100, 17, 33, 33, 67, 17, 33]
VFR_TIMES_MS = np.concatenate([[0], np.cumsum(VFR_INTERVALS_MS)]).astype(int)


@pytest.mark.parametrize(
    ("suffix", "b_frames"),
    [(".mp4", True), (".mp4", False), (".mkv", True)],
    ids=["mp4-bframes", "mp4-no-bframes", "mkv"],
)
def test_variable_frame_rate_times_are_kept(tmp_path: Path, suffix: str, b_frames: bool) -> None:
    frames = numbered_frames(len(VFR_TIMES_MS))
    clip = write_ffmpeg(
        tmp_path / f"vfr{suffix}", frames, times_ms=VFR_TIMES_MS.tolist(), b_frames=b_frames
    )
    with VideoFile(clip) as video:
        decoded = list(video.frames())
        repaired = video.repaired_timestamps
    assert [f.index for f in decoded] == list(range(len(VFR_TIMES_MS)))
    times_ms = np.array([f.time_s for f in decoded]) * 1000.0
    np.testing.assert_allclose(times_ms, VFR_TIMES_MS, atol=1.0)
    assert repaired == 0
    # Frames come in presentation order (B-frames reordered): each matches its source frame.
    for frame, source in zip(decoded, frames, strict=True):
        assert _mean_abs_diff(frame.rgb, source) < CODEC_TOLERANCE


def test_stream_without_times_gets_nominal_rate_and_counts_repairs(tmp_path: Path) -> None:
    frames = numbered_frames(12)
    clip = write_ffmpeg(tmp_path / "cfr.mp4", frames, fps=30.0, b_frames=False)
    raw = strip_container(clip, tmp_path / "raw.h264")
    with VideoFile(raw) as video:
        decoded = list(video.frames())
        fps = video.info.fps
        repaired = video.repaired_timestamps
    assert len(decoded) == len(frames)
    assert fps > 0
    expected = np.arange(len(decoded)) / fps
    np.testing.assert_allclose([f.time_s for f in decoded], expected, atol=1e-6)
    assert repaired >= len(decoded) - 1


# --- seeking -----------------------------------------------------------------------------------

SEEK_STARTS = [0, 1, 37, 150, 299]
SEEK_RUN = 4


@pytest.fixture(scope="module")
def walk_sequential(shared_data: Path) -> dict[int, tuple[float, np.ndarray]]:
    """Time and pixels of the frames of the walking clip that the seek tests read, decoded
    sequentially from the start (the reference)."""
    path = shared_file(shared_data, "video/sports2d_walk_side.mp4")
    wanted = {s + k for s in [*SEEK_STARTS, 200, 50] for k in range(SEEK_RUN)}
    reference: dict[int, tuple[float, np.ndarray]] = {}
    with VideoFile(path) as video:
        for frame in video.frames(0, max(wanted) + 1):
            if frame.index in wanted:
                reference[frame.index] = (frame.time_s, frame.rgb)
    assert set(reference) == wanted
    return reference


@pytest.mark.parametrize("start", SEEK_STARTS)
def test_seek_gives_the_sequential_frames(
    shared_data: Path, walk_sequential: dict[int, tuple[float, np.ndarray]], start: int
) -> None:
    path = shared_file(shared_data, "video/sports2d_walk_side.mp4")
    with VideoFile(path) as video:
        frames = list(video.frames(start, start + SEEK_RUN))
    assert [f.index for f in frames] == list(range(start, start + SEEK_RUN))
    for frame in frames:
        time_s, rgb = walk_sequential[frame.index]
        assert frame.time_s == pytest.approx(time_s, abs=1e-9)
        np.testing.assert_array_equal(frame.rgb, rgb)


def test_seek_backwards_in_an_open_file(
    shared_data: Path, walk_sequential: dict[int, tuple[float, np.ndarray]]
) -> None:
    path = shared_file(shared_data, "video/sports2d_walk_side.mp4")
    with VideoFile(path) as video:
        frames = list(video.frames(200, 200 + SEEK_RUN)) + list(video.frames(50, 50 + SEEK_RUN))
    assert [f.index for f in frames] == [*range(200, 204), *range(50, 54)]
    for frame in frames:
        time_s, rgb = walk_sequential[frame.index]
        assert frame.time_s == pytest.approx(time_s, abs=1e-9)
        np.testing.assert_array_equal(frame.rgb, rgb)


def test_real_clip_info(shared_data: Path) -> None:
    info = probe_video(shared_file(shared_data, "video/sports2d_walk_side.mp4"))
    assert (info.width, info.height) == (1280, 720)
    assert info.fps == pytest.approx(30.0)
    assert info.rotation_deg == 0
    assert info.duration_s == pytest.approx(13.4, abs=0.1)


# --- unreadable inputs -------------------------------------------------------------------------


def _assert_one_line_input_error(path: Path, *phrases: str) -> None:
    with pytest.raises(InputFileError) as caught:
        probe_video(path)
    message = str(caught.value)
    assert message
    assert "\n" not in message
    assert str(path.name) in message
    assert any(p in message for p in phrases), message


def test_missing_file(tmp_path: Path) -> None:
    _assert_one_line_input_error(tmp_path / "absent.mp4", "not found")


def test_text_file_named_mp4(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("this is not a video\n")
    _assert_one_line_input_error(path, "cannot open", "not a video")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    _assert_one_line_input_error(path, "cannot open", "not a video", "no decodable frame")


def test_truncated_mp4(tmp_path: Path, shared_data: Path) -> None:
    source = shared_file(shared_data, "video/sports2d_walk_side.mp4")
    path = tmp_path / "truncated.mp4"
    path.write_bytes(source.read_bytes()[:2048])
    _assert_one_line_input_error(path, "cannot open", "no decodable frame", "corrupt")


def test_folder(tmp_path: Path) -> None:
    folder = tmp_path / "clip.mp4"
    folder.mkdir()
    _assert_one_line_input_error(folder, "folder")
