"""Signal core: pure functions over numpy arrays with time on axis 0.

* :mod:`~kinesense.signal.gaps` - find and fill short runs of missing samples;
* :mod:`~kinesense.signal.filters` - zero-lag Butterworth low-pass (offline);
* :mod:`~kinesense.signal.one_euro` - the 1-euro filter (live, and offline by the same code);
* :mod:`~kinesense.signal.resample` - linear resampling onto a uniform time grid;
* :mod:`~kinesense.signal.geometry` - angles between vectors, joints and segments (degrees);
* :mod:`~kinesense.signal.body_frame` - the hip-centred body frame;
* :mod:`~kinesense.signal.com` - whole-body centre of mass (de Leva 1996).

Units: seconds, Hz, the input's length unit, and degrees for every angle. NaN marks a missing
value and propagates. Importing this package loads numpy only; scipy is imported where used.
"""

from kinesense.signal.body_frame import body_frame, from_body_frame, to_body_frame
from kinesense.signal.com import centre_of_mass, landmark_weights, segment_centres_of_mass
from kinesense.signal.filters import (
    butter_lowpass_zero_lag,
    corrected_cutoff_hz,
    winter_correction_factor,
)
from kinesense.signal.gaps import Gap, fill_gaps, find_gaps, gap_durations_s
from kinesense.signal.geometry import (
    angle_between_deg,
    joint_angle_deg,
    midpoint,
    segment_inclination_deg,
    signed_inclination_2d_deg,
)
from kinesense.signal.one_euro import OneEuroFilter, one_euro_offline
from kinesense.signal.resample import resample_uniform, uniform_time_grid

__all__ = [
    "Gap",
    "OneEuroFilter",
    "angle_between_deg",
    "body_frame",
    "butter_lowpass_zero_lag",
    "centre_of_mass",
    "corrected_cutoff_hz",
    "fill_gaps",
    "find_gaps",
    "from_body_frame",
    "gap_durations_s",
    "joint_angle_deg",
    "landmark_weights",
    "midpoint",
    "one_euro_offline",
    "resample_uniform",
    "segment_centres_of_mass",
    "segment_inclination_deg",
    "signed_inclination_2d_deg",
    "to_body_frame",
    "uniform_time_grid",
    "winter_correction_factor",
]
