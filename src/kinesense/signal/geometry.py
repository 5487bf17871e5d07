"""Angles between vectors, joint angles and segment inclinations, in degrees.

Points and vectors are arrays whose last axis holds the coordinates, 2 (x, y) or 3 (x, y, z);
leading axes (time, landmarks, ...) broadcast as in numpy. A NaN coordinate gives a NaN angle,
and so does a vector of zero length (its direction is undefined).

Angles are computed as ``atan2(|u x v|, u . v)``, which is accurate at every angle; ``arccos``
of the normalised dot product loses about half the significant digits near 0 and 180 degrees,
because its slope is infinite there (an angle of 1e-8 rad reads as 0).

Two-dimensional image coordinates must be in units that are the same on both axes (pixels).
Normalised image coordinates (x / width, y / height) stretch one axis unless the frame is
square and distort every angle; convert them first, e.g. with
:meth:`kinesense.series.pose.PoseSeries.image_point_px`.
"""

import numpy as np
from numpy.typing import ArrayLike

from kinesense.arrays import FloatArray


def _vectors(*arrays: ArrayLike, names: tuple[str, ...]) -> list[FloatArray]:
    out = [np.asarray(a, dtype=np.float64) for a in arrays]
    dims = {a.shape[-1] if a.ndim else 0 for a in out}
    if len(dims) != 1 or not dims <= {2, 3}:
        shapes = ", ".join(f"{n} {a.shape}" for n, a in zip(names, out, strict=True))
        raise ValueError(
            f"{', '.join(names)} must all have 2 or 3 coordinates on the last axis; got {shapes}"
        )
    return out


def _cross_norm_and_dot(u: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
    if u.shape[-1] == 2:
        cross = np.abs(u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0])
    else:
        cross = np.linalg.norm(np.cross(u, v), axis=-1)
    return cross, np.sum(u * v, axis=-1)


def angle_between_deg(u: ArrayLike, v: ArrayLike) -> FloatArray:
    """Unsigned angle between vectors ``u`` and ``v`` (..., 2|3), in degrees in [0, 180].

    NaN where either vector has a NaN coordinate or zero length.
    """
    a, b = _vectors(u, v, names=("u", "v"))
    cross, dot = _cross_norm_and_dot(a, b)
    angle = np.degrees(np.arctan2(cross, dot))
    degenerate = (np.linalg.norm(a, axis=-1) == 0) | (np.linalg.norm(b, axis=-1) == 0)
    return np.asarray(np.where(degenerate, np.nan, angle), dtype=np.float64)


def joint_angle_deg(a: ArrayLike, b: ArrayLike, c: ArrayLike) -> FloatArray:
    """Angle at ``b`` between the segments b->a and b->c, in degrees in [0, 180].

    180 degrees is a straight joint (a, b, c in line), smaller values a more bent joint; e.g.
    hip, knee, ankle give the knee's included angle (knee flexion = 180 - angle).
    """
    pa, pb, pc = _vectors(a, b, c, names=("a", "b", "c"))
    return angle_between_deg(pa - pb, pc - pb)


def segment_inclination_deg(proximal: ArrayLike, distal: ArrayLike, up: ArrayLike) -> FloatArray:
    """Unsigned angle between a segment and the vertical, in degrees in [0, 180].

    The segment vector points from ``distal`` to ``proximal``: 0 degrees when the proximal end
    is straight above the distal end, as for a thigh (hip over knee), a shank (knee over ankle)
    or the trunk given as proximal = mid-shoulder, distal = mid-hip (de Leva's convention, the
    upper end first) in upright standing; 90 degrees when the segment is horizontal; 180 when
    the proximal end is straight below the distal end.

    Args:
        proximal: (..., 2|3) proximal endpoint.
        distal: (..., 2|3) distal endpoint.
        up: (..., 2|3) the up direction of the coordinate frame, any length (e.g.
            ``PoseSeries.world_up`` = (0, -1, 0) for MediaPipe world landmarks).
    """
    p, d, u = _vectors(proximal, distal, up, names=("proximal", "distal", "up"))
    return angle_between_deg(p - d, u)


def signed_inclination_2d_deg(lower: ArrayLike, upper: ArrayLike) -> FloatArray:
    """Signed tilt of the vector lower->upper from image vertical, in degrees in (-180, 180].

    For image coordinates with y pointing DOWN (pixels; only x and y are used, a third
    coordinate is ignored). 0 when ``upper`` is straight above ``lower`` in the image; positive
    when ``upper`` leans to the image right (clockwise as seen on screen), negative when it
    leans to the image left; +/-90 when horizontal. On a person facing the camera the image
    right is the person's left.
    """
    lo, hi = _vectors(lower, upper, names=("lower", "upper"))
    dx = hi[..., 0] - lo[..., 0]
    dy = hi[..., 1] - lo[..., 1]
    angle = np.degrees(np.arctan2(dx, -dy))
    angle = np.where(angle == -180.0, 180.0, angle)
    return np.asarray(np.where((dx == 0) & (dy == 0), np.nan, angle), dtype=np.float64)


def midpoint(a: ArrayLike, b: ArrayLike) -> FloatArray:
    """Point halfway between ``a`` and ``b`` (any matching shapes); NaN propagates."""
    return np.asarray((np.asarray(a, dtype=np.float64) + np.asarray(b, dtype=np.float64)) / 2.0)
