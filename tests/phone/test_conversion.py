"""W3C DeviceMotion samples to a MotionSeries: the axes, units and time on signals with a known
answer, the reader's checks, and a real IMU recording replayed as a phone would send it."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from kinesense.errors import ImplausibleRecordingError, InputFileError
from kinesense.phone.conversion import cut_to_duration, motion_rows, motion_series
from kinesense.phone.protocols import PhoneTest
from kinesense.phone.session import PhoneProtocolError, PhoneRecording
from tests.conftest import shared_file
from tests.phone.replay import (
    SWAY_FILE,
    batches,
    cut_uci,
    device_motion_rows,
    one_ulp_apart,
    read_cut,
)


def rows_of(*rows: list[float]) -> np.ndarray:
    return motion_rows([tuple(r) for r in rows])  # type: ignore[misc]


def test_rotation_rate_maps_beta_gamma_alpha_to_x_y_z_in_radians() -> None:
    # alpha is about z, beta about x, gamma about y (W3C DeviceOrientation spec, 4.3)
    rows = rows_of(
        [0.0, 0.0, 0.0, 9.81, 90.0, 0.0, 0.0, 10.0],   # turning about z (flat on a table)
        [10.0, 0.0, 0.0, 9.81, 0.0, 180.0, 0.0, 10.0],  # tipping about x
        [20.0, 0.0, 0.0, 9.81, 0.0, 0.0, -45.0, 10.0],  # rolling about y
    )  # fmt: skip
    series = motion_series(rows, placement="sternum", source="test")
    assert series.gyr_rad_s[0] == pytest.approx([0.0, 0.0, math.pi / 2], abs=1e-15)
    assert series.gyr_rad_s[1] == pytest.approx([math.pi, 0.0, 0.0], abs=1e-15)
    assert series.gyr_rad_s[2] == pytest.approx([0.0, -math.pi / 4, 0.0], abs=1e-15)


def test_acceleration_with_gravity_is_kept_axis_for_axis() -> None:
    # flat, screen up: (0, 0, +g); upright, top up: (0, +g, 0) -- specific force, as an IMU
    rows = rows_of([5.0, 0.0, 0.0, 9.81, 0, 0, 0, 16], [21.0, 0.0, 9.81, 0.0, 0, 0, 0, 16])
    series = motion_series(rows, placement="sternum", source="test")
    np.testing.assert_array_equal(series.acc_m_s2, [[0.0, 0.0, 9.81], [0.0, 9.81, 0.0]])
    np.testing.assert_array_equal(series.time_s, [0.0, 0.016])
    assert series.mag is None
    assert series.placement == "sternum"
    assert series.provenance.reader == "phone"
    assert series.provenance.details["reported_interval_ms"] == 16.0


def test_the_readers_time_checks_apply() -> None:
    repeated = rows_of(*([[t, 0, 0, 9.81, 0, 0, 0, 10] for t in (0.0, 10.0, 10.0, 20.0)]))
    series = motion_series(repeated, placement="sternum", source="phone")
    np.testing.assert_array_equal(series.time_s, [0.0, 0.01, 0.02])
    assert series.provenance.details["time_dropped_duplicate_times"] == 1
    backwards = rows_of(*([[t, 0, 0, 9.81, 0, 0, 0, 10] for t in (0.0, 20.0, 10.0)]))
    with pytest.raises(InputFileError, match="backwards"):
        motion_series(backwards, placement="sternum", source="phone")
    with pytest.raises(InputFileError, match="1 motion samples"):
        motion_series(rows_of([0.0, 0, 0, 9.81, 0, 0, 0, 10]), placement="x", source="phone")


def test_the_readers_plausibility_checks_apply() -> None:
    wild = rows_of(*([[10.0 * k, 0, 0, 1e30 if k == 3 else 9.81, 0, 0, 0, 10] for k in range(9)]))
    with pytest.raises(ImplausibleRecordingError):
        motion_series(wild, placement="sternum", source="phone")


def test_cut_to_duration_keeps_the_last_sample_at_the_limit() -> None:
    rows = rows_of(*([[1000.0 + 40.0 * k, 0, 0, 9.81, 0, 0, 0, 40] for k in range(100)]))
    assert cut_to_duration(rows, 2.0).shape[0] == 51  # 0, 40, ..., 2000 ms


def test_acceleration_without_gravity_is_refused() -> None:
    recording = PhoneRecording(PhoneTest(test="sway"), "phone")
    rows = [[10.0 * k, 0.01, -0.02, 0.03, 0, 0, 0, 10] for k in range(100)]
    for message in batches(rows):
        recording.receive(json.dumps(message), 0.0)
    with pytest.raises(PhoneProtocolError, match="gravity"):
        recording.series()


def test_a_real_recording_replayed_as_devicemotion_is_the_readers_series(
    shared_data: Path, tmp_path: Path
) -> None:
    cut = cut_uci(shared_file(shared_data, SWAY_FILE), tmp_path / "cut.txt", 30.0)
    truth = read_cut(cut)
    recording = PhoneRecording(PhoneTest(test="sway"), "phone")
    for message in batches(device_motion_rows(truth)):
        recording.receive(json.dumps(message), 0.0)
    series = recording.series()
    assert len(series.time_s) == 751  # 30 s at 25 Hz, both ends
    np.testing.assert_array_equal(series.time_s, truth.time_s)
    np.testing.assert_array_equal(series.acc_m_s2, truth.acc_m_s2)
    # rad/s -> deg/s (as the phone reports) -> rad/s: equal within one unit in the last place
    assert one_ulp_apart(series.gyr_rad_s, truth.gyr_rad_s)
    assert series.provenance.details["samples_kept"] == 751
