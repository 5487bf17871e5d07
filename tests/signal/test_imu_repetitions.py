"""IMU repetition segmentation: synthetic rotations with exact answers, and a real UCI recording
turned, mirrored and cut with known transforms."""

from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from kinesense.capture.readers import read_imu_csv
from kinesense.errors import ImplausibleRecordingError, InvalidValueError
from kinesense.series import MotionSeries
from kinesense.signal.imu_repetitions import (
    dominant_rate,
    most_active,
    segment_repetitions,
)
from tests.conftest import shared_file

RATE_HZ = 25.0
ONSET = np.arcsin(0.1) / np.pi  # a raised-cosine movement reaches 10 % of its peak rate here


def move(angle_deg: float, seconds: float) -> np.ndarray:
    """Angular rate (deg/s) of a smooth movement turning ``angle_deg`` in ``seconds``: a
    half-sine rate profile, the rate of a raised-cosine angle."""
    t = np.arange(round(seconds * RATE_HZ)) / RATE_HZ
    return np.asarray(angle_deg * np.pi / (2 * seconds) * np.sin(np.pi * t / seconds))


def still(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * RATE_HZ))


def recording(rate_deg_s: np.ndarray, axis: np.ndarray, noise: float = 0.0) -> MotionSeries:
    n = rate_deg_s.size
    gyro = np.radians(rate_deg_s)[:, None] * axis / np.linalg.norm(axis)
    gyro = gyro + np.random.default_rng(3).normal(0.0, noise, size=(n, 3))
    return MotionSeries(
        time_s=np.arange(n) / RATE_HZ,
        acc_m_s2=np.tile([0.0, 0.0, 9.81], (n, 1)),
        gyr_rad_s=gyro,
    )


def session() -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Rest, then: 60 deg out 1 s, hold 2 s, back 1 s; 30 deg out and straight back (0.8 s
    each); a 60 deg repetition with a 0.5 s pause on the way out. Returns the rate and the
    exact (start, end) of each repetition at 10 % of the peak rate."""
    parts, truth, t = [], [], 0.0

    def add(piece: np.ndarray) -> float:
        nonlocal t
        parts.append(piece)
        t += piece.size / RATE_HZ
        return t

    add(still(2.0))
    start = t + ONSET * 1.0
    add(move(60, 1.0))
    add(still(2.0))
    add(move(-60, 1.0))
    truth.append((start, t - ONSET * 1.0))
    add(still(1.5))
    start = t + ONSET * 0.8
    add(move(30, 0.8))
    add(move(-30, 0.8))
    truth.append((start, t - ONSET * 0.8))
    add(still(1.5))
    start = t + ONSET * 0.6
    add(move(30, 0.6))
    add(still(0.5))
    add(move(30, 0.6))
    add(move(-60, 1.2))
    truth.append((start, t - ONSET * 1.2))
    add(still(2.0))
    return np.concatenate(parts), truth


def test_repetitions_of_a_known_rotation_are_found_at_their_times() -> None:
    rate, truth = session()
    axis = np.array([0.3, -0.5, 0.8])
    found = segment_repetitions(recording(rate, axis))
    assert len(found) == len(truth)
    for repetition, (start, end) in zip(found, truth, strict=True):
        # the 2 Hz low-pass spreads a 0.6-1.2 s movement by a few samples
        assert repetition.start_s == pytest.approx(start, abs=0.1)
        assert repetition.end_s == pytest.approx(end, abs=0.1)
    assert [r.out_deg for r in found] == pytest.approx([60, 30, 60], abs=2)
    assert [r.back_deg for r in found] == pytest.approx([60, 30, 60], abs=2)
    _, found_axis, _ = dominant_rate(recording(rate, axis))
    assert abs(found_axis @ axis / np.linalg.norm(axis)) == pytest.approx(1.0, abs=1e-6)


def test_direction_and_sensor_orientation_do_not_matter() -> None:
    rate, truth = session()
    for axis in ([1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [-0.2, 0.9, 0.1]):
        for sign in (1.0, -1.0):
            found = segment_repetitions(recording(sign * rate, np.array(axis)))
            assert [round(r.start_s, 2) for r in found] == pytest.approx(
                [s for s, _ in truth], abs=0.1
            )


def test_small_movements_and_noise_are_not_repetitions() -> None:
    rate, truth = session()
    wobble = np.concatenate([move(8, 0.5), move(-8, 0.5)])  # 8 deg: under 30 % of 60
    noisy = recording(np.concatenate([rate, wobble, still(1.0)]), np.array([0, 1, 0]), 0.02)
    assert len(segment_repetitions(noisy)) == len(truth)
    assert segment_repetitions(recording(still(10.0), np.ones(3), noise=0.01)) == []


def test_bad_recordings_and_options() -> None:
    with pytest.raises(ImplausibleRecordingError, match="too short"):
        segment_repetitions(recording(still(0.2), np.ones(3)))
    with pytest.raises(ImplausibleRecordingError, match="never turns"):
        segment_repetitions(recording(still(5.0), np.ones(3)))
    with pytest.raises(InvalidValueError, match="min_fraction"):
        segment_repetitions(recording(session()[0], np.ones(3)), min_fraction=0.0)
    with pytest.raises(ValueError, match="at least one"):
        most_active([])


def uci(shared_data: Path, exercise: int, unit: int) -> MotionSeries:
    path = shared_file(shared_data, f"imu/uci_s1/e{exercise}/u{unit}/test.txt.gz")
    return read_imu_csv(path)


def test_a_real_recording_turned_mirrored_and_cut(shared_data: Path) -> None:
    series = uci(shared_data, 6, 2)
    found = segment_repetitions(series)
    assert len(found) == 30  # test_times.csv labels 30
    starts = np.array([r.start_s for r in found])
    turn = Rotation.from_euler("xyz", [30, -50, 120], degrees=True).as_matrix()
    turned = series.replace(gyr_rad_s=series.gyr_rad_s @ turn.T, acc_m_s2=series.acc_m_s2 @ turn.T)
    np.testing.assert_allclose([r.start_s for r in segment_repetitions(turned)], starts, atol=0.05)
    mirrored = series.replace(gyr_rad_s=-series.gyr_rad_s)
    np.testing.assert_allclose(
        [r.start_s for r in segment_repetitions(mirrored)], starts, atol=0.05
    )
    # cut at the rest between repetitions 10 and 11, clock restarted at 0: the other 20 are found
    cut_at = (found[9].end_s + found[10].start_s) / 2
    tail = series.slice_time(cut_at)
    offset = float(tail.time_s[0])
    tail = tail.replace(time_s=tail.time_s - offset)
    later = [r.start_s for r in segment_repetitions(tail)]
    assert len(later) == 20
    np.testing.assert_allclose(later, starts[10:] - offset, atol=0.1)


def test_the_sensor_on_the_moving_limb_is_the_most_active(shared_data: Path) -> None:
    recordings = [uci(shared_data, 1, unit) for unit in range(1, 6)]
    assert most_active(recordings) == 1  # u2, the ankle of the exercised leg
