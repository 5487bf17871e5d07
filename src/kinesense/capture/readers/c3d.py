"""C3D motion-capture files to a :class:`PoseSeries`, read with ``ezc3d`` in a child process.

A C3D file is binary and its C++ parser trusts it: a damaged file can crash the process or ask
for gigabytes. So the header's claims are first checked against the file's size
(:func:`kinesense.capture.readers.c3d_header.read_c3d_header`), then ``ezc3d`` runs in a child
process (:mod:`kinesense.capture.readers._c3d_child`) with its address space and CPU time
limited (:data:`~kinesense.capture.readers.limits.C3D_MEMORY_BYTES` plus 16 bytes per byte of
file, :data:`~kinesense.capture.readers.limits.C3D_TIMEOUT_S` plus 0.2 s per MB); the arrays come
back in a temporary ``.npz``. A crash, a limit or a timeout is a one-line
:class:`~kinesense.errors.InputFileError`.

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

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from kinesense.capture.readers import _c3d_child
from kinesense.capture.readers._tabular import clean_time
from kinesense.capture.readers.c3d_header import read_c3d_header
from kinesense.capture.readers.limits import (
    C3D_MEMORY_BYTES,
    C3D_TIMEOUT_S,
    MAX_C3D_BYTES,
)
from kinesense.capture.readers.trc import UNIT_TO_M, UpAxis, markers_to_pose, resolve_up_axis
from kinesense.errors import InputFileError
from kinesense.series import PoseSeries, Provenance
from kinesense.series.plausibility import check_pose, refuse_or_flag

MEMORY_PER_FILE_BYTE = 16
"""ezc3d holds about 14 bytes per byte of point data (measured: a 16-MB file, 100 points x
10,000 frames, peaks at 234 MB)."""
SECONDS_PER_MB = 0.2


def read_c3d(path: str | Path, *, up_axis: UpAxis = "+z") -> PoseSeries:
    """Read the 3D points of a C3D file.

    Args:
        path: the ``.c3d`` file.
        up_axis: the world axis pointing up (``"+z"`` in most laboratories).

    Returns:
        A :class:`PoseSeries` with ``world_xyz_m`` in metres in the file's frame, ``image_xyz``
        NaN, ``frame_rate_hz`` from ``POINT:RATE``.

    Raises:
        InputFileError: missing, empty, damaged or truncated file, no points, unknown units,
            a parser crash, a file needing more memory or time than allowed.
    """
    world_up = resolve_up_axis(up_axis)
    header = read_c3d_header(path)
    source = Path(path).expanduser()
    if header.file_bytes > MAX_C3D_BYTES:
        raise InputFileError(
            f"{source} has {header.file_bytes / 1e6:.0f} MB, more than the "
            f"{MAX_C3D_BYTES / 1e6:.0f} MB kinesense reads from a C3D file; export a shorter trial"
        )
    arrays, meta = parse_in_child(source, header.file_bytes)
    points = arrays["points"]
    if points.ndim != 3 or points.shape[0] < 3 or points.shape[1] == 0 or points.shape[2] == 0:
        raise InputFileError(f"{source} holds no 3D points")
    n_points, n_frames = points.shape[1], points.shape[2]
    point = meta.get("point", {})
    labels = _labels(point, n_points)
    rate = _first_number(point, "RATE")
    if rate is None or not 0 < rate <= 1e6:
        raise InputFileError(f"{source}: POINT:RATE is missing or not a positive frame rate")
    units, notes = _units(point, str(source))
    xyz = np.transpose(points[:3], (2, 1, 0)) * UNIT_TO_M[units]
    # ezc3d already returns NaN for such points; the rule is kept explicit so it does not
    # depend on that.
    residuals = arrays.get("residuals")
    if residuals is not None and residuals.shape == (1, n_points, n_frames):
        invalid = residuals[0].T < 0
        xyz[invalid] = np.nan
    first_frame = int(meta.get("first_frame", 0))
    time_s = (first_frame + np.arange(n_frames, dtype=np.float64)) / rate
    cleaned = clean_time(time_s, str(source))
    provenance = Provenance(
        source=str(source),
        reader="c3d",
        details={"units": units, "first_frame": first_frame, **notes, **cleaned.notes},
    )
    series = markers_to_pose(
        time_s[cleaned.keep],
        xyz[cleaned.keep],
        labels,
        frame_rate_hz=float(rate),
        world_up=world_up,
        provenance=provenance,
    )
    return refuse_or_flag(series, check_pose(series))


def parse_in_child(
    source: Path,
    file_bytes: int,
    *,
    memory_bytes: int | None = None,
    timeout_s: float | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run :mod:`~kinesense.capture.readers._c3d_child` on ``source`` within limits; return its
    arrays and metadata.

    The limits default to :data:`~kinesense.capture.readers.limits.C3D_MEMORY_BYTES` plus
    :data:`MEMORY_PER_FILE_BYTE` per byte of file, and
    :data:`~kinesense.capture.readers.limits.C3D_TIMEOUT_S` plus :data:`SECONDS_PER_MB` per MB.

    Raises:
        InputFileError: the parser refused the file, crashed, ran out of memory or of time.
    """
    memory = memory_bytes or C3D_MEMORY_BYTES + MEMORY_PER_FILE_BYTE * file_bytes
    timeout = timeout_s or C3D_TIMEOUT_S + SECONDS_PER_MB * file_bytes / 1e6
    env = os.environ | {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    with tempfile.TemporaryDirectory(prefix="kinesense-c3d-") as folder:
        out = Path(folder) / "c3d.npz"
        command = [
            sys.executable,
            "-P",
            _c3d_child.__file__,
            str(source),
            str(out),
            str(memory),
            str(max(1, round(timeout))),
        ]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                timeout=timeout,
                env=env,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise InputFileError(
                f"{source}: reading this C3D file took longer than {timeout:.0f} s; "
                "the file is damaged"
            ) from None
        _check_exit(source, done, memory, timeout)
        with np.load(out, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files if name != "meta"}
            meta = json.loads(npz["meta"].tobytes().decode("utf-8"))
    return arrays, meta


def _check_exit(
    source: Path, done: subprocess.CompletedProcess[bytes], memory: int, timeout: float
) -> None:
    code = done.returncode
    if code == 0:
        return
    if code == _c3d_child.EXIT_MEMORY:
        raise InputFileError(
            f"{source}: reading this C3D file needs more than {memory / 1e6:.0f} MB of memory; "
            "its header or parameters are damaged"
        )
    if code == _c3d_child.EXIT_NO_PARSER:
        raise InputFileError(
            f"cannot read {source}: the C3D parser ezc3d is not installed (pip install ezc3d)"
        )
    if code == _c3d_child.EXIT_REFUSED:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = lines[-1][:200] if lines else "no reason given"
        raise InputFileError(f"{source} is not a readable C3D file ({reason!r})")
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        raise InputFileError(
            f"{source}: reading this C3D file took longer than {timeout:.0f} s of processor "
            "time; the file is damaged"
        )
    what = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
    raise InputFileError(
        f"{source} is a damaged C3D file: the C3D parser (ezc3d) crashed on it ({what})"
    )


def _values(group: Any, name: str) -> list[Any]:
    value = group.get(name) if isinstance(group, dict) else None
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _first_number(group: Any, name: str) -> float | None:
    values = _values(group, name)
    try:
        number = float(values[0]) if values else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and np.isfinite(number) else None


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
            f"{source}: POINT:UNITS {units[:20]!r} not understood; "
            f"expected one of {', '.join(UNIT_TO_M)}"
        )
    return units, {}
