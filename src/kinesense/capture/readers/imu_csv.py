"""Inertial-sensor recordings in CSV form to a :class:`MotionSeries`.

Four formats, detected from the header when ``fmt`` is ``None`` (gzip-compressed files accepted):

``"uci"`` — UCI "Physical Therapy Exercises" data set (Yurtman & Barshan 2014; Xsens MTx units),
    as in ``../shared/data/imu``: semicolon-separated ``time index;acc_x;acc_y;acc_z;gyr_x;gyr_y;
    gyr_z;mag_x;mag_y;mag_z``; acceleration in m/s² (with gravity), angular rate in rad/s,
    magnetic field normalised to the Earth's field (unit ``"a.u."``). The first column is a
    sample index at 25 Hz: ``time = (index - first index) / 25`` unless ``sampling_rate_hz``
    says otherwise.

``"phyphox"`` — a phyphox CSV export (a single ``.csv``, or the ``.zip`` holding one CSV per
    export set). Headers as defined in phyphox's experiment files (phyphox-android
    ``assets/experiments/*.phyphox``) and written by ``DataExport.java`` (quoted names; comma,
    tab or semicolon separated; decimal point or comma; ``NaN`` padding for shorter columns):
    ``"Time (s)"``, ``"Acceleration x (m/s^2)"`` (with g), ``"Gyroscope x (rad/s)"``,
    ``"Magnetic field x (µT)"``. Each data column belongs to the nearest ``Time (s)`` column on
    its left. ``"Linear Acceleration x"`` (without g) is refused: a MotionSeries needs gravity.
    Acceleration and gyroscope are both required.

``"sensor-logger"`` — a Sensor Logger (Kelvin Choi) zip export or its unzipped folder (or one of
    its CSV files, whose folder is then read). Per the app's documentation
    (github.com/tszheichoi/awesome-sensor-logger, ``UNITS.md``, ``COORDINATES.md``,
    ``CROSSPLATFORM.md``): every sensor file has columns ``time`` (ns since epoch),
    ``seconds_elapsed`` (s since the recording started), ``z``, ``y``, ``x``;
    ``Accelerometer.csv`` is acceleration *without* gravity (m/s²), ``TotalAcceleration.csv``
    (Android) *with* gravity (m/s²), ``Gravity.csv`` the gravity vector (m/s²),
    ``Gyroscope.csv`` rad/s, ``Magnetometer.csv`` µT; ``Metadata.csv`` names the ``platform``.
    Acceleration is taken from ``TotalAcceleration.csv``; without it, ``Accelerometer.csv`` +
    ``Gravity.csv`` are summed only for Android exports — iOS flips the sign of both unless
    "Standardise Units & Frames" was on, which the export does not record, so an iOS export
    without ``TotalAcceleration.csv`` is refused rather than risk a sign error. Time is
    ``seconds_elapsed``; gyroscope and magnetometer are linearly interpolated onto the
    accelerometer times (noted in ``provenance.details``).

``"generic"`` — kinesense's own CSV (what :meth:`MotionSeries.to_csv` writes): ``time_s,
    acc_x_m_s2, acc_y_m_s2, acc_z_m_s2, gyr_x_rad_s, gyr_y_rad_s, gyr_z_rad_s`` and optionally
    ``mag_x_<unit>, mag_y_<unit>, mag_z_<unit>`` (``uT``; ``au`` is read back as ``"a.u."``).
"""

import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kinesense._checks import check_option, check_positive
from kinesense.arrays import FloatArray
from kinesense.capture.readers._bundle import Bundle, open_bundle
from kinesense.capture.readers._tabular import (
    Table,
    clean_time,
    parse_table,
    require_columns,
    split_header,
)
from kinesense.errors import InputFileError, UnsupportedFormatError
from kinesense.series import MotionSeries, Provenance
from kinesense.series.plausibility import check_motion, refuse_or_flag

FORMATS = ("uci", "phyphox", "sensor-logger", "generic")
UCI_RATE_HZ = 25.0
UCI_COLUMNS = (
    "time index",
    "acc_x",
    "acc_y",
    "acc_z",
    "gyr_x",
    "gyr_y",
    "gyr_z",
    "mag_x",
    "mag_y",
    "mag_z",
)
GENERIC_ACC = ("acc_x_m_s2", "acc_y_m_s2", "acc_z_m_s2")
GENERIC_GYR = ("gyr_x_rad_s", "gyr_y_rad_s", "gyr_z_rad_s")
SENSOR_LOGGER_COLUMNS = ("time", "seconds_elapsed", "z", "y", "x")
MAG_UNIT_FROM_SUFFIX = {"uT": "uT", "au": "a.u."}
_PHYPHOX = {
    "time": re.compile(r"^time \(s\)$"),
    "acc": re.compile(r"^acceleration ([xyz]) \(m/s\^2\)$"),
    "linear": re.compile(r"^linear acceleration ([xyz]) \(m/s\^2\)$"),
    "gyr": re.compile(r"^gyroscope ([xyz]) \(rad/s\)$"),
    "mag": re.compile(r"^magnetic field ([xyz]) \(µt\)$"),
}


@dataclass(frozen=True)
class _Stream:
    """One sensor's samples: (N,) times in seconds and (N, 3) x, y, z values."""

    label: str
    time_s: FloatArray
    xyz: FloatArray


@dataclass
class _Recording:
    acc: _Stream
    gyr: _Stream
    mag: _Stream | None = None
    mag_unit: str = "uT"
    details: dict[str, Any] = field(default_factory=dict)


def read_imu_csv(
    path: str | Path,
    *,
    fmt: str | None = None,
    sampling_rate_hz: float | None = None,
    placement: str = "unknown",
) -> MotionSeries:
    """Read an IMU or phone recording (see the module docstring for the formats).

    Args:
        path: a CSV file (gzip accepted), a zip export, or a Sensor Logger folder.
        fmt: one of :data:`FORMATS`; detected from the header when ``None``.
        sampling_rate_hz: rate of the sample index, for formats whose time column is an index
            (``"uci"``, default 25 Hz); ``ValueError`` for the others.
        placement: where the sensor was worn (``"lower back"``, ``"sternum"``...).

    Raises:
        InputFileError: missing or empty file, missing columns (named, with those found),
            non-numeric cells, time that goes backwards, missing gyroscope, values that
            overflow (see :mod:`kinesense.series.plausibility`; a stuck sensor or a hole in
            time is flagged in ``provenance.details["quality_flags"]``).
        UnsupportedFormatError: the header matches none of the formats.
    """
    if fmt is not None:
        check_option("fmt", fmt, FORMATS)
    if sampling_rate_hz is not None:
        check_positive("sampling_rate_hz", sampling_rate_hz)
    bundle = _bundle_for(path)
    fmt = fmt or detect_imu_format(bundle)
    if fmt is None:
        headers = "; ".join(
            f"{n}: {', '.join(bundle.header(n)) or '(empty)'}" for n in bundle.names[:4]
        )
        raise UnsupportedFormatError(
            f"{bundle.path} is not a known IMU CSV format ({', '.join(FORMATS)}); "
            f"headers found: {headers}"
        )
    if sampling_rate_hz is not None and fmt != "uci":
        raise ValueError(
            f"sampling_rate_hz applies to the 'uci' format only; {fmt} files carry times"
        )
    recording = _PARSERS[fmt](bundle, sampling_rate_hz)
    time_s, arrays, notes = _merge(recording)
    series = MotionSeries(
        time_s=time_s,
        acc_m_s2=arrays["acc"],
        gyr_rad_s=arrays["gyr"],
        mag=arrays.get("mag"),
        mag_unit=recording.mag_unit,
        placement=placement,
        provenance=Provenance(
            source=str(bundle.path),
            reader="imu-csv",
            details={"format": fmt, **recording.details, **notes},
        ),
    )
    return refuse_or_flag(series, check_motion(series))


def guess_imu_format(path: str | Path) -> str | None:
    """The IMU format of a file, folder or zip from its header(s), or ``None``; never raises."""
    try:
        return detect_imu_format(_bundle_for(path))
    except InputFileError:
        return None


def detect_imu_format(bundle: Bundle) -> str | None:
    """The format of a :class:`Bundle` from its headers, or ``None`` when none matches."""
    kinds = [_header_kind(bundle.header(name)) for name in bundle.names]
    for fmt in ("sensor-logger", "phyphox", "uci", "generic"):
        if fmt in kinds and (len(bundle.names) == 1 or fmt in ("sensor-logger", "phyphox")):
            return fmt
    return None


def _header_kind(columns: list[str]) -> str | None:
    names = set(columns)
    if {"time index", "acc_x"} <= names:
        return "uci"
    if {"time_s", "acc_x_m_s2"} <= names:
        return "generic"
    if {"seconds_elapsed", "x", "y", "z"} <= names:
        return "sensor-logger"
    folded = [_fold_phyphox(c) for c in columns]
    if any(_PHYPHOX["time"].match(c) for c in folded) and any(
        _PHYPHOX[k].match(c) for c in folded for k in ("acc", "linear", "gyr", "mag")
    ):
        return "phyphox"
    return None


def _bundle_for(path: str | Path) -> Bundle:
    bundle = open_bundle(path, "IMU file")
    single = bundle.archive is None and len(bundle.names) == 1 and not bundle.path.is_dir()
    if single and _header_kind(bundle.header(bundle.names[0])) == "sensor-logger":
        return open_bundle(bundle.path.parent, "Sensor Logger folder")
    return bundle


def _single_table(bundle: Bundle, fmt: str) -> Table:
    if len(bundle.names) != 1:
        raise InputFileError(
            f"the {fmt} format is one CSV file; {bundle.path} holds {len(bundle.names)}"
        )
    source, text = bundle.text(bundle.names[0])
    return parse_table(text, source)


def _streams(
    table: Table, time_s: FloatArray, groups: dict[str, list[str]]
) -> tuple[dict[str, _Stream], dict[str, Any]]:
    """Streams sharing one time column: checked once, duplicates dropped, rows kept together."""
    require_columns(table, [c for columns in groups.values() for c in columns])
    cleaned = clean_time(time_s, table.source, lines=table.lines)
    streams = {
        label: _Stream(
            label,
            time_s[cleaned.keep],
            np.column_stack([table.column(c) for c in columns])[cleaned.keep],
        )
        for label, columns in groups.items()
    }
    prefix = "+".join(groups)
    return streams, {f"{prefix}_{k}": v for k, v in cleaned.notes.items()}


def _xyz(prefix: str, suffix: str = "") -> list[str]:
    return [f"{prefix}{axis}{suffix}" for axis in "xyz"]


def _read_uci(bundle: Bundle, rate_hz: float | None) -> _Recording:
    table = _single_table(bundle, "uci")
    require_columns(table, UCI_COLUMNS)
    rate = rate_hz or UCI_RATE_HZ
    index = table.column("time index")
    first = index[np.isfinite(index)][0] if np.isfinite(index).any() else 0.0
    streams, notes = _streams(
        table, (index - first) / rate, {k: _xyz(f"{k}_") for k in ("acc", "gyr", "mag")}
    )
    notes.update(time_from=f"(sample index - {first:g}) / {rate:g} Hz", sampling_rate_hz=rate)
    return _Recording(streams["acc"], streams["gyr"], streams["mag"], "a.u.", notes)


def _read_generic(bundle: Bundle, _rate_hz: float | None) -> _Recording:
    table = _single_table(bundle, "generic")
    groups = {"acc": list(GENERIC_ACC), "gyr": list(GENERIC_GYR)}
    suffixes = [c[len("mag_x_") :] for c in table.columns if c.startswith("mag_x_")]
    if suffixes:
        groups["mag"] = _xyz("mag_", f"_{suffixes[0]}")
    require_columns(table, ["time_s", *groups["acc"], *groups["gyr"]])
    streams, notes = _streams(table, table.column("time_s"), groups)
    unit = MAG_UNIT_FROM_SUFFIX.get(suffixes[0], suffixes[0]) if suffixes else "uT"
    return _Recording(streams["acc"], streams["gyr"], streams.get("mag"), unit, notes)


def _fold_phyphox(name: str) -> str:
    text = name.lower().replace("²", "^2").replace("μ", "µ")  # Greek mu -> micro sign
    return re.sub(r"\s+", " ", text).strip()


def _read_phyphox(bundle: Bundle, _rate_hz: float | None) -> _Recording:
    found: dict[str, _Stream] = {}
    notes: dict[str, Any] = {}
    all_columns: list[str] = []
    for name in bundle.names:
        if _header_kind(bundle.header(name)) != "phyphox":
            continue
        source, text = bundle.text(name)
        table = parse_table(text, source)
        all_columns += list(table.columns)
        for kind, (time_index, columns) in _phyphox_groups(table).items():
            if kind not in found:
                streams, extra = _streams(table, table.values[:, time_index], {kind: columns})
                found[kind] = streams[kind]
                notes.update(extra)
                notes[f"{kind}_source"] = source
    if "acc" not in found:
        if "linear" in found:
            raise InputFileError(
                f"{bundle.path} holds phyphox linear acceleration (without g); record with "
                "'Acceleration (with g)' or 'Accelerometer': the analysis needs gravity"
            )
        raise InputFileError(
            f"{bundle.path} lacks phyphox columns 'Acceleration x/y/z (m/s^2)'; columns found: "
            f"{', '.join(repr(c) for c in all_columns)}"
        )
    if "gyr" not in found:
        raise InputFileError(
            f"{bundle.path} has phyphox acceleration but no gyroscope columns 'Gyroscope x/y/z "
            "(rad/s)'; record acceleration and gyroscope together (or export both sets in one zip)"
        )
    return _Recording(found["acc"], found["gyr"], found.get("mag"), "uT", notes)


def _phyphox_groups(table: Table) -> dict[str, tuple[int, list[str]]]:
    """For each sensor kind in a phyphox table: (its time column, its x/y/z column names)."""
    groups: dict[str, tuple[int, dict[str, str]]] = {}
    time_index: int | None = None
    for j, column in enumerate(table.columns):
        folded = _fold_phyphox(column)
        if _PHYPHOX["time"].match(folded):
            time_index = j
            continue
        for kind in ("acc", "linear", "gyr", "mag"):
            match = _PHYPHOX[kind].match(folded)
            if match and time_index is not None:
                groups.setdefault(kind, (time_index, {}))[1].setdefault(match.group(1), column)
    return {
        kind: (t, [axes[a] for a in "xyz"])
        for kind, (t, axes) in groups.items()
        if set(axes) == {"x", "y", "z"}
    }


def _read_sensor_logger(bundle: Bundle, _rate_hz: float | None) -> _Recording:
    notes: dict[str, Any] = {"time_from": "seconds_elapsed"}
    metadata = _sensor_logger_metadata(bundle)
    notes.update({f"metadata_{k}": v for k, v in metadata.items()})

    def stream(basename: str, label: str) -> _Stream | None:
        name = bundle.find(basename)
        if name is None:
            return None
        source, text = bundle.text(name)
        table = parse_table(text, source)
        require_columns(table, ["seconds_elapsed", "x", "y", "z"])
        streams, extra = _streams(table, table.column("seconds_elapsed"), {label: ["x", "y", "z"]})
        notes.update(extra)
        return streams[label]

    acc = stream("TotalAcceleration.csv", "acc")
    if acc is not None:
        notes["acceleration_from"] = "TotalAcceleration.csv (includes gravity)"
    else:
        acc = _sensor_logger_total(bundle, metadata, stream, notes)
    gyr = stream("Gyroscope.csv", "gyr")
    if gyr is None:
        raise InputFileError(
            f"{bundle.path} has no Gyroscope.csv; enable the gyroscope in Sensor Logger and "
            "record again"
        )
    return _Recording(acc, gyr, stream("Magnetometer.csv", "mag"), "uT", notes)


def _sensor_logger_total(
    bundle: Bundle,
    metadata: dict[str, str],
    stream: Callable[[str, str], _Stream | None],
    notes: dict[str, Any],
) -> _Stream:
    platform = metadata.get("platform", "").lower()
    user = stream("Accelerometer.csv", "acc")
    gravity = stream("Gravity.csv", "gravity")
    if user is None or gravity is None:
        raise InputFileError(
            f"{bundle.path} has no TotalAcceleration.csv (acceleration with gravity) nor both "
            "Accelerometer.csv and Gravity.csv; found: " + ", ".join(bundle.names)
        )
    if platform != "android":
        raise InputFileError(
            f"{bundle.path} has no TotalAcceleration.csv and is from platform "
            f"{platform or 'unknown'!r}: "
            "the sign of its Accelerometer.csv + Gravity.csv depends on the 'Standardise Units & "
            "Frames' setting, which the export does not record; export from Android or enable "
            "TotalAcceleration"
        )
    on_user = np.column_stack(
        [np.interp(user.time_s, gravity.time_s, gravity.xyz[:, k]) for k in range(3)]
    )
    notes["acceleration_from"] = (
        "Accelerometer.csv + Gravity.csv (interpolated), Android convention"
    )
    return _Stream("acc", user.time_s, user.xyz + on_user)


def _sensor_logger_metadata(bundle: Bundle) -> dict[str, str]:
    name = bundle.find("Metadata.csv")
    if name is None:
        return {}
    non_empty = (line for line in io.StringIO(bundle.text(name)[1]) if line.strip())
    lines = list(itertools.islice(non_empty, 2))
    if len(lines) < 2:
        return {}
    keys, values = split_header(lines[0]), split_header(lines[1])
    return {
        k: v
        for k, v in zip(keys, values, strict=False)
        if k in ("platform", "version", "appVersion", "device name")
    }


def _merge(recording: _Recording) -> tuple[FloatArray, dict[str, FloatArray], dict[str, Any]]:
    """Put every stream on the accelerometer's time stamps (linear interpolation when needed)."""
    streams = {"acc": recording.acc, "gyr": recording.gyr}
    if recording.mag is not None:
        streams["mag"] = recording.mag
    base = recording.acc.time_s
    same = all(
        s.time_s.shape == base.shape and np.array_equal(s.time_s, base) for s in streams.values()
    )
    if same:
        return base, {k: s.xyz for k, s in streams.items()}, {}
    start = max(float(s.time_s[0]) for s in streams.values())
    end = min(float(s.time_s[-1]) for s in streams.values())
    keep = (base >= start) & (base <= end)
    if np.count_nonzero(keep) < 2:
        raise InputFileError("accelerometer and gyroscope samples do not overlap in time")
    time_s = base[keep]
    arrays = {"acc": recording.acc.xyz[keep]}
    for label, s in streams.items():
        if label != "acc":
            arrays[label] = np.column_stack(
                [np.interp(time_s, s.time_s, s.xyz[:, k]) for k in range(3)]
            )
    rates = {
        k: round(float(1 / np.median(np.diff(s.time_s))), 3)
        for k, s in streams.items()
        if s.time_s.size > 1
    }
    notes: dict[str, Any] = {
        "resampled": f"{', '.join(k for k in streams if k != 'acc')} linearly interpolated onto "
        "the accelerometer time stamps",
        "stream_rates_hz": rates,
    }
    if not keep.all():
        notes["trimmed_to_common_time_s"] = [start, end]
    return time_s, arrays, notes


_PARSERS: dict[str, Callable[[Bundle, float | None], _Recording]] = {
    "uci": _read_uci,
    "phyphox": _read_phyphox,
    "sensor-logger": _read_sensor_logger,
    "generic": _read_generic,
}
