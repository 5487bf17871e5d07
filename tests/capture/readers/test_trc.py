"""TRC files: header, units, missing markers, name mapping, up axis, errors."""

from pathlib import Path

import numpy as np
import pytest

from kinesense.capture.readers.trc import read_trc, resolve_up_axis
from kinesense.errors import InputFileError
from tests.conftest import shared_file

HEADER = (
    "PathFileType\t4\t(X/Y/Z)\ttiny.trc\n"
    "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames\n"
    "100\t100\t3\t3\t{units}\t100\t1\t3\n"
    "Frame#\tTime\tLKnee\t\t\tNeck\t\t\tRWrist\t\t\n"
    "\t\tX1\tY1\tZ1\tX2\tY2\tZ2\tX3\tY3\tZ3\n"
    "\n"
)


def write_trc(tmp_path: Path, rows: list[str], units: str = "mm", name: str = "tiny.trc") -> Path:
    path = tmp_path / name
    path.write_text(HEADER.format(units=units) + "\n".join(rows) + "\n")
    return path


ROWS = [
    "1\t0.00\t100\t200\t300\t1\t2\t3\t10\t20\t30",
    "2\t0.01\t110\t210\t310\t1\t2\t3\t\t\t",  # RWrist not seen (empty cells)
    "3\t0.02\t120\tNaN\t320\t1\t2\t3",  # LKnee partly NaN, RWrist cells absent (short row)
]


def test_tiny_trc_in_millimetres(tmp_path: Path) -> None:
    series = read_trc(write_trc(tmp_path, ROWS))
    np.testing.assert_allclose(series.time_s, [0.0, 0.01, 0.02])
    assert series.frame_rate_hz == 100.0
    np.testing.assert_allclose(
        series.world_point("left_knee")[:2], [[0.1, 0.2, 0.3], [0.11, 0.21, 0.31]]
    )
    assert np.isnan(series.world_point("left_knee")[2]).all()  # one NaN coordinate -> point missing
    np.testing.assert_allclose(series.world_point("right_wrist")[0], [0.01, 0.02, 0.03])
    assert np.isnan(series.world_point("right_wrist")[1:]).all()
    knee, wrist = series.index_of("left_knee"), series.index_of("right_wrist")
    np.testing.assert_array_equal(series.visibility[:, knee], [1, 1, 0])
    np.testing.assert_array_equal(series.visibility[:, wrist], [1, 0, 0])
    assert np.isnan(series.image_xyz).all()
    np.testing.assert_array_equal(series.detected, [True, True, False])  # Neck alone is unmapped
    assert series.world_up == (0.0, 1.0, 0.0)
    assert series.provenance.details["unmapped_markers"] == ["Neck"]
    assert series.provenance.reader == "trc"


@pytest.mark.parametrize(("units", "scale"), [("m", 1.0), ("cm", 0.01), ("mm", 0.001)])
def test_units_become_metres(tmp_path: Path, units: str, scale: float) -> None:
    series = read_trc(write_trc(tmp_path, ROWS[:1], units=units))
    np.testing.assert_allclose(
        series.world_point("left_knee")[0], np.array([100, 200, 300]) * scale
    )


def test_up_axis_can_be_overridden(tmp_path: Path) -> None:
    path = write_trc(tmp_path, ROWS)
    assert read_trc(path, up_axis="+z").world_up == (0.0, 0.0, 1.0)
    assert read_trc(path, up_axis="-y").world_up == (0.0, -1.0, 0.0)
    assert resolve_up_axis((0.0, 0.0, 2.0)) == (0.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="up_axis"):
        resolve_up_axis("up")
    with pytest.raises(ValueError, match="up_axis"):
        resolve_up_axis((0.0, 0.0, 0.0))


def test_repeated_time_is_dropped_with_a_note(tmp_path: Path) -> None:
    rows = [ROWS[0], ROWS[0].replace("1\t0.00", "2\t0.00", 1), ROWS[2]]
    series = read_trc(write_trc(tmp_path, rows))
    assert len(series) == 2
    assert series.provenance.details["dropped_duplicate_times"] == 1


@pytest.mark.parametrize(
    ("rows", "units", "message"),
    [
        ([ROWS[1], ROWS[0]], "mm", r"Time goes backwards at line 8"),
        ([ROWS[0].replace("200", "2oo")], "mm", r"line 7: '2oo' is not a number"),
        (ROWS, "inches", r"Units 'inches' not understood"),
        ([], "mm", "no frames"),
        ([ROWS[0] + "\t9\t9\t9"], "mm", "more cells than the markers named"),
    ],
)
def test_bad_contents(tmp_path: Path, rows: list[str], units: str, message: str) -> None:
    with pytest.raises(InputFileError, match=message):
        read_trc(write_trc(tmp_path, rows, units=units))


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="not found"):
        read_trc(tmp_path / "absent.trc")
    (tmp_path / "empty.trc").write_text("")
    with pytest.raises(InputFileError, match="is empty"):
        read_trc(tmp_path / "empty.trc")
    (tmp_path / "csv.trc").write_text("a,b\n1,2\n")
    with pytest.raises(InputFileError, match="should start with 'PathFileType'"):
        read_trc(tmp_path / "csv.trc")
    unknown = write_trc(tmp_path, ROWS, name="lab.trc")
    unknown.write_text(unknown.read_text().replace("LKnee", "LASI").replace("RWrist", "RASI"))
    with pytest.raises(InputFileError, match=r"none of the markers .* corresponds"):
        read_trc(unknown)


def test_pose2sim_trc(shared_data: Path) -> None:
    path = shared_file(shared_data, "keypoints/pose2sim_balancing_3d.trc")
    lines = path.read_text().splitlines()
    markers = [c for c in lines[3].split("\t")[2:] if c]
    first = lines[5].split("\t")  # first frame, parsed by hand
    r_hip = [float(v) for v in first[2:5]]
    l_wrist_col = 2 + 3 * markers.index("LWrist")
    l_wrist = [float(v) for v in first[l_wrist_col : l_wrist_col + 3]]
    series = read_trc(path)
    assert len(series) == 100
    assert series.frame_rate_hz == 60.0
    assert series.time_s[0] == pytest.approx(float(first[1]))
    np.testing.assert_allclose(series.world_point("right_hip")[0], r_hip)
    np.testing.assert_allclose(series.world_point("left_wrist")[0], l_wrist)
    assert sorted(series.provenance.details["unmapped_markers"]) == [
        "Head",
        "LSmallToe",
        "Neck",
        "RSmallToe",
    ]
    mapped = series.visibility[0] == 1.0
    assert int(mapped.sum()) == len(markers) - 4
    assert series.world_up == (0.0, 1.0, 0.0)


# --- plausibility on the real trial: cut, collapsed, in the wrong unit ------------------------


def test_a_truncated_trc_is_flagged(shared_data: Path, tmp_path: Path) -> None:
    lines = shared_file(shared_data, "keypoints/pose2sim_balancing_3d.trc").read_text()
    path = tmp_path / "cut.trc"
    path.write_text("\n".join(lines.splitlines()[: 5 + 40]) + "\n")  # 40 of the 100 frames
    series = read_trc(path)
    assert len(series) == 40
    flags = series.provenance.details["quality_flags"]
    assert flags[0]["check"] == "truncated"
    assert "announces 100 frames but the file holds 40" in flags[0]["message"]


def test_collapsed_markers_are_flagged_and_mm_read_as_m_refused(
    shared_data: Path, tmp_path: Path
) -> None:
    text = shared_file(shared_data, "keypoints/pose2sim_balancing_3d.trc").read_text()
    lines = text.splitlines()
    collapsed = lines[:5]
    for line in lines[5:]:
        cells = line.split("\t")
        collapsed.append("\t".join(cells[:2] + ["0.5"] * (len(cells) - 2)))
    path = tmp_path / "point.trc"
    path.write_text("\n".join(collapsed) + "\n")
    flags = read_trc(path).provenance.details["quality_flags"]
    checks = [f["check"] for f in flags]
    assert "collapsed_landmarks" in checks
    assert "constant" in checks
    in_mm = tmp_path / "mm.trc"
    scaled = lines[:5] + [
        "\t".join(c[:2] + [str(float(v) * 1e6) for v in c[2:]])
        for c in (line.split("\t") for line in lines[5:])
    ]
    in_mm.write_text("\n".join(scaled) + "\n")
    with pytest.raises(
        InputFileError, match=r"world landmarks reach 1\.66e\+06 m, beyond any real"
    ):
        read_trc(in_mm)


def test_the_real_trial_has_no_flags(shared_data: Path) -> None:
    series = read_trc(shared_file(shared_data, "keypoints/pose2sim_balancing_3d.trc"))
    assert "quality_flags" not in series.provenance.details
