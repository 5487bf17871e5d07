"""Saving and loading series: a portable ``.npz`` file that round-trips exactly, and CSV export.

File layout (``numpy.savez_compressed``, no pickled objects, readable by any numpy):

* ``__meta__``: UTF-8 JSON as a uint8 array, with ``format`` (``"kinesense-series"``),
  ``format_version``, ``kind`` (``"pose"``, ``"motion"``, ``"cop"``) and the series' metadata;
* one array per per-sample field (``time_s`` and the rest), stored bit for bit.
"""

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from kinesense._checks import check_input_file
from kinesense.errors import InputFileError
from kinesense.series.base import TimeSeriesBase
from kinesense.series.cop import CopSeries
from kinesense.series.motion import MotionSeries
from kinesense.series.pose import PoseSeries

FORMAT_NAME = "kinesense-series"
FORMAT_VERSION = 1
SERIES_TYPES: dict[str, type[TimeSeriesBase]] = {
    PoseSeries.KIND: PoseSeries,
    MotionSeries.KIND: MotionSeries,
    CopSeries.KIND: CopSeries,
}

AnySeries = PoseSeries | MotionSeries | CopSeries


def save_series(series: TimeSeriesBase, path: str | Path) -> Path:
    """Save ``series`` to ``path`` (``.npz`` appended when missing); return the path written."""
    target = Path(path)
    if target.suffix != ".npz":
        target = target.with_name(target.name + ".npz")
    meta = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "kind": series.KIND,
        **series.metadata_json(),
    }
    arrays: dict[str, Any] = {
        name: getattr(series, name)
        for name in series.SAMPLE_FIELDS
        if getattr(series, name) is not None
    }
    arrays["__meta__"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    with tmp.open("wb") as handle:
        np.savez_compressed(handle, **arrays)
    tmp.replace(target)
    return target


def load_series(path: str | Path) -> AnySeries:
    """Load a series saved by :func:`save_series`; :class:`InputFileError` if it is not one."""
    source = check_input_file(path, "series file")
    try:
        with np.load(source, allow_pickle=False) as npz:
            if "__meta__" not in npz.files:
                raise InputFileError(f"{source} is a numpy archive but not a kinesense series")
            meta = json.loads(npz["__meta__"].tobytes().decode("utf-8"))
            arrays = {name: npz[name] for name in npz.files if name != "__meta__"}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise InputFileError(f"{source} is not a kinesense series file ({exc})") from exc
    if meta.get("format") != FORMAT_NAME:
        raise InputFileError(f"{source} is not a kinesense series file")
    if int(meta.get("format_version", 0)) > FORMAT_VERSION:
        raise InputFileError(
            f"{source} was written by a newer kinesense (format {meta['format_version']}); "
            "upgrade kinesense to read it"
        )
    kind = meta.get("kind")
    if kind not in SERIES_TYPES:
        raise InputFileError(f"{source} holds an unknown series kind {kind!r}")
    series = SERIES_TYPES[kind].from_parts(arrays, meta)
    return series  # type: ignore[return-value]


def write_csv(series: TimeSeriesBase, path: str | Path) -> Path:
    """Write ``series`` as CSV (comma-separated, header row, full float precision)."""
    target = Path(path)
    names, table = series.csv_columns()
    target.parent.mkdir(parents=True, exist_ok=True)
    np.savetxt(target, table, delimiter=",", header=",".join(names), comments="", fmt="%.17g")
    return target
