"""The behaviour shared by every series type: validation, immutability, slicing by time.

A series holds arrays whose first axis is time (``time_s``, strictly increasing seconds) plus
metadata. Arrays are copied on construction and made read-only, so a series never changes after
it is built; every operation returns a new series.
"""

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
from numpy.typing import NDArray

from kinesense.arrays import FloatArray
from kinesense.errors import SeriesError
from kinesense.series.provenance import Provenance


def frozen_array(values: Any, dtype: type, name: str) -> NDArray[Any]:
    """Read-only copy of ``values`` as ``dtype``; :class:`SeriesError` if impossible."""
    try:
        array: NDArray[Any] = np.array(values, dtype=dtype, copy=True)
    except (TypeError, ValueError) as exc:
        raise SeriesError(f"{name} cannot be read as {np.dtype(dtype).name}: {exc}") from exc
    array.flags.writeable = False
    return array


class TimeSeriesBase:
    """Mixin for frozen dataclasses whose ``SAMPLE_FIELDS`` have time on the first axis.

    Subclasses are ``@dataclass(frozen=True, eq=False)`` with a ``time_s`` field and a
    ``provenance`` field, and list in ``SAMPLE_FIELDS`` the names of the per-sample arrays
    (``time_s`` first). Optional per-sample arrays may be ``None``.
    """

    SAMPLE_FIELDS: ClassVar[tuple[str, ...]] = ("time_s",)
    KIND: ClassVar[str] = "series"
    time_s: FloatArray
    provenance: Provenance

    def _check_time(self) -> None:
        t = self.time_s
        if t.ndim != 1:
            raise SeriesError(f"time_s must be one-dimensional; got shape {t.shape}")
        if not np.all(np.isfinite(t)):
            raise SeriesError("time_s must hold finite seconds only")
        if t.size > 1 and np.any(np.diff(t) <= 0):
            raise SeriesError("time_s must be strictly increasing")
        for name in self.SAMPLE_FIELDS:
            value = getattr(self, name)
            if value is not None and value.shape[0] != t.size:
                raise SeriesError(f"{name} has {value.shape[0]} samples but time_s has {t.size}")

    def __len__(self) -> int:
        return int(self.time_s.size)

    @property
    def duration_s(self) -> float:
        """Time from the first to the last sample, in seconds (0 for fewer than two samples)."""
        return float(self.time_s[-1] - self.time_s[0]) if len(self) > 1 else 0.0

    @property
    def sampling_rate_hz(self) -> float:
        """Median sampling rate in Hz, from the time stamps (0 for fewer than two samples)."""
        if len(self) < 2:
            return 0.0
        return float(1.0 / np.median(np.diff(self.time_s)))

    def take(self, index: slice | NDArray[Any]) -> Self:
        """A new series with the samples selected by ``index`` (a slice or index array)."""
        changes = {
            name: (getattr(self, name)[index] if getattr(self, name) is not None else None)
            for name in self.SAMPLE_FIELDS
        }
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]

    def slice_time(self, start_s: float | None = None, end_s: float | None = None) -> Self:
        """Return the samples with ``start_s <= t < end_s`` (either bound may be ``None``)."""
        keep = np.ones(len(self), dtype=bool)
        if start_s is not None:
            keep &= self.time_s >= start_s
        if end_s is not None:
            keep &= self.time_s < end_s
        return self.take(np.flatnonzero(keep))

    def resample(self, rate_hz: float, *, max_gap_s: float | None = None) -> Self:
        """The series on a uniform time grid of ``rate_hz`` samples per second.

        Numeric fields are interpolated linearly (see
        :func:`kinesense.signal.resample.resample_uniform`;
        a new sample between two originals more than ``max_gap_s`` apart, or next to a missing
        value, is NaN). Boolean fields (such as ``detected``) are true only where both
        bracketing originals are true. Metadata is kept.
        """
        from kinesense.signal.resample import resample_uniform

        changes: dict[str, Any] = {}
        new_time: FloatArray | None = None
        for name in self.SAMPLE_FIELDS[1:]:
            value = getattr(self, name)
            if value is None:
                continue
            numeric = value.astype(np.float64) if value.dtype == np.bool_ else value
            new_time, resampled = resample_uniform(
                self.time_s, numeric, rate_hz, max_gap_s=max_gap_s
            )
            changes[name] = resampled >= 1.0 if value.dtype == np.bool_ else resampled
        if new_time is None:
            raise SeriesError("a series needs values besides time_s to be resampled")
        changes["time_s"] = new_time
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]

    def replace(self, **changes: Any) -> Self:
        """Return a copy with the given fields replaced (validated like a new series)."""
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]

    def metadata_json(self) -> dict[str, Any]:
        """Metadata of this series (everything but the per-sample arrays), JSON-serialisable."""
        raise NotImplementedError

    @classmethod
    def from_parts(cls, arrays: Mapping[str, NDArray[Any]], metadata: Mapping[str, Any]) -> Self:
        """Rebuild a series from its per-sample arrays and :meth:`metadata_json`."""
        raise NotImplementedError

    def csv_columns(self) -> tuple[list[str], FloatArray]:
        """Column names and a 2-D array (samples x columns) for CSV export."""
        raise NotImplementedError

    def save(self, path: str | Path) -> Path:
        """Save to a portable ``.npz`` file that :func:`load_series` reads back exactly."""
        from kinesense.series.storage import save_series

        return save_series(self, path)

    def to_csv(self, path: str | Path) -> Path:
        """Write the series as CSV, one row a sample, with a header naming each column and unit."""
        from kinesense.series.storage import write_csv

        return write_csv(self, path)
