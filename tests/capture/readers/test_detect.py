"""Format detection by content, and read_any dispatching to the right reader."""

import json
import os
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from kinesense.capture.readers import detect_format, read_any, read_cop_csv, read_trc
from kinesense.errors import InputFileError, UnsupportedFormatError
from kinesense.series import CopSeries, MotionSeries, PoseSeries, load_series
from tests.conftest import shared_file

IMU_HEADER = "time_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2,gyr_x_rad_s,gyr_y_rad_s,gyr_z_rad_s"
COP_HEADER = "Seq,Time,Fz,Mx,My,CoPx,CoPy"


def test_two_csv_files_are_told_apart_by_their_header(tmp_path: Path) -> None:
    imu = tmp_path / "a.csv"
    imu.write_text(IMU_HEADER + "\n0,0,0,9.8,0,0,0\n0.01,0,0,9.8,0,0,0\n")
    cop = tmp_path / "b.csv"
    cop.write_text(COP_HEADER + "\n0,0,700,0,0,0.01,0.02\n1,0.001,700,0,0,0.01,0.02\n")
    assert detect_format(imu) == "imu-csv"
    assert detect_format(cop) == "cop-csv"
    assert isinstance(read_any(imu), MotionSeries)
    from_any = read_any(cop, units="mm")
    assert isinstance(from_any, CopSeries)
    np.testing.assert_array_equal(from_any.cop_m, read_cop_csv(cop, units="mm").cop_m)


def test_trc_is_sniffed_whatever_its_extension(tmp_path: Path, shared_data: Path) -> None:
    original = shared_file(shared_data, "keypoints/pose2sim_balancing_3d.trc")
    renamed = tmp_path / "trial.txt"
    shutil.copy(original, renamed)
    assert detect_format(renamed) == "trc"
    series = read_any(renamed, up_axis="+z")
    assert isinstance(series, PoseSeries)
    assert series.world_up == (0.0, 0.0, 1.0)
    np.testing.assert_array_equal(series.world_xyz_m, read_trc(original).world_xyz_m)


def test_shared_recordings(shared_data: Path) -> None:
    assert (
        detect_format(shared_file(shared_data, "keypoints/pose2sim_balancing_cam01_openpose"))
        == "openpose"
    )
    assert detect_format(shared_file(shared_data, "imu/uci_s1/e1/u1/test.txt.gz")) == "imu-csv"
    assert detect_format(shared_file(shared_data, "cop/eyesClosed_1.csv.gz")) == "cop-csv"
    video = shared_file(shared_data, "video/pose2sim_balancing_cam01.mp4")
    assert detect_format(video) == "video"
    with pytest.raises(UnsupportedFormatError, match=r"is a video: extract its landmarks first"):
        read_any(video)


def test_video_is_recognised_by_content_too(tmp_path: Path) -> None:
    clip = tmp_path / "clip.bin"
    clip.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32)
    assert detect_format(clip) == "video"


def test_saved_series_round_trip(tmp_path: Path) -> None:
    series = CopSeries(time_s=np.arange(3) / 10, cop_m=np.zeros((3, 2)), force_n=np.full(3, 700.0))
    path = series.save(tmp_path / "cop")
    assert detect_format(path) == "series"
    loaded = read_any(path)
    assert isinstance(loaded, CopSeries)
    np.testing.assert_array_equal(loaded.force_n, series.force_n)
    with pytest.raises(TypeError, match="no reading options"):
        read_any(path, units="mm")


def test_openpose_folder_or_single_json(tmp_path: Path) -> None:
    folder = tmp_path / "kp"
    folder.mkdir()
    keypoints = [v for i in range(18) for v in (100.0 + 5 * i, 100.0 + 10 * i, 0.9)]
    (folder / "f_000.json").write_text(json.dumps({"people": [{"pose_keypoints_2d": keypoints}]}))
    assert detect_format(folder) == "openpose"
    assert detect_format(folder / "f_000.json") == "openpose"
    series = read_any(folder / "f_000.json", resolution=(640, 480))
    assert isinstance(series, PoseSeries)
    assert series.provenance.reader == "openpose"


def test_c3d_and_zipped_imu(tmp_path: Path) -> None:
    ezc3d = pytest.importorskip("ezc3d")
    c3d = ezc3d.c3d()
    c3d["parameters"]["POINT"]["RATE"]["value"] = [100.0]
    c3d["parameters"]["POINT"]["LABELS"]["value"] = ("LKnee",)
    c3d["data"]["points"] = np.ones((4, 1, 3))
    c3d.write(str(tmp_path / "trial.c3d"))
    renamed = (tmp_path / "trial.c3d").rename(tmp_path / "trial.dat")  # sniffed, not by extension
    assert detect_format(renamed) == "c3d"
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("Gyroscope.csv", "time,seconds_elapsed,z,y,x\n1,0,0,0,0\n")
    assert detect_format(archive) == "imu-csv"


def test_unknown_and_missing(tmp_path: Path) -> None:
    unknown = tmp_path / "notes.csv"
    unknown.write_text("name,age\nann,3\n")
    with pytest.raises(UnsupportedFormatError) as info:
        detect_format(unknown)
    message = str(info.value)
    assert "\n" not in message
    for name in ("video", "series", "openpose", "trc", "c3d", "imu-csv", "cop-csv"):
        assert name in message
    with pytest.raises(InputFileError, match="not found"):
        read_any(tmp_path / "absent.csv")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UnsupportedFormatError):
        detect_format(tmp_path / "empty")


@pytest.mark.parametrize(
    ("relative", "options"),
    [
        ("keypoints/pose2sim_balancing_cam01_openpose", {"frame_rate_hz": 60.0}),
        ("keypoints/pose2sim_balancing_3d.trc", {}),
        ("imu/uci_s1/e2/u5/template_session.txt.gz", {"placement": "sternum"}),
        ("cop/eyesClosed_1.csv.gz", {}),
    ],
)
def test_what_every_reader_returns_can_be_saved(
    tmp_path: Path, shared_data: Path, relative: str, options: dict[str, object]
) -> None:
    series = read_any(shared_file(shared_data, relative), **options)
    loaded = load_series(series.save(tmp_path / "s"))
    assert type(loaded) is type(series)
    assert loaded.provenance == series.provenance
    np.testing.assert_array_equal(loaded.time_s, series.time_s)


def test_fifos_devices_and_long_names_are_refused_before_opening(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for call in (detect_format, read_any):
        with pytest.raises(InputFileError, match="FIFO"):
            call(fifo)
    if Path("/dev/zero").exists():
        with pytest.raises(InputFileError, match="is a device"):
            read_any("/dev/zero")
    with pytest.raises(InputFileError, match="more than the 255 a file system allows"):
        detect_format(tmp_path / ("x" * 300 + ".csv"))


def test_a_series_with_overflowing_values_is_refused_by_read_any(tmp_path: Path) -> None:
    motion = MotionSeries(
        time_s=np.arange(5) * 0.01,
        acc_m_s2=np.full((5, 3), 1e150),
        gyr_rad_s=np.zeros((5, 3)),
    )
    path = motion.save(tmp_path / "m.npz")
    assert load_series(path).acc_m_s2[0, 0] == 1e150  # the file itself round-trips
    with pytest.raises(InputFileError, match="acceleration reach 1e\\+150"):
        read_any(path)
