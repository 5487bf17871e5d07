"""The tests a paired phone records, with where the phone goes and for how long.

* **Sway** (quiet standing, feet together, eyes open or closed) for the protocol's trial length,
  :data:`kinesense.assess.balance_tests.DEFAULT_DURATION_S` (30 s, as ``kinesense assess sway``
  expects), phone held flat against the sternum or the lower back with its screen facing out
  (away from the body). The forward axis follows from the W3C device frame (z out of the
  screen, :mod:`kinesense.phone.conversion`): on the sternum the screen faces forward (``+z``),
  on the lower back it faces backwards (``-z``), as
  :func:`kinesense.assess.sway_sources.from_imu` documents.
* **Trunk repositioning** (joint position sense, target task, as ``kinesense assess
  repositioning --joint trunk --imu``): phone on the lower back, for
  :data:`REPOSITIONING_DURATION_S`, long enough for the demonstration and the six trials of
  :mod:`kinesense.assess.repositioning` at a few seconds each.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kinesense.assess.balance_tests import DEFAULT_DURATION_S

TestName = Literal["sway", "repositioning"]
Placement = Literal["sternum", "lower back"]
REPOSITIONING_DURATION_S = 90.0
"""Recording length of trunk repositioning: a demonstration and six trials (about 10 s each:
bend, hold, come back, rest), with a margin."""
COUNTDOWN_S = 5
"""Seconds between the tap on Start and the first sample kept (time to put the phone in place
and stand still)."""
FORWARD_AXIS: dict[str, str] = {"sternum": "+z", "lower back": "-z"}
"""The device axis pointing forward out of the body, screen facing out, for each placement."""


class PhoneTest(BaseModel):
    """What the phone records, chosen on the computer before pairing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    test: TestName = Field(description="sway (quiet standing) or repositioning (trunk).")
    placement: Placement = Field(
        default="sternum", description="sway: where the phone is held (repositioning: lower back)."
    )
    eyes: Literal["open", "closed"] = Field(default="open", description="sway: eyes.")

    @model_validator(mode="before")
    @classmethod
    def _lower_back_for_repositioning(cls, data: Any) -> Any:
        """Trunk repositioning is measured on the lower back, whatever was sent."""
        if isinstance(data, dict) and data.get("test") == "repositioning":
            return {**data, "placement": "lower back", "eyes": "closed"}
        return data

    @property
    def duration_s(self) -> float:
        """Seconds of samples the phone sends (the protocol's trial length)."""
        return DEFAULT_DURATION_S if self.test == "sway" else REPOSITIONING_DURATION_S

    @property
    def forward_axis(self) -> str:
        """The device axis pointing forward out of the body (:data:`FORWARD_AXIS`)."""
        return FORWARD_AXIS[self.placement]

    @property
    def title(self) -> str:
        """The test's name for a person."""
        if self.test == "sway":
            return f"Standing still, eyes {self.eyes}, phone on the {self.placement}"
        return "Trunk repositioning, phone on the lower back"

    def instructions(self) -> list[str]:
        """What the person does, step by step, as both pages show it."""
        where = (
            "flat against your breastbone, screen facing out, top of the phone up"
            if self.placement == "sternum"
            else "flat against your lower back (at belt height, in the middle), screen facing "
            "out, top of the phone up; a belt or a tight waistband holds it"
        )
        steps = [f"Hold the phone {where}."]
        if self.test == "sway":
            steps += [
                "Stand with your feet together, arms by your sides"
                + (
                    ", and close your eyes when the countdown ends."
                    if self.eyes == "closed"
                    else ", looking at a point on the wall ahead."
                ),
                f"Stand as still as you can for {self.duration_s:g} seconds, until the phone "
                "says it is done.",
            ]
        else:
            steps += [
                "Stand upright and still for the first 3 seconds. Then, with your eyes open, "
                "bend forward slowly to about half way, hold for 3 seconds, and come back "
                "upright: this shows the target.",
                "Then close your eyes and do it six times: bend to the same position, hold "
                "it for 3 seconds, come back upright and rest for 3 seconds.",
                f"The recording lasts {self.duration_s:g} seconds; stop bending if it hurts.",
            ]
        return steps
