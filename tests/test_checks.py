"""Input paths refused before opening (FIFOs, devices, over-long names), capped reading, zip
directories checked before zipfile reads them."""

import io
import os
import threading
import zipfile
from pathlib import Path

import pytest

from kinesense._checks import (
    MAX_NAME_BYTES,
    check_input_dir,
    check_input_file,
    check_input_path,
    check_option,
    check_path_names,
    check_positive,
    check_zip_directory,
    open_regular,
    read_capped,
)
from kinesense.errors import InputFileError, InvalidValueError


def test_option_and_positive_checks() -> None:
    assert check_option("units", "cm", ("m", "cm")) == "cm"
    with pytest.raises(InvalidValueError, match="units must be one of 'm', 'cm'; got 'in'"):
        check_option("units", "in", ("m", "cm"))
    assert check_positive("rate", 2) == 2.0
    with pytest.raises(InvalidValueError, match="finite"):
        check_positive("rate", float("nan"))
    with pytest.raises(InvalidValueError, match="greater than zero"):
        check_positive("rate", 0.0)


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "recording.csv"
    os.mkfifo(fifo)
    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            check_input_file(fifo)
        except InputFileError as exc:
            outcome.append(exc)
        else:
            outcome.append(None)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=5)
    if worker.is_alive():  # the old check opened the FIFO and blocked for a writer
        with open(fifo, "wb"):
            pass
        pytest.fail("check_input_file blocked on a FIFO")
    assert isinstance(outcome[0], InputFileError)
    assert "FIFO" in str(outcome[0])
    with pytest.raises(InputFileError, match="FIFO"):
        check_input_path(fifo)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_devices_are_refused(device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"{device} is absent")
    with pytest.raises(InputFileError, match="is a device, not a file"):
        check_input_file(device)


def test_a_path_component_over_255_bytes_is_one_line(tmp_path: Path) -> None:
    long_name = "é" * 130 + ".csv"  # 264 bytes in UTF-8, 134 characters
    assert len(os.fsencode(long_name)) > MAX_NAME_BYTES
    for check in (check_input_file, check_input_path, check_input_dir, check_path_names):
        with pytest.raises(InputFileError, match="has 264 bytes, more than the 255") as caught:
            check(tmp_path / long_name)
        assert "\n" not in str(caught.value)
    ok = "a" * MAX_NAME_BYTES
    with pytest.raises(InputFileError, match="not found"):
        check_input_file(tmp_path / ok)


def test_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "f.csv").write_text("t\n")
    assert check_input_file(tmp_path / "f.csv") == tmp_path / "f.csv"
    assert check_input_dir(tmp_path) == tmp_path
    with pytest.raises(InputFileError, match="is a folder, not a file"):
        check_input_file(tmp_path)
    with pytest.raises(InputFileError, match="is not a folder"):
        check_input_dir(tmp_path / "f.csv")
    with pytest.raises(InputFileError, match="not found"):
        check_input_dir(tmp_path / "absent")


def test_open_regular_refuses_a_fifo_after_opening(tmp_path: Path) -> None:
    fifo = tmp_path / "swapped.csv"
    os.mkfifo(fifo)
    with pytest.raises(InputFileError, match="FIFO"):
        open_regular(fifo)
    (tmp_path / "f.bin").write_bytes(b"abc")
    with open_regular(tmp_path / "f.bin") as handle:
        assert handle.read() == b"abc"


def test_read_capped_stops_one_byte_past_the_cap() -> None:
    assert read_capped(io.BytesIO(b"x" * 10), 10, "s", "the data") == b"x" * 10

    class Endless:
        served = 0

        def read(self, size: int = -1) -> bytes:
            self.served += size
            return b"\0" * size

    endless = Endless()
    with pytest.raises(InputFileError, match=r"s: the data is larger than the 0.000953674 MiB"):
        read_capped(endless, 1000, "s", "the data")
    assert endless.served == 1001


def test_zip_directory_announcing_too_many_members_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(30):
            zf.writestr(f"m{i}.csv", "t\n")
    check_zip_directory(archive, "zip", max_entries=30, max_bytes=1 << 20)
    with pytest.raises(InputFileError, match="announces 30 members"):
        check_zip_directory(archive, "zip", max_entries=29, max_bytes=1 << 20)
    not_zip = tmp_path / "plain.zip"
    not_zip.write_bytes(b"plain text")
    check_zip_directory(not_zip, "zip", max_entries=1, max_bytes=1)  # left to zipfile
