"""``kinesense extract VIDEO`` and ``kinesense record``: landmarks from a video or a camera."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kinesense.cli_support import (
    JsonOption,
    ModelOption,
    WorkersOption,
    print_json,
    say,
    user_errors,
)
from kinesense.progress import frame_progress
from kinesense.services.files import Extraction, extract_landmarks, record_landmarks


@user_errors
def extract(
    video: Annotated[Path, typer.Argument(help="Video file to analyse.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Where to save the landmarks: .npz (exact, reloadable) or .csv. "
            "Default: VIDEO's name with .pose.npz, in the current folder. An existing file is "
            "replaced whole; the input is never overwritten.",
        ),
    ] = None,
    model: ModelOption = "full",
    workers: WorkersOption = 1,
    as_json: JsonOption = False,
) -> None:
    """Find the person in a video and save their landmarks over time.

    Every frame is analysed with the BlazePose model shipped inside kinesense (nothing is
    downloaded). When several people are in view, the largest and most central one at the start
    is followed; moments when the model turned to someone else are recorded.
    """
    with frame_progress("Extracting landmarks", enabled=not as_json) as (console, advance):
        done = extract_landmarks(video, output, model=model, workers=workers, progress=advance)
    if not _printed_as_json(done, as_json):
        _print_extraction(console, done)


def _printed_as_json(done: Extraction, as_json: bool) -> bool:
    """Say on stderr when an existing file was replaced; print the JSON when asked (True)."""
    if done.replaced:
        say(f"replaced the existing file {done.output}", console=Console(stderr=True))
    if as_json:
        print_json(done.to_json())
    return as_json


def _print_extraction(console: Console, done: Extraction) -> None:
    summary = done.summary
    frames, detected = summary["frames"], summary["detected_frames"]
    say(
        f"{frames} frames ({summary['duration_s']:.1f} s), person found in {detected} "
        f"({100 * detected / max(frames, 1):.0f}%), camera view: {summary['camera_view']}",
        console=console,
    )
    say(
        f"model {summary['model']}, {summary['processing_fps']:.1f} frames/s "
        f"with {summary['workers']} worker(s)",
        console=console,
    )
    if summary["person_switches_s"]:
        times = ", ".join(f"{t:.2f}" for t in summary["person_switches_s"])
        say(f"the model turned to another person at {times} s", console=console, style="yellow")
    for warning in summary["warnings"]:
        say(f"warning: {warning}", console=console, style="yellow")
    say(f"saved to {done.output}", console=console)


@user_errors
def record(
    camera: Annotated[
        str, typer.Option("--camera", "-c", help="Camera number (0 = first) or stream address.")
    ] = "0",
    seconds: Annotated[
        float, typer.Option("--seconds", "-s", min=0.1, help="How long to record.")
    ] = 10.0,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to save the landmarks (.npz or .csv).")
    ] = Path("camera.pose.npz"),
    model: ModelOption = "full",
    as_json: JsonOption = False,
) -> None:
    """Record the landmarks of the person in front of a camera.

    Stand so that your whole body is in the picture. Only landmarks are kept: no image is
    stored.
    """
    with frame_progress("Recording", enabled=not as_json) as (console, advance):
        done = record_landmarks(camera, output, seconds=seconds, model=model, progress=advance)
    if _printed_as_json(done, as_json):
        return
    summary = done.summary
    say(
        f"{summary['frames']} frames in {summary['duration_s']:.1f} s, person found in "
        f"{summary['detected_frames']}; saved to {done.output}",
        console=console,
    )


def register(app: typer.Typer) -> None:
    """Add ``kinesense extract`` and ``kinesense record``."""
    app.command("extract")(extract)
    app.command("record")(record)
