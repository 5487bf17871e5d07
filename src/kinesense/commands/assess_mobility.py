"""``kinesense assess mobility``: trunk ranges of motion, symmetry, smoothness, forward bending."""

from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kinesense.assess.result import AssessmentResult
from kinesense.cli_support import JsonOption, ModelOption, user_errors
from kinesense.commands._results import (
    OutputOption,
    analysis_progress,
    checked_output,
    metric_lines,
    run_and_emit,
)
from kinesense.commands._saving import PersonOption
from kinesense.commands.assess import assess_app
from kinesense.errors import KinesenseError
from kinesense.services.assessments import mobility_inputs

HELP = (
    "Trunk mobility from one recording of one movement: range of motion (degrees, largest and "
    "mean of the repetitions), left/right symmetry index, smoothness (SPARC), and for forward "
    "bending the share of hips and low back.\n\n"
    "For every movement: camera at hip height, 2-3 m away, whole body in view, good light, "
    "fitted clothes. Stand upright and STILL for 2 s before moving (the starting posture is the "
    "zero), then move slowly, 3 times.\n\n"
    "flexion: stand side-on to the camera; bend forwards as far as is comfortable, knees "
    "straight, and come back up.\n\n"
    "extension: stand side-on, hands on the hips; lean backwards as far as is comfortable and "
    "come back.\n\n"
    "lateral: face the camera (or turn your back to it), arms by your sides; slide one hand "
    "down the side of the thigh and come back; alternate left and right, 3 times each side.\n\n"
    "rotation: face the camera, arms crossed on the chest, hips facing forwards; turn the "
    "shoulders to one side and back; alternate, 3 times each side. Measured from the model's "
    "3-D landmarks: less exact than the other movements; compare with your own earlier results "
    "made with the same set-up.\n\n"
    "forward-bend: stand side-on, bend forwards letting the back round naturally. From video: "
    "trunk angle, thigh-to-trunk angle and knee bend. The lumbopelvic rhythm (how much of the "
    "bend comes from the low back and how much from the hips, early, middle and late in the "
    "bend) needs two motion sensors: one on the sacrum (--imu-pelvis) and one at the bottom of "
    "the rib cage on the spine (--imu-trunk), recorded on one clock.\n\n"
    "waiters-bow: stand side-on, bow forwards from the hips to about 60 deg keeping the back "
    "straight. Correct: hip flexion of 50-70 deg without the low back bending (Luomajoki 2007). "
    "Video checks the hip angle only; the two sensors also check the low back.\n\n"
    "A phone or sensor strapped to the sternum (--imu-trunk, no --video) measures flexion, "
    "extension and rotation the same way; start still for 2 s.\n\n"
    "Angles are of the whole trunk (hips to shoulders), not lumbar range of motion. kinesense "
    "does not diagnose."
)


class Movement(StrEnum):
    """Movements of ``kinesense assess mobility``."""

    flexion = "flexion"
    extension = "extension"
    lateral = "lateral"
    rotation = "rotation"
    forward_bend = "forward-bend"
    waiters_bow = "waiters-bow"


def _mobility_lines(result: AssessmentResult) -> Iterable[str]:
    yield from metric_lines(result)
    for peak in result.plot_data.get("peaks", []):
        yield f"  peak {peak['side']:9s} {peak['angle_deg']:6.1f} deg at {peak['time_s']:.2f} s"


@assess_app.command("mobility", help=HELP)
@user_errors
def mobility(
    movement: Annotated[
        Movement, typer.Option("--movement", help="The movement recorded (one per recording).")
    ],
    video: Annotated[
        Path | None,
        typer.Option("--video", help="Video, or landmarks saved by 'kinesense extract' (.npz)."),
    ] = None,
    imu_trunk: Annotated[
        Path | None,
        typer.Option(
            "--imu-trunk",
            help="Motion sensor (CSV) on the sternum or upper back: flexion, extension, rotation; "
            "with --imu-pelvis: forward-bend, waiters-bow.",
        ),
    ] = None,
    imu_pelvis: Annotated[
        Path | None, typer.Option("--imu-pelvis", help="Motion sensor on the sacrum.")
    ] = None,
    model: ModelOption = "full",
    as_json: JsonOption = False,
    output: OutputOption = None,
    person: PersonOption = None,
) -> None:
    if video is None and imu_trunk is None and imu_pelvis is None:
        raise KinesenseError("give a recording: --video FILE (or --imu-trunk and --imu-pelvis)")
    target = checked_output(output, [video, imu_trunk, imu_pelvis])
    with analysis_progress() as advance:
        name, inputs = mobility_inputs(
            movement.value,
            video=video,
            imu_trunk=imu_trunk,
            imu_pelvis=imu_pelvis,
            model=model,
            progress=advance,
        )
    run_and_emit(
        name, inputs, as_json=as_json, output=target, person=person, details=_mobility_lines
    )


def register(app: typer.Typer) -> None:
    """The command is added to the ``assess`` group (registered by commands/assess.py)."""
