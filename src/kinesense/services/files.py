"""Landmark files: extract them from a video, record them from a camera, describe any file
kinesense reads, and run the bundled sample analysis.

Outputs never destroy inputs: every output path is checked before the long work starts
(:func:`kinesense.outputs.check_output_path`: not an input, not a folder, a folder that exists
and can be written), and an existing file is replaced only whole (written beside it, then
renamed), and the answer says it was replaced. Series are written as ``.npz`` (exact,
reloadable; the suffix is added when missing) or ``.csv`` when the name ends so.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kinesense.errors import OutputFileError
from kinesense.outputs import atomic_path, check_output_path

if TYPE_CHECKING:
    from kinesense.series.base import TimeSeriesBase

Progress = Callable[[int, int], None]
"""Told (frames done, frames in all; 0 when unknown) as work goes on."""


def series_target(output: Path) -> Path:
    """The file a series is written to for ``output`` (``.npz`` added unless it ends in
    ``.csv`` or ``.npz``)."""
    if output.suffix in (".csv", ".npz"):
        return output
    return output.with_name(output.name + ".npz")


def check_series_output(output: Path, inputs: list[Path]) -> Path:
    """``output`` checked as a series file for ``inputs`` (both as named and as written)."""
    check_output_path(output, inputs=inputs, what="output")
    return check_output_path(series_target(output), inputs=inputs, what="output")


def write_series(series: "TimeSeriesBase", target: Path) -> bool:
    """Write ``series`` to ``target`` whole; whether it replaced an existing file."""
    replaced = target.exists()
    with atomic_path(target) as temporary:
        if target.suffix == ".csv":
            series.to_csv(temporary)
        else:
            written = series.save(temporary)
            if written != temporary:  # .npz appended to the temporary name
                os.replace(written, temporary)
    return replaced


@dataclass(frozen=True)
class Extraction:
    """Landmarks extracted from a video and saved: the extraction's summary (frames, detected
    frames, duration, camera view, model, speed...), where they went, and whether an existing
    file was replaced."""

    summary: dict[str, Any]
    output: Path
    replaced: bool

    def to_json(self) -> dict[str, Any]:
        """The summary with ``output`` (``kinesense extract --json``)."""
        return self.summary | {"output": str(self.output)}


def extract_landmarks(
    video: Path,
    output: Path | None = None,
    *,
    model: str = "full",
    workers: int = 1,
    progress: Progress | None = None,
) -> Extraction:
    """Find the person in ``video`` and save their landmarks (default: the video's name with
    ``.pose.npz``, in the current folder)."""
    from kinesense.capture.extract import extract_video

    target = output if output is not None else Path(video.stem + ".pose.npz")
    final = check_series_output(target, [video])
    result = extract_video(video, model=model, workers=workers, progress=progress)
    replaced = write_series(result.series, final)
    return Extraction(result.summary(), final, replaced)


def record_landmarks(
    camera: str,
    output: Path,
    *,
    seconds: float = 10.0,
    model: str = "full",
    progress: Progress | None = None,
) -> Extraction:
    """Record the landmarks of the person in front of a camera (a number or a stream address)
    for ``seconds``; no image is kept."""
    from kinesense.capture.live import record_camera

    final = check_series_output(output, [])
    source: int | str = int(camera) if camera.isdigit() else camera
    seen = 0

    def on_frame(frame: object, detection: object) -> None:
        nonlocal seen
        seen += 1
        if progress is not None:
            progress(seen, 0)

    series = record_camera(source, duration_s=seconds, model=model, on_frame=on_frame)
    replaced = write_series(series, final)
    summary = {
        "frames": len(series),
        "detected_frames": series.n_detected,
        "duration_s": round(series.duration_s, 3),
        "frame_rate_hz": series.frame_rate_hz,
        "camera_view": series.provenance.camera_view,
    }
    return Extraction(summary, final, replaced)


def describe(path: Path) -> dict[str, Any]:
    """What a file holds: a video's properties, or the series read from any other file."""
    from kinesense.describe import describe_file

    return describe_file(path)


def run_sample(
    *,
    output_dir: Path = Path("out"),
    model: str = "full",
    workers: int = 1,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The bundled sample analysis (:mod:`kinesense.sample`), its landmarks saved in
    ``output_dir`` (created if missing; its parent must exist)."""
    from kinesense.sample import run_sample as analyse

    if output_dir.exists() and not output_dir.is_dir():
        raise OutputFileError(f"{output_dir} is not a folder: give a folder for the sample's files")
    if output_dir.is_dir():
        check_output_path(output_dir / "sample_pose.npz", what="sample output")
    else:
        check_output_path(output_dir, what="sample folder")
    return analyse(model=model, workers=workers, output_dir=output_dir, progress=progress)
