"""Writing output files safely: outputs never destroy inputs, and a file is replaced only whole.

Every command or service that writes a file a user named calls :func:`check_output_path` before
any long work starts (so a bad path fails in a second, not after a ten-minute extraction), then
writes through :func:`atomic_write` (or :func:`atomic_path`), which writes a temporary file in
the same folder and renames it over the target: a crash or a full disk leaves either the old
file or the new one, never half of either.
"""

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from kinesense.errors import OutputFileError

NAME_MAX_BYTES = 255
"""The longest file or folder name (one path component) most file systems accept, in bytes."""


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_output_path(
    target: str | Path, *, inputs: Iterable[str | Path] = (), what: str = "output"
) -> Path:
    """``target`` as a :class:`Path` that can be written, checked before any work is done.

    Refused with :class:`OutputFileError` (one line naming the fix): an output equal to one of
    ``inputs`` (the same path, or the same file through a link), a folder, a path inside a
    missing or unwritable folder, a name longer than the file system allows, a device or pipe.
    An existing regular file is accepted: it will be replaced atomically.
    """
    path = Path(target).expanduser()
    for part in path.parts:
        if len(part.encode("utf-8", "surrogateescape")) > NAME_MAX_BYTES:
            raise OutputFileError(
                f"cannot write {what} {path}: a name in the path is longer than "
                f"{NAME_MAX_BYTES} bytes"
            )
    resolved = path.resolve()
    for source in inputs:
        source_path = Path(source).expanduser()
        if resolved == source_path.resolve() or _same_file(path, source_path):
            raise OutputFileError(
                f"the {what} {path} is also an input: choose another output name so that the "
                "recording is not overwritten"
            )
    if path.is_dir():
        raise OutputFileError(f"cannot write {what} {path}: it is a folder; give a file name")
    if path.exists() and not path.is_file():
        raise OutputFileError(f"cannot write {what} {path}: it is not a regular file")
    folder = resolved.parent
    if not folder.is_dir():
        raise OutputFileError(
            f"cannot write {what} {path}: folder {folder} does not exist (create it first)"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputFileError(f"cannot write {what} {path}: folder {folder} is not writable")
    return path


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """A temporary path beside ``target``; when the block ends without error it replaces
    ``target`` in one rename, otherwise it is removed and ``target`` is left as it was.

    ``OSError`` while writing (a full disk, a lost permission) becomes :class:`OutputFileError`.
    """
    final = Path(target)
    handle, name = tempfile.mkstemp(prefix=f".{final.name[:100]}.", suffix=".part",
                                    dir=final.parent)  # fmt: skip
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, final)
    except OSError as exc:
        raise OutputFileError(f"cannot write {final}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def atomic_write(target: str | Path, data: bytes | str) -> Path:
    """Write ``data`` (text is UTF-8) to ``target`` atomically; returns the path written."""
    content = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(target) as temporary:
        temporary.write_bytes(content)
    return Path(target)
