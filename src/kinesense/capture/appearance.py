"""A person's look, to tell people apart when position alone cannot.

The signature is a normalised histogram of the chromaticity (the a* and b* channels of CIE Lab,
lightness left out) of the torso (the box between the shoulders and hips, shrunk to its central
part), compared with the Bhattacharyya distance (0 = identical, 1 = nothing in common).
Clothing colour is a classical cue for re-identifying people across frames (Comaniciu, Ramesh &
Meer 2003, "Kernel-based object tracking", IEEE TPAMI 25(5):564-577, which tracks with the same
histogram distance). Lightness is left out because it changes most as a person walks through
uneven light: on ../shared/data/video/sports2d_walk_side.mp4 the same woman's signature stays
within 0.64 of her first one with a*b* against 0.70 with hue-saturation, and dark clothes seen
side-on have an unstable hue.
"""

import numpy as np
from numpy.typing import NDArray

from kinesense.landmarks import LANDMARK_INDEX

_TORSO = [LANDMARK_INDEX[n] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip")]
CHROMA_BINS = 8
"""Bins of each of the a* and b* axes."""

MIN_SIDE_PX = 6
"""Smallest torso region, in pixels a side, whose colours are worth a signature."""

MIN_INSIDE_SHARE = 0.9
"""Share of the torso region that must lie inside the image for a signature to be made."""


def torso_signature(
    rgb: NDArray[np.uint8], image_xyz: NDArray[np.float64]
) -> NDArray[np.float32] | None:
    """a*b* histogram (sums to 1) of the torso; None if the torso is not (fully) in view."""
    import cv2

    height, width = rgb.shape[:2]
    corners = image_xyz[_TORSO, :2] * np.array([width, height])
    if not np.all(np.isfinite(corners)):
        return None
    (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
    # Keep the central part of the box: less background at the edges.
    dx, dy = (x1 - x0) * 0.2, (y1 - y0) * 0.1
    x0, x1, y0, y1 = x0 + dx, x1 - dx, y0 + dy, y1 - dy
    left, right = int(max(0, x0)), int(min(width, x1))
    top, bottom = int(max(0, y0)), int(min(height, y1))
    if right - left < MIN_SIDE_PX or bottom - top < MIN_SIDE_PX:
        return None
    inside = (right - left) * (bottom - top) / max((x1 - x0) * (y1 - y0), 1e-9)
    if inside < MIN_INSIDE_SHARE:
        # A torso cut by the image border shows only part of the clothes (or background).
        return None
    lab = cv2.cvtColor(np.ascontiguousarray(rgb[top:bottom, left:right]), cv2.COLOR_RGB2LAB)
    histogram = cv2.calcHist(
        [lab], [1, 2], None, [CHROMA_BINS, CHROMA_BINS], [0, 256, 0, 256]
    ).astype(np.float32)
    total = float(histogram.sum())
    if total <= 0:
        return None
    result: NDArray[np.float32] = histogram / total
    return result


def signature_distance(a: NDArray[np.float32], b: NDArray[np.float32]) -> float:
    """Bhattacharyya distance between two normalised histograms, in [0, 1]."""
    coefficient = float(np.sum(np.sqrt(a.astype(np.float64) * b.astype(np.float64))))
    return float(np.sqrt(max(0.0, 1.0 - min(coefficient, 1.0))))
