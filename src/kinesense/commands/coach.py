"""``kinesense coach EXERCISE --video FILE | --camera N``: coach an exercise; ``--list`` them."""

import difflib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from kinesense.capture.native_logs import native_stderr_silenced
from kinesense.cli_support import JsonOption, ModelOption, print_json, user_errors
from kinesense.commands._saving import PersonOption, save_for_person
from kinesense.errors import KinesenseError

if TYPE_CHECKING:
    from kinesense.coach.session import SessionResult, Step
    from kinesense.exercises import Exercise

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

Examples: kinesense coach --list; kinesense coach squat --video clip.mp4 --out annotated.mp4
--json; kinesense coach bridge --camera 0
"""


def close_matches(name: str, library: "dict[str, Exercise]") -> list[str]:
    """Exercise ids whose id or name is close to ``name`` (best first)."""
    ids = list(library)
    by_name = {exercise.name.lower(): key for key, exercise in library.items()}
    found = difflib.get_close_matches(name.lower(), ids, n=5, cutoff=0.5)
    found += [by_name[n] for n in difflib.get_close_matches(name.lower(), by_name, n=5, cutoff=0.5)]
    found += [
        key for key in ids if name.lower() in key or name.lower() in library[key].name.lower()
    ]
    return list(dict.fromkeys(found))[:5]


def _find(exercise_id: str) -> "Exercise":
    from kinesense.exercises import load_library

    library = load_library()
    if exercise_id in library:
        return library[exercise_id]
    matches = close_matches(exercise_id, library)
    hint = f"did you mean {', '.join(matches)}?" if matches else "see kinesense coach --list"
    raise KinesenseError(f"unknown exercise {exercise_id!r}; {hint}")


def _list(as_json: bool) -> None:
    from kinesense.exercises import load_library

    rows = [
        {
            "id": e.id,
            "name": e.name,
            "category": e.category,
            "level": e.level,
            "camera_view": e.camera_view,
            "mode": e.mode,
        }
        for e in sorted(load_library().values(), key=lambda e: (e.category, e.level, e.id))
    ]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "name", "category", "level", "camera view", "mode")
    for row in rows:
        table.add_row(*(str(value) for value in row.values()))
    Console().print(table)


def _print_result(console: Console, result: "SessionResult") -> None:
    data = result.to_json()
    setup = data["setup"]
    if not setup["ok"]:
        advice = "; ".join(p["instruction"] for p in setup["problems"])
        console.print(f"[yellow]camera set-up:[/] {advice}", highlight=False)
    console.print(
        f"[bold]{data['exercise_name']}[/]: {data['reps']} repetition(s)", highlight=False
    )
    for hold in data["holds"]:
        console.print(
            f"  hold {hold['start_s']:.1f}-{hold['end_s']:.1f} s: {hold['duration_s']:.1f} s",
            highlight=False,
        )
    faults = [e for e in data["events"] if e["kind"] == "form_fault"]
    if faults:
        console.print(f"  form cues: {len(faults)}", highlight=False)
        for event in faults[:10]:
            console.print(f"    {event['time_s']:.1f} s: {event['message']}", highlight=False)
    console.print(
        f"  {data['frames']} frames, person seen in {data['detected_frames']}", highlight=False
    )
    if data["annotated"]:
        console.print(f"  annotated video: {data['annotated']}", highlight=False)


def _echo_events(console: Console) -> "Any":
    def on_step(step: "Step", time_s: float) -> None:
        for event in step.events:
            if event.message:
                console.print(f"{time_s:6.1f} s  {event.message}", highlight=False)

    return on_step


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
        str | None,
        typer.Option(
            "--side",
            help="Watch this side: left or right (default: the side facing the camera, or the "
            "side that works).",
        ),
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
    list_exercises: Annotated[bool, typer.Option("--list", help="List the exercises.")] = False,
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
    if list_exercises:
        _list(as_json)
        return
    if exercise is None:
        raise KinesenseError("name an exercise (see kinesense coach --list)")
    if (video is None) == (camera is None):
        raise KinesenseError("give either --video FILE or --camera N")
    if side is not None and side not in ("left", "right"):
        raise KinesenseError(f"--side must be left or right; got {side!r}")
    chosen = _find(exercise)
    if person is not None:
        chosen = _with_plan_dose(chosen, person)
    with native_stderr_silenced() as real_stderr:
        result = _run(chosen, video, camera, out, side, strict, speak, window, seconds, model,
                      as_json, Console(file=real_stderr if as_json else None))  # fmt: skip
    if as_json:
        print_json(result.to_json())
    else:
        _print_result(Console(), result)
    record = result.to_json()
    # The plan's rules regress an exercise when pain rises by 2 points or more over a session.
    if pain_before is not None:
        record["pain_before"] = pain_before
    if pain_after is not None:
        record["pain_after"] = pain_after
    save_for_person(person, "session", record)


def _with_plan_dose(chosen: "Exercise", person: str) -> "Exercise":
    """The exercise at the dose of ``person``'s active plan, when the plan holds it.

    Also checks, before any work, that the person exists.
    """
    from kinesense.program.dose import apply_planned_dose, planned_exercise
    from kinesense.program.planner import Plan
    from kinesense.store import Store

    with Store() as store:
        found = store.person(person)
        plan_data = store.active_plan(found.id)
    if plan_data is None:
        return chosen
    planned = planned_exercise(Plan.from_json(plan_data), chosen.id)
    if planned is None:
        return chosen
    amount = f"{planned.hold_s:g} s holds" if planned.hold_s is not None else f"{planned.reps} reps"
    Console(stderr=True).print(
        f"dose from {found.name}'s plan: {planned.sets} sets of {amount}", highlight=False
    )
    return apply_planned_dose(chosen, planned)


def _run(
    chosen: "Exercise",
    video: Path | None,
    camera: str | None,
    out: Path | None,
    side: str | None,
    strict: bool,
    speak: bool,
    window: bool,
    seconds: float | None,
    model: str,
    as_json: bool,
    console: Console,
) -> "SessionResult":
    from kinesense.coach.speech import Speaker

    if video is not None:
        from kinesense.coach.session import coach_video

        # A file is analysed faster than real time: cues are not spoken.
        return coach_video(video, chosen, side=side, model=model, out=out, strict=strict)
    from kinesense.coach.session import coach_camera

    assert camera is not None
    source: int | str = int(camera) if camera.isdigit() else camera
    if not as_json:
        console.print(f"[bold]{chosen.name}[/]: " + " ".join(chosen.instructions))
    return coach_camera(
        source, chosen, side=side, model=model, out=out, window=window,
        speaker=Speaker(enabled=speak), max_duration_s=seconds,
        on_step=None if as_json else _echo_events(console),
    )  # fmt: skip


def register(app: typer.Typer) -> None:
    """Add the ``coach`` command."""
    app.command("coach", help=HELP)(user_errors(coach))
