"""C3D motion-capture files to a :class:`PoseSeries`, read with ``ezc3d``.

What is used from the file (ezc3d's Python dictionary API as described in its README,
https://pyomeca.github.io/Documentation/ezc3d/, and checked by writing and reading files with
ezc3d 1.7.2):

* ``c3d["data"]["points"]``: (4, points, frames) homogeneous coordinates;
* ``c3d["data"]["meta_points"]["residuals"]``: (1, points, frames); a negative residual marks a
  point the system did not reconstruct (C3D convention), which ezc3d also returns as NaN;
* parameters ``POINT:LABELS`` (and ``POINT:LABELS2`` past 255 points), ``POINT:UNITS``
  (``mm``, ``cm`` or ``m``; ``mm`` assumed and noted when absent), ``POINT:RATE`` in Hz;
* ``c3d["header"]["points"]["first_frame"]`` (0-based): frame ``i`` is at
  ``(first_frame + i) / rate`` seconds.

Labels are mapped onto BlazePose landmarks by name (a ``Subject:`` prefix is ignored); points
without a counterpart are listed in ``provenance.details["unmapped_markers"]``. Laboratory C3D
files are usually Z-up, so ``world_up`` defaults to +Z; pass ``up_axis`` otherwise.
"""

from pathlib import Path
from typing import Any

import numpy as np

from kinesense._checks import check_input_file
from kinesense.capture.readers._tabular import clean_time
from kinesense.capture.readers.trc import UNIT_TO_M, UpAxis, markers_to_pose, resolve_up_axis
from kinesense.errors import InputFileError
from kinesense.series import PoseSeries, Provenance


def read_c3d(path: str | Path, *, up_axis: UpAxis = "+z") -> PoseSeries:
    """Read the 3D points of a C3D file.

    Args:
        path: the ``.c3d`` file.
        up_axis: the world axis pointing up (``"+z"`` in most laboratories).

    Returns:
        A :class:`PoseSeries` with ``world_xyz_m`` in metres in the file's frame, ``image_xyz``
        NaN, ``frame_rate_hz`` from ``POINT:RATE``.

    Raises:
        InputFileError: missing, empty or corrupt file, no points, unknown units.
    """
    world_up = resolve_up_axis(up_axis)
    source = check_input_file(path, "C3D file")
    import ezc3d

    try:
        c3d: Any = ezc3d.c3d(str(source))
    except (OSError, RuntimeError, ValueError, IndexError) as exc:
        raise InputFileError(f"{source} is not a readable C3D file ({exc})") from exc
    point = c3d["parameters"]["POINT"]
    points = np.asarray(c3d["data"]["points"], dtype=np.float64)
    if points.ndim != 3 or points.shape[1] == 0 or points.shape[2] == 0:
        raise InputFileError(f"{source} holds no 3D points")
    n_points, n_frames = points.shape[1], points.shape[2]
    labels = _labels(point, n_points)
    rate = _first_number(point, "RATE")
    if rate is None or rate <= 0:
        raise InputFileError(f"{source}: POINT:RATE is missing or not positive")
    units, notes = _units(point, str(source))
    xyz = np.transpose(points[:3], (2, 1, 0)) * UNIT_TO_M[units]
    # ezc3d already returns NaN for such points; the rule is kept explicit so it does not
    # depend on that.
    residuals = c3d["data"].get("meta_points", {}).get("residuals")
    if residuals is not None and np.shape(residuals) == (1, n_points, n_frames):
        invalid = np.asarray(residuals, dtype=np.float64)[0].T < 0
        xyz[invalid] = np.nan
    first_frame = int(c3d["header"]["points"].get("first_frame", 0))
    time_s = (first_frame + np.arange(n_frames, dtype=np.float64)) / rate
    cleaned = clean_time(time_s, str(source))
    provenance = Provenance(
        source=str(source),
        reader="c3d",
        details={"units": units, "first_frame": first_frame, **notes, **cleaned.notes},
    )
    return markers_to_pose(
        time_s[cleaned.keep],
        xyz[cleaned.keep],
        labels,
        frame_rate_hz=float(rate),
        world_up=world_up,
        provenance=provenance,
    )


def _values(group: Any, name: str) -> list[Any]:
    try:
        value = group[name]["value"]
    except KeyError:
        return []
    return list(np.atleast_1d(value)) if value is not None else []


def _first_number(group: Any, name: str) -> float | None:
    values = _values(group, name)
    try:
        return float(values[0]) if values else None
    except (TypeError, ValueError):
        return None


def _labels(point: Any, n_points: int) -> list[str]:
    labels = [str(v).strip() for v in _values(point, "LABELS") + _values(point, "LABELS2")]
    labels = labels[:n_points]
    return labels + [f"point{i + 1}" for i in range(len(labels), n_points)]


def _units(point: Any, source: str) -> tuple[str, dict[str, str]]:
    values = _values(point, "UNITS")
    units = str(values[0]).strip().lower() if values else ""
    if not units:
        return "mm", {"units_note": "POINT:UNITS absent; millimetres assumed (C3D default)"}
    if units not in UNIT_TO_M:
        raise InputFileError(
            f"{source}: POINT:UNITS {units!r} not understood; "
            f"expected one of {', '.join(UNIT_TO_M)}"
        )
    return units, {}
