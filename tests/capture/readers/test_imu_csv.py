"""IMU CSV formats: UCI, phyphox, Sensor Logger, our own export; detection and errors."""

import gzip
import zipfile
from pathlib import Path

import numpy as np
import pytest

from kinesense.capture.readers.imu_csv import guess_imu_format, read_imu_csv
from kinesense.errors import InputFileError, UnsupportedFormatError
from kinesense.series import MotionSeries
from tests.conftest import shared_file

UCI_HEADER = "time index;acc_x;acc_y;acc_z;gyr_x;gyr_y;gyr_z;mag_x;mag_y;mag_z"


# ---------------------------------------------------------------- UCI


def test_uci_real_file(shared_data: Path) -> None:
    path = shared_file(shared_data, "imu/uci_s1/e1/u1/test.txt.gz")
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    assert lines[0] == UCI_HEADER
    first = [float(v) for v in lines[1].split(";")]
    eleventh = [float(v) for v in lines[11].split(";")]
    series = read_imu_csv(path, placement="right leg")
    assert len(series) == len(lines) - 1
    assert series.time_s[0] == 0.0
    assert series.time_s[10] == pytest.approx((eleventh[0] - first[0]) / 25.0)
    np.testing.assert_array_equal(series.acc_m_s2[0], first[1:4])
    np.testing.assert_array_equal(series.gyr_rad_s[0], first[4:7])
    assert series.mag is not None
    np.testing.assert_array_equal(series.mag[10], eleventh[7:10])
    assert series.mag_unit == "a.u."
    assert series.placement == "right leg"
    assert series.sampling_rate_hz == pytest.approx(25.0)
    assert series.provenance.details["format"] == "uci"


def test_uci_rate_can_be_given(tmp_path: Path) -> None:
    rows = [f"{i};0;0;9.8;0;0;0;1;0;0" for i in (5, 6, 7)]
    path = tmp_path / "u.txt"
    path.write_text(UCI_HEADER + "\n" + "\n".join(rows) + "\n")
    np.testing.assert_allclose(read_imu_csv(path, sampling_rate_hz=50.0).time_s, [0.0, 0.02, 0.04])
    path.write_text(UCI_HEADER.rsplit(";", 1)[0] + "\n1;0;0;0;0;0;0;0;0\n")
    with pytest.raises(InputFileError, match=r"lacks column\(s\) 'mag_z'"):
        read_imu_csv(path, fmt="uci")


# ---------------------------------------------------------------- phyphox


def phyphox_csv(columns: list[str], rows: np.ndarray, sep: str = ",", decimal: str = ".") -> str:
    header = sep.join(f'"{c}"' for c in columns)
    body = [sep.join(f"{v:.9E}".replace(".", decimal) for v in row) for row in rows]
    return header + "\n" + "\n".join(body) + "\n"


ACC = ["Acceleration x (m/s^2)", "Acceleration y (m/s^2)", "Acceleration z (m/s^2)"]
GYR = ["Gyroscope x (rad/s)", "Gyroscope y (rad/s)", "Gyroscope z (rad/s)"]


@pytest.mark.parametrize(("sep", "decimal"), [(",", "."), ("\t", "."), (";", ",")])
def test_phyphox_single_csv_with_acceleration_and_gyroscope(
    tmp_path: Path, sep: str, decimal: str
) -> None:
    t = np.arange(5) * 0.01
    rows = np.column_stack([t, t + 1, t + 2, t + 9.8, -t, 2 * t, 3 * t, t * 0 + 40.0, t * 0, t * 0])
    columns = [
        "Time (s)",
        *ACC,
        *GYR,
        "Magnetic Field x (µT)",
        "Magnetic field y (μT)",
        "Magnetic field z (µT)",
    ]  # the second uses the Greek mu, as some exports do
    path = tmp_path / "Raw Data.csv"
    path.write_text(phyphox_csv(columns, rows, sep, decimal), encoding="utf-8")
    series = read_imu_csv(path)
    assert series.provenance.details["format"] == "phyphox"
    np.testing.assert_allclose(series.time_s, t)
    np.testing.assert_allclose(series.acc_m_s2, rows[:, 1:4])
    np.testing.assert_allclose(series.gyr_rad_s, rows[:, 4:7])
    assert series.mag is not None
    np.testing.assert_allclose(series.mag[:, 0], 40.0)
    assert series.mag_unit == "uT"


def test_phyphox_zip_interpolates_the_gyroscope_onto_accelerometer_times(tmp_path: Path) -> None:
    t_acc = np.arange(0.0, 1.0, 0.01)  # 100 Hz
    t_gyr = np.arange(0.005, 1.0, 0.02)  # 50 Hz, offset
    acc = np.column_stack(
        [t_acc, np.zeros_like(t_acc), np.zeros_like(t_acc), np.full_like(t_acc, 9.81)]
    )
    gyr = np.column_stack([t_gyr, 2 * t_gyr + 1, -t_gyr, np.zeros_like(t_gyr)])
    # phyphox pads shorter columns with NaN
    gyr_padded = np.vstack([gyr, np.full((3, 4), np.nan)])
    path = tmp_path / "phyphox export.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Accelerometer.csv", phyphox_csv(["Time (s)", *ACC], acc))
        zf.writestr("Gyroscope.csv", phyphox_csv(["Time (s)", *GYR], gyr_padded))
        zf.writestr("meta/device.csv", '"property","value"\n"model","x"\n')
    series = read_imu_csv(path)
    inside = (t_acc >= t_gyr[0]) & (t_acc <= t_gyr[-1])
    np.testing.assert_allclose(series.time_s, t_acc[inside])
    np.testing.assert_allclose(series.gyr_rad_s[:, 0], 2 * t_acc[inside] + 1, atol=1e-8)
    np.testing.assert_allclose(series.gyr_rad_s[:, 1], -t_acc[inside], atol=1e-8)
    details = series.provenance.details
    assert "linearly interpolated" in details["resampled"]
    assert details["stream_rates_hz"] == {"acc": pytest.approx(100.0), "gyr": pytest.approx(50.0)}
    assert details["gyr_dropped_trailing_rows_without_time"] == 3


def test_phyphox_without_gyroscope_or_gravity_is_refused(tmp_path: Path) -> None:
    t = np.arange(3) * 0.01
    acc_only = tmp_path / "acc.csv"
    acc_only.write_text(phyphox_csv(["Time (s)", *ACC], np.column_stack([t, t, t, t])))
    with pytest.raises(InputFileError, match="no gyroscope columns"):
        read_imu_csv(acc_only)
    linear = tmp_path / "linear.csv"
    linear.write_text(
        phyphox_csv(
            ["Time (s)", *(f"Linear {c}" for c in ACC), *GYR], np.arange(14.0).reshape(2, 7)
        )
    )
    with pytest.raises(InputFileError, match=r"linear acceleration \(without g\)"):
        read_imu_csv(linear)


# ---------------------------------------------------------------- Sensor Logger


def logger_csv(t: np.ndarray, xyz: np.ndarray) -> str:
    """Sensor Logger column order: time (ns), seconds_elapsed, z, y, x."""
    lines = ["time,seconds_elapsed,z,y,x"]
    for ti, (x, y, z) in zip(t, xyz, strict=True):
        cells = [float(v) for v in (ti, z, y, x)]
        lines.append(f"{1_700_000_000_000_000_000 + round(ti * 1e9)}," + ",".join(map(repr, cells)))
    return "\n".join(lines) + "\n"


def logger_files(platform: str = "android", total: bool = True) -> dict[str, str]:
    t_acc = np.round(np.arange(0.0, 0.5, 0.01), 6)
    t_gyr = np.round(np.arange(0.0, 0.5, 0.02), 6)
    total_xyz = np.column_stack([np.full_like(t_acc, 1.0), np.full_like(t_acc, 2.0), 9.81 + t_acc])
    user_xyz = np.column_stack([np.zeros_like(t_acc), np.zeros_like(t_acc), t_acc])
    gravity = np.column_stack(
        [np.full_like(t_gyr, 1.0), np.full_like(t_gyr, 2.0), np.full_like(t_gyr, 9.81)]
    )
    files = {
        "Accelerometer.csv": logger_csv(t_acc, user_xyz),
        "Gravity.csv": logger_csv(t_gyr, gravity),
        "Gyroscope.csv": logger_csv(t_gyr, np.column_stack([t_gyr, 2 * t_gyr, 3 * t_gyr])),
        "Magnetometer.csv": logger_csv(t_gyr, np.tile([20.0, -5.0, 40.0], (t_gyr.size, 1))),
        "Metadata.csv": "version,device name,recording time,platform\n"
        f"1,phone,2024-01-01,{platform}\n",
    }
    if total:
        files["TotalAcceleration.csv"] = logger_csv(t_acc, total_xyz)
    return files


def write_folder(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def test_sensor_logger_folder_uses_total_acceleration(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "rec", logger_files())
    series = read_imu_csv(folder)
    t = np.round(np.arange(0.0, 0.5, 0.01), 6)
    keep = t <= 0.48  # the gyroscope's last sample
    np.testing.assert_allclose(series.time_s, t[keep])
    np.testing.assert_allclose(series.acc_m_s2[:, 0], 1.0)  # x column, not the first data column
    np.testing.assert_allclose(series.acc_m_s2[:, 2], 9.81 + t[keep])
    np.testing.assert_allclose(
        series.gyr_rad_s, np.column_stack([t, 2 * t, 3 * t])[keep], atol=1e-12
    )
    assert series.mag is not None
    np.testing.assert_allclose(series.mag[0], [20.0, -5.0, 40.0])
    details = series.provenance.details
    assert details["format"] == "sensor-logger"
    assert details["acceleration_from"].startswith("TotalAcceleration.csv")
    assert details["metadata_platform"] == "android"
    assert "gyr, mag linearly interpolated" in details["resampled"]


def test_sensor_logger_zip_and_single_file_give_the_same_series(tmp_path: Path) -> None:
    files = logger_files()
    folder = write_folder(tmp_path / "rec", files)
    archive = tmp_path / "rec.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, text in files.items():
            zf.writestr(f"2024-01-01_10-00-00/{name}", text)
    from_folder = read_imu_csv(folder)
    for other in (read_imu_csv(archive), read_imu_csv(folder / "Gyroscope.csv")):
        np.testing.assert_array_equal(other.time_s, from_folder.time_s)
        np.testing.assert_array_equal(other.acc_m_s2, from_folder.acc_m_s2)
        np.testing.assert_array_equal(other.gyr_rad_s, from_folder.gyr_rad_s)


def test_sensor_logger_android_without_total_adds_gravity(tmp_path: Path) -> None:
    series = read_imu_csv(write_folder(tmp_path / "rec", logger_files(total=False)))
    t = series.time_s
    np.testing.assert_allclose(
        series.acc_m_s2, np.column_stack([t * 0 + 1.0, t * 0 + 2.0, 9.81 + t]), atol=1e-12
    )
    assert series.provenance.details["acceleration_from"].startswith(
        "Accelerometer.csv + Gravity.csv"
    )


def test_sensor_logger_refusals(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="platform 'ios'"):
        read_imu_csv(write_folder(tmp_path / "ios", logger_files("ios", total=False)))
    files = logger_files()
    del files["Gyroscope.csv"]
    with pytest.raises(InputFileError, match=r"no Gyroscope\.csv"):
        read_imu_csv(write_folder(tmp_path / "nogyr", files))
    files = logger_files(total=False)
    del files["Gravity.csv"]
    with pytest.raises(InputFileError, match=r"no TotalAcceleration\.csv"):
        read_imu_csv(write_folder(tmp_path / "nograv", files))


# ---------------------------------------------------------------- our own CSV


def motion(mag_unit: str | None) -> MotionSeries:
    rng = np.random.default_rng(7)
    t = np.cumsum(rng.uniform(0.009, 0.011, 40))
    return MotionSeries(
        time_s=t,
        acc_m_s2=rng.normal(size=(40, 3)),
        gyr_rad_s=rng.normal(size=(40, 3)),
        mag=rng.normal(size=(40, 3)) if mag_unit else None,
        mag_unit=mag_unit or "uT",
    )


@pytest.mark.parametrize("mag_unit", [None, "uT", "a.u."])
def test_our_export_round_trips_exactly(tmp_path: Path, mag_unit: str | None) -> None:
    original = motion(mag_unit)
    back = read_imu_csv(original.to_csv(tmp_path / "m.csv"))
    assert back.provenance.details["format"] == "generic"
    np.testing.assert_array_equal(back.time_s, original.time_s)
    np.testing.assert_array_equal(back.acc_m_s2, original.acc_m_s2)
    np.testing.assert_array_equal(back.gyr_rad_s, original.gyr_rad_s)
    if mag_unit is None:
        assert back.mag is None
    else:
        assert back.mag is not None
        assert original.mag is not None
        np.testing.assert_array_equal(back.mag, original.mag)
        assert back.mag_unit == mag_unit


def test_generic_gzip_with_repeated_time(tmp_path: Path) -> None:
    header = "time_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2,gyr_x_rad_s,gyr_y_rad_s,gyr_z_rad_s"
    text = (
        header + "\n0,0,0,9.8,0,0,0\n0.01,0,0,9.8,0,0,0\n0.01,0,0,9.8,0,0,0\n0.02,1,0,9.8,0,0,0\n"
    )
    path = tmp_path / "m.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    series = read_imu_csv(path)
    np.testing.assert_allclose(series.time_s, [0.0, 0.01, 0.02])
    assert series.acc_m_s2[2, 0] == 1.0
    assert series.provenance.details["acc+gyr_dropped_duplicate_times"] == 1


# ---------------------------------------------------------------- errors


def test_user_errors(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="not found"):
        read_imu_csv(tmp_path / "absent.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(UnsupportedFormatError, match=r"not a known IMU CSV format \(uci, phyphox"):
        read_imu_csv(empty)
    with pytest.raises(InputFileError, match="is empty"):
        read_imu_csv(empty, fmt="generic")
    missing = tmp_path / "missing.csv"
    missing.write_text("time_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2,gyr_x_rad_s\n0,0,0,0,0\n")
    with pytest.raises(
        InputFileError,
        match=r"lacks column\(s\) 'gyr_y_rad_s', 'gyr_z_rad_s'; columns found: 'time_s'",
    ):
        read_imu_csv(missing)
    text = "time_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2,gyr_x_rad_s,gyr_y_rad_s,gyr_z_rad_s\n"
    word = tmp_path / "word.csv"
    word.write_text(text + "0,0,0,high,0,0,0\n")
    with pytest.raises(
        InputFileError, match=r"line 2, column 'acc_z_m_s2': 'high' is not a number"
    ):
        read_imu_csv(word)
    back = tmp_path / "back.csv"
    back.write_text(text + "0.2,0,0,0,0,0,0\n0.1,0,0,0,0,0,0\n")
    with pytest.raises(InputFileError, match="goes backwards at line 3"):
        read_imu_csv(back)
    with pytest.raises(ValueError, match="fmt must be one of"):
        read_imu_csv(back, fmt="xsens")
    with pytest.raises(ValueError, match="applies to the 'uci' format only"):
        read_imu_csv(back, sampling_rate_hz=100.0)


def test_guess_imu_format(tmp_path: Path) -> None:
    assert guess_imu_format(write_folder(tmp_path / "rec", logger_files())) == "sensor-logger"
    cop = tmp_path / "cop.csv"
    cop.write_text("Seq,Time,Fz,Mx,My,CoPx,CoPy\n0,0,1,0,0,0,0\n")
    assert guess_imu_format(cop) is None
    assert guess_imu_format(tmp_path / "absent.csv") is None
