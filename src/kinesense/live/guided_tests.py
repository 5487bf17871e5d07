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
A fourth test (head repositioning, with the face model) adds a :class:`GuidedTest` whose plans
read a ``head`` series; nothing here is specific to body landmarks but ``series_kind``.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from kinesense.assess.mobility import ROM_MOVEMENTS
from kinesense.assess.spec import SeriesKind
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
        series_kind: the series the recording makes (``pose``: body landmarks).
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
