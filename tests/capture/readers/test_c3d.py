"""C3D files written with ezc3d and read back: units, residuals, labels, time, errors."""

from pathlib import Path

import numpy as np
import pytest

from kinesense.capture.readers.c3d import read_c3d
from kinesense.capture.readers.trc import read_trc
from kinesense.errors import InputFileError
from tests.conftest import shared_file

ezc3d = pytest.importorskip("ezc3d")


def write_c3d(
    path: Path,
    labels: list[str],
    xyz: np.ndarray,
    *,
    rate: float,
    units: str | None = "mm",
    first_frame: int = 0,
    invalid: np.ndarray | None = None,
) -> Path:
    """Write (frames, points, 3) coordinates; ``invalid`` (frames, points) gets residual -1."""
    c3d = ezc3d.c3d()
    c3d["parameters"]["POINT"]["RATE"]["value"] = [rate]
    c3d["parameters"]["POINT"]["LABELS"]["value"] = tuple(labels)
    if units is not None:
        c3d.add_parameter("POINT", "UNITS", [units])
    points = np.ones((4, len(labels), xyz.shape[0]))
    points[:3] = np.transpose(xyz, (2, 1, 0))
    c3d["data"]["points"] = points
    residuals = np.zeros((1, len(labels), xyz.shape[0]))
    if invalid is not None:
        residuals[0][invalid.T] = -1.0
    c3d["data"]["meta_points"] = {
        "residuals": residuals,
        "camera_masks": np.zeros((7, len(labels), xyz.shape[0]), dtype=bool),
    }
    c3d["header"]["points"]["first_frame"] = first_frame
    c3d.write(str(path))
    return path


def test_c3d_from_the_pose2sim_trc_matches_read_trc(tmp_path: Path, shared_data: Path) -> None:
    trc_path = shared_file(shared_data, "keypoints/pose2sim_balancing_3d.trc")
    lines = trc_path.read_text().splitlines()
    labels = [c for c in lines[3].split("\t")[2:] if c]
    rows = np.array([[float(v) for v in line.split("\t")] for line in lines[5:] if line.strip()])
    xyz_mm = rows[:, 2:].reshape(len(rows), len(labels), 3) * 1000.0
    path = write_c3d(tmp_path / "trial.c3d", labels, xyz_mm, rate=60.0, first_frame=1)
    from_c3d = read_c3d(path, up_axis="+y")
    from_trc = read_trc(trc_path)
    assert from_c3d.frame_rate_hz == 60.0
    np.testing.assert_allclose(from_c3d.time_s, from_trc.time_s, atol=1e-9)
    np.testing.assert_allclose(
        from_c3d.world_xyz_m, from_trc.world_xyz_m, atol=1e-6, equal_nan=True
    )
    np.testing.assert_array_equal(from_c3d.visibility, from_trc.visibility)
    assert (
        from_c3d.provenance.details["unmapped_markers"]
        == from_trc.provenance.details["unmapped_markers"]
    )
    assert from_c3d.world_up == (0.0, 1.0, 0.0)


def test_residual_below_zero_is_missing_and_z_is_up_by_default(tmp_path: Path) -> None:
    xyz = np.arange(2 * 3 * 3, dtype=float).reshape(3, 2, 3) * 10.0  # 3 frames, 2 points, mm
    invalid = np.array([[False, False], [True, False], [False, False]])
    path = write_c3d(
        tmp_path / "t.c3d", ["Subject:LKnee", "RAnkle"], xyz, rate=100.0, invalid=invalid
    )
    series = read_c3d(path)
    np.testing.assert_allclose(series.time_s, [0.0, 0.01, 0.02])
    np.testing.assert_allclose(series.world_point("left_knee")[0], xyz[0, 0] / 1000.0)
    assert np.isnan(series.world_point("left_knee")[1]).all()
    np.testing.assert_array_equal(series.visibility[:, series.index_of("left_knee")], [1, 0, 1])
    np.testing.assert_allclose(series.world_point("right_ankle")[2], xyz[2, 1] / 1000.0)
    assert series.world_up == (0.0, 0.0, 1.0)
    assert series.provenance.reader == "c3d"


@pytest.mark.parametrize(
    ("units", "scale", "noted"), [("m", 1.0, False), ("cm", 0.01, False), (None, 0.001, True)]
)
def test_units(tmp_path: Path, units: str | None, scale: float, noted: bool) -> None:
    xyz = np.full((2, 1, 3), 5.0)
    series = read_c3d(write_c3d(tmp_path / "u.c3d", ["LKnee"], xyz, rate=50.0, units=units))
    np.testing.assert_allclose(series.world_point("left_knee"), np.full((2, 3), 5.0 * scale))
    assert ("units_note" in series.provenance.details) is noted


def test_errors(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="not found"):
        read_c3d(tmp_path / "absent.c3d")
    (tmp_path / "bad.c3d").write_text("not a c3d")
    with pytest.raises(InputFileError, match="not a C3D file"):
        read_c3d(tmp_path / "bad.c3d")
    lab = write_c3d(tmp_path / "lab.c3d", ["LASI", "RASI"], np.ones((2, 2, 3)), rate=100.0)
    with pytest.raises(InputFileError, match="none of the markers"):
        read_c3d(lab)
    inches = write_c3d(tmp_path / "in.c3d", ["LKnee"], np.ones((2, 1, 3)), rate=100.0, units="in")
    with pytest.raises(InputFileError, match="POINT:UNITS 'in' not understood"):
        read_c3d(inches)
