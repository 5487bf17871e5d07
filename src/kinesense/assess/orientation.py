"""IMU orientation (Madgwick filter via ``ahrs``) and the angle of a segment about one axis.

Filter choice. The gradient-descent filter of Madgwick SOH, Harrison AJL, Vaidyanathan R 2011,
"Estimation of IMU and MARG orientation using a gradient descent algorithm", IEEE Int Conf
Rehabil Robot (ICORR) 2011:5975346, is used as implemented by the ``ahrs`` package
(``ahrs.filters.Madgwick``). It has one gain, runs at any sampling rate (the 25 Hz of the UCI
Xsens recordings as well as the 100-200 Hz of phones), and its authors report static RMS errors
below 0.8 degrees and dynamic RMS errors below 1.7 degrees against optical motion capture. The
accelerometer corrects inclination (pitch and roll) at every sample; heading (yaw) is corrected
only by a magnetometer, which indoor iron disturbs, so by default the magnetometer is not used
and yaw comes from the integrated gyroscope alone.

Gyroscope bias. Before filtering, the mean gyroscope output during the still neutral period at
the start is subtracted (the person is motionless there, so the true rate is zero). What remains
is the bias *change* during the recording, which makes the yaw drift: ``drift = residual bias x
time``. :func:`yaw_drift_estimate_deg_s` measures that residual during the still holds so that a
result can state it (e.g. 0.1 deg/s over a 10 s trial = 1 degree).

Rotation maths (quaternions to matrices, the rotation onto gravity) uses
``scipy.spatial.transform.Rotation``; quaternions are stored ``[w, x, y, z]`` as ``ahrs`` gives
them.

Angles about an axis, relative to the start (neutral) posture, in degrees:

* ``"tilt"`` (sagittal flexion or lateral flexion): the change of the segment's inclination,
  measured from the direction of gravity in the sensor frame, which the accelerometer keeps
  free of drift and which does not depend on heading. Gravity turns about one sensor-fixed
  horizontal axis when the segment flexes; that axis is found as the principal axis of the
  gravity rotations over the recording, and the angle is signed positive towards the largest
  excursion (forward for trunk flexion, towards the side tested for lateral flexion). The sensor
  may therefore be worn in any orientation, but the movement must be in one plane.
* ``"yaw"`` (axial rotation): the twist of the sensor about the vertical, positive
  anticlockwise seen from above (to the person's left when the sensor's up is the person's up).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kinesense.arrays import BoolArray, FloatArray
from kinesense.series import MotionSeries

if TYPE_CHECKING:
    from scipy.spatial.transform import Rotation

GRAVITY_M_S2 = 9.80665
"""Standard gravity, m/s²."""

MADGWICK_GAIN_IMU = 0.033
"""Madgwick beta without magnetometer (rad/s): the ``ahrs`` default, from Madgwick's report for a
gyroscope error of about 3 deg/s (beta = sqrt(3/4) x gyroscope error)."""


@dataclass(frozen=True)
class Orientation:
    """Sensor orientation over time.

    Attributes:
        time_s: (N,) sample times, s.
        quaternions: (N, 4) unit quaternions ``[w, x, y, z]`` that rotate sensor-frame vectors
            into the earth frame (z up).
        gyro_bias_rad_s: (3,) gyroscope bias subtracted before filtering, rad/s.
        used_magnetometer: whether heading was corrected by the magnetometer.
    """

    time_s: FloatArray
    quaternions: FloatArray
    gyro_bias_rad_s: FloatArray
    used_magnetometer: bool

    @property
    def rotation_matrices(self) -> FloatArray:
        """(N, 3, 3) sensor-to-earth rotation matrices."""
        return quaternion_to_matrix(self.quaternions)

    @property
    def rotations(self) -> "Rotation":
        """The N sensor-to-earth rotations (``scipy.spatial.transform.Rotation``)."""
        from scipy.spatial.transform import Rotation

        return Rotation.from_quat(self.quaternions, scalar_first=True)


def quaternion_to_matrix(q: FloatArray) -> FloatArray:
    """(N, 3, 3) rotation matrices from (N, 4) quaternions ``[w, x, y, z]`` (normalised first),
    by ``scipy.spatial.transform.Rotation``."""
    from scipy.spatial.transform import Rotation

    quaternions = np.asarray(q, dtype=np.float64)
    matrices = Rotation.from_quat(quaternions.reshape(-1, 4), scalar_first=True).as_matrix()
    return np.asarray(matrices, dtype=np.float64).reshape(*quaternions.shape[:-1], 3, 3)


def _quaternion_from_gravity(acc: FloatArray) -> FloatArray:
    """Quaternion ``[w, x, y, z]`` (zero heading) that brings the measured specific force onto
    earth +z: the rotation about ``a x z`` by the angle between ``a`` and ``z``."""
    from scipy.spatial.transform import Rotation

    a = acc / np.linalg.norm(acc)
    axis = np.array([a[1], -a[0], 0.0])  # a x z, for z = [0, 0, 1]
    s = float(np.linalg.norm(axis))
    if s < 1e-12:
        return np.array([1.0, 0.0, 0.0, 0.0]) if a[2] > 0 else np.array([0.0, 1.0, 0.0, 0.0])
    angle = float(np.arctan2(s, a[2]))
    rotation = Rotation.from_rotvec(axis / s * angle)
    return np.asarray(rotation.as_quat(canonical=False, scalar_first=True), dtype=np.float64)


def estimate_orientation(
    motion: MotionSeries,
    *,
    rest: slice | None = None,
    use_magnetometer: bool = False,
    gain: float | None = None,
) -> Orientation:
    """Orientation of the sensor at every sample (Madgwick et al. 2011 filter, ``ahrs``).

    Args:
        motion: the recording (acceleration with gravity, m/s²; angular rate, rad/s). Its
            samples should be nearly uniform; the filter uses the median sampling interval.
        rest: samples during which the sensor is still (the neutral start); their mean gyroscope
            output is the bias removed, and their mean acceleration sets the initial inclination.
            ``None``: the first 0.5 s.
        use_magnetometer: correct heading with the magnetometer (MARG filter) when recorded.
        gain: Madgwick beta in rad/s; default 0.033 (IMU) or 0.041 (MARG), the ``ahrs`` defaults.
    """
    from ahrs.filters import Madgwick

    rate_hz = motion.sampling_rate_hz
    if rest is None:
        rest = slice(0, max(1, round(0.5 * rate_hz)))
    acc = np.asarray(motion.acc_m_s2, dtype=np.float64)
    bias = np.asarray(motion.gyr_rad_s[rest].mean(axis=0), dtype=np.float64)
    gyr = np.asarray(motion.gyr_rad_s, dtype=np.float64) - bias
    q0 = _quaternion_from_gravity(acc[rest].mean(axis=0))
    mag = motion.mag if use_magnetometer and motion.mag is not None else None
    kwargs: dict[str, object] = {"frequency": rate_hz, "q0": q0}
    if gain is not None:
        kwargs["gain"] = gain
    if mag is not None:
        filt = Madgwick(gyr=gyr, acc=acc, mag=np.asarray(mag, dtype=np.float64), **kwargs)
    else:
        filt = Madgwick(gyr=gyr, acc=acc, **kwargs)
    quaternions = np.asarray(filt.Q, dtype=np.float64)
    return Orientation(
        time_s=np.asarray(motion.time_s, dtype=np.float64),
        quaternions=quaternions,
        gyro_bias_rad_s=bias,
        used_magnetometer=mag is not None,
    )


def gravity_in_sensor_frame(orientation: Orientation) -> FloatArray:
    """(N, 3) unit vector pointing up (earth +z), expressed in sensor axes."""
    up = orientation.rotations.inv().apply([0.0, 0.0, 1.0])  # R^T e_z
    return np.asarray(up, dtype=np.float64)


def tilt_angle_deg(orientation: Orientation, reference: slice) -> tuple[FloatArray, FloatArray]:
    """Signed inclination change about the principal tilt axis, relative to ``reference``.

    Returns:
        ``(angle_deg, axis)``: (N,) angle in degrees, positive towards the largest excursion,
        and (3,) the sensor-frame tilt axis (unit vector).
    """
    up = gravity_in_sensor_frame(orientation)
    up_ref = up[reference].mean(axis=0)
    up_ref = up_ref / np.linalg.norm(up_ref)
    cross = np.cross(up_ref, up)  # along -axis x sin(angle) for a body rotation about axis
    dot = up @ up_ref
    # Principal axis of the rotation vectors (uncentred, so the direction with most rotation).
    _, _, vt = np.linalg.svd(cross, full_matrices=False)
    axis = vt[0]
    angle = np.degrees(np.arctan2(cross @ axis, dot))
    peak = int(np.argmax(np.abs(angle)))
    if angle[peak] < 0:
        angle, axis = -angle, -axis
    return np.asarray(angle, dtype=np.float64), np.asarray(-axis, dtype=np.float64)


def yaw_angle_deg(orientation: Orientation, reference: slice) -> FloatArray:
    """(N,) rotation about the vertical relative to ``reference``, degrees, anticlockwise from
    above positive (swing-twist decomposition of the earth-frame rotation since the reference).
    """
    rotations = orientation.rotations
    start = rotations[reference][0]
    relative = (rotations * start.inv()).as_matrix()  # R(t) R_ref^T, earth frame
    # Twist about z of a rotation matrix: angle of the rotation's (xx+yy, yx-xy) part.
    twist = np.arctan2(relative[:, 1, 0] - relative[:, 0, 1], relative[:, 0, 0] + relative[:, 1, 1])
    yaw = np.degrees(np.unwrap(twist))
    return np.asarray(yaw - yaw[reference].mean(), dtype=np.float64)


def yaw_drift_estimate_deg_s(
    orientation: Orientation, gyr_rad_s: FloatArray, still: BoolArray
) -> float:
    """Residual rate about the vertical while the person is still, deg/s (bias already removed).

    Integrated over a trial's duration it bounds the heading drift of an IMU without magnetometer:
    drift (deg) = this rate x trial duration (s).
    """
    if not np.any(still):
        return float("nan")
    corrected = np.asarray(gyr_rad_s, dtype=np.float64) - orientation.gyro_bias_rad_s
    earth = orientation.rotations.apply(corrected)
    return float(np.degrees(abs(np.mean(earth[still, 2]))))
