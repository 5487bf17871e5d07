"""Immutable time series of landmarks, inertial sensors and force-plate centre of pressure."""

from kinesense.series.cop import CopSeries
from kinesense.series.motion import MotionSeries
from kinesense.series.pose import PoseSeries
from kinesense.series.provenance import CAMERA_VIEWS, Provenance
from kinesense.series.storage import AnySeries, load_series, save_series, write_csv

__all__ = [
    "CAMERA_VIEWS",
    "AnySeries",
    "CopSeries",
    "MotionSeries",
    "PoseSeries",
    "Provenance",
    "load_series",
    "save_series",
    "write_csv",
]
