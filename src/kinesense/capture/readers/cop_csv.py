"""Force-plate centre-of-pressure tables to a :class:`CopSeries`.

Which column is medio-lateral (ML) and which antero-posterior (AP), their signs and units, and
whether a vertical force is present, are decided by
:func:`kinesense.capture.readers.cop_columns.resolve`: stated by the caller, else a known
layout, else the header's own axis names, else the ``CoPx`` = ML, ``CoPy`` = AP convention
(stated as assumed). Layouts known:

* SamuelAcunaPhD/posturography (``example/*.csv``, as in ``../shared/data/cop``):
  ``Seq,Time,Fz,Mx,My,CoPx,CoPy`` with time in s, ``Fz`` in N and CoP in m; that project's
  loader reads ``CoPx`` as ML and ``CoPy`` as AP ("ML direction usually" / "AP direction
  usually" in its ``posturography.m``).
* Santos & Duarte (2016) public balance data set (``../shared/data/bds/BDS000NN.txt.gz``):
  tab-separated ``Time[s] Fx[N] Fy[N] Fz[N] Mx[Nm] My[Nm] Mz[Nm] COPx[cm] COPy[cm]``. The data
  set's description names the columns without saying which horizontal axis is which; kinesense
  ASSUMES ``COPx`` antero-posterior and ``COPy`` medio-lateral, from the data themselves: in
  all 24 trials here ``COPx`` sways more (SD 0.17-0.91 cm against 0.10-0.74 cm, AP sway being
  the larger in bipedal stance) and sits 4-9 cm from the plate's centre where ``COPy`` sits
  within 1.5 cm (feet centred side to side, the CoP ahead of or behind the plate's centre),
  and ``Fx`` varies more than ``Fy``. Signs are kept as in the file (the direction in which
  each axis is positive is not documented); sway measures other than the ellipse's angle do not
  depend on them.
* kinesense's own export (:meth:`CopSeries.to_csv`: ``time_s,cop_ml_m,cop_ap_m,force_n``).

A file without a force column is read with the force unknown (NaN; stepping off the plate then
cannot be detected, and the sway test says so). A plate with one CoP axis is read with the
other axis NaN and described as not recorded. Overflowing values are refused and implausible
ones flagged (:mod:`kinesense.series.plausibility`).
"""

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kinesense.arrays import FloatArray
from kinesense.capture.readers._bounded import first_line
from kinesense.capture.readers._tabular import clean_time, parse_table, read_text, split_header
from kinesense.capture.readers.cop_columns import (
    NO_COLUMN,
    POSTUROGRAPHY,
    UNITS_TO_M,
    Column,
    Orientation,
    cop_units,
    key,
    resolve,
    time_scale,
)
from kinesense.series import CopSeries, Provenance
from kinesense.series.plausibility import check_cop, refuse_or_flag

OWN_COLUMNS = ("time_s", "cop_ml_m", "cop_ap_m", "force_n")
__all__ = ["NO_COLUMN", "UNITS_TO_M", "looks_like_cop", "read_cop_csv"]


def read_cop_csv(
    path: str | Path,
    *,
    ml_column: str | None = None,
    ap_column: str | None = None,
    force_column: str | None = None,
    time_column: str | None = None,
    units: str | None = None,
) -> CopSeries:
    """Read a CoP recording.

    Args:
        path: the table (comma, semicolon or tab separated; gzip accepted).
        ml_column, ap_column: the medio-lateral and antero-posterior CoP columns (a name, or
            the name without its unit, e.g. ``"COPx"`` for ``COPx[cm]``). A leading ``-``
            reverses the sign (``ap_column="-CoPx"`` when the plate's x points backwards);
            ``"none"`` says the plate does not record that axis. None: decided from the file
            (see the module docstring). With one given and the other None, the other is the
            file's other CoP column.
        force_column: the vertical force column, in newtons; ``"none"``: the file has none.
            None: ``Fz`` (or a layout's) when present, else no force.
        time_column: the time column (s, or ms when its header says so); None: ``Time``,
            ``time_s``, ``Time[s]``...
        units: unit of the CoP columns (``"m"``, ``"cm"`` or ``"mm"``); None: from the header
            (``COPx[cm]``), else metres. A unit contradicting the header is refused.

    Raises:
        InputFileError: missing or empty file, missing columns (named, with those found), a
            lone CoP column whose axis is not stated, non-numeric cells, time that goes
            backwards, values that overflow (:mod:`kinesense.series.plausibility`). Repeated
            time stamps are dropped and counted in
            ``provenance.details["dropped_duplicate_times"]``.
        InvalidValueError: an unknown unit, or one column given for both axes.
    """
    source, text = read_text(path, "CoP file")
    table = parse_table(text, str(source))
    columns = table.columns
    own = tuple(columns) == OWN_COLUMNS and all(
        v is None for v in (time_column, ml_column, ap_column, force_column)
    )
    if own:
        orientation = resolve(
            columns, table.source, ml_column="cop_ml_m", ap_column="cop_ap_m",
            force_column="force_n", time_column="time_s",
        )  # fmt: skip
        unit = "m"
    else:
        orientation = resolve(
            columns, table.source, ml_column=ml_column, ap_column=ap_column,
            force_column=force_column, time_column=time_column,
        )  # fmt: skip
        unit = cop_units(orientation, units, table.source)
    time_raw = table.column(orientation.time) * time_scale(orientation.time, table.source)
    cleaned = clean_time(time_raw, table.source, lines=table.lines, label=orientation.time)
    keep = cleaned.keep
    scale = UNITS_TO_M[unit]
    cop = np.column_stack(
        [_axis(table.values, columns, c, scale)[keep] for c in (orientation.ml, orientation.ap)]
    )
    force = (
        table.column(orientation.force)[keep]
        if orientation.force is not None
        else np.full(keep.size, np.nan)
    )
    details: dict[str, object] = {
        "columns": {
            "time": orientation.time,
            "ml": _shown(orientation.ml),
            "ap": _shown(orientation.ap),
            "force": orientation.force,
        },
        "cop_units": unit,
        "kinesense_export": own,
        **cleaned.notes,
    }
    if orientation.layout is not None and orientation.layout.name != POSTUROGRAPHY:
        details["layout"] = orientation.layout.description
    if orientation.force is None:
        details["force_note"] = "no vertical force column: stepping off the plate is not detected"
    series = CopSeries(
        time_s=time_raw[keep],
        cop_m=cop,
        force_n=force,
        axes=_axes(own, orientation),
        provenance=Provenance(source=str(source), reader="cop-csv", details=details),
    )
    return refuse_or_flag(series, check_cop(series))


def _axis(
    values: FloatArray, columns: Sequence[str], column: Column | None, scale: float
) -> FloatArray:
    if column is None:
        return np.full(values.shape[0], np.nan)
    return values[:, list(columns).index(column.name)] * (scale * column.sign)


def _shown(column: Column | None) -> str | None:
    if column is None:
        return None
    return f"-{column.name}" if column.sign < 0 else column.name


def _axes(own: bool, orientation: Orientation) -> tuple[str, str]:
    if own:
        return (
            "medio-lateral (column cop_ml_m of a kinesense export)",
            "antero-posterior (column cop_ap_m of a kinesense export)",
        )
    default_layout = orientation.layout is not None and orientation.layout.name == POSTUROGRAPHY
    words = []
    for axis, column in (("medio-lateral", orientation.ml), ("antero-posterior", orientation.ap)):
        if column is None:
            words.append(f"{axis}: not recorded (one-axis plate)")
            continue
        sign = "sign reversed from the file" if column.sign < 0 else "sign as in the file"
        text = f"{axis}, from column {column.name!r} ({sign})"
        if not default_layout and orientation.source != "given":
            text += f"; {orientation.source}"
        words.append(text)
    return words[0], words[1]


def looks_like_cop(path: Path) -> bool:
    """Whether the header of ``path`` is a CoP table (a known layout, our export, axis-named
    CoP columns, ``CoPx``/``CoPy``, or ``Fz`` with a ``CoP...`` column)."""
    return _header_is_cop(split_header(first_line(path)))


def _header_is_cop(columns: Sequence[str]) -> bool:
    keys = {key(c) for c in columns}
    if tuple(columns) == OWN_COLUMNS:
        return True
    named = bool(keys & {"copml", "copap"})
    return (
        named
        or {"copx", "copy"} <= keys
        or ("fz" in keys and any(k.startswith("cop") for k in keys))
    ) and any(k in ("time", "t") for k in keys)
