"""``kinesense sample``: the bundled sample analysis (``make run``)."""

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from kinesense.cli_support import (
    JsonOption,
    ModelOption,
    WorkersOption,
    print_json,
    say,
    user_errors,
)
from kinesense.progress import frame_progress
from kinesense.services.files import run_sample


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
    with frame_progress("Analysing the sample", enabled=not as_json) as (_, advance):
        report = run_sample(output_dir=output, model=model, workers=workers, progress=advance)
    if as_json:
        print_json(report)
    else:
        print_sample_report(report)


def print_sample_report(report: dict[str, Any], console: Console | None = None) -> None:
    """Print the sample's report as a short readable summary."""
    out = console or Console()
    ext, ana = report["extraction"], report["analysis"]
    out.print(f"[bold]kinesense sample analysis[/]: {report['recording']}")
    out.print(
        f"{ext['frames']} frames, {ext['duration_s']:.2f} s, person found in "
        f"{ext['detected_frames']} frames; camera view {ext['camera_view']}; "
        f"model {ext['model']} at {ext['processing_fps']:.0f} frames/s"
    )
    table = Table(title="Angles from the image (degrees)")
    for column in ("measure", "mean", "sd", "min", "max"):
        table.add_column(column, justify="left" if column == "measure" else "right")
    for key, label in (
        ("trunk_inclination_deg", "trunk inclination (+ = image right)"),
        ("left_knee_flexion_deg", "left knee flexion"),
        ("right_knee_flexion_deg", "right knee flexion"),
    ):
        row = ana[key]
        table.add_row(
            label,
            *("-" if row[k] is None else f"{row[k]:.1f}" for k in ("mean", "sd", "min", "max")),
        )
    out.print(table)
    if ana["lifted_foot"] is not None:
        out.print(
            f"lifted foot: {ana['lifted_foot']} ({100 * ana['lifted_foot_share']:.0f}% of frames)"
        )
    travel = ana["com_travel_pct_height"]
    out.print(
        "centre of mass travel (de Leva 1996): "
        f"{travel['medio_lateral_image_x']:.1f}% of height sideways, "
        f"{travel['vertical_image_y']:.1f}% vertically"
    )
    say(f"landmarks saved to {', '.join(report['saved'])}", console=out)


def register(app: typer.Typer) -> None:
    """Add ``kinesense sample``."""
    app.command("sample")(sample)
