"""``kinesense assess repositioning``: trunk and neck joint position sense (repositioning error)."""

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

from kinesense.assess.result import AssessmentResult
from kinesense.cli_support import JsonOption, ModelOption, user_errors
from kinesense.commands._results import (
    OutputOption,
    analysis_progress,
    checked_output,
    run_and_emit,
)
from kinesense.commands._saving import PersonOption
from kinesense.commands.assess import assess_app
from kinesense.errors import KinesenseError
from kinesense.services.assessments import (
    AXES,
    JOINTS,
    TASKS,
    TRACKING,
    parameters_for,
    repositioning_inputs,
)

HELP = (
    "Joint position sense: how accurately you return the trunk or the head to a position with "
    "your eyes closed (absolute, constant and variable error in degrees over 6 trials).\n\n"
    "TRUNK (--joint trunk, target task): sensor or phone strapped on the lower back (or a "
    "video filmed exactly from the side). Start upright and still for 2 s. With eyes open bend "
    "forward to the target (e.g. 30 deg, or a comfortable mid-range position shown by the "
    "therapist), hold 2 s, come back upright. Then with eyes closed, 6 times: bend to the same "
    "position, hold still 2 s, come back upright and pause 2 s. The first (eyes-open) hold is "
    "the target unless --target-deg gives it.\n\n"
    "NECK (--joint neck, neutral task, Revel et al. 1991): seated, phone or sensor fixed on "
    "the head, eyes closed. Start in your natural head position, still for 2 s; turn the head "
    "as far as comfortable to one side (--axis rotation) or bend it forward or back (--axis "
    "flexion), come back to where you feel straight ahead and hold still 2 s; 6 trials. A mean "
    "absolute error above 4.5 deg is the usual threshold of impaired cervical position sense. "
    "--task target tests head-to-target instead.\n\n"
    "WEBCAM (--joint neck --video F, the person facing the camera): the face model reads the "
    "head's orientation relative to the camera (as Revel's head-mounted laser is read on the "
    "wall): --axis rotation (turning), lateral (tilting to a shoulder) or flexion (nodding, "
    "with --tracking face). Sit with the back against the chair: the trunk must stay still, "
    "and a result whose head moved away from its starting place is refused. Quality flags "
    "(face seen, camera still, face size, light) and the frame-to-frame jitter are in the "
    "result.\n\n"
    "SIDE-VIEW VIDEO (body landmarks) measures sagittal flexion only: trunk flexion (hip to "
    "shoulder) and head flexion relative to the trunk (shoulder to ear); its angles are "
    "accurate to about 4 deg, so small errors are within its measurement error. An IMU is "
    "accurate to about 1-2 deg; without magnetometer its heading (rotation) drifts slowly, and "
    "the result states by how much."
)


def _trial_lines(result: AssessmentResult) -> Iterable[str]:
    for trial_number, trial in enumerate(result.plot_data.get("trials", []), start=1):
        yield (
            f"  trial {trial_number}: held {trial['reproduced_deg']:6.1f} deg "
            f"(target {trial['target_deg']:.1f}, error {trial['error_deg']:+.1f}) "
            f"at {trial['hold_start_s']:.1f}-{trial['hold_end_s']:.1f} s"
        )
    for name in ("absolute_error_deg", "constant_error_deg", "variable_error_deg"):
        yield f"  {name:22s} {result.metrics[name]:8.2f} deg"


@assess_app.command("repositioning", help=HELP)
@user_errors
def repositioning_command(
    joint: Annotated[str, typer.Option("--joint", help=f"Joint tested: {', '.join(JOINTS)}.")],
    imu: Annotated[Path | None, typer.Option("--imu", help="IMU or phone CSV (or .npz).")] = None,
    video: Annotated[
        Path | None,
        typer.Option(
            "--video",
            help="Video (facing the camera for the neck, side view for the trunk), or a saved "
            "series (.npz, keypoints).",
        ),
    ] = None,
    axis: Annotated[str, typer.Option("--axis", help=f"Movement: {', '.join(AXES)}.")] = "flexion",
    task: Annotated[
        str | None,
        typer.Option(
            "--task",
            help=f"{' or '.join(TASKS)}; default: neutral for the neck, target for the trunk.",
        ),
    ] = None,
    target_deg: Annotated[
        float | None,
        typer.Option("--target-deg", help="Target angle in degrees (default: the demonstration)."),
    ] = None,
    trials: Annotated[int, typer.Option("--trials", min=1, help="Trials required.")] = 6,
    no_demonstration: Annotated[
        bool,
        typer.Option(
            "--no-demonstration",
            help="Target task: the first hold is a trial, not the eyes-open demonstration.",
        ),
    ] = False,
    placement: Annotated[
        str | None,
        typer.Option("--placement", help="Where the sensor was worn (default: lower back / head)."),
    ] = None,
    magnetometer: Annotated[
        bool,
        typer.Option("--magnetometer", help="Rotation: correct heading with the magnetometer."),
    ] = False,
    tracking: Annotated[
        str,
        typer.Option(
            "--tracking",
            help=f"Video: {', '.join(TRACKING)}; face = head orientation from the face model, "
            "body = landmarks of a side view; auto: face for neck rotation and lateral "
            "flexion, body otherwise.",
        ),
    ] = "auto",
    model: ModelOption = "full",
    output: OutputOption = None,
    as_json: JsonOption = False,
    person: PersonOption = None,
) -> None:
    if (imu is None) == (video is None):
        raise KinesenseError("give exactly one recording: --imu FILE or --video FILE")
    target = checked_output(output, [imu, video])
    params = parameters_for("repositioning", trials=trials)
    with analysis_progress() as advance:
        inputs = repositioning_inputs(
            joint,
            imu=imu,
            video=video,
            axis=axis,
            task=task,
            target_deg=target_deg,
            demonstration=not no_demonstration,
            placement=placement,
            use_magnetometer=magnetometer,
            model=model,
            tracking=tracking,
            progress=advance,
        )
    run_and_emit(
        "repositioning",
        inputs,
        params,
        as_json=as_json,
        output=target,
        person=person,
        details=_trial_lines,
    )


def register(app: typer.Typer) -> None:
    """The command is added to the ``assess`` group at import (see commands/assess.py)."""
