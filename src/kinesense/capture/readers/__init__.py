"""Readers that turn other tools' files into kinesense series.

=====================  ===================================  ================
function               reads                                returns
=====================  ===================================  ================
:func:`read_openpose`  a folder of OpenPose JSON files      PoseSeries (2D)
:func:`read_trc`       OpenSim / Pose2Sim TRC               PoseSeries (3D)
:func:`read_c3d`       C3D motion capture (ezc3d)           PoseSeries (3D)
:func:`read_imu_csv`   UCI, phyphox, Sensor Logger, ours    MotionSeries
:func:`read_cop_csv`   force-plate centre of pressure       CopSeries
:func:`read_any`       any of the above, detected           a series
=====================  ===================================  ================

Every problem with a file raises :class:`kinesense.errors.InputFileError` (or its subclass
:class:`kinesense.errors.UnsupportedFormatError`) with a one-line message. ``ezc3d`` and OpenCV
are imported only when a C3D file or a video is opened.
"""

from kinesense.capture.readers.c3d import read_c3d
from kinesense.capture.readers.cop_csv import read_cop_csv
from kinesense.capture.readers.detect import FORMATS, detect_format, read_any
from kinesense.capture.readers.imu_csv import read_imu_csv
from kinesense.capture.readers.openpose import guess_layout, read_openpose
from kinesense.capture.readers.trc import read_trc

__all__ = [
    "FORMATS",
    "detect_format",
    "guess_layout",
    "read_any",
    "read_c3d",
    "read_cop_csv",
    "read_imu_csv",
    "read_openpose",
    "read_trc",
]
