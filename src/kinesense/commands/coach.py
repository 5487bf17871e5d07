"""``kinesense coach EXERCISE --video FILE | --camera N``: coach an exercise; ``--list`` them."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from kinesense.cli_support import (
    JsonOption,
    ModelOption,
    native_logs_silenced,
    print_json,
    say,
    user_errors,
)
from kinesense.commands._saving import PersonOption
from kinesense.errors import InvalidValueError
from kinesense.services.coaching import CoachingRequest, Prepared, coach_session
from kinesense.services.library import list_exercises
from kinesense.text import printable

if TYPE_CHECKING:
    from kinesense.services.coaching import SessionResult, Step

HELP = """Coach an exercise from a video file or live from a camera.

Counts repetitions, times holds, gives form cues and says when a set is done.

Setting up the camera: put it at about hip height (roughly 1 m), 2.5 to 3 m away, so that your
whole body from head to feet fits in the picture with some room around it; hold a phone
upright for standing exercises and sideways for exercises lying on the floor. Face the camera
for front-view exercises; for side-view exercises turn so the side you exercise (--side) faces
it. Light should fall on you (a lamp or a window in front of you, not behind you), and only
you should be in view. A camera session checks all of this first and tells you what to change
(press s to skip the check, q to stop); for a video file the findings are reported in the
output, and --strict refuses a badly set-up recording.

With --person the session is coached at the dose of the person's plan and saved in their
history; a person who was never screened, or whose referral no clinician has cleared, is not
coached.

Examples: kinesense coach --list; kinesense coach squat --video clip.mp4 --out annotated.mp4
--json; kinesense coach bridge --camera 0 --person Alex
"""


def _list(as_json: bool) -> None:
    rows = [entry.to_json() for entry in list_exercises()]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "name", "category", "level", "camera view", "mode")
    for row in rows:
        table.add_row(*(printable(value) for value in row.values()))
    Console().print(table)


def _print_result(console: Console, result: "SessionResult") -> None:
    data = result.to_json()
    setup = data["setup"]
    if not setup["ok"]:
        advice = "; ".join(p["instruction"] for p in setup["problems"])
        say(f"camera set-up: {advice}", console=console, style="yellow")
    say(f"{data['exercise_name']}: {data['reps']} repetition(s)", console=console)
    for hold in data["holds"]:
        say(
            f"  hold {hold['start_s']:.1f}-{hold['end_s']:.1f} s: {hold['duration_s']:.1f} s",
            console=console,
        )
    faults = [e for e in data["events"] if e["kind"] == "form_fault"]
    if faults:
        say(f"  form cues: {len(faults)}", console=console)
        for event in faults[:10]:
            say(f"    {event['time_s']:.1f} s: {event['message']}", console=console)
    say(f"  {data['frames']} frames, person seen in {data['detected_frames']}", console=console)
    if data["annotated"]:
        say(f"  annotated video: {data['annotated']}", console=console)


def _echo_events(console: Console) -> Any:
    def on_step(step: "Step", time_s: float) -> None:
        for event in step.events:
            if event.message:
                say(f"{time_s:6.1f} s  {event.message}", console=console)

    return on_step


def _on_ready(request: CoachingRequest, as_json: bool, console: Console, errors: Console) -> Any:
    def ready(prepared: Prepared) -> None:
        if prepared.person is not None and prepared.dose is not None:
            planned = prepared.dose
            amount = (
                f"{planned.hold_s:g} s holds"
                if planned.hold_s is not None
                else f"{planned.reps} reps"
            )
            say(
                f"dose from {prepared.person.name}'s plan: {planned.sets} sets of {amount}",
                console=errors,
            )
        if request.camera is not None and not as_json:
            exercise = prepared.exercise
            say(f"{exercise.name}: " + " ".join(exercise.instructions), console=console)

    return ready


def coach(
    exercise: Annotated[
        str | None, typer.Argument(help="Exercise id (see --list).", show_default=False)
    ] = None,
    video: Annotated[
        Path | None, typer.Option("--video", "-v", help="Video file to analyse.")
    ] = None,
    camera: Annotated[
        str | None, typer.Option("--camera", "-c", help="Camera number (0 = first) or address.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the annotated video here (.mp4).")
    ] = None,
    side: Annotated[
        str | None, typer.Option("--side", help="Side exercised: left or right.")
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Video: refuse a recording badly set up.")
    ] = False,
    speak: Annotated[
        bool,
        typer.Option("--speak/--no-speak", help="Camera: speak cues (if a speech engine exists)."),
    ] = True,
    window: Annotated[
        bool, typer.Option("--window/--no-window", help="Camera: show the live window.")
    ] = True,
    seconds: Annotated[
        float | None, typer.Option("--seconds", min=1, help="Camera: stop after this long.")
    ] = None,
    list_exercises_: Annotated[bool, typer.Option("--list", help="List the exercises.")] = False,
    model: ModelOption = "full",
    as_json: JsonOption = False,
    person: PersonOption = None,
    pain_before: Annotated[
        int | None,
        typer.Option("--pain-before", min=0, max=10, help="Pain before the session, 0-10."),
    ] = None,
    pain_after: Annotated[
        int | None,
        typer.Option("--pain-after", min=0, max=10, help="Pain after the session, 0-10."),
    ] = None,
) -> None:
    if list_exercises_:
        _list(as_json)
        return
    if exercise is None:
        raise InvalidValueError("name an exercise (see kinesense coach --list)")
    request = CoachingRequest(
        exercise, video=video, camera=camera, out=out, side=side, strict=strict, speak=speak,
        window=window, seconds=seconds, model=model, person=person, pain_before=pain_before,
        pain_after=pain_after,
    )  # fmt: skip
    with native_logs_silenced() as real_stderr:
        console = Console(file=real_stderr if as_json else None)
        outcome = coach_session(
            request,
            on_ready=_on_ready(request, as_json, console, Console(file=real_stderr)),
            on_step=None if as_json or camera is None else _echo_events(console),
        )
    if as_json:
        print_json(outcome.session.to_json())
    else:
        _print_result(Console(), outcome.session)
    if outcome.prepared.person is not None and outcome.record_id is not None:
        found = outcome.prepared.person
        say(f"saved in the history of {found.name} (id {found.id})", console=Console(stderr=True))


def register(app: typer.Typer) -> None:
    """Add the ``coach`` command."""
    app.command("coach", help=HELP)(user_errors(coach))
