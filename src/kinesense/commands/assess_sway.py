"""``kinesense assess sway|romberg|ctsib``: standing balance from a force plate, video or IMU."""

from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel

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
    DEFAULT_CUTOFF_HZ,
    DEFAULT_DURATION_S,
    EYES,
    FORWARD_AXES,
    STANCES,
    SURFACES,
    Kind,
    ctsib_inputs,
    parameters_for,
    recording_kind,
    romberg_inputs,
    sway_inputs,
    sway_source,
)
from kinesense.services.recordings import CopColumns, ReadingOptions

PROTOCOL_HELP = (
    "Protocol: stand still for 30 s, arms by your sides, eyes on a mark at eye level 2-3 m "
    "away; start recording before and stop after the 30 s; do 3 trials of each condition "
    "if you can and compare like with like. Force plate: stand in the middle of the plate, "
    "barefoot. Camera (a video): on a "
    "tripod at hip height, 3-4 m away, whole body in view, from the FRONT for side-to-side sway "
    "or exactly from the SIDE for forward-backward sway; give --height-cm (170 cm assumed "
    "otherwise); video sway has about 1 cm of error: use it to follow progress, not to compare "
    "with force-plate norms. Phone/IMU: strapped firmly over the lower back or the "
    "sternum; give --sensor-height-cm (height above the ankles, 100 cm assumed) and "
    "--forward-axis (+z: phone on the sternum with the screen facing out; -z: on the lower back "
    "with the screen facing out)."
)

NORM_HELP = (
    "Give --age and --sex to compare a force-plate trial with people of your age group and sex "
    "in the Santos & Duarte 2016 data set (60-s trials, feet apart: use --stance feet-apart and "
    "--duration-s 60; the sway speed is compared from 30 s, the sway area only for 60-s trials)."
)

EyesOption = Annotated[str, typer.Option("--eyes", help=f"Eyes: {', '.join(EYES)}.")]
StanceOption = Annotated[str, typer.Option("--stance", help=f"Stance: {', '.join(STANCES)}.")]
SurfaceOption = Annotated[str, typer.Option("--surface", help=f"Surface: {', '.join(SURFACES)}.")]
DurationOption = Annotated[
    float, typer.Option("--duration-s", help="Protocol trial length in seconds (30).")
]
CutoffOption = Annotated[
    float, typer.Option("--cutoff-hz", help="Low-pass cut-off, zero-lag Butterworth (10 Hz).")
]
NoFilterOption = Annotated[
    bool, typer.Option("--no-filter", help="Analyse the samples without low-pass filtering.")
]
MlColumnOption = Annotated[
    str | None,
    typer.Option("--ml-column", help="Force-plate CSV: medio-lateral CoP column (default: "
                 "from the file's layout or header, else CoPx)."),
]  # fmt: skip
ApColumnOption = Annotated[
    str | None,
    typer.Option("--ap-column", help="Force-plate CSV: antero-posterior CoP column (default: "
                 "from the file's layout or header, else CoPy)."),
]  # fmt: skip
ForceColumnOption = Annotated[
    str | None,
    typer.Option("--force-column", help="Force-plate CSV: vertical force column in N (default: "
                 "Fz or the layout's, if the file has one)."),
]  # fmt: skip
CopUnitsOption = Annotated[
    str | None,
    typer.Option("--cop-units", help="Force-plate CSV: CoP unit, m, cm or mm (default: from "
                 "the header, else m)."),
]  # fmt: skip
HeightOption = Annotated[
    float | None,
    typer.Option("--height-cm", help="Video: the person's standing height (170 cm assumed)."),
]
SensorHeightOption = Annotated[
    float | None,
    typer.Option(
        "--sensor-height-cm", help="IMU: sensor height above the ankles (100 cm assumed)."
    ),
]
ForwardAxisOption = Annotated[
    str, typer.Option("--forward-axis", help=f"IMU: sensor axis pointing forward: {FORWARD_AXES}.")
]
AgeOption = Annotated[
    float | None,
    typer.Option(
        "--age", min=1, max=120, help="Age in years, to compare with people of your age group."
    ),
]
SexOption = Annotated[
    str | None,
    typer.Option("--sex", help="f or m (female or male), to compare with the reference by sex."),
]
SourceOption = Annotated[
    str,
    typer.Option("--source", help="cop, video or imu; auto (default) infers it from the files."),
]


def _reading(
    ml_column: str | None,
    ap_column: str | None,
    force_column: str | None,
    cop_units: str | None,
    model: str,
) -> ReadingOptions:
    return ReadingOptions(
        cop=CopColumns(ml_column, ap_column, force_column, cop_units), model=model
    )


def _params(duration_s: float, cutoff_hz: float, no_filter: bool) -> BaseModel:
    return parameters_for("sway", duration_s=duration_s, cutoff_hz=cutoff_hz, filter=not no_filter)


def _one_source(cop: Path | None, video: Path | None, imu: Path | None) -> tuple[Path, Kind]:
    given = [(p, k) for p, k in ((cop, "cop"), (video, "video"), (imu, "imu")) if p is not None]
    if len(given) != 1:
        raise KinesenseError("give exactly one recording: --cop FILE, --video FILE or --imu FILE")
    return given[0][0], recording_kind(given[0][1])


@assess_app.command(
    "sway",
    help="Postural sway of one standing trial. " + PROTOCOL_HELP + " " + NORM_HELP,
    short_help="Postural sway of one standing trial (force plate, video or IMU).",
)
@user_errors
def sway_command(
    cop: Annotated[Path | None, typer.Option("--cop", help="Force-plate CoP CSV.")] = None,
    video: Annotated[
        Path | None, typer.Option("--video", help="Video, or a pose series (.npz).")
    ] = None,
    imu: Annotated[Path | None, typer.Option("--imu", help="IMU or phone CSV.")] = None,
    eyes: EyesOption = "open",
    stance: StanceOption = "feet-together",
    surface: SurfaceOption = "firm",
    duration_s: DurationOption = DEFAULT_DURATION_S,
    cutoff_hz: CutoffOption = DEFAULT_CUTOFF_HZ,
    no_filter: NoFilterOption = False,
    ml_column: MlColumnOption = None,
    ap_column: ApColumnOption = None,
    force_column: ForceColumnOption = None,
    cop_units: CopUnitsOption = None,
    height_cm: HeightOption = None,
    sensor_height_cm: SensorHeightOption = None,
    forward_axis: ForwardAxisOption = "+z",
    direction: Annotated[
        str,
        typer.Option(
            "--direction",
            help="Video: ml (needs a front view), ap (needs a side view) or auto (from the view).",
        ),
    ] = "auto",
    age: AgeOption = None,
    sex: SexOption = None,
    model: ModelOption = "full",
    output: OutputOption = None,
    as_json: JsonOption = False,
    person: PersonOption = None,
) -> None:
    path, kind = _one_source(cop, video, imu)
    source = sway_source(height_cm, sensor_height_cm, forward_axis, direction)
    target = checked_output(output, [path])
    params = _params(duration_s, cutoff_hz, no_filter)
    reading = _reading(ml_column, ap_column, force_column, cop_units, model)
    with analysis_progress() as advance:
        inputs = sway_inputs(path, kind, eyes=eyes, stance=stance, surface=surface, source=source,
                             reading=reading, progress=advance, age=age, sex=sex)  # fmt: skip
    run_and_emit("sway", inputs, params, as_json=as_json, output=target, person=person)


@assess_app.command(
    "romberg",
    short_help="Romberg quotient: sway eyes closed / eyes open.",
    help="Romberg quotient: sway with eyes closed / eyes open (mean velocity), from two trials "
    "in the same stance on the same surface, eyes open first. " + PROTOCOL_HELP,
)
@user_errors
def romberg_command(
    eo: Annotated[Path, typer.Option("--eo", help="Eyes-open recording.")],
    ec: Annotated[Path, typer.Option("--ec", help="Eyes-closed recording.")],
    source: SourceOption = "auto",
    stance: StanceOption = "feet-together",
    surface: SurfaceOption = "firm",
    duration_s: DurationOption = DEFAULT_DURATION_S,
    cutoff_hz: CutoffOption = DEFAULT_CUTOFF_HZ,
    no_filter: NoFilterOption = False,
    ml_column: MlColumnOption = None,
    ap_column: ApColumnOption = None,
    force_column: ForceColumnOption = None,
    cop_units: CopUnitsOption = None,
    height_cm: HeightOption = None,
    sensor_height_cm: SensorHeightOption = None,
    forward_axis: ForwardAxisOption = "+z",
    model: ModelOption = "full",
    output: OutputOption = None,
    as_json: JsonOption = False,
    person: PersonOption = None,
) -> None:
    kind = recording_kind(source)
    options = sway_source(height_cm, sensor_height_cm, forward_axis)
    target = checked_output(output, [eo, ec])
    params = _params(duration_s, cutoff_hz, no_filter)
    reading = _reading(ml_column, ap_column, force_column, cop_units, model)
    with analysis_progress() as advance:
        inputs = romberg_inputs(eo, ec, kind, stance=stance, surface=surface, source=options,
                                reading=reading, progress=advance)  # fmt: skip
    run_and_emit("romberg", inputs, params, as_json=as_json, output=target, person=person)


@assess_app.command(
    "ctsib",
    short_help="Modified CTSIB: four 30-s trials, firm and foam, eyes open and closed.",
    help="Modified Clinical Test of Sensory Interaction on Balance: four 30-s trials, feet "
    "together: eyes open and closed on a firm floor, then on a foam cushion (about 10 cm, "
    "medium density); stand by the person for safety. " + PROTOCOL_HELP,
)
@user_errors
def ctsib_command(
    eo_firm: Annotated[Path, typer.Option("--eo-firm", help="Eyes open, firm floor.")],
    ec_firm: Annotated[Path, typer.Option("--ec-firm", help="Eyes closed, firm floor.")],
    eo_foam: Annotated[Path, typer.Option("--eo-foam", help="Eyes open, on foam.")],
    ec_foam: Annotated[Path, typer.Option("--ec-foam", help="Eyes closed, on foam.")],
    source: SourceOption = "auto",
    stance: StanceOption = "feet-together",
    duration_s: DurationOption = DEFAULT_DURATION_S,
    cutoff_hz: CutoffOption = DEFAULT_CUTOFF_HZ,
    no_filter: NoFilterOption = False,
    ml_column: MlColumnOption = None,
    ap_column: ApColumnOption = None,
    force_column: ForceColumnOption = None,
    cop_units: CopUnitsOption = None,
    height_cm: HeightOption = None,
    sensor_height_cm: SensorHeightOption = None,
    forward_axis: ForwardAxisOption = "+z",
    model: ModelOption = "full",
    output: OutputOption = None,
    as_json: JsonOption = False,
    person: PersonOption = None,
) -> None:
    kind = recording_kind(source)
    options = sway_source(height_cm, sensor_height_cm, forward_axis)
    files = {"eo_firm": eo_firm, "ec_firm": ec_firm, "eo_foam": eo_foam, "ec_foam": ec_foam}
    target = checked_output(output, files.values())
    params = _params(duration_s, cutoff_hz, no_filter)
    reading = _reading(ml_column, ap_column, force_column, cop_units, model)
    with analysis_progress() as advance:
        inputs = ctsib_inputs(files, kind, stance=stance, source=options, reading=reading,
                              progress=advance)  # fmt: skip
    run_and_emit("ctsib", inputs, params, as_json=as_json, output=target, person=person)


def register(app: typer.Typer) -> None:
    """The commands are added to the ``assess`` group at import; nothing else to register."""
