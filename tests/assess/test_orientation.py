"""IMU orientation: synthetic recordings whose rotation is known exactly, and the UCI recordings.

The synthetic IMU (:func:`synthetic_imu`) is built from an angle profile about a known axis:
the gyroscope is the analytic derivative of the angle about that axis, the accelerometer is
gravity rotated into the sensor frame; noise and a constant bias can be added. It is shared by
the repositioning tests.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from kinesense.assess.orientation import (
    GRAVITY_M_S2,
    estimate_orientation,
    gravity_in_sensor_frame,
    quaternion_to_matrix,
    tilt_angle_deg,
    yaw_angle_deg,
    yaw_drift_estimate_deg_s,
)
from kinesense.capture.readers import read_imu_csv
from kinesense.series import MotionSeries, Provenance
from tests.conftest import shared_file

RATE_HZ = 100.0


@dataclass(frozen=True)
class Profile:
    """An angle profile in degrees with its exact derivative (deg/s) at times ``time_s``."""

    time_s: np.ndarray
    angle_deg: np.ndarray
    rate_deg_s: np.ndarray


def build_profile(segments: Sequence[tuple[float, float, float]], rate_hz: float) -> Profile:
    """Concatenate ``(duration_s, from_deg, to_deg)`` pieces: a hold when from == to, else a
    half-cosine move (zero speed at both ends)."""
    times, angles, rates = [], [], []
    t0 = 0.0
    for duration, start, end in segments:
        n = round(duration * rate_hz)
        s = np.arange(n) / rate_hz
        phase = np.pi * s / duration
        angles.append(start + (end - start) * (1 - np.cos(phase)) / 2)
        rates.append((end - start) * np.pi / (2 * duration) * np.sin(phase))
        times.append(t0 + s)
        t0 += n / rate_hz
    return Profile(np.concatenate(times), np.concatenate(angles), np.concatenate(rates))


def trials_profile(
    reproduced: Sequence[float],
    *,
    demonstration: float | None = None,
    rate_hz: float = RATE_HZ,
    start_rest_s: float = 3.0,
    move_s: float = 1.5,
    hold_s: float = 2.0,
    pause_s: float = 2.0,
) -> Profile:
    """Still start, then for each hold: move out, hold, move back to 0, pause."""
    segments = [(start_rest_s, 0.0, 0.0)]
    holds = ([demonstration] if demonstration is not None else []) + list(reproduced)
    for angle in holds:
        segments += [(move_s, 0.0, angle), (hold_s, angle, angle), (move_s, angle, 0.0)]
        segments += [(pause_s, 0.0, 0.0)]
    return build_profile(segments, rate_hz)


def neutral_profile(
    excursions: Sequence[float], returns: Sequence[float], *, rate_hz: float = RATE_HZ
) -> Profile:
    """Still start; each trial: move to the excursion, brief stop, come back to ``returns[i]``
    (the reproduced neutral), hold 2 s, then be put back to 0 and pause."""
    segments = [(3.0, 0.0, 0.0)]
    for peak, back in zip(excursions, returns, strict=True):
        segments += [(1.5, 0.0, peak), (0.3, peak, peak), (1.5, peak, back), (2.0, back, back)]
        segments += [(1.0, back, 0.0), (1.0, 0.0, 0.0)]
    return build_profile(segments, rate_hz)


def axis_angle_matrix(axis: Sequence[float], angle_rad: np.ndarray | float) -> np.ndarray:
    """Rotation matrices for ``angle_rad`` about ``axis`` (scipy, an independent code path)."""
    unit = np.asarray(axis, dtype=float) / np.linalg.norm(axis)
    rotvec = np.atleast_1d(angle_rad)[:, None] * unit[None, :]
    return np.asarray(Rotation.from_rotvec(rotvec).as_matrix())


def synthetic_imu(
    profile: Profile,
    *,
    body_axis: Sequence[float] = (1.0, 0.0, 0.0),
    mount: np.ndarray | None = None,
    yaw: bool = False,
    acc_noise: float = 0.0,
    gyr_noise_deg_s: float = 0.0,
    bias_deg_s: Sequence[float] = (0.0, 0.0, 0.0),
    seed: int = 0,
    placement: str = "lower back",
) -> MotionSeries:
    """An IMU recording of a segment rotating by ``profile`` about ``body_axis`` (sensor frame),
    or about the vertical when ``yaw``; ``mount`` is the sensor-to-earth rotation at rest."""
    rng = np.random.default_rng(seed)
    theta = np.radians(profile.angle_deg)
    omega = np.radians(profile.rate_deg_s)
    r0 = np.eye(3) if mount is None else mount
    if yaw:
        rotation = axis_angle_matrix((0, 0, 1), theta) @ r0
        gyr = (r0.T @ np.array([0.0, 0.0, 1.0]))[None, :] * omega[:, None]
    else:
        rotation = r0 @ axis_angle_matrix(body_axis, theta)
        unit = np.asarray(body_axis, dtype=float) / np.linalg.norm(body_axis)
        gyr = unit[None, :] * omega[:, None]
    acc = np.einsum("nji,j->ni", rotation, np.array([0.0, 0.0, GRAVITY_M_S2]))
    acc = acc + acc_noise * rng.standard_normal(acc.shape)
    gyr = gyr + np.radians(gyr_noise_deg_s) * rng.standard_normal(gyr.shape)
    gyr = gyr + np.radians(np.asarray(bias_deg_s, dtype=float))
    return MotionSeries(
        time_s=profile.time_s,
        acc_m_s2=acc,
        gyr_rad_s=gyr,
        placement=placement,
        provenance=Provenance(source="synthetic", reader="test"),
    )


TILTED_MOUNT = axis_angle_matrix((1.0, 0.3, 0.0), np.radians(75.0))[0]
"""A sensor strapped on the back, its z axis nearly horizontal and a little twisted."""
FLEXION_AXIS = TILTED_MOUNT.T @ np.array([np.cos(0.35), np.sin(0.35), 0.0])
"""The body's medio-lateral axis (horizontal in the earth frame at rest) in sensor axes: a
rotation about it changes the segment's inclination by exactly the rotation angle."""


def test_quaternion_to_matrix_matches_scipy() -> None:
    quats = np.random.default_rng(1).normal(size=(20, 4))
    ours = quaternion_to_matrix(quats)
    unit = quats / np.linalg.norm(quats, axis=1, keepdims=True)
    theirs = Rotation.from_quat(unit[:, [1, 2, 3, 0]]).as_matrix()  # scipy: scalar last
    np.testing.assert_allclose(ours, theirs, atol=1e-12)


def test_initial_orientation_puts_gravity_up() -> None:
    profile = build_profile([(2.0, 0.0, 0.0)], RATE_HZ)
    motion = synthetic_imu(profile, mount=TILTED_MOUNT)
    orientation = estimate_orientation(motion)
    up = gravity_in_sensor_frame(orientation)
    expected = TILTED_MOUNT.T @ np.array([0.0, 0.0, 1.0])
    assert np.degrees(np.arccos(np.clip(up @ expected, -1, 1))).max() < 0.01


@pytest.mark.parametrize("angle", [15.0, 40.0, -30.0])
def test_tilt_of_known_angle_is_recovered_within_1_percent(angle: float) -> None:
    profile = build_profile([(2.0, 0, 0), (1.5, 0, angle), (3.0, angle, angle)], RATE_HZ)
    motion = synthetic_imu(
        profile,
        body_axis=FLEXION_AXIS,
        mount=TILTED_MOUNT,
        acc_noise=0.05,
        gyr_noise_deg_s=0.3,
        bias_deg_s=(0.5, -0.3, 0.4),
    )
    orientation = estimate_orientation(motion, rest=slice(0, 150))
    tilt, axis = tilt_angle_deg(orientation, slice(0, 150))
    held = float(np.mean(tilt[-200:]))
    # Signed positive towards the largest excursion, so the magnitude is compared.
    assert held == pytest.approx(abs(angle), rel=0.01)
    assert np.sign(angle) * (axis @ FLEXION_AXIS) == pytest.approx(1.0, abs=1e-3)


def test_yaw_of_known_angle_is_recovered_within_1_percent() -> None:
    profile = build_profile([(2.0, 0, 0), (1.5, 0, 45.0), (3.0, 45.0, 45.0)], RATE_HZ)
    mount = axis_angle_matrix((0.0, 1.0, 0.0), np.radians(20.0))[0]
    motion = synthetic_imu(profile, yaw=True, mount=mount, bias_deg_s=(0.4, 0.4, -0.6))
    orientation = estimate_orientation(motion, rest=slice(0, 150))
    yaw = yaw_angle_deg(orientation, slice(0, 150))
    assert float(np.mean(yaw[-200:])) == pytest.approx(45.0, rel=0.01)


def test_yaw_drift_without_magnetometer_is_measured() -> None:
    """A bias that appears after the rest (not removable) makes yaw drift at that rate; the
    drift estimate from still periods finds it, and it integrates to rate x time."""
    profile = build_profile([(2.0, 0, 0), (20.0, 0, 0)], RATE_HZ)
    motion = synthetic_imu(profile, gyr_noise_deg_s=0.1)
    step = np.zeros_like(motion.gyr_rad_s)
    step[motion.time_s >= 2.0, 2] = np.radians(0.2)  # 0.2 deg/s about the vertical sensor z
    motion = motion.replace(gyr_rad_s=motion.gyr_rad_s + step)
    orientation = estimate_orientation(motion, rest=slice(0, 150))
    yaw = yaw_angle_deg(orientation, slice(0, 150))
    still = motion.time_s >= 2.0
    rate = yaw_drift_estimate_deg_s(orientation, motion.gyr_rad_s, still)
    assert rate == pytest.approx(0.2, rel=0.05)
    print(f"\nyaw after 20 s with a 0.2 deg/s bias change: {yaw[-1]:.2f} deg")
    # 0.2 deg/s x 20 s = 4 deg; the bias measured over the 1.5 s rest is itself uncertain by
    # 0.1 / sqrt(150) deg/s per axis (noise), which adds up to about 0.2 deg over 20 s.
    assert yaw[-1] == pytest.approx(0.2 * 20.0, abs=0.3)


# ------------------------------------------------------------------------------------------------
# Real recordings (UCI physical therapy exercises, Xsens MTx at 25 Hz, u5 on the chest)
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chest_prone(shared_data: Path) -> MotionSeries:
    """Exercise 8: lying prone, arm circles; the chest sensor stays nearly still."""
    path = shared_file(shared_data, "imu/uci_s1/e8/u5/test.txt.gz")
    return read_imu_csv(path, placement="chest")


def test_real_orientation_agrees_with_gravity_when_still(chest_prone: MotionSeries) -> None:
    orientation = estimate_orientation(chest_prone, rest=slice(0, 25))
    up = gravity_in_sensor_frame(orientation)
    acc = chest_prone.acc_m_s2 / np.linalg.norm(chest_prone.acc_m_s2, axis=1, keepdims=True)
    still = np.linalg.norm(np.degrees(chest_prone.gyr_rad_s), axis=1) < 3.0
    error = np.degrees(np.arccos(np.clip(np.sum(up * acc, axis=1), -1, 1)))[still]
    print(f"\nUCI e8 u5: filter vs accelerometer when still, median {np.median(error):.2f} deg")
    assert still.sum() > 500
    assert np.median(error) < 1.0


def test_real_chest_tilt_stays_small_and_plausible(chest_prone: MotionSeries) -> None:
    orientation = estimate_orientation(chest_prone, rest=slice(0, 25))
    tilt, _ = tilt_angle_deg(orientation, slice(0, 25))
    yaw = yaw_angle_deg(orientation, slice(0, 25))
    drift = abs(yaw[-1]) / chest_prone.duration_s
    print(
        f"\nUCI e8 u5 ({chest_prone.duration_s:.0f} s): chest tilt 1-99th percentile "
        f"{np.percentile(tilt, 1):.1f} to {np.percentile(tilt, 99):.1f} deg; "
        f"yaw at the end {yaw[-1]:.1f} deg ({drift:.3f} deg/s)"
    )
    assert np.all(np.isfinite(tilt))
    assert np.percentile(np.abs(tilt), 99) < 5.0
    assert drift < 0.2
