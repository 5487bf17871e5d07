"""The job functions kinesense runs in the background, by kind.

Each takes its JSON input and a progress callback and returns a JSON object (see
:mod:`kinesense.jobs.runner`). Files are named in the input relative to the data folder, so
that a worker on another machine with the same folder mounted runs the same job.

``describe``: what an uploaded recording holds (the figures of ``kinesense info``). The analysis
jobs (assessments of uploaded recordings) are added here when ``kinesense.services`` offers them;
they call the services and hold no analysis of their own.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kinesense.errors import InputFileError, KinesenseError
from kinesense.jobs.runner import JobFunction, Progress


def data_file(data_dir: Path, relative: str) -> Path:
    """``relative`` inside ``data_dir``; :class:`InputFileError` for a path that leaves it."""
    root = data_dir.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise InputFileError(f"{relative!r} is not inside the data folder")
    return path


def with_user_name(exc: KinesenseError, path: Path, name: str) -> KinesenseError:
    """``exc`` with the server's path of a file replaced by the name the user knows it by (the
    rest of the one-line message is the command line's)."""
    message = str(exc).replace(str(path), name)
    try:
        renamed = type(exc)(message)
    except TypeError:  # an error class that takes other arguments
        renamed = KinesenseError(message)
        renamed.http_status = exc.http_status
    return renamed


def without_path(value: Any, path: Path, name: str) -> Any:
    """``value`` (JSON) with the server's path of a file replaced by the user's name for it,
    in every text at any depth, so that no result shows where the server keeps files."""
    if isinstance(value, str):
        return value.replace(str(path), name)
    if isinstance(value, dict):
        return {k: without_path(v, path, name) for k, v in value.items()}
    if isinstance(value, list):
        return [without_path(v, path, name) for v in value]
    return value


def describe_job(data_dir: Path) -> JobFunction:
    """The ``describe`` job for uploads kept in ``data_dir``.

    Input: ``{"file": path relative to data_dir, "name": the name the user gave}``. Result: the
    dictionary of :func:`kinesense.describe.describe_file`, with the user's file name in place
    of the server's path (:func:`without_path`)."""

    def describe(job_input: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
        from kinesense.describe import describe_file

        path = data_file(data_dir, str(job_input["file"]))
        name = str(job_input.get("name") or path.name)
        progress(0.1, "reading the recording")
        try:
            described = describe_file(path)
        except KinesenseError as exc:
            raise with_user_name(exc, path, name) from None
        progress(0.9, "summarising")
        described.pop("path", None)
        return {"name": name, **without_path(described, path, name)}

    return describe


def job_functions(data_dir: Path) -> dict[str, JobFunction]:
    """Every job kind this kinesense runs, for files in ``data_dir``."""
    return {"describe": describe_job(data_dir)}
