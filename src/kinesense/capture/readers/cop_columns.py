"""Which columns of a force-plate table hold time, the two CoP axes and the vertical force.

Plates differ: which of ``CoPx``/``CoPy`` is medio-lateral (ML) and which antero-posterior (AP),
their signs, their unit, and whether a vertical force is exported at all. The orientation is,
in order of precedence:

1. **stated by the user**: a column name per axis (a leading ``-`` reverses its sign;
   :data:`NO_COLUMN` says the plate has no such axis or no force column);
2. **a known layout**, recognised from the whole header (:data:`LAYOUTS`);
3. **the header naming the axes**: columns such as ``CoP_ML``, ``COP AP (mm)``, ``ml``;
4. **the common convention**: ``CoPx`` medio-lateral and ``CoPy`` antero-posterior (as in
   SamuelAcunaPhD/posturography), stated as assumed in the axes' description.

Units come from the header when it gives them (``COPx[cm]``, ``CoP ML (mm)``, ``cop_ml_m``,
``Time[s]``, ``time (ms)``), else metres and seconds.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kinesense.capture.readers._tabular import missing_columns
from kinesense.errors import InputFileError, InvalidValueError

NO_COLUMN = "none"
"""A column argument meaning "the file has no such column" (a one-axis plate, no force)."""
UNITS_TO_M = {"m": 1.0, "cm": 0.01, "mm": 0.001}
TIME_UNITS_TO_S = {"s": 1.0, "ms": 0.001}
POSTUROGRAPHY = "posturography"
CONVENTION = (
    "assumed: CoPx medio-lateral, CoPy antero-posterior (the SamuelAcunaPhD/posturography "
    "convention); state the axes if your plate differs"
)


@dataclass(frozen=True)
class Layout:
    """A known export: its exact header and the meaning of its columns."""

    name: str
    header: tuple[str, ...]
    time: str
    ml: str
    ap: str
    force: str
    units: str
    description: str


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        POSTUROGRAPHY,
        ("Seq", "Time", "Fz", "Mx", "My", "CoPx", "CoPy"),
        "Time", "CoPx", "CoPy", "Fz", "m",
        "SamuelAcunaPhD/posturography export",
    ),
    Layout(
        "bds",
        ("Time[s]", "Fx[N]", "Fy[N]", "Fz[N]", "Mx[Nm]", "My[Nm]", "Mz[Nm]", "COPx[cm]",
         "COPy[cm]"),
        "Time[s]", "COPy[cm]", "COPx[cm]", "Fz[N]", "cm",
        "BDS data set (Santos & Duarte 2016); COPx antero-posterior and COPy medio-lateral "
        "as assumed by kinesense",
    ),
)  # fmt: skip

_BRACKET_UNIT = re.compile(r"^(.*?)\s*[\[(]\s*([^\])]*?)\s*[\])]\s*$")
_SUFFIX_UNIT = re.compile(r"^(.*?)_(m|cm|mm|s|ms|n)$", re.IGNORECASE)


def split_unit(name: str) -> tuple[str, str | None]:
    """``(base name, unit)`` of a column name: ``"COPx[cm]"`` -> ``("COPx", "cm")``,
    ``"cop_ml_m"`` -> ``("cop_ml", "m")``, ``"Fz"`` -> ``("Fz", None)``."""
    match = _BRACKET_UNIT.match(name) or _SUFFIX_UNIT.match(name)
    if match and match.group(1):
        return match.group(1), match.group(2).strip()
    return name, None


def key(name: str) -> str:
    """Lower-case base name without unit, spaces or punctuation (``"CoP ML (mm)"`` -> ``copml``)."""
    return re.sub(r"[^a-z0-9]", "", split_unit(name)[0].lower())


@dataclass(frozen=True)
class Column:
    """A resolved column: its name in the file and the sign applied to it."""

    name: str
    sign: float = 1.0


@dataclass(frozen=True)
class Orientation:
    """The columns of a CoP table and where their meaning came from.

    ``ml``/``ap`` are None for an axis the plate does not record; ``force`` is None when the
    file has no vertical force. ``source`` says how the axes were decided (given, a layout,
    the header's names, or the assumed convention).
    """

    time: str
    ml: Column | None
    ap: Column | None
    force: str | None
    source: str
    layout: Layout | None = None


def _find(columns: Sequence[str], wanted: str) -> str | None:
    """The column called ``wanted``, or whose name without its unit is ``wanted``."""
    if wanted in columns:
        return wanted
    return next((c for c in columns if split_unit(c)[0] == wanted), None)


def _given(columns: Sequence[str], wanted: str, source: str) -> Column | None:
    if wanted.strip().lower() == NO_COLUMN:
        return None
    sign = -1.0 if wanted.startswith("-") and wanted not in columns else 1.0
    name = wanted[1:] if sign < 0 else wanted
    found = _find(columns, name)
    if found is None:
        raise missing_columns(source, [name], columns)
    return Column(found, sign)


def _layout(columns: Sequence[str]) -> Layout | None:
    return next((lay for lay in LAYOUTS if tuple(columns[: len(lay.header)]) == lay.header), None)


def _axis_named(columns: Sequence[str], axis: str) -> str | None:
    names = {axis, f"cop{axis}", f"centreofpressure{axis}", f"centerofpressure{axis}"}
    return next((c for c in columns if key(c) in names), None)


def resolve(
    columns: Sequence[str],
    source: str,
    *,
    ml_column: str | None,
    ap_column: str | None,
    force_column: str | None,
    time_column: str | None,
) -> Orientation:
    """Decide the columns (see the module docstring for the precedence).

    With one axis given and the other not, the other is the automatic choice for it, or, when
    that is the given column, the other CoP column of the file.

    Raises:
        InputFileError: a given column is absent (the message lists those found), no time
            column, a lone CoP column whose axis nobody stated, no CoP column at all.
        InvalidValueError: the same column given for both axes.
    """
    layout = _layout(columns)
    ml = _given(columns, ml_column, source) if ml_column is not None else None
    ap = _given(columns, ap_column, source) if ap_column is not None else None
    words = "given"
    if ml_column is None and ap_column is None:
        ml, ap, words = _automatic(columns, layout)
        if ml is None and ap is None:
            _no_axis(columns, source)
    elif ml_column is None or ap_column is None:
        auto_ml, auto_ap, auto_words = _automatic(columns, layout)
        given = ml if ml_column is not None else ap
        same, other = (auto_ap, auto_ml) if ml_column is None else (auto_ml, auto_ap)
        wanted = same if same is not None and (given is None or same.name != given.name) else other
        if wanted is not None and given is not None and wanted.name == given.name:
            wanted = None
        ml, ap = (wanted, ap) if ml_column is None else (ml, wanted)
        words = f"partly given, the rest {auto_words}"
    if ml is None and ap is None:
        raise InputFileError(
            f"{source}: both centre-of-pressure axes are '{NO_COLUMN}'; at least one is needed"
        )
    if ml is not None and ap is not None and ml.name == ap.name:
        raise InvalidValueError(
            f"{source}: the same column {ml.name!r} cannot be both medio-lateral and "
            f"antero-posterior; give ml_column and ap_column, or '{NO_COLUMN}' for a missing axis"
        )
    time = _time(columns, layout, time_column, source)
    force = _force(columns, layout, force_column, source)
    return Orientation(time, ml, ap, force, words, layout)


def _no_axis(columns: Sequence[str], source: str) -> None:
    lone = next((c for c in columns if key(c) in ("copx", "copy")), None)
    if lone is not None:
        raise InputFileError(
            f"{source} has one centre-of-pressure column, {lone!r}, and does not say which axis "
            f"it is: give ml_column={lone!r} or ap_column={lone!r} (the other '{NO_COLUMN}')"
        )
    raise InputFileError(
        f"{source}: no centre-of-pressure column (columns found: "
        f"{', '.join(repr(c[:40]) for c in columns[:20])}); name them with ml_column and "
        "ap_column"
    )


def _automatic(
    columns: Sequence[str], layout: Layout | None
) -> tuple[Column | None, Column | None, str]:
    """The axes from a layout, the header's names or the convention (None where none)."""
    if layout is not None:
        return Column(layout.ml), Column(layout.ap), f"layout: {layout.description}"
    named_ml, named_ap = _axis_named(columns, "ml"), _axis_named(columns, "ap")
    if named_ml is not None or named_ap is not None:
        return (
            Column(named_ml) if named_ml else None,
            Column(named_ap) if named_ap else None,
            "the header names the axes",
        )
    copx = next((c for c in columns if key(c) == "copx"), None)
    copy = next((c for c in columns if key(c) == "copy"), None)
    if copx is not None and copy is not None:
        return Column(copx), Column(copy), CONVENTION
    return None, None, "the file does not say which axis its CoP column is"


def _time(columns: Sequence[str], layout: Layout | None, wanted: str | None, source: str) -> str:
    if wanted is not None:
        found = _find(columns, wanted)
        if found is None:
            raise missing_columns(source, [wanted], columns)
        return found
    if layout is not None:
        return layout.time
    found = next((c for c in columns if key(c) in ("time", "t")), None)
    if found is None:
        raise InputFileError(
            f"{source} has no time column (columns found: "
            f"{', '.join(repr(c[:40]) for c in columns[:20])}); name it with time_column"
        )
    return found


def _force(
    columns: Sequence[str], layout: Layout | None, wanted: str | None, source: str
) -> str | None:
    if wanted is not None:
        given = _given(columns, wanted, source)
        return given.name if given is not None else None
    if layout is not None:
        return layout.force
    return next((c for c in columns if key(c) in ("fz", "force", "verticalforce")), None)


def cop_units(orientation: Orientation, units: str | None, source: str) -> str:
    """The CoP unit: ``units`` if given, else the header's (both axes must agree), else m.

    Raises:
        InvalidValueError: ``units`` unknown.
        InputFileError: the header states a unit that contradicts ``units``, or one that is
            not a length, or the two axes disagree.
    """
    if units is not None and units not in UNITS_TO_M:
        raise InvalidValueError(f"units must be one of 'm', 'cm', 'mm'; got {units!r}")
    stated = {
        split_unit(c.name)[1]
        for c in (orientation.ml, orientation.ap)
        if c is not None and split_unit(c.name)[1] is not None
    }
    if len(stated) > 1:
        raise InputFileError(f"{source}: the two CoP columns state different units {stated}")
    header = stated.pop().lower() if stated else None  # type: ignore[union-attr]
    if header is not None and header not in UNITS_TO_M:
        raise InputFileError(f"{source}: CoP unit {header!r} is not one of m, cm, mm")
    if units is not None and header is not None and units != header:
        raise InputFileError(
            f"{source}: the header gives the CoP in {header} but units={units!r} was given; "
            f"give units={header!r} (or leave it out)"
        )
    return units or header or ("m" if orientation.layout is None else orientation.layout.units)


def time_scale(name: str, source: str) -> float:
    """Seconds per unit of the time column (from its header unit; seconds when none)."""
    unit = split_unit(name)[1]
    if unit is None:
        return 1.0
    if unit.lower() not in TIME_UNITS_TO_S:
        raise InputFileError(f"{source}: time unit {unit!r} is not s or ms")
    return TIME_UNITS_TO_S[unit.lower()]
