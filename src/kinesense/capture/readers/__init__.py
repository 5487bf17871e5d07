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

Every problem with a file raises :class:`kinesense.errors.InputFileError` (or its subclasses
:class:`kinesense.errors.UnsupportedFormatError` and
:class:`kinesense.errors.ImplausibleRecordingError`) with a one-line message. Files are read
within the bounds of :mod:`kinesense.capture.readers.limits` (size, unpacked size, line length,
columns, rows, JSON depth); FIFOs and devices are refused before they are opened; ``ezc3d`` runs
in a child process with memory and time limits; OpenCV is imported only when a video is opened.
What a reader finds implausible (:mod:`kinesense.series.plausibility`) is refused when it
cannot be a measurement, and otherwise listed in ``provenance.details["quality_flags"]``.
"""

from kinesense.capture.readers.c3d import read_c3d
from kinesense.capture.readers.cop_csv import NO_COLUMN, read_cop_csv
from kinesense.capture.readers.detect import FORMATS, detect_format, read_any
from kinesense.capture.readers.imu_csv import read_imu_csv
from kinesense.capture.readers.openpose import guess_layout, read_openpose
from kinesense.capture.readers.trc import read_trc

__all__ = [
    "FORMATS",
    "NO_COLUMN",
    "detect_format",
    "guess_layout",
    "read_any",
    "read_c3d",
    "read_cop_csv",
    "read_imu_csv",
    "read_openpose",
    "read_trc",
]
