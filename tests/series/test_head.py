"""HeadSeries: validation, save and load, CSV."""

from pathlib import Path

import numpy as np
import pytest

from kinesense.errors import SeriesError
from kinesense.series import HeadSeries, Provenance, load_series


def head(n: int = 5) -> HeadSeries:
    angles = np.column_stack([np.arange(n), np.zeros(n), -np.arange(n)]).astype(float)
    angles[2] = np.nan
    boxes = np.tile([10.0, 20.0, 110.0, 140.0], (n, 1))
    return HeadSeries(
        time_s=np.arange(n) / 30.0,
        angles_deg=angles,
        detected=np.arange(n) != 2,
        face_box_px=boxes,
        luma=np.full(n, 120.0),
        background_change=np.r_[np.nan, np.ones(n - 1)],
        frame_rate_hz=30.0,
        provenance=Provenance(source="clip.mp4", reader="video", resolution=(640, 480)),
    )


def test_round_trip_is_exact(tmp_path: Path) -> None:
    series = head()
    loaded = load_series(series.save(tmp_path / "head"))
    assert isinstance(loaded, HeadSeries)
    for name in HeadSeries.SAMPLE_FIELDS:
        assert np.array_equal(getattr(loaded, name), getattr(series, name), equal_nan=True)
    assert loaded.provenance == series.provenance
    assert loaded.frame_rate_hz == 30.0
    assert loaded.n_detected == 4
    assert loaded.face_width_px[0] == 100.0
    assert np.allclose(loaded.face_centre_px[0], [60.0, 80.0])


def test_shapes_are_checked_and_arrays_frozen(tmp_path: Path) -> None:
    series = head()
    with pytest.raises(SeriesError, match="angles_deg"):
        series.replace(angles_deg=np.zeros((5, 2)))
    with pytest.raises(ValueError, match="read-only"):
        series.yaw_deg[0] = 1.0
    names, table = series.csv_columns()
    assert names[:4] == ["time_s", "yaw_deg", "pitch_deg", "roll_deg"]
    assert table.shape == (5, len(names))
