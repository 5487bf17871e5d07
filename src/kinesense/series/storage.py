"""Saving and loading series: a portable ``.npz`` file that round-trips exactly, and CSV export.

File layout (``numpy.savez_compressed``, no pickled objects, readable by any numpy):

* ``__meta__``: UTF-8 JSON as a uint8 array, with ``format`` (``"kinesense-series"``),
  ``format_version``, ``kind`` (``"pose"``, ``"motion"``, ``"cop"``, ``"head"``) and the
  series' metadata;
* one array per per-sample field (``time_s`` and the rest), stored bit for bit.
"""

import json
from pathlib import Path
from typing import Any

import numpy as np

from kinesense.errors import InputFileError, KinesenseError
from kinesense.series.base import TimeSeriesBase
from kinesense.series.cop import CopSeries
from kinesense.series.head import HeadSeries
from kinesense.series.motion import MotionSeries
from kinesense.series.npz_file import parse_meta, read_npz
from kinesense.series.pose import PoseSeries

FORMAT_NAME = "kinesense-series"
FORMAT_VERSION = 1
SERIES_TYPES: dict[str, type[TimeSeriesBase]] = {
    PoseSeries.KIND: PoseSeries,
    MotionSeries.KIND: MotionSeries,
    CopSeries.KIND: CopSeries,
    HeadSeries.KIND: HeadSeries,
}

AnySeries = PoseSeries | MotionSeries | CopSeries
"""The series the readers and most tests take; :func:`load_series` also returns a
:class:`HeadSeries` for a file of that kind (``kinesense.services.recordings.load_head``)."""


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
    """Load a series saved by :func:`save_series`.

    The file is read within bounds and its ``__meta__`` validated
    (:mod:`kinesense.series.npz_file`); every problem, including arrays inconsistent with the
    metadata (wrong shapes, non-finite or unordered times), is one :class:`InputFileError`
    naming the file.
    """
    source, arrays = read_npz(path)
    meta = parse_meta(arrays.pop("__meta__", None), source)
    series_type = SERIES_TYPES[meta.kind]
    fields = [name for name in series_type.SAMPLE_FIELDS if name != "mag"]
    missing = [name for name in fields if name not in arrays]
    if missing:
        raise InputFileError(
            f"{source} is a damaged {meta.kind} series: array(s) {', '.join(missing)} missing"
        )
    try:
        series = series_type.from_parts(arrays, meta.model_dump())
    except KinesenseError as exc:
        raise InputFileError(f"{source} is a damaged {meta.kind} series: {exc}") from None
    return series  # type: ignore[return-value]


def write_csv(series: TimeSeriesBase, path: str | Path) -> Path:
    """Write ``series`` as CSV (comma-separated, header row, full float precision)."""
    target = Path(path)
    names, table = series.csv_columns()
    target.parent.mkdir(parents=True, exist_ok=True)
    np.savetxt(target, table, delimiter=",", header=",".join(names), comments="", fmt="%.17g")
    return target
