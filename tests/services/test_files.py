"""Landmark files: output names, inputs never overwritten, outputs replaced whole."""

from pathlib import Path

import pytest

from kinesense.errors import OutputFileError
from kinesense.series import load_series
from kinesense.services.files import check_series_output, series_target, write_series
from tests.assess.synthetic_pose import pose_series, repeat, standing_front


@pytest.mark.parametrize(
    ("name", "written"),
    [("a.npz", "a.npz"), ("a.csv", "a.csv"), ("a", "a.npz"), ("a.pose", "a.pose.npz")],
)
def test_series_target(name: str, written: str) -> None:
    assert series_target(Path(name)) == Path(written)


def test_an_input_is_never_an_output_as_named_or_as_written(tmp_path: Path) -> None:
    video = tmp_path / "clip.npz"
    video.write_bytes(b"x")
    with pytest.raises(OutputFileError, match="is also an input"):
        check_series_output(tmp_path / "clip.npz", [video])
    with pytest.raises(OutputFileError, match="is also an input"):
        check_series_output(tmp_path / "clip", [video])  # written as clip.npz
    assert check_series_output(tmp_path / "other", [video]) == tmp_path / "other.npz"


def test_write_series_replaces_whole_and_says_so(tmp_path: Path) -> None:
    series = pose_series(repeat(standing_front(), 10), frame_rate_hz=30.0, camera_view="front")
    target = tmp_path / "pose.npz"
    assert write_series(series, target) is False
    assert write_series(series, target) is True
    assert len(load_series(target)) == 10
    csv = tmp_path / "pose.csv"
    csv.write_text("old")
    assert write_series(series, csv) is True
    assert csv.read_text().startswith("time_s")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pose.csv", "pose.npz"]
