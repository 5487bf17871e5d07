"""Head orientation from a face model's 4x4 pose matrix: yaw, pitch and roll, and rotations
relative to a reference orientation.

Convention (camera frame of MediaPipe's facial transformation matrix: x to the image right, y
up, z towards the camera; the rotation R carries the canonical face model into that frame):

    R = Ry(yaw) · Rx(pitch) · Rz(roll)

with right-handed rotations about the camera's axes, in degrees. For a person facing an
unmirrored camera:

* **yaw** > 0: the face turns towards the image right, which is the person's **left**;
* **pitch** > 0: the face turns down (chin towards the chest, flexion);
* **roll** > 0: the top of the head tilts towards the image left, i.e. towards the person's
  **right** shoulder (lateral flexion to the right).

A mirrored ("selfie") image swaps left and right: yaw and roll change sign, pitch does not.

Absolute angles hold the face model's own offsets (a person looking straight into the camera
reads a pitch of roughly 10-20 deg with MediaPipe's canonical face model). Movements are
therefore measured as rotations *relative to a reference orientation* (the still neutral head
at the start, as Revel's head-mounted laser is aimed at the wall's target at the start):
:func:`relative_angles_deg` decomposes ``R · R_ref^T`` with the same convention, so that a
rotation about the camera's line of sight reads as pure roll and a turn about the camera's
vertical axis as pure yaw, whatever the head's starting orientation.

Reference: the matrix is the one MediaPipe's ``FaceLandmarker`` returns with
``output_facial_transformation_matrixes=True`` (Google, MediaPipe Face Landmarker, Apache-2.0);
the browser's ``@mediapipe/tasks-vision`` returns the same 16 numbers column-major.
"""

from collections.abc import Sequence

import numpy as np

from kinesense.arrays import BoolArray, FloatArray

AXIS_COLUMNS = {"rotation": 0, "flexion": 1, "lateral": 2}
"""Column of :func:`head_angles_deg`'s output for each clinical movement: rotation = yaw,
flexion = pitch, lateral flexion = roll."""
ANGLE_NAMES = ("yaw_deg", "pitch_deg", "roll_deg")


def nearest_rotation(matrix: FloatArray) -> FloatArray:
    """The rotation closest to the upper-left 3x3 block(s) of ``matrix`` (..., 3+, 3+), its
    scale and shear removed (polar decomposition by SVD)."""
    block = np.asarray(matrix, dtype=np.float64)[..., :3, :3]
    u, _, vt = np.linalg.svd(block)
    rotation = u @ vt
    flip = np.linalg.det(rotation) < 0
    if np.any(flip):
        u = u.copy()
        u[flip, :, 2] *= -1
        rotation = u @ vt
    return np.asarray(rotation, dtype=np.float64)


def angles_from_rotation(rotation: FloatArray) -> FloatArray:
    """(..., 3) yaw, pitch, roll in degrees of rotation matrices (..., 3, 3) with
    R = Ry(yaw) · Rx(pitch) · Rz(roll) (see the module docstring)."""
    r = np.asarray(rotation, dtype=np.float64)
    pitch = np.arcsin(np.clip(-r[..., 1, 2], -1.0, 1.0))
    yaw = np.arctan2(r[..., 0, 2], r[..., 2, 2])
    roll = np.arctan2(r[..., 1, 0], r[..., 1, 1])
    return np.asarray(np.degrees(np.stack([yaw, pitch, roll], axis=-1)), dtype=np.float64)


def rotation_from_angles(angles_deg: FloatArray) -> FloatArray:
    """(..., 3, 3) rotation matrices R = Ry(yaw) · Rx(pitch) · Rz(roll) from (..., 3) angles in
    degrees; the inverse of :func:`angles_from_rotation`."""
    a = np.radians(np.asarray(angles_deg, dtype=np.float64))
    cy, sy = np.cos(a[..., 0]), np.sin(a[..., 0])
    cp, sp = np.cos(a[..., 1]), np.sin(a[..., 1])
    cr, sr = np.cos(a[..., 2]), np.sin(a[..., 2])
    zero, one = np.zeros_like(cy), np.ones_like(cy)
    ry = np.stack([cy, zero, sy, zero, one, zero, -sy, zero, cy], axis=-1)
    rx = np.stack([one, zero, zero, zero, cp, -sp, zero, sp, cp], axis=-1)
    rz = np.stack([cr, -sr, zero, sr, cr, zero, zero, zero, one], axis=-1)
    shape = (*cy.shape, 3, 3)
    return np.asarray(ry.reshape(shape) @ rx.reshape(shape) @ rz.reshape(shape))


def head_angles_deg(matrix: FloatArray) -> FloatArray:
    """(..., 3) yaw, pitch, roll in degrees from facial transformation matrices (..., 4, 4),
    row-major (see the module docstring for the convention and the signs)."""
    return np.asarray(angles_from_rotation(nearest_rotation(matrix)), dtype=np.float64)


def matrix_from_column_major(values: Sequence[float]) -> FloatArray:
    """The row-major 4x4 matrix from the 16 numbers ``@mediapipe/tasks-vision`` gives
    (column-major, as WebGL stores matrices).

    Raises:
        ValueError: not 16 finite numbers.
    """
    array = np.asarray(values, dtype=np.float64)
    if array.shape != (16,) or not np.all(np.isfinite(array)):
        raise ValueError("a face pose matrix is 16 finite numbers (column-major 4x4)")
    return np.asarray(array.reshape(4, 4).T)


def relative_angles_deg(angles_deg: FloatArray, reference_deg: FloatArray) -> FloatArray:
    """(..., 3) yaw, pitch, roll (degrees) of the rotation from the reference orientation to
    each orientation, about the camera's axes: ``R · R_ref^T`` decomposed as
    :func:`angles_from_rotation` does. Rows with a NaN stay NaN."""
    angles = np.asarray(angles_deg, dtype=np.float64)
    reference = rotation_from_angles(np.asarray(reference_deg, dtype=np.float64))
    finite = np.all(np.isfinite(angles), axis=-1)
    safe = np.where(finite[..., None], angles, 0.0)
    relative = rotation_from_angles(safe) @ np.swapaxes(reference, -1, -2)
    out = angles_from_rotation(relative)
    return np.asarray(np.where(finite[..., None], out, np.nan))


def mean_orientation_deg(angles_deg: FloatArray) -> FloatArray:
    """(3,) the mean orientation of (N, 3) yaw, pitch, roll rows (the rotation nearest to the
    mean rotation matrix; NaN rows left out), in degrees."""
    angles = np.asarray(angles_deg, dtype=np.float64)
    rows = angles[np.all(np.isfinite(angles), axis=1)]
    if rows.size == 0:
        return np.full(3, np.nan)
    mean = np.mean(rotation_from_angles(rows), axis=0)
    return np.asarray(angles_from_rotation(nearest_rotation(mean)))


def frame_jitter_deg(angle_deg: FloatArray, still: BoolArray | None = None) -> float:
    """Frame-to-frame jitter of an angle, degrees: the standard deviation of successive
    differences divided by sqrt(2) (the noise of one frame if it is white), over the
    consecutive frames both ``still`` (default: all) and finite. NaN with fewer than 3 pairs."""
    angle = np.asarray(angle_deg, dtype=np.float64)
    diffs = np.diff(angle)
    keep = np.isfinite(diffs)
    if still is not None:
        mask = np.asarray(still, dtype=bool)
        keep &= mask[1:] & mask[:-1]
    if np.count_nonzero(keep) < 3:
        return float("nan")
    return float(np.std(diffs[keep]) / np.sqrt(2.0))
