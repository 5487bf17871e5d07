"""``kinesense assess sway|romberg|ctsib``: standing balance from a force plate, video or IMU."""

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from kinesense.assess.balance_tests import (
    DEFAULT_DURATION_S,
    EYES,
    STANCES,
    SURFACES,
    Conditions,
    assess_sway,
    ctsib,
    romberg,
)
from kinesense.assess.result import AssessmentResult
from kinesense.assess.sway import DEFAULT_CUTOFF_HZ
from kinesense.assess.sway_sources import AXES, SwayTrace, from_cop, from_imu, from_pose
from kinesense.cli_support import (
    JsonOption,
    ModelOption,
    load_pose,
    user_errors,
)
from kinesense.commands._results import OutputOption, emit_result
from kinesense.commands._saving import PersonOption, save_for_person
from kinesense.commands.assess import assess_app
from kinesense.errors import InputFileError, KinesenseError

SOURCES = ("auto", "cop", "video", "imu")

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
    str, typer.Option("--ml-column", help="Force-plate CSV: medio-lateral CoP column.")
]
ApColumnOption = Annotated[
    str, typer.Option("--ap-column", help="Force-plate CSV: antero-posterior CoP column.")
]
ForceColumnOption = Annotated[
    str, typer.Option("--force-column", help="Force-plate CSV: vertical force column (N).")
]
CopUnitsOption = Annotated[
    str, typer.Option("--cop-units", help="Force-plate CSV: CoP unit, m, cm or mm.")
]
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
    str, typer.Option("--forward-axis", help=f"IMU: sensor axis pointing forward: {AXES}.")
]
SourceOption = Annotated[
    str,
    typer.Option("--source", help="cop, video or imu; auto (default) infers it from the files."),
]


@dataclass(frozen=True)
class _SourceOptions:
    ml_column: str = "CoPx"
    ap_column: str = "CoPy"
    force_column: str = "Fz"
    cop_units: str = "m"
    height_cm: float | None = None
    sensor_height_cm: float | None = None
    forward_axis: str = "+z"
    model: str = "full"
    direction: str = "auto"


def _kind_of(path: Path, source: str) -> str:
    if source != "auto":
        return source
    from kinesense.capture.readers.detect import detect_format
    from kinesense.series import load_series
    from kinesense.series.cop import CopSeries
    from kinesense.series.motion import MotionSeries

    fmt = detect_format(path)
    if fmt == "series":
        series = load_series(path)
        return (
            "cop"
            if isinstance(series, CopSeries)
            else "imu"
            if isinstance(series, MotionSeries)
            else "video"
        )
    kinds = {"cop-csv": "cop", "imu-csv": "imu", "video": "video"}
    if fmt not in kinds:
        raise InputFileError(f"{path}: a {fmt} file is not a balance recording (use --source)")
    return kinds[fmt]


def load_trace(path: Path, kind: str, options: _SourceOptions) -> SwayTrace:
    """Read a recording of ``kind`` (cop, video, imu; or auto) and turn it into a trace."""
    from kinesense.series import CopSeries, MotionSeries, load_series

    kind = _kind_of(path, kind)
    if not path.exists():
        raise InputFileError(f"file not found: {path}")
    try:
        if kind == "cop":
            if path.suffix == ".npz":
                cop = load_series(path)
            else:
                from kinesense.capture.readers import read_cop_csv

                cop = read_cop_csv(
                    path,
                    ml_column=options.ml_column,
                    ap_column=options.ap_column,
                    force_column=options.force_column,
                    units=options.cop_units,
                )
            if not isinstance(cop, CopSeries):
                raise InputFileError(f"{path} is not a force-plate recording")
            return from_cop(cop)
        if kind == "imu":
            if path.suffix == ".npz":
                motion = load_series(path)
            else:
                from kinesense.capture.readers import read_imu_csv

                motion = read_imu_csv(path)
            if not isinstance(motion, MotionSeries):
                raise InputFileError(f"{path} is not an IMU recording")
            return from_imu(
                motion,
                sensor_height_cm=options.sensor_height_cm,
                forward_axis=options.forward_axis,
            )
        pose = load_pose(path, model=options.model)
        return from_pose(pose, height_cm=options.height_cm, direction=options.direction)
    except ValueError as exc:  # a bad option value (units, axis, height)
        raise KinesenseError(str(exc)) from exc


def _conditions(eyes: str, stance: str, surface: str) -> Conditions:
    try:
        return Conditions(eyes=eyes, stance=stance, surface=surface)
    except ValueError as exc:
        raise KinesenseError(str(exc)) from exc


def _analyse(trace: SwayTrace, conditions: Conditions, **kwargs: Any) -> AssessmentResult:
    try:
        return assess_sway(trace, conditions, **kwargs)
    except ValueError as exc:
        raise KinesenseError(str(exc)) from exc


def _one_source(cop: Path | None, video: Path | None, imu: Path | None) -> tuple[Path, str]:
    given = [(p, k) for p, k in ((cop, "cop"), (video, "video"), (imu, "imu")) if p is not None]
    if len(given) != 1:
        raise KinesenseError("give exactly one recording: --cop FILE, --video FILE or --imu FILE")
    return given[0]


@assess_app.command(
    "sway",
    help="Postural sway of one standing trial. " + PROTOCOL_HELP,
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
    ml_column: MlColumnOption = "CoPx",
    ap_column: ApColumnOption = "CoPy",
    force_column: ForceColumnOption = "Fz",
    cop_units: CopUnitsOption = "m",
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
    model: ModelOption = "full",
    output: OutputOption = None,
    as_json: JsonOption = False,
    person: PersonOption = None,
) -> None:
    path, kind = _one_source(cop, video, imu)
    if direction not in ("auto", "ml", "ap"):
        raise KinesenseError(f"--direction must be auto, ml or ap; got {direction!r}")
    conditions = _conditions(eyes, stance, surface)
    options = _SourceOptions(
        ml_column, ap_column, force_column, cop_units, height_cm, sensor_height_cm,
        forward_axis, model, direction,
    )  # fmt: skip
    trace = load_trace(path, kind, options)
    result = _analyse(
        trace, conditions, duration_s=duration_s, cutoff_hz=cutoff_hz, filter=not no_filter
    )
    emit_result(result, as_json, output)
    save_for_person(person, "assessment", result.to_json())


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
    ml_column: MlColumnOption = "CoPx",
    ap_column: ApColumnOption = "CoPy",
    force_column: ForceColumnOption = "Fz",
    cop_units: CopUnitsOption = "m",
    height_cm: HeightOption = None,
    sensor_height_cm: SensorHeightOption = None,
    forward_axis: ForwardAxisOption = "+z",
    model: ModelOption = "full",
    output: OutputOption = None,
    as_json: JsonOption = False,
    person: PersonOption = None,
) -> None:
    _check_source(source)
    options = _SourceOptions(
        ml_column, ap_column, force_column, cop_units, height_cm, sensor_height_cm,
        forward_axis, model,
    )  # fmt: skip
    kwargs = {"duration_s": duration_s, "cutoff_hz": cutoff_hz, "filter": not no_filter}
    results = [
        _analyse(load_trace(path, source, options), _conditions(eyes, stance, surface), **kwargs)
        for path, eyes in ((eo, "open"), (ec, "closed"))
    ]
    combined = romberg(results[0], results[1])
    emit_result(combined, as_json, output)
    save_for_person(person, "assessment", combined.to_json())


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
    ml_column: MlColumnOption = "CoPx",
    ap_column: ApColumnOption = "CoPy",
    force_column: ForceColumnOption = "Fz",
    cop_units: CopUnitsOption = "m",
    height_cm: HeightOption = None,
    sensor_height_cm: SensorHeightOption = None,
    forward_axis: ForwardAxisOption = "+z",
    model: ModelOption = "full",
    output: OutputOption = None,
    as_json: JsonOption = False,
    person: PersonOption = None,
) -> None:
    _check_source(source)
    options = _SourceOptions(
        ml_column, ap_column, force_column, cop_units, height_cm, sensor_height_cm,
        forward_axis, model,
    )  # fmt: skip
    kwargs = {"duration_s": duration_s, "cutoff_hz": cutoff_hz, "filter": not no_filter}
    files = {"eo_firm": eo_firm, "ec_firm": ec_firm, "eo_foam": eo_foam, "ec_foam": ec_foam}
    results = {
        name: _analyse(
            load_trace(path, source, options),
            _conditions("open" if name[:2] == "eo" else "closed", stance, name[3:]),
            **kwargs,
        )
        for name, path in files.items()
    }
    combined = ctsib(results)
    emit_result(combined, as_json, output)
    save_for_person(person, "assessment", combined.to_json())


def _check_source(source: str) -> None:
    if source not in SOURCES:
        raise KinesenseError(f"--source must be one of {', '.join(SOURCES)}; got {source!r}")


def register(app: typer.Typer) -> None:
    """The commands are added to the ``assess`` group at import; nothing else to register."""
