"""``kinesense assess posture``: standing posture angles from a photo or a short video."""

from pathlib import Path
from typing import Annotated

import typer

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
from kinesense.services.assessments import posture_inputs

HELP = (
    "Standing posture from a photo (--image) or a few seconds of video (--video): from the "
    "SIDE, head position (an approximate craniovertebral angle), head tilt, trunk inclination "
    "and knee hyperextension; from the FRONT (or back), shoulder and pelvic obliquity and the "
    "knee angles (valgus/varus). Take one picture from the side and one from the front.\n\n"
    "Camera: at chest height, level (not tilted up or down), 2-4 m away, your whole body from "
    "head to feet in the picture, plain background, good light. Side: stand exactly side-on "
    "(either side). Front: face the camera squarely.\n\n"
    "Wear: shorts and a fitted top (or bare shoulders) so the shoulders, hips and knees show; "
    "hair off the ears; bare feet.\n\n"
    "Stand as you usually do, relaxed, arms by your sides, looking straight ahead, weight on "
    "both feet. For a video, hold still for 3-5 s: each angle is the median over the frames. "
    "Angles are in degrees; kinesense does not diagnose."
)


@assess_app.command("posture", help=HELP)
@user_errors
def posture(
    image: Annotated[
        Path | None, typer.Option("--image", help="A photo (JPEG, PNG) of the person standing.")
    ] = None,
    video: Annotated[
        Path | None,
        typer.Option("--video", help="Video, or landmarks saved by 'kinesense extract' (.npz)."),
    ] = None,
    model: ModelOption = "full",
    as_json: JsonOption = False,
    output: OutputOption = None,
    person: PersonOption = None,
) -> None:
    if (image is None) == (video is None):
        raise KinesenseError("give one recording: --image PHOTO or --video FILE")
    target = checked_output(output, [image, video])
    with analysis_progress() as advance:
        inputs = posture_inputs(image=image, video=video, model=model, progress=advance)
    run_and_emit("posture", inputs, as_json=as_json, output=target, person=person)


def register(app: typer.Typer) -> None:
    """The command is added to the ``assess`` group (registered by commands/assess.py)."""
