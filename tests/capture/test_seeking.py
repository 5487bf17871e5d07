"""Seeking by index can land a frame off at the joins of concatenated files; extraction with
several workers must notice and still return every frame once, in order."""

from pathlib import Path

import numpy as np
import pytest

from kinesense.capture.extract import _boundary_problems, extract_video
from kinesense.capture.recording import PoseRecording
from kinesense.capture.video import VideoFile
from tests.capture.clips import concatenate
from tests.conftest import shared_file


@pytest.fixture(scope="module")
def joined_walk(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two copies of the 13.4 s walk joined: 802 frames; index seeks near the join go wrong."""
    walk = shared_file(shared_data, "video/sports2d_walk_side.mp4")
    return concatenate(walk, tmp_path_factory.mktemp("joined") / "walk_twice.mp4", 2)


def _times(path: Path) -> list[float]:
    with VideoFile(path) as video:
        return [frame.time_s for frame in video.frames()]


def test_exact_seek_lands_where_index_seek_does_not(joined_walk: Path) -> None:
    sequential = _times(joined_walk)
    assert len(sequential) == 802
    with VideoFile(joined_walk) as video:
        video.seek(400)
        by_index = video.read()
    with VideoFile(joined_walk) as video:
        video.seek(400, exact=True)
        exact = video.read()
    assert by_index is not None
    assert exact is not None
    # FFmpeg's index seek lands on the next frame here (seen with OpenCV 5.1's FFmpeg).
    assert by_index.time_s != pytest.approx(sequential[400], abs=1e-6)
    assert exact.time_s == pytest.approx(sequential[400], abs=1e-9)
    assert exact.index == 400
    # Backwards exact seek restarts from the beginning.
    with VideoFile(joined_walk) as video:
        video.seek(30, exact=True)
        video.seek(10, exact=True)
        again = video.read()
    assert again is not None
    assert again.time_s == pytest.approx(sequential[10], abs=1e-9)


def _recording(indices: range, times: list[float], warmup: dict[int, float]) -> PoseRecording:
    recording = PoseRecording()
    for k in indices:
        recording.add(k, times[k], None)
    recording.warmup_times_s.update(warmup)
    return recording


def test_a_seek_that_landed_a_frame_off_is_detected() -> None:
    times = [k / 30 for k in range(20)]
    before = _recording(range(0, 10), times, {})
    good = _recording(range(10, 20), times, {k: times[k] for k in range(7, 10)})
    shifted = _recording(range(10, 20), times, {k: times[k + 1] for k in range(7, 10)})
    assert _boundary_problems([before, good]) == ([], [])
    problems, _ = _boundary_problems([before, shifted])
    assert problems == ["seeking to frame 10 is not frame-accurate"]


@pytest.mark.slow
def test_two_workers_on_a_joined_file_return_every_frame(joined_walk: Path) -> None:
    one = extract_video(joined_walk, model="lite")
    two = extract_video(joined_walk, model="lite", workers=2)
    details = two.series.provenance.details
    print(
        f"\njoined walk: 1 worker {one.processing_fps:.0f} fps, 2 workers {two.processing_fps:.0f}"
    )
    assert "not frame-accurate" in details["exact_seek"]
    assert two.workers == 2
    np.testing.assert_array_equal(one.series.time_s, two.series.time_s)
    # The first run is identical; the second differs only by tracking restarting there.
    half = 401
    np.testing.assert_array_equal(one.series.detected[:half], two.series.detected[:half])
