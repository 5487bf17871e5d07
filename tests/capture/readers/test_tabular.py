"""Shared table parsing: separators, decimal commas, missing cells, time checks, bundles."""

import gzip
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from kinesense.capture.readers import _tabular, limits
from kinesense.capture.readers._bundle import open_bundle
from kinesense.capture.readers._tabular import (
    clean_time,
    first_line,
    parse_table,
    read_text,
    require_columns,
    split_header,
    trim_trailing_empty,
)
from kinesense.errors import InputFileError


def test_parse_comma_table_with_quoted_header_and_missing_cells() -> None:
    table = parse_table('"Time (s)","a"\n0.5,1\n1.5,\n2.5,NaN\n', "t.csv")
    assert table.columns == ("Time (s)", "a")
    np.testing.assert_array_equal(table.column("Time (s)"), [0.5, 1.5, 2.5])
    assert table.column("a")[0] == 1.0
    assert np.isnan(table.column("a")[1:]).all()
    np.testing.assert_array_equal(table.lines, [2, 3, 4])


@pytest.mark.parametrize("sep", [";", "\t"])
def test_decimal_comma_is_read_when_the_separator_is_not_a_comma(sep: str) -> None:
    table = parse_table(f"t{sep}x\n0,25{sep}-1,5E-1\n", "t.csv")
    np.testing.assert_array_equal(table.values, [[0.25, -0.15]])


def test_non_numeric_cell_names_line_and_column() -> None:
    with pytest.raises(InputFileError, match=r"line 3, column 'x': 'abc' is not a number"):
        parse_table("t,x\n0,1\n1,abc\n", "t.csv")


def test_row_with_too_many_cells_is_refused() -> None:
    with pytest.raises(InputFileError, match="line 2 has 3 cells but the header names 2"):
        parse_table("t,x\n0,1,2\n", "t.csv")


@pytest.mark.parametrize(
    ("text", "message"), [("", "is empty"), ("\n\n", "is empty"), ("t,x\n", "no data rows")]
)
def test_empty_tables_are_refused(text: str, message: str) -> None:
    with pytest.raises(InputFileError, match=message):
        parse_table(text, "t.csv")


def test_require_columns_names_missing_and_found() -> None:
    table = parse_table("t,x\n0,1\n", "t.csv")
    with pytest.raises(
        InputFileError, match=r"lacks column\(s\) 'y', 'z'; columns found: 't', 'x'"
    ):
        require_columns(table, ["t", "y", "z"])


def test_clean_time_drops_repeats_and_trailing_padding() -> None:
    cleaned = clean_time(np.array([0.0, 0.1, 0.1, 0.2, np.nan, np.nan]), "t.csv")
    np.testing.assert_array_equal(cleaned.keep, [0, 1, 3])
    assert cleaned.notes == {"dropped_duplicate_times": 1, "dropped_trailing_rows_without_time": 2}


def test_clean_time_refuses_backwards_and_missing_times() -> None:
    lines = np.array([2, 3, 4, 5])
    with pytest.raises(InputFileError, match=r"goes backwards at line 4 \(0.2 then 0.1\)"):
        clean_time(np.array([0.0, 0.2, 0.1, 0.3]), "t.csv", lines=lines)
    with pytest.raises(InputFileError, match="time is missing at line 3"):
        clean_time(np.array([0.0, np.nan, 0.1, 0.3]), "t.csv", lines=lines)
    with pytest.raises(InputFileError, match="holds no numbers"):
        clean_time(np.array([np.nan]), "t.csv")


def test_read_text_unpacks_gzip_whatever_the_name(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(gzip.compress("t,x\n0,µ\n".encode()))
    assert read_text(path)[1] == "t,x\n0,µ\n"
    assert first_line(path) == "t,x"


def test_corrupt_gzip_and_missing_file_are_input_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv.gz"
    path.write_bytes(b"\x1f\x8b\x08garbage")
    with pytest.raises(InputFileError, match="cannot be unpacked"):
        read_text(path)
    with pytest.raises(InputFileError, match="not found"):
        read_text(tmp_path / "absent.csv")


def test_split_header_strips_quotes_and_sniffs_the_separator() -> None:
    assert split_header('"Time (s)";"Acceleration x (m/s^2)"') == [
        "Time (s)",
        "Acceleration x (m/s^2)",
    ]
    assert split_header("") == []


def test_bundles_of_folders_and_zips(tmp_path: Path) -> None:
    (tmp_path / "rec").mkdir()
    (tmp_path / "rec" / "A.csv").write_text("t,x\n0,1\n")
    (tmp_path / "rec" / "notes.md").write_text("ignored")
    folder = open_bundle(tmp_path / "rec")
    assert folder.names == ["A.csv"]
    assert folder.header("A.csv") == ["t", "x"]
    archive = tmp_path / "rec.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("inner/B.csv", "t;y\n0;2\n")
        zf.writestr("inner/meta/device.csv", "property,value\n")
    bundle = open_bundle(archive)
    assert bundle.names == ["B.csv"]
    assert bundle.find("b.CSV") == "B.csv"
    assert bundle.text("B.csv") == (f"{archive}:inner/B.csv", "t;y\n0;2\n")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputFileError, match=r"no \.csv files"):
        open_bundle(tmp_path / "empty")


# --- bounds: time linear in the input, caps named in the message ---------------------------


def test_a_header_of_400k_commas_is_refused_at_once() -> None:
    text = "t" + "," * 400_000 + "x\n0" + "," * 400_000 + "1\n"
    started = time.monotonic()
    with pytest.raises(InputFileError, match=r"400001 columns, more than the 4096"):
        parse_table(text, "wide.csv")
    assert time.monotonic() - started < 2.0


def test_trailing_empty_cells_are_trimmed_in_linear_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """400k trailing separators in the header and in a row: the old trimming (one tuple or list
    slice per empty cell) took over a minute."""
    monkeypatch.setattr(limits, "MAX_LINE_CHARS", 10_000_000)
    text = "t,x" + "," * 400_000 + "\n0,1" + "," * 400_000 + "\n"
    started = time.monotonic()
    table = parse_table(text, "trailing.csv")
    assert time.monotonic() - started < 2.0
    assert table.columns == ("t", "x")
    np.testing.assert_array_equal(table.values, [[0.0, 1.0]])


def test_trim_trailing_empty() -> None:
    assert trim_trailing_empty(["a", "", "b", "", ""]) == ["a", "", "b"]
    assert trim_trailing_empty(["", ""]) == []
    cells = ["a"]
    assert trim_trailing_empty(cells) is cells


def test_caps_on_line_length_rows_and_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_LINE_CHARS", 50)
    with pytest.raises(InputFileError, match=r"line 2 has 63 characters, more than the 50"):
        parse_table("t,x\n" + "1" * 60 + ",2\n", "long.csv")
    monkeypatch.setattr(limits, "MAX_ROWS", 3)
    rows = "".join(f"{i},{i}\n" for i in range(4))
    with pytest.raises(InputFileError, match="more than 3 rows of 2 columns"):
        parse_table("t,x\n" + rows, "rows.csv")
    monkeypatch.setattr(limits, "MAX_ROWS", 1000)
    monkeypatch.setattr(limits, "MAX_CELLS", 6)
    with pytest.raises(InputFileError, match="more than 3 rows of 2 columns"):
        parse_table("t,x\n" + rows, "cells.csv")
    assert parse_table("t,x\n" + rows[:12], "ok.csv").values.shape == (3, 2)


def test_blocks_are_joined_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_tabular, "BLOCK_ROWS", 4)
    text = "t,x\n" + "".join(f"{i},{i * i}\n" for i in range(10)) + "\n9.5,abc\n"
    with pytest.raises(InputFileError, match=r"line 13, column 'x': 'abc' is not a number"):
        parse_table(text, "b.csv")
    table = parse_table(text.rsplit("\n9.5", 1)[0] + "\n", "b.csv")
    np.testing.assert_array_equal(table.column("x"), np.arange(10) ** 2)
    np.testing.assert_array_equal(table.lines, np.arange(2, 12))


def test_a_gzip_bomb_stops_at_the_text_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_TEXT_BYTES", 1_000_000)
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress(b"t,x\n" + b"0,0\n" * 1_000_000))  # 4 MB unpacked, 8 kB packed
    with pytest.raises(InputFileError, match=r"unpacked gzip content is larger than the 0.9"):
        read_text(path)


def test_a_zip_member_bomb_stops_at_the_text_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_TEXT_BYTES", 1_000_000)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Accelerometer.csv", "seconds_elapsed,z,y,x\n" + "0,0,0,0\n" * 500_000)
    bundle = open_bundle(archive)
    assert bundle.header("Accelerometer.csv") == ["seconds_elapsed", "z", "y", "x"]
    with pytest.raises(InputFileError, match="unpacked member is larger than"):
        bundle.text("Accelerometer.csv")
