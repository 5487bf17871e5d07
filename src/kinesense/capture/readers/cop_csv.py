"""Force-plate centre-of-pressure CSV files to a :class:`CopSeries`.

Default layout: the export of SamuelAcunaPhD/posturography (``example/*.csv``, as in
``../shared/data/cop``): ``Seq,Time,Fz,Mx,My,CoPx,CoPy`` with time in seconds, vertical force
``Fz`` in newtons and CoP in metres; that project's loader reads ``CoPx`` as medio-lateral and
``CoPy`` as antero-posterior ("ML direction usually" / "AP direction usually" in its
``posturography.m``). Column names are parameters because plates differ (some put AP in ``CoPx``);
``units`` converts millimetres or centimetres to metres. Signs are kept as in the file.

kinesense's own export (:meth:`CopSeries.to_csv`: ``time_s,cop_ml_m,cop_ap_m,force_n``) is
recognised from its header and read back exactly when the column arguments are left at their
defaults.
"""

from collections.abc import Sequence
from pathlib import Path

from kinesense._checks import check_option
from kinesense.capture.readers._tabular import (
    clean_time,
    first_line,
    parse_table,
    read_text,
    require_columns,
    split_header,
)
from kinesense.series import CopSeries, Provenance

OWN_COLUMNS = ("time_s", "cop_ml_m", "cop_ap_m", "force_n")
DEFAULT_COLUMNS = ("Time", "CoPx", "CoPy", "Fz")
UNITS_TO_M = {"m": 1.0, "cm": 0.01, "mm": 0.001}


def read_cop_csv(
    path: str | Path,
    *,
    ml_column: str = "CoPx",
    ap_column: str = "CoPy",
    force_column: str = "Fz",
    time_column: str = "Time",
    units: str = "m",
) -> CopSeries:
    """Read a CoP recording.

    Args:
        path: the CSV file (comma, semicolon or tab separated; gzip accepted).
        ml_column: the medio-lateral CoP column.
        ap_column: the antero-posterior CoP column.
        force_column: the vertical force column, in newtons.
        time_column: the time column, in seconds.
        units: unit of the two CoP columns: ``"m"``, ``"cm"`` or ``"mm"``.

    Raises:
        InputFileError: missing or empty file, missing columns (named, with those found),
            non-numeric cells, time that goes backwards. Repeated time stamps are dropped and
            counted in ``provenance.details["dropped_duplicate_times"]``.
    """
    check_option("units", units, UNITS_TO_M)
    source, text = read_text(path, "CoP file")
    table = parse_table(text, str(source))
    time_c, ml_c, ap_c, force_c = time_column, ml_column, ap_column, force_column
    scale = UNITS_TO_M[units]
    own = _is_own_export(table.columns) and (time_c, ml_c, ap_c, force_c) == DEFAULT_COLUMNS
    if own:
        time_c, ml_c, ap_c, force_c = OWN_COLUMNS
        scale = 1.0
    require_columns(table, [time_c, ml_c, ap_c, force_c])
    cleaned = clean_time(table.column(time_c), table.source, lines=table.lines, label=time_c)
    keep = cleaned.keep
    cop = table.values[:, [table.index(ml_c), table.index(ap_c)]][keep] * scale
    axes = _axes(own, ml_c, ap_c)
    return CopSeries(
        time_s=table.column(time_c)[keep],
        cop_m=cop,
        force_n=table.column(force_c)[keep],
        axes=axes,
        provenance=Provenance(
            source=str(source),
            reader="cop-csv",
            details={
                "columns": {"time": time_c, "ml": ml_c, "ap": ap_c, "force": force_c},
                "cop_units": "m" if own else units,
                "kinesense_export": own,
                **cleaned.notes,
            },
        ),
    )


def looks_like_cop(path: Path) -> bool:
    """Whether the header of ``path`` is a CoP table (the default layout or our export)."""
    return _header_is_cop(split_header(first_line(path)))


def _header_is_cop(columns: Sequence[str]) -> bool:
    names = {c.lower() for c in columns}
    if _is_own_export(columns):
        return True
    return {"copx", "copy"} <= names or (
        {"fz"} <= names and any(n.startswith("cop") for n in names)
    )


def _is_own_export(columns: Sequence[str]) -> bool:
    return tuple(columns) == OWN_COLUMNS


def _axes(own: bool, ml: str, ap: str) -> tuple[str, str]:
    if own:
        return (
            "medio-lateral (column cop_ml_m of a kinesense export)",
            "antero-posterior (column cop_ap_m of a kinesense export)",
        )
    return (
        f"medio-lateral, from column {ml!r} (sign as in the file)",
        f"antero-posterior, from column {ap!r} (sign as in the file)",
    )
