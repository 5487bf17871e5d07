"""The guided live tests, as data: what the page tells and says, and which registered assessment
measures the recording.

A guided test (:class:`GuidedTest`: ``stance``, ``posture``, ``mobility``) has one
:class:`GuidedPlan` per choice the person makes (eyes open or closed; the side or front
photo; the trunk movement). A plan says: its title; plain steps (what to do, where to put the
camera, the view needed); the camera view the set-up check asks for
(:func:`kinesense.coach.setup_check.check_setup`: ``front``, ``side`` or ``either``); the
countdown and the recording's length, in seconds; the lines spoken at the countdown's start,
at "go" and at the end (spoken, since the person may have their eyes closed or be too far from
the screen to read it); the registered assessment (:mod:`kinesense.assess.registry`) that
measures the recording and the series kind it reads.

The countdown is recorded: the person stands still on both feet then, which is the start every
one of these tests needs (the stance test's seconds on both feet before the foot is lifted, the
neutral posture mobility angles are measured from, the posture's stillness).

The words follow the command line's help (``kinesense assess stance|posture|mobility --help``).
The fourth test, ``head`` (head repositioning to neutral, Revel et al. 1991, as ``kinesense
assess repositioning --joint neck --axis rotation|flexion|lateral --task neutral --video F``),
reads a ``head`` series (the face model's head pose) and frames the head and shoulders of a
seated person; the person has their eyes closed throughout, so the trials are paced by lines
spoken during the recording (:attr:`GuidedPlan.prompts`: seconds after "go", line).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from kinesense.assess.mobility import ROM_MOVEMENTS
from kinesense.assess.spec import SeriesKind
from kinesense.coach.setup_check import HEAD_AND_SHOULDERS, KEY_LANDMARKS
from kinesense.errors import InvalidValueError, NotFoundError

COUNTDOWN_S = 3
"""Seconds of the spoken countdown ("3, 2, 1")."""
PLACE_CAMERA = (
    "Put this device upright on a steady shelf or chair at about hip height, 2 to 3 metres "
    "away, so that it sees all of you, from head to feet, with some floor below your feet."
)
LIGHT = "Have the light in front of you, not behind you, and nobody else in the picture."
SOUND = "Turn the sound up: the countdown and the instructions are spoken."


@dataclass(frozen=True)
class GuidedPlan:
    """One guided test with the person's choice made (see the module docstring).

    Attributes:
        test: the guided test's id (``stance``).
        option: the choice (``open``, ``closed``; ``side``, ``front``; a movement).
        title: plain title.
        steps: what to do, in order, from placing the camera to the end.
        camera_view: the view the set-up check asks for: ``front``, ``side`` or ``either``.
        countdown_s: seconds of countdown (recorded: standing still).
        duration_s: seconds recorded after "go".
        start_line: spoken when the countdown starts.
        go_line: spoken when it ends.
        end_line: spoken when the recording ends.
        assessment: the registered assessment that measures the recording.
        series_kind: the series the recording makes (``pose``: body landmarks; ``head``: the
            face model's head pose).
        framed: the landmarks the set-up check wants in the picture (the whole body; the head
            and shoulders for a seated test).
        prompts: lines spoken during the recording: (seconds after "go", line), in time order.
    """

    test: str
    option: str
    title: str
    steps: tuple[str, ...]
    camera_view: str
    countdown_s: int
    duration_s: float
    start_line: str
    go_line: str
    end_line: str
    assessment: str
    series_kind: SeriesKind = "pose"
    framed: tuple[str, ...] = KEY_LANDMARKS
    prompts: tuple[tuple[float, str], ...] = ()

    @property
    def needs_face(self) -> bool:
        """Whether the page runs the face model (the recording reads the head's pose)."""
        return self.series_kind == "head"


@dataclass(frozen=True)
class GuidedTest:
    """A guided test and its plans by choice; ``option_name`` is what the choice is called (a
    page's query parameter), ``default`` the plan used when none is chosen."""

    id: str
    title: str
    summary: str
    option_name: str
    plans: Mapping[str, GuidedPlan]
    default: str

    def plan(self, option: str | None = None) -> GuidedPlan:
        """The plan of ``option`` (None: the default); :class:`InvalidValueError` lists them."""
        chosen = self.default if option is None or option == "" else option
        if chosen not in self.plans:
            raise InvalidValueError(
                f"{self.option_name} must be one of {', '.join(self.plans)}; got {chosen!r}"
            )
        return self.plans[chosen]


CLOSED_HELPER = (
    "Have someone stand beside you: with your eyes closed you will not see the screen.",
)
STANCE_MAX_S = 45.0
"""The stance test's ceiling (Springer et al. 2007): the recording runs a little longer."""


def _stance(eyes: str) -> GuidedPlan:
    closed = eyes == "closed"
    lift = (
        "When you hear \u201cclose your eyes now\u201d, close them and lift one foot"
        if closed
        else "When you hear \u201clift one foot\u201d, lift it"
    )
    return GuidedPlan(
        test="stance",
        option=eyes,
        title=f"Single-leg stance, eyes {eyes}",
        steps=(
            PLACE_CAMERA,
            "Face the camera squarely, not at an angle. Bare feet, shorts or fitted trousers "
            "so the ankles show. Stand next to a wall or a chair you can grab.",
            *(CLOSED_HELPER if closed else ()),
            "Stand still on both feet during the countdown, looking at a point ahead.",
            f"{lift} so that it is near, not touching, the other ankle, and hold as long as "
            f"you can, up to {STANCE_MAX_S:g} s.",
            "Put the foot down when you lose your balance, and stay in view until you hear "
            "that the test is over.",
            LIGHT,
            SOUND,
        ),
        camera_view="front",
        countdown_s=COUNTDOWN_S,
        duration_s=STANCE_MAX_S + 3.0,
        start_line="Stand still on both feet.",
        go_line="Close your eyes now, and lift one foot." if closed else "Lift one foot.",
        end_line="The test is over: put your foot down"
        + (" and open your eyes." if closed else "."),
        assessment="stance",
    )


POSTURE_VIEWS = {
    "side": (
        "side",
        "Stand exactly side-on to the camera (either side): this photo measures the head's "
        "position, the head's tilt, the trunk's lean and the knees.",
    ),
    "front": (
        "front",
        "Face the camera squarely: this photo measures the level of the shoulders and the "
        "pelvis and the knee angles.",
    ),
}


def _posture(view: str) -> GuidedPlan:
    needed, where = POSTURE_VIEWS[view]
    return GuidedPlan(
        test="posture",
        option=view,
        title=f"Standing posture photo, {view} view",
        steps=(
            PLACE_CAMERA.replace("hip height", "chest height, level"),
            where,
            "Shorts and a fitted top, hair off the ears, bare feet.",
            "Stand as you usually do, relaxed, arms by your sides, looking straight ahead, "
            "weight on both feet, and hold still until you hear \u201cdone\u201d.",
            "No picture leaves this device: the \u201cphoto\u201d is the position of your "
            "joints over about two seconds of standing still.",
            LIGHT,
            SOUND,
        ),
        camera_view=needed,
        countdown_s=COUNTDOWN_S,
        duration_s=2.0,
        start_line="Stand still, arms by your sides, looking ahead.",
        go_line="Hold still.",
        end_line="Done.",
        assessment="posture",
    )


MOVEMENT_WORDS = {
    "flexion": (
        "side",
        "Stand side-on to the camera.",
        "Bend forwards slowly as far as is comfortable, knees straight, and come back up; 3 times.",
        "Bend forwards and come back up, slowly, 3 times.",
        20.0,
    ),
    "extension": (
        "side",
        "Stand side-on to the camera, hands on your hips.",
        "Lean backwards slowly as far as is comfortable and come back; 3 times.",
        "Lean backwards and come back, slowly, 3 times.",
        20.0,
    ),
    "lateral": (
        "front",
        "Face the camera, arms by your sides.",
        "Slide one hand down the side of your thigh and come back up; alternate left and "
        "right, 3 times each side.",
        "Bend to one side and come back, then the other side; 3 times each side.",
        30.0,
    ),
    "rotation": (
        "front",
        "Face the camera, arms crossed on your chest, hips facing forwards.",
        "Turn your shoulders to one side and back, then the other side; 3 times each side "
        "(measured in 3-D, less exactly than the other movements).",
        "Turn to one side and back, then the other side; 3 times each side.",
        30.0,
    ),
}
"""For each movement: the view, where to stand, what to do, the spoken "go", seconds."""


def _mobility(movement: str) -> GuidedPlan:
    view, where, what, go, seconds = MOVEMENT_WORDS[movement]
    return GuidedPlan(
        test="mobility",
        option=movement,
        title=f"Trunk mobility: {movement}",
        steps=(
            PLACE_CAMERA,
            where,
            "Stand upright and still during the countdown: that posture is the zero.",
            f"Then: {what} Move only as far as is comfortable.",
            "Stay in view until you hear that the test is over (or press \u201cFinish now\u201d "
            "once you are done).",
            LIGHT,
            SOUND,
        ),
        camera_view=view,
        countdown_s=COUNTDOWN_S,
        duration_s=seconds,
        start_line="Stand upright and still.",
        go_line=go,
        end_line="The test is over: stand still.",
        assessment="mobility",
    )


HEAD_TRIALS = 6
"""Trials of the head repositioning test (Revel et al. 1991)."""
HEAD_FIRST_S = 2.0
"""Seconds after "go" of the first trial's line."""
HEAD_TRIAL_S = 9.0
"""Seconds from one trial's line to the next: the line (about 3 s spoken) while moving, the
"come back" line (about 3.5 s) while coming back, then about 3 s of still hold (the analysis
needs 0.5 s below 5 deg/s: :class:`kinesense.assess.repositioning.RepositioningParameters`)."""
HEAD_BACK_S = 4.0
"""Seconds from a trial's line to its "come back" line."""
HEAD_LAST_HOLD_S = 3.0
"""Seconds recorded after the last "come back" line (its hold)."""
HEAD_BACK = "Now come back to where you feel straight ahead, and keep still."
HEAD_MOVES = {
    "rotation": ("Turning the head", "Turn your head to the {side}, as far as is comfortable.",
                 ("left", "right")),
    "flexion": ("Nodding the head", "{side}, as far as is comfortable.",
                ("Bend your head forwards, chin towards your chest",
                 "Tip your head backwards, chin up")),
    "lateral": ("Tilting the head to the side",
                "Tilt your head towards your {side} shoulder, as far as is comfortable.",
                ("left", "right")),
}  # fmt: skip
"""For each axis (``--axis`` of the command line): the title, the trial's line and the two
sides it alternates."""
HEAD_CAMERA = (
    "Sit on a chair with your back against it, at arm's length from this device, facing it. "
    "Put the device on a table, with the camera at the height of your eyes, so that it sees "
    "your head and shoulders."
)


def head_prompts(axis: str) -> tuple[tuple[float, str], ...]:
    """The lines spoken during the head test about ``axis``: (seconds after "go", line),
    alternating sides, each trial's line then its "come back" line."""
    _, line, sides = HEAD_MOVES[axis]
    prompts: list[tuple[float, str]] = []
    for k in range(HEAD_TRIALS):
        at = HEAD_FIRST_S + k * HEAD_TRIAL_S
        prompts += [(at, line.format(side=sides[k % 2])), (at + HEAD_BACK_S, HEAD_BACK)]
    return tuple(prompts)


def _head(axis: str) -> GuidedPlan:
    title, _, _ = HEAD_MOVES[axis]
    prompts = head_prompts(axis)
    return GuidedPlan(
        test="head",
        option=axis,
        title=f"Head repositioning: {title.lower()}",
        steps=(
            HEAD_CAMERA,
            "Keep your trunk still against the chair throughout: only the head moves.",
            "When you hear “close your eyes”, sit still, looking straight ahead, and "
            "keep your eyes closed until the test is over.",
            f"You will hear what to do: {HEAD_TRIALS} times, move your head as you are told, "
            "as far as is comfortable, then come back to where you feel straight ahead and "
            "keep still until the next instruction.",
            LIGHT,
            SOUND,
        ),
        camera_view="front",
        countdown_s=COUNTDOWN_S,
        duration_s=prompts[-1][0] + HEAD_LAST_HOLD_S,
        start_line="Sit still, look straight ahead, and close your eyes.",
        go_line="Keep your eyes closed and listen.",
        end_line="The test is over: open your eyes.",
        assessment="repositioning",
        series_kind="head",
        framed=HEAD_AND_SHOULDERS,
        prompts=prompts,
    )


def _frozen(plans: dict[str, GuidedPlan]) -> Mapping[str, GuidedPlan]:
    return MappingProxyType(plans)


GUIDED_TESTS: Mapping[str, GuidedTest] = MappingProxyType({
    "stance": GuidedTest(
        "stance", "Single-leg stance", "How long you stand on one leg, eyes open or closed",
        "eyes", _frozen({eyes: _stance(eyes) for eyes in ("open", "closed")}), "open",
    ),
    "posture": GuidedTest(
        "posture", "Standing posture", "A photo of your posture, from the side or the front",
        "view", _frozen({view: _posture(view) for view in POSTURE_VIEWS}), "side",
    ),
    "mobility": GuidedTest(
        "mobility", "Trunk mobility", "How far you bend forwards, backwards, sideways, or turn",
        "movement", _frozen({m: _mobility(m) for m in ROM_MOVEMENTS}), "flexion",
    ),
    "head": GuidedTest(
        "head", "Head repositioning", "How exactly you bring your head back to straight ahead, "
        "eyes closed", "axis", _frozen({axis: _head(axis) for axis in HEAD_MOVES}), "rotation",
    ),
})  # fmt: skip
"""The guided tests by id, in the order the measure page lists them."""


def guided_test(test: str) -> GuidedTest:
    """The guided test ``test``; :class:`NotFoundError` lists the tests when there is none."""
    try:
        return GUIDED_TESTS[test]
    except KeyError:
        raise NotFoundError(
            f"no guided test {test!r}; the guided tests are: {', '.join(GUIDED_TESTS)}"
        ) from None


def guided_plan(test: str, option: str | None = None) -> GuidedPlan:
    """The plan of ``test`` with ``option`` chosen (None: the test's default)."""
    return guided_test(test).plan(option)
