"""Output paths are checked before work starts, never overwrite an input, and are replaced whole."""

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from kinesense.errors import OutputFileError
from kinesense.outputs import atomic_path, atomic_write, check_output_path


def test_an_output_equal_to_an_input_is_refused(tmp_path: Path) -> None:
    recording = tmp_path / "clip.npz"
    recording.write_bytes(b"data")
    with pytest.raises(OutputFileError, match="also an input"):
        check_output_path(recording, inputs=[recording])
    link = tmp_path / "link.npz"
    link.symlink_to(recording)
    with pytest.raises(OutputFileError, match="also an input"):
        check_output_path(link, inputs=[recording])
    relative = Path(os.path.relpath(recording))
    with pytest.raises(OutputFileError, match="also an input"):
        check_output_path(relative, inputs=[recording])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing" / "out.json", "does not exist"),
        (lambda d: d, "is a folder"),
        (lambda d: d / ("x" * 256 + ".json"), "longer than 255 bytes"),
    ],
)
def test_unwritable_outputs_are_refused_with_one_line(
    tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    with pytest.raises(OutputFileError, match=message) as raised:
        check_output_path(make(tmp_path))
    assert "\n" not in str(raised.value)


def test_a_device_is_not_an_output() -> None:
    with pytest.raises(OutputFileError, match="not a regular file"):
        check_output_path("/dev/null")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_folder_is_refused(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(OutputFileError, match="not writable"):
            check_output_path(tmp_path / "out.json")
    finally:
        tmp_path.chmod(0o700)


def test_atomic_write_replaces_the_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    atomic_write(target, "new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_a_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")

    def crash_while_writing() -> None:
        with atomic_path(target) as temporary:
            temporary.write_text("half")
            raise RuntimeError("crash while writing")

    with pytest.raises(RuntimeError):
        crash_while_writing()
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
