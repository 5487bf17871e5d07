"""The ``kinesense`` command line: one sub-command per job.

A user's mistake (missing file, a file that is not a video, nobody in view, wrong CSV columns)
is reported on one line on stderr with exit code 2; a bug keeps its traceback.
"""

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from kinesense import __version__
from kinesense.cli_support import (
    JsonOption,
    ModelOption,
    WorkersOption,
    print_json,
    user_errors,
)

app = typer.Typer(
    name="kinesense",
    help="Measure and train the body's kinesthetic sense (proprioception).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        typer.echo(f"kinesense {__version__}")
        raise typer.Exit()


@app.command()
@user_errors
def extract(
    video: Annotated[Path, typer.Argument(help="Video file to analyse.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Where to save the landmarks: .npz (exact, reloadable) or .csv. "
            "Default: VIDEO's name with .pose.npz, in the current folder.",
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
    from kinesense.capture.extract import extract_video
    from kinesense.progress import frame_progress

    target = output if output is not None else Path(video.stem + ".pose.npz")
    with frame_progress("Extracting landmarks", enabled=not as_json) as (console, advance):
        result = extract_video(video, model=model, workers=workers, progress=advance)
    written = (
        result.series.to_csv(target) if target.suffix == ".csv" else result.series.save(target)
    )
    summary = result.summary() | {"output": str(written)}
    if as_json:
        print_json(summary)
        return
    _print_extraction(console, summary)


def _print_extraction(console: Console, summary: dict[str, Any]) -> None:
    frames, detected = summary["frames"], summary["detected_frames"]
    console.print(
        f"{frames} frames ({summary['duration_s']:.1f} s), person found in {detected} "
        f"({100 * detected / max(frames, 1):.0f}%), camera view: {summary['camera_view']}"
    )
    console.print(
        f"model {summary['model']}, {summary['processing_fps']:.1f} frames/s "
        f"with {summary['workers']} worker(s)"
    )
    if summary["person_switches_s"]:
        times = ", ".join(f"{t:.2f}" for t in summary["person_switches_s"])
        console.print(f"[yellow]the model turned to another person at {times} s[/]")
    for warning in summary["warnings"]:
        console.print(f"[yellow]warning: {warning}[/]")
    console.print(f"saved to {summary['output']}")


@app.command()
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
    from kinesense.capture.live import record_camera
    from kinesense.progress import frame_progress

    source: int | str = int(camera) if camera.isdigit() else camera
    with frame_progress("Recording", enabled=not as_json) as (console, advance):
        seen = 0

        def on_frame(frame: object, detection: object) -> None:
            nonlocal seen
            seen += 1
            advance(seen, 0)

        series = record_camera(source, duration_s=seconds, model=model, on_frame=on_frame)
    written = series.to_csv(output) if output.suffix == ".csv" else series.save(output)
    summary = {
        "frames": len(series),
        "detected_frames": series.n_detected,
        "duration_s": round(series.duration_s, 3),
        "frame_rate_hz": series.frame_rate_hz,
        "camera_view": series.provenance.camera_view,
        "output": str(written),
    }
    if as_json:
        print_json(summary)
    else:
        console.print(
            f"{summary['frames']} frames in {summary['duration_s']:.1f} s, person found in "
            f"{summary['detected_frames']}; saved to {written}"
        )


@app.command()
@user_errors
def info(
    file: Annotated[Path, typer.Argument(help="Any file kinesense reads.")],
    as_json: JsonOption = False,
) -> None:
    """Describe a video, a saved series, or a keypoint, IMU or force-plate file."""
    from kinesense.describe import describe_file

    described = describe_file(file)
    if as_json:
        print_json(described)
        return
    console = Console()
    for key, value in described.items():
        if key == "details" and isinstance(value, dict):
            for sub_key, sub_value in value.items():
                console.print(f"  {sub_key}: {sub_value}", highlight=False)
        else:
            console.print(f"[bold]{key}[/]: {value}", highlight=False)


@app.command()
@user_errors
def sample(
    workers: WorkersOption = 1,
    model: ModelOption = "full",
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for the sample's landmark files.")
    ] = Path("out"),
    as_json: JsonOption = False,
) -> None:
    """Analyse the bundled sample recording (dynamic single-leg balance, filmed in a lab)."""
    from kinesense.sample import print_sample_report, run_sample

    report = run_sample(model=model, workers=workers, output_dir=output, show_progress=not as_json)
    if as_json:
        print_json(report)
    else:
        print_sample_report(report)


def main() -> None:
    """Entry point of the ``kinesense`` command."""
    app()


def _register_commands() -> None:
    from kinesense.commands import register_all

    register_all(app)


_register_commands()


if __name__ == "__main__":
    main()
