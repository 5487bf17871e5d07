"""A hip-centred body frame from the hips and shoulders, and changes of coordinates into it.

Axes (all unit vectors, expressed in the input's 3-D frame):

* origin: mid-hip, the midpoint of the two hip landmarks;
* x, medio-lateral: from the left hip towards the right hip (to the person's right);
* z, vertical: the trunk direction, mid-hip towards mid-shoulder, made orthogonal to x
  (Gram-Schmidt: ``z = t - (t . x) x``, normalised);
* y, antero-posterior: ``y = z x x``, which points forward (out of the person's chest).

Why forward: with the person's right as x and up as z, right-handed coordinates put
``z x x`` along the direction they face (east x north = up, so up x east = north: for someone
facing north with east on their right, up x right = forward). The triple (x, y, z) =
(right, forward, up) is right-handed (``x x y = z``) and is a cyclic relabelling of the ISB
convention (X forward, Y up, Z right; Wu et al. 2002, J Biomech 35(4):543-548), so the
rotation between any right-handed world frame and this frame is proper (determinant +1),
provided the input frame is right-handed, as MediaPipe's world frame is (x image right, y down,
z away from the camera).

The trunk may lean sideways or forwards: z follows the trunk, not gravity; use
:func:`kinesense.signal.geometry.segment_inclination_deg` for the trunk's angle to gravity.
"""

import numpy as np
from numpy.typing import ArrayLike

from kinesense.arrays import FloatArray


def _points(name: str, value: ArrayLike) -> FloatArray:
    p = np.asarray(value, dtype=np.float64)
    if p.ndim == 0 or p.shape[-1] != 3:
        raise ValueError(f"{name} must have 3 coordinates on the last axis; got shape {p.shape}")
    return p


def _unit(v: FloatArray) -> FloatArray:
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norm > 0, v / norm, np.nan)


def body_frame(
    left_hip: ArrayLike,
    right_hip: ArrayLike,
    left_shoulder: ArrayLike,
    right_shoulder: ArrayLike,
) -> tuple[FloatArray, FloatArray]:
    """Origin and orientation of the hip-centred body frame (see the module docstring).

    Args:
        left_hip, right_hip, left_shoulder, right_shoulder: (N, 3) or (3,) landmark positions
            in a right-handed 3-D frame (e.g. ``PoseSeries.world_point("left_hip")``, metres).

    Returns:
        ``(origin, rotation)``: origin (N, 3) is mid-hip in the input's units; rotation
        (N, 3, 3) has the unit axes x, y, z as its ROWS, so ``rotation[n] @ (p - origin[n])``
        gives a point's body coordinates and ``rotation[n].T`` has the axes as columns (body to
        world). For (3,) inputs the leading N axis is absent. NaN for frames where a landmark is
        missing, the hips coincide, or the trunk is parallel to the hip line.
    """
    lh, rh = _points("left_hip", left_hip), _points("right_hip", right_hip)
    ls, rs = _points("left_shoulder", left_shoulder), _points("right_shoulder", right_shoulder)
    origin = (lh + rh) / 2.0
    x = _unit(rh - lh)
    trunk = (ls + rs) / 2.0 - origin
    z = _unit(trunk - np.sum(trunk * x, axis=-1, keepdims=True) * x)
    y = np.cross(z, x)
    rotation = np.stack([x, y, z], axis=-2)
    return np.asarray(origin), rotation


def to_body_frame(points: ArrayLike, origin: ArrayLike, rotation: ArrayLike) -> FloatArray:
    """Express world points in the body frame: ``rotation @ (point - origin)`` for each frame.

    Args:
        points: (N, ..., 3) points, e.g. (N, 33, 3) landmarks or (N, 3) one landmark.
        origin: (N, 3) from :func:`body_frame`.
        rotation: (N, 3, 3) from :func:`body_frame` (axes as rows).

    Returns:
        (N, ..., 3) coordinates along (right, forward, up), in the input's units.
    """
    p, o, r = _frame_args(points, origin, rotation)
    shift = p - o.reshape(o.shape[0], *([1] * (p.ndim - 2)), 3)
    return np.asarray(np.einsum("nij,n...j->n...i", r, shift))


def from_body_frame(points: ArrayLike, origin: ArrayLike, rotation: ArrayLike) -> FloatArray:
    """Inverse of :func:`to_body_frame`: ``rotation.T @ point + origin`` for each frame."""
    p, o, r = _frame_args(points, origin, rotation)
    world = np.einsum("nji,n...j->n...i", r, p)
    return np.asarray(world + o.reshape(o.shape[0], *([1] * (p.ndim - 2)), 3))


def _frame_args(
    points: ArrayLike, origin: ArrayLike, rotation: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    p = _points("points", points)
    o = _points("origin", origin)
    r = np.asarray(rotation, dtype=np.float64)
    if p.ndim < 2 or o.ndim != 2 or r.ndim != 3 or r.shape[1:] != (3, 3):
        raise ValueError(
            "points must be (N, ..., 3), origin (N, 3) and rotation (N, 3, 3); got "
            f"{p.shape}, {o.shape}, {r.shape}"
        )
    if not p.shape[0] == o.shape[0] == r.shape[0]:
        raise ValueError(
            f"points, origin and rotation must have the same number of frames; got "
            f"{p.shape[0]}, {o.shape[0]}, {r.shape[0]}"
        )
    return p, o, r
