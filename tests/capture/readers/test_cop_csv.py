"""Force-plate CoP CSV: default layout, column overrides, units, our export, errors."""

import gzip
import io
from pathlib import Path

import numpy as np
import pytest

from kinesense.capture.readers.cop_csv import looks_like_cop, read_cop_csv
from kinesense.errors import InputFileError
from kinesense.series import CopSeries
from tests.conftest import shared_file

HEADER = "Seq,Time,Fz,Mx,My,CoPx,CoPy"


def write(tmp_path: Path, text: str, name: str = "cop.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_real_recording(shared_data: Path) -> None:
    path = shared_file(shared_data, "cop/eyesOpen_1.csv.gz")
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    assert lines[0] == HEADER
    _seq, time, fz, _mx, _my, cop_x, cop_y = (float(v) for v in lines[3].split(","))
    series = read_cop_csv(path)
    assert len(series) == len(lines) - 1 == 32000
    assert series.sampling_rate_hz == pytest.approx(1000.0)
    assert series.time_s[2] == time
    np.testing.assert_array_equal(series.cop_m[2], [cop_x, cop_y])
    assert series.force_n[2] == fz
    assert series.axes[0].startswith("medio-lateral, from column 'CoPx'")
    assert series.provenance.reader == "cop-csv"


def test_columns_and_units_can_be_overridden(tmp_path: Path) -> None:
    path = write(tmp_path, "t;ap;ml;force\n0;10;-5;700\n0.01;12;-4;701\n")
    series = read_cop_csv(
        path, ml_column="ml", ap_column="ap", force_column="force", time_column="t", units="mm"
    )
    np.testing.assert_allclose(series.ml_m, [-0.005, -0.004])
    np.testing.assert_allclose(series.ap_m, [0.010, 0.012])
    np.testing.assert_array_equal(series.force_n, [700.0, 701.0])
    assert series.provenance.details["columns"] == {
        "time": "t",
        "ml": "ml",
        "ap": "ap",
        "force": "force",
    }
    assert "'ap'" in series.axes[1]


def test_our_export_round_trips_exactly(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    original = CopSeries(
        time_s=np.arange(50) / 100.0,
        cop_m=rng.normal(scale=0.01, size=(50, 2)),
        force_n=rng.normal(700.0, 5.0, size=50),
    )
    path = original.to_csv(tmp_path / "cop_export.csv")
    assert looks_like_cop(path)
    back = read_cop_csv(path)
    np.testing.assert_array_equal(back.time_s, original.time_s)
    np.testing.assert_array_equal(back.cop_m, original.cop_m)
    np.testing.assert_array_equal(back.force_n, original.force_n)
    assert back.provenance.details["kinesense_export"] is True


def test_repeated_times_are_dropped_with_a_note(tmp_path: Path) -> None:
    text = f"{HEADER}\n0,0,700,0,0,0.01,0.02\n1,0,700,0,0,0.01,0.02\n2,0.001,701,0,0,0.02,0.03\n"
    series = read_cop_csv(write(tmp_path, text))
    np.testing.assert_array_equal(series.time_s, [0.0, 0.001])
    assert series.provenance.details["dropped_duplicate_times"] == 1


def test_user_errors(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="not found"):
        read_cop_csv(tmp_path / "absent.csv")
    with pytest.raises(InputFileError, match="is empty"):
        read_cop_csv(write(tmp_path, ""))
    with pytest.raises(InputFileError, match=r"one centre-of-pressure column, 'CoPx', and does"):
        read_cop_csv(write(tmp_path, "Time,Fz,CoPx\n0,700,0\n"))
    with pytest.raises(
        InputFileError, match=r"lacks column\(s\) 'AP'; columns found: 'Time', 'Fz', 'CoPx'"
    ):
        read_cop_csv(write(tmp_path, "Time,Fz,CoPx\n0,700,0\n"), ap_column="AP")
    with pytest.raises(InputFileError, match=r"line 3, column 'Fz': 'x' is not a number"):
        read_cop_csv(write(tmp_path, f"{HEADER}\n0,0,700,0,0,0,0\n1,0.001,x,0,0,0,0\n"))
    with pytest.raises(InputFileError, match="Time goes backwards at line 3"):
        read_cop_csv(write(tmp_path, f"{HEADER}\n0,0.5,700,0,0,0,0\n1,0.4,700,0,0,0,0\n"))
    with pytest.raises(ValueError, match="units must be one of"):
        read_cop_csv(write(tmp_path, f"{HEADER}\n0,0,700,0,0,0,0\n"), units="inch")


def test_looks_like_cop(tmp_path: Path) -> None:
    assert looks_like_cop(write(tmp_path, f"{HEADER}\n", "a.csv"))
    assert not looks_like_cop(write(tmp_path, "time_s,acc_x_m_s2\n", "b.csv"))


# --- orientation, files without a force column, one-axis plates, known layouts --------------


def real_columns(shared_data: Path) -> dict[str, np.ndarray]:
    """The eyes-open trial's columns by name (Seq,Time,Fz,Mx,My,CoPx,CoPy)."""
    path = shared_file(shared_data, "cop/eyesOpen_1.csv.gz")
    rows = np.loadtxt(io.StringIO(gzip.decompress(path.read_bytes()).decode()), delimiter=",",
                      skiprows=1)  # fmt: skip
    return dict(zip(HEADER.split(","), rows.T, strict=True))


def write_columns(tmp_path: Path, name: str, columns: dict[str, np.ndarray]) -> Path:
    path = tmp_path / name
    table = np.column_stack(list(columns.values()))
    np.savetxt(path, table, delimiter=",", header=",".join(columns), comments="", fmt="%.17g")
    return path


def test_time_and_cop_only_is_read_without_force(shared_data: Path, tmp_path: Path) -> None:
    cols = real_columns(shared_data)
    path = write_columns(tmp_path, "no_force.csv", {k: cols[k] for k in ("Time", "CoPx", "CoPy")})
    series = read_cop_csv(path)
    full = read_cop_csv(shared_file(shared_data, "cop/eyesOpen_1.csv.gz"))
    np.testing.assert_array_equal(series.cop_m, full.cop_m)
    np.testing.assert_array_equal(series.time_s, full.time_s)
    assert np.isnan(series.force_n).all()
    assert series.provenance.details["columns"]["force"] is None
    assert "stepping off the plate is not detected" in series.provenance.details["force_note"]
    assert "assumed: CoPx medio-lateral" in series.axes[0]
    # the columns it has, stated, read it too; a stated force column it lacks is refused
    explicit = read_cop_csv(path, ml_column="CoPx", ap_column="CoPy", units="m")
    np.testing.assert_array_equal(explicit.cop_m, full.cop_m)
    with pytest.raises(InputFileError, match=r"lacks column\(s\) 'Fz'"):
        read_cop_csv(path, force_column="Fz")
    with pytest.raises(InputFileError, match=r"lacks column\(s\) 'Force'"):
        read_cop_csv(path, force_column="Force")


def test_orientation_stated_by_the_user_swaps_and_flips(shared_data: Path, tmp_path: Path) -> None:
    """A plate whose x is antero-posterior pointing backwards: the same trial written that way
    and read with ml_column='Y', ap_column='-X' gives the original CoP exactly."""
    cols = real_columns(shared_data)
    path = write_columns(
        tmp_path, "rotated.csv", {"Time": cols["Time"], "X": -cols["CoPy"], "Y": cols["CoPx"]}
    )
    series = read_cop_csv(path, ml_column="Y", ap_column="-X")
    np.testing.assert_array_equal(series.ml_m, cols["CoPx"])
    np.testing.assert_array_equal(series.ap_m, cols["CoPy"])
    assert series.axes[1] == "antero-posterior, from column 'X' (sign reversed from the file)"
    assert series.provenance.details["columns"]["ap"] == "-X"
    assert np.isnan(read_cop_csv(path, ml_column="Y").ap_m).all()  # X is not named as a CoP
    named = write_columns(
        tmp_path, "swapped.csv", {"Time": cols["Time"], "CoPx": cols["CoPy"], "CoPy": cols["CoPx"]}
    )
    only_ml = read_cop_csv(named, ml_column="CoPy")  # the file's other CoP column is AP
    assert only_ml.provenance.details["columns"]["ap"] == "CoPx"
    np.testing.assert_array_equal(only_ml.cop_m, np.column_stack([cols["CoPx"], cols["CoPy"]]))


def test_header_naming_the_axes_and_units(shared_data: Path, tmp_path: Path) -> None:
    cols = real_columns(shared_data)
    path = write_columns(
        tmp_path,
        "named.csv",
        {"time (ms)": cols["Time"] * 1000, "CoP AP [mm]": cols["CoPy"] * 1000,
         "CoP ML [mm]": cols["CoPx"] * 1000},
    )  # fmt: skip
    series = read_cop_csv(path)
    np.testing.assert_allclose(series.ml_m, cols["CoPx"], atol=1e-12)
    np.testing.assert_allclose(series.ap_m, cols["CoPy"], atol=1e-12)
    np.testing.assert_allclose(series.time_s, cols["Time"], atol=1e-12)
    assert series.provenance.details["cop_units"] == "mm"
    assert "the header names the axes" in series.axes[0]
    with pytest.raises(InputFileError, match="the header gives the CoP in mm but units='cm'"):
        read_cop_csv(path, units="cm")


def test_one_axis_plate(shared_data: Path, tmp_path: Path) -> None:
    cols = real_columns(shared_data)
    path = write_columns(tmp_path, "ap_only.csv", {"Time": cols["Time"], "CoP": cols["CoPy"]})
    with pytest.raises(InputFileError, match="no centre-of-pressure column"):
        read_cop_csv(path)
    series = read_cop_csv(path, ap_column="CoP", ml_column="none")
    assert np.isnan(series.ml_m).all()
    np.testing.assert_array_equal(series.ap_m, cols["CoPy"])
    assert series.axes[0] == "medio-lateral: not recorded (one-axis plate)"
    assert series.provenance.details["columns"]["ml"] is None
    with pytest.raises(InputFileError, match="at least one is needed"):
        read_cop_csv(path, ap_column="none", ml_column="none")
    with pytest.raises(ValueError, match="cannot be both medio-lateral and antero-posterior"):
        read_cop_csv(path, ap_column="CoP", ml_column="CoP")


def test_bds_files_are_read_in_metres_with_x_antero_posterior(shared_data: Path) -> None:
    path = shared_file(shared_data, "bds/BDS00001.txt.gz")
    first = gzip.decompress(path.read_bytes()).decode().splitlines()[1].split("\t")
    assert looks_like_cop(path)
    series = read_cop_csv(path)
    assert len(series) == 6000
    assert series.sampling_rate_hz == pytest.approx(100.0)
    assert series.time_s[0] == float(first[0])
    assert series.force_n[0] == float(first[3])
    assert series.ap_m[0] == pytest.approx(float(first[7]) / 100, abs=1e-15)  # COPx, cm
    assert series.ml_m[0] == pytest.approx(float(first[8]) / 100, abs=1e-15)  # COPy, cm
    assert series.provenance.details["cop_units"] == "cm"
    assert "BDS data set" in series.provenance.details["layout"]
    # columns and a unit the file does not have, stated, are refused (no former defaults)
    with pytest.raises(InputFileError, match=r"lacks column\(s\) 'CoPx'"):
        read_cop_csv(path, ml_column="CoPx", ap_column="CoPy")
    with pytest.raises(InputFileError, match="the header gives the CoP in cm but units='m'"):
        read_cop_csv(path, units="m")


def test_overflowing_values_are_refused(shared_data: Path, tmp_path: Path) -> None:
    cols = real_columns(shared_data)
    huge = cols | {"CoPx": cols["CoPx"] * 1e150}
    with pytest.raises(
        InputFileError, match=r"centre of pressure reach 7\.28e\+147 m, beyond any real"
    ):
        read_cop_csv(write_columns(tmp_path, "huge.csv", huge))
    infinite = cols | {"Fz": np.where(np.arange(cols["Fz"].size) == 5, np.inf, cols["Fz"])}
    with pytest.raises(InputFileError, match="vertical force holds infinite values"):
        read_cop_csv(write_columns(tmp_path, "inf.csv", infinite))


def test_a_hole_and_a_constant_axis_are_flagged(shared_data: Path, tmp_path: Path) -> None:
    cols = real_columns(shared_data)
    keep = (cols["Time"] < 10.0) | (cols["Time"] >= 15.0)  # 5 s cut out
    holed = read_cop_csv(write_columns(tmp_path, "hole.csv", {k: v[keep] for k, v in cols.items()}))
    flags = holed.provenance.details["quality_flags"]
    assert [f["check"] for f in flags] == ["time_hole"]
    assert "the longest 5.00 s at 10.00 s" in flags[0]["message"]
    constant = cols | {"CoPy": np.zeros_like(cols["CoPy"])}
    flat = read_cop_csv(write_columns(tmp_path, "flat.csv", constant))
    assert flat.provenance.details["quality_flags"][0]["check"] == "constant"
    assert (
        "quality_flags"
        not in read_cop_csv(write_columns(tmp_path, "ok.csv", cols)).provenance.details
    )
