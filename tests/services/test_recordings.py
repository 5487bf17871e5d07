"""Loading recordings as the series a test needs: every source, its options, clear refusals."""

import gzip
from pathlib import Path

import numpy as np
import pytest

from kinesense.errors import InputFileError
from kinesense.series import CopSeries, MotionSeries, PoseSeries
from kinesense.services.recordings import (
    CopColumns,
    ReadingOptions,
    kind_of,
    load_cop,
    load_motion,
    load_pose,
    load_recording,
)
from tests.conftest import shared_file

COP = "cop/eyesOpen_1.csv.gz"
IMU = "imu/uci_s1/e1/u5/test.txt.gz"
TRC = "keypoints/pose2sim_balancing_3d.trc"
OPENPOSE = "keypoints/pose2sim_balancing_cam01_openpose"


@pytest.mark.parametrize(
    ("relative", "kind", "series_type"),
    [
        (COP, "cop", CopSeries),
        (IMU, "motion", MotionSeries),
        (TRC, "pose", PoseSeries),
        (OPENPOSE, "pose", PoseSeries),
    ],
)
def test_every_source_is_recognised_and_loaded(
    shared_data: Path, relative: str, kind: str, series_type: type
) -> None:
    path = shared_file(shared_data, relative)
    assert kind_of(path) == kind
    series = load_recording(path)
    assert isinstance(series, series_type)
    assert len(series) > 10


def test_a_saved_series_is_recognised_by_its_content(shared_data: Path, tmp_path: Path) -> None:
    motion = load_motion(shared_file(shared_data, IMU), placement="sternum")
    saved = motion.save(tmp_path / "imu.npz")
    assert kind_of(saved) == "motion"
    again = load_recording(saved, options=ReadingOptions(placement="lower back"))
    assert isinstance(again, MotionSeries)
    assert again.placement == "lower back"
    assert np.array_equal(again.acc_m_s2, motion.acc_m_s2)
    assert load_motion(saved).placement == "sternum"


def test_force_plate_columns_and_units_are_the_users(shared_data: Path, tmp_path: Path) -> None:
    """The real plate exported again with other column names and the CoP in centimetres reads
    as the same CoP in metres."""
    original = load_cop(shared_file(shared_data, COP))
    with gzip.open(shared_file(shared_data, COP), "rt") as handle:
        text = handle.read().splitlines()
    rows = [line.split(",") for line in text[1:]]
    lines = ["Time,Fvert,cop_ml,cop_ap"] + [
        f"{r[1]},{r[2]},{float(r[5]) * 100:.6f},{float(r[6]) * 100:.6f}" for r in rows
    ]
    csv = tmp_path / "plate.csv"
    csv.write_text("\n".join(lines) + "\n")
    columns = CopColumns(ml_column="cop_ml", ap_column="cop_ap", force_column="Fvert", units="cm")
    copy = load_cop(csv, columns=columns)
    assert copy.cop_m == pytest.approx(original.cop_m, abs=1e-7)
    assert copy.force_n == pytest.approx(original.force_n)


def test_missing_files_and_wrong_kinds_are_one_line_input_errors(
    shared_data: Path, tmp_path: Path
) -> None:
    with pytest.raises(InputFileError, match="not found"):
        load_recording(tmp_path / "missing.csv")
    with pytest.raises(InputFileError, match="holds no body landmarks"):
        load_pose(shared_file(shared_data, IMU))
    pose = load_pose(shared_file(shared_data, TRC)).save(tmp_path / "pose.npz")
    with pytest.raises(InputFileError, match="not an IMU recording"):
        load_motion(pose)
    with pytest.raises(InputFileError, match="not a force-plate recording"):
        load_cop(pose)
    unknown = tmp_path / "notes.txt"
    unknown.write_text("nothing to read here\n")
    with pytest.raises(InputFileError):
        kind_of(unknown)


@pytest.mark.slow
def test_a_video_reports_its_progress_frame_by_frame(shared_data: Path) -> None:
    calls: list[tuple[int, int]] = []
    video = shared_file(shared_data, "video/pose2sim_balancing_cam01.mp4")
    pose = load_pose(video, progress=lambda done, total: calls.append((done, total)))
    assert calls
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert calls[-1][0] == len(pose)
    assert all(total >= d for d, total in calls)
