"""The array types used across kinesense, defined once."""

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
"""Floating-point samples (time on axis 0)."""
BoolArray = NDArray[np.bool_]
"""Per-sample flags."""
IntArray = NDArray[np.int64]
"""Indices and counts."""
