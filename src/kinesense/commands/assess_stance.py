"""``kinesense assess stance``: single-leg stance time from a video, with age norms."""

from enum import StrEnum
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
from kinesense.services.assessments import parameters_for, stance_inputs

HELP = (
    "Single-leg stance test: how long you can stand on one leg (best of 3 trials, up to 45 s), "
    "compared with healthy people of your age (Springer et al. 2007).\n\n"
    "Camera: phone upright (portrait) on a shelf or tripod at hip height, 2-3 m in FRONT of "
    "you, level, not tilted; your whole body from head to feet in the picture with some floor "
    "below the feet; good light. Not from an angle: the camera must face you squarely.\n\n"
    "Wear: bare feet (or the same flat shoes every time), shorts or fitted trousers so the "
    "ankles show. Stand on a firm floor next to a wall or a chair you can grab if needed.\n\n"
    "Test: start the recording, stand on both feet for 2 s, then lift the foot of your choice "
    "so it is near, not touching, the other ankle, and hold as long as you can, up to 45 s. "
    "Look at a point on the wall. Use --hands-on-hips if you keep your hands on your hips: "
    "taking them off then ends the trial. A trial ends when the lifted foot touches the floor, "
    "the standing foot hops or shifts, or the hands leave the hips. Put the foot down, rest a "
    "few seconds, and repeat: 3 trials in one recording (or one trial a file). Eyes closed: "
    "same, with --eyes closed (have someone beside you).\n\n"
    "Give --age (and --sex for the eyes-closed norms) to compare with the norms. kinesense "
    "does not diagnose; stop if you feel unsafe."
)


class Eyes(StrEnum):
    """Test condition."""

    open = "open"
    closed = "closed"


class Sex(StrEnum):
    """For the eyes-closed norms, which Springer et al. give for women and men."""

    female = "female"
    male = "male"


@assess_app.command("stance", help=HELP)
@user_errors
def stance(
    video: Annotated[
        Path,
        typer.Option("--video", help="Video, or landmarks saved by 'kinesense extract' (.npz)."),
    ],
    age: Annotated[
        int | None, typer.Option("--age", min=1, max=120, help="Age in years, for the norms.")
    ] = None,
    eyes: Annotated[Eyes, typer.Option("--eyes", help="Eyes open or closed.")] = Eyes.open,
    sex: Annotated[
        Sex | None, typer.Option("--sex", help="Needed for the eyes-closed norms.")
    ] = None,
    hands_on_hips: Annotated[
        bool,
        typer.Option(
            "--hands-on-hips", help="Hands stay on the hips; taking them off ends a trial."
        ),
    ] = False,
    max_time: Annotated[
        float, typer.Option("--max-time", min=1.0, help="Trial ceiling in seconds.")
    ] = 45.0,
    model: ModelOption = "full",
    as_json: JsonOption = False,
    output: OutputOption = None,
    person: PersonOption = None,
) -> None:
    target = checked_output(output, [video])
    params = parameters_for("stance", max_time_s=max_time)
    with analysis_progress() as advance:
        inputs = stance_inputs(
            video,
            age=age,
            eyes=eyes.value,
            sex=sex.value if sex is not None else None,
            hands_on_hips=hands_on_hips,
            model=model,
            progress=advance,
        )
    run_and_emit("stance", inputs, params, as_json=as_json, output=target, person=person)


def register(app: typer.Typer) -> None:
    """The command is added to the ``assess`` group (registered by commands/assess.py)."""
