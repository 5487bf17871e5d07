"""The tests offered on the upload page, in words a person understands: what to record, how,
and which conditions to say (the choices are :class:`kinesense.jobs.analysis.AnalysisRequest`'s;
the protocols are the command line's ``kinesense assess TEST --help``)."""

from dataclasses import dataclass

from kinesense.jobs.analysis import FORMATS


@dataclass(frozen=True)
class TestChoice:
    """One test of the upload form: its name, title, what to record, the conditions asked."""

    test: str
    title: str
    how: str
    options: tuple[str, ...]
    formats: tuple[str, ...]


TEST_CHOICES = (
    TestChoice(
        "sway", "Standing still (balance)",
        "Stand still for 30 seconds, arms by your sides, looking at a mark 2-3 m away. Record "
        "it with a force plate, a phone strapped to your lower back or chest, or a camera on a "
        "tripod 3-4 m away that sees your whole body.",
        ("eyes", "stance", "surface"), FORMATS["sway"],
    ),
    TestChoice(
        "stance", "Standing on one leg",
        "Stand on one leg for as long as you can (up to 45 seconds), three times, with someone "
        "or something to hold nearby. Film your whole body from the front.",
        ("eyes", "age"), FORMATS["stance"],
    ),
    TestChoice(
        "repositioning", "Sense of position (back or neck)",
        "Back: with a phone strapped on your lower back, bend forward to a position with your "
        "eyes open and hold it 2 seconds; then, eyes closed, find the same position again six "
        "times. Neck: seated, phone on your head, eyes closed, turn your head and come back to "
        "where you feel straight ahead, six times. A video filmed exactly from the side works "
        "for the back.",
        ("joint",), FORMATS["repositioning"],
    ),
    TestChoice(
        "mobility", "Bending and turning (mobility)",
        "Stand still for 2 seconds, then bend or turn as far as is comfortable, slowly, three "
        "times. Film your whole body from the side (from the front for bending sideways or "
        "turning), 2-3 m away, or wear a phone on your upper back.",
        ("movement",), FORMATS["mobility"],
    ),
    TestChoice(
        "posture", "Standing posture",
        "Stand as you usually do for a few seconds. Film yourself from the side, then send a "
        "second recording from the front.",
        (), FORMATS["posture"],
    ),
)  # fmt: skip
"""The tests, in the order the form shows them."""

CONDITION_LABELS = {
    "eyes": "Eyes",
    "stance": "How your feet stood",
    "surface": "What you stood on",
    "joint": "Which part",
    "movement": "Which movement",
}
OPTION_LABELS = {
    "eyes": {"open": "Eyes open", "closed": "Eyes closed"},
    "stance": {
        "feet-together": "Feet together",
        "feet-apart": "Feet apart",
        "semi-tandem": "One foot half in front of the other",
        "tandem": "One foot in front of the other (heel to toe)",
        "single-leg": "On one leg",
    },
    "surface": {"firm": "Firm floor", "foam": "Foam cushion"},
    "joint": {"trunk": "Lower back (trunk)", "neck": "Neck"},
    "movement": {
        "flexion": "Bending forward",
        "extension": "Bending backward",
        "lateral": "Bending sideways",
        "rotation": "Turning (twisting)",
    },
}
"""The choices of each condition, as the form words them (the first is the default)."""


@dataclass(frozen=True)
class Condition:
    """One condition field of the form: its name, label, choices and the tests that ask it."""

    name: str
    label: str
    choices: dict[str, str]
    tests: tuple[str, ...]


def conditions() -> list[Condition]:
    """The condition fields of the upload form, in order."""
    return [
        Condition(
            name,
            CONDITION_LABELS[name],
            words,
            tuple(c.test for c in TEST_CHOICES if name in c.options),
        )
        for name, words in OPTION_LABELS.items()
    ]
