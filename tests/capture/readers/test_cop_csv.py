"""Force-plate CoP CSV: default layout, column overrides, units, our export, errors."""

import gzip
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
