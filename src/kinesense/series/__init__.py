"""Immutable time series of landmarks, inertial sensors, force-plate centre of pressure and head
orientation."""

from kinesense.series.cop import CopSeries
from kinesense.series.head import HeadSeries
from kinesense.series.motion import MotionSeries
from kinesense.series.pose import PoseSeries
from kinesense.series.provenance import CAMERA_VIEWS, Provenance
from kinesense.series.storage import AnySeries, load_series, save_series, write_csv

__all__ = [
    "CAMERA_VIEWS",
    "AnySeries",
    "CopSeries",
    "HeadSeries",
    "MotionSeries",
    "PoseSeries",
    "Provenance",
    "load_series",
    "save_series",
    "write_csv",
]
