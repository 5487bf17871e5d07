"""OpenSim / Pose2Sim TRC marker files (3D trajectories) to a :class:`PoseSeries`.

Format (Motion Analysis "Track Row Column", as written by Pose2Sim and read by OpenSim), checked
against ``../shared/data/keypoints/pose2sim_balancing_3d.trc`` and the format description of the
``trc-data-reader`` package (PyPI) — all lines tab-separated:

1. ``PathFileType  4  (X/Y/Z)  <file name>``
2. header keys: ``DataRate CameraRate NumFrames NumMarkers Units OrigDataRate ...``
3. their values, e.g. ``60 60 100 21 m 60 0 100``
4. ``Frame#  Time  <marker 1>  <empty>  <empty>  <marker 2> ...`` (one name per X/Y/Z triple)
5. ``<empty> <empty> X1 Y1 Z1 X2 Y2 Z2 ...``
6. then one row per frame: frame number, time in seconds, X Y Z of each marker; an empty cell,
   ``NaN`` or a short row means the marker was not seen. A blank line may precede the data.

Coordinates are converted from ``Units`` (``m``, ``cm`` or ``mm``) to metres and kept in the file's
frame. OpenSim's ground frame is Y-up, so ``world_up`` defaults to +Y; pass ``up_axis`` for files
made in another convention. Markers are mapped onto BlazePose landmarks by name
(:func:`kinesense.landmarks.mapping_to_blazepose`); markers without a counterpart (``Neck``,
``Head``, ``SmallToe``...) are listed in ``provenance.details["unmapped_markers"]``.
"""

import io
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np

from kinesense.arrays import FloatArray, IntArray
from kinesense.capture.readers import limits
from kinesense.capture.readers._tabular import BLOCK_ROWS, clean_time, read_text
from kinesense.errors import InputFileError
from kinesense.landmarks import BLAZEPOSE_LANDMARKS, mapping_to_blazepose
from kinesense.series import PoseSeries, Provenance
from kinesense.series.plausibility import Finding, check_pose, refuse_or_flag

UpAxis = str | tuple[float, float, float]
"""``"+x"``, ``"-x"``, ``"+y"``, ``"-y"``, ``"+z"``, ``"-z"`` (sign optional) or a 3-vector."""

UNIT_TO_M: Mapping[str, float] = {"m": 1.0, "cm": 0.01, "mm": 0.001}
_AXES = {"x": 0, "y": 1, "z": 2}


def resolve_up_axis(up_axis: UpAxis) -> tuple[float, float, float]:
    """The unit vector named by ``up_axis``; ``ValueError`` for anything else."""
    if isinstance(up_axis, str):
        text = up_axis.strip().lower()
        sign = -1.0 if text.startswith("-") else 1.0
        axis = text.lstrip("+-")
        if axis not in _AXES or len(text) - len(axis) > 1:
            raise ValueError(
                f"up_axis must be one of '+x', '-x', '+y', '-y', '+z', '-z'; got {up_axis!r}"
            )
        vector = [0.0, 0.0, 0.0]
        vector[_AXES[axis]] = sign
        return (vector[0], vector[1], vector[2])
    array = np.asarray(up_axis, dtype=np.float64)
    norm = float(np.linalg.norm(array)) if array.shape == (3,) else 0.0
    if not np.isfinite(norm) or norm == 0.0:
        raise ValueError(f"up_axis must be an axis name or a non-zero 3-vector; got {up_axis!r}")
    unit = array / norm
    return (float(unit[0]), float(unit[1]), float(unit[2]))


def markers_to_pose(
    time_s: FloatArray,
    xyz_m: FloatArray,
    names: list[str],
    *,
    frame_rate_hz: float,
    world_up: tuple[float, float, float],
    provenance: Provenance,
) -> PoseSeries:
    """Build a 3D :class:`PoseSeries` from marker trajectories in metres.

    Args:
        time_s: (N,) frame times in seconds.
        xyz_m: (N, M, 3) marker positions in metres, NaN where a marker was not seen.
        names: the M marker names, mapped onto BlazePose landmarks by name.

    Markers are visible (visibility 1) where all three coordinates are numbers, missing
    (NaN, visibility 0) otherwise; a frame counts as detected when any mapped marker was seen.

    Raises:
        InputFileError: when no marker corresponds to a BlazePose landmark.
    """
    mapping = mapping_to_blazepose(names)
    if not mapping:
        raise InputFileError(
            f"{provenance.source}: none of the markers ({', '.join(names)}) corresponds to a "
            "BlazePose landmark"
        )
    n = time_s.shape[0]
    world = np.full((n, len(BLAZEPOSE_LANDMARKS), 3), np.nan)
    for foreign, ours in mapping.items():
        world[:, ours, :] = xyz_m[:, foreign, :]
    seen = np.all(np.isfinite(world), axis=2)
    world[~seen] = np.nan
    unmapped = [name for i, name in enumerate(names) if i not in mapping]
    return PoseSeries(
        time_s=time_s,
        image_xyz=np.full_like(world, np.nan),
        world_xyz_m=world,
        visibility=seen.astype(np.float64),
        detected=seen.any(axis=1),
        frame_rate_hz=frame_rate_hz,
        world_up=world_up,
        provenance=provenance.with_details(
            markers=list(names),
            unmapped_markers=unmapped,
        ),
    )


def read_trc(path: str | Path, *, up_axis: UpAxis = "+y") -> PoseSeries:
    """Read a TRC file (see the module docstring for the format).

    Args:
        path: the ``.trc`` file (gzip-compressed is accepted).
        up_axis: the world axis pointing up; OpenSim and Pose2Sim use ``"+y"``.

    Returns:
        A :class:`PoseSeries` with ``world_xyz_m`` in metres in the file's frame, ``image_xyz``
        NaN, ``frame_rate_hz`` from ``DataRate`` and times from the ``Time`` column.

    Raises:
        InputFileError: missing or empty file, not a TRC header, unknown units, non-numeric
            cells, time that goes backwards, coordinates that overflow (see
            :mod:`kinesense.series.plausibility`). Fewer frames than the header's
            ``NumFrames`` (a truncated file) and other implausible content are flagged in
            ``provenance.details["quality_flags"]``.
    """
    world_up = resolve_up_axis(up_axis)
    source, text = read_text(path, "TRC file")
    lines = _bounded_lines(text, str(source))
    head = [line for _, line in zip(range(5), lines, strict=False)]
    if not head or not head[0].strip():
        raise InputFileError(f"{source} is empty")
    if not head[0].startswith("PathFileType"):
        raise InputFileError(
            f"{source} is not a TRC file: its first line should start with 'PathFileType'"
        )
    if len(head) < 5:
        raise InputFileError(f"{source} has an incomplete TRC header (fewer than 5 lines)")
    header = _header(head[1], head[2])
    scale = _unit_scale(header, str(source))
    names = _marker_names(head[3], str(source))
    rows, line_numbers = _data_rows(lines, 2 + 3 * len(names), str(source), first_line=6)
    time_s = rows[:, 1]
    cleaned = clean_time(time_s, str(source), lines=line_numbers, label="Time")
    rows = rows[cleaned.keep]
    xyz_m = rows[:, 2:].reshape(rows.shape[0], len(names), 3) * scale
    rate = _data_rate(header, rows[:, 1])
    provenance = Provenance(
        source=str(source),
        reader="trc",
        details={"units": header.get("Units", ""), "trc_header": header, **cleaned.notes},
    )
    series = markers_to_pose(
        rows[:, 1], xyz_m, names, frame_rate_hz=rate, world_up=world_up, provenance=provenance
    )
    return refuse_or_flag(series, _truncation(header, len(line_numbers)) + check_pose(series))


def _truncation(header: Mapping[str, str], rows: int) -> list[Finding]:
    """A flag when the file holds fewer frame rows than its header's ``NumFrames``."""
    try:
        announced = int(header.get("NumFrames", ""))
    except ValueError:
        return []
    if rows >= announced:
        return []
    return [
        Finding(
            "truncated",
            f"the header announces {announced} frames but the file holds {rows}: it was cut "
            "short (copy the whole file again)",
        )
    ]


def _split(line: str) -> list[str]:
    return line.rstrip("\r\n").split("\t") if "\t" in line else line.split()


def _header(keys_line: str, values_line: str) -> dict[str, str]:
    keys = [k.strip() for k in _split(keys_line)]
    values = [v.strip() for v in _split(values_line)]
    return {k: v for k, v in zip(keys, values, strict=False) if k}


def _unit_scale(header: Mapping[str, str], source: str) -> float:
    units = header.get("Units", "").strip().lower()
    if units not in UNIT_TO_M:
        raise InputFileError(
            f"{source}: TRC Units {header.get('Units', '')!r} not understood; expected one of "
            f"{', '.join(UNIT_TO_M)}"
        )
    return UNIT_TO_M[units]


def _bounded_lines(text: str, source: str) -> Iterator[str]:
    """The lines of ``text`` one at a time (no list of all lines), each within
    :data:`~kinesense.capture.readers.limits.MAX_LINE_CHARS`."""
    for number, line in enumerate(io.StringIO(text, newline=None), start=1):
        if len(line) > limits.MAX_LINE_CHARS:
            raise InputFileError(
                f"{source} line {number} has {len(line)} characters, more than the "
                f"{limits.MAX_LINE_CHARS} kinesense reads in one line"
            )
        yield line.rstrip("\n")


def _marker_names(line: str, source: str) -> list[str]:
    cells = [c.strip() for c in _split(line)]
    if len(cells) < 2 or cells[0].lower() != "frame#" or cells[1].lower() != "time":
        raise InputFileError(f"{source}: line 4 should start with 'Frame#' and 'Time'")
    names = [c for c in cells[2:] if c]
    if not names:
        raise InputFileError(f"{source}: line 4 names no markers")
    if 3 * len(names) > limits.MAX_COLUMNS:
        raise InputFileError(
            f"{source}: line 4 names {len(names)} markers, more than the {limits.MAX_COLUMNS // 3} "
            "kinesense reads"
        )
    return names


def _data_rows(
    lines: Iterator[str], width: int, source: str, *, first_line: int
) -> tuple[FloatArray, IntArray]:
    """The frame rows (NaN where a cell is empty, ``NaN`` or missing at the end of a short
    row), in blocks of numpy rows so that memory stays linear in the numbers read."""
    max_rows = min(limits.MAX_ROWS, limits.MAX_CELLS // width)
    blocks: list[FloatArray] = []
    block = np.full((BLOCK_ROWS, width), np.nan)
    filled = 0
    numbers: list[int] = []
    for line_no, line in enumerate(lines, start=first_line):
        if not line.strip():
            continue
        cells = line.rstrip("\r\n").split("\t") if "\t" in line else line.split()
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            raise InputFileError(f"{source} line {line_no} has more cells than the markers named")
        if len(numbers) >= max_rows:
            raise InputFileError(
                f"{source} has more than {max_rows} frames of {width} numbers, more than "
                f"kinesense reads ({limits.MAX_CELLS} numbers); split the trial"
            )
        row = [_number(c, source, line_no) for c in cells[:width]]
        block[filled, : len(row)] = row
        filled += 1
        numbers.append(line_no)
        if filled == BLOCK_ROWS:
            blocks.append(block)
            block = np.full((BLOCK_ROWS, width), np.nan)
            filled = 0
    blocks.append(block[:filled])
    if not numbers:
        raise InputFileError(f"{source} has a TRC header but no frames")
    return np.concatenate(blocks), np.asarray(numbers, dtype=np.int64)


def _number(cell: str, source: str, line_no: int) -> float:
    text = cell.strip()
    if text == "" or text.lower() == "nan":
        return float("nan")
    try:
        return float(text)
    except (ValueError, OverflowError):
        raise InputFileError(f"{source} line {line_no}: {text[:40]!r} is not a number") from None


def _data_rate(header: Mapping[str, str], time_s: FloatArray) -> float:
    try:
        rate = float(header.get("DataRate", "nan"))
    except ValueError:
        rate = float("nan")
    if np.isfinite(rate) and rate > 0:
        return rate
    return float(1.0 / np.median(np.diff(time_s))) if time_s.size > 1 else 0.0
