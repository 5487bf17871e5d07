"""The ``kinesense`` command line: one sub-command per job.

A user's mistake (missing file, a file that is not a video, nobody in view, wrong CSV columns)
is reported on one line on stderr with exit code 2; a bug keeps its traceback.
"""

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from kinesense import __version__
from kinesense.errors import KinesenseError

app = typer.Typer(
    name="kinesense",
    help="Measure and train the body's kinesthetic sense (proprioception).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

P = ParamSpec("P")
R = TypeVar("R")
USER_ERROR_EXIT = 2


def _user_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn a :class:`KinesenseError` into a one-line message and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except KinesenseError as exc:
            Console(stderr=True).print(
                f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(USER_ERROR_EXIT) from None
        except KeyboardInterrupt:
            Console(stderr=True).print("interrupted")
            raise typer.Exit(130) from None

    return wrapper


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data) + "\n")


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        typer.echo(f"kinesense {__version__}")
        raise typer.Exit()


ModelOption = Annotated[
    str,
    typer.Option(
        "--model",
        "-m",
        help="Pose model: 'full' (default, for measurement), 'lite' (faster) or a .task file.",
    ),
]
WorkersOption = Annotated[
    int, typer.Option("--workers", "-w", min=1, help="Processes to split a long video across.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]


@app.command()
@_user_errors
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
        _print_json(summary)
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
@_user_errors
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
        _print_json(summary)
    else:
        console.print(
            f"{summary['frames']} frames in {summary['duration_s']:.1f} s, person found in "
            f"{summary['detected_frames']}; saved to {written}"
        )


@app.command()
@_user_errors
def info(
    file: Annotated[Path, typer.Argument(help="Any file kinesense reads.")],
    as_json: JsonOption = False,
) -> None:
    """Describe a video, a saved series, or a keypoint, IMU or force-plate file."""
    from kinesense.describe import describe_file

    described = describe_file(file)
    if as_json:
        _print_json(described)
        return
    console = Console()
    for key, value in described.items():
        if key == "details" and isinstance(value, dict):
            for sub_key, sub_value in value.items():
                console.print(f"  {sub_key}: {sub_value}", highlight=False)
        else:
            console.print(f"[bold]{key}[/]: {value}", highlight=False)


@app.command()
@_user_errors
def sample(
    workers: WorkersOption = 1,
    model: ModelOption = "full",
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for the sample's landmark files.")
    ] = Path("out"),
    as_json: JsonOption = False,
) -> None:
    """Analyse the bundled sample recording (single-leg balance, side camera) and summarise it."""
    from kinesense.sample import print_sample_report, run_sample

    report = run_sample(model=model, workers=workers, output_dir=output, show_progress=not as_json)
    if as_json:
        _print_json(report)
    else:
        print_sample_report(report)


def main() -> None:
    """Entry point of the ``kinesense`` command."""
    app()


if __name__ == "__main__":
    main()
