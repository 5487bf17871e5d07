"""What an uploaded recording is analysed as, and the analysis itself: the same service calls as
``kinesense assess TEST ... --json`` with the same defaults, so that the web app's numbers are the
command line's on the same file.

=================  ========================================================================
``sway``           ``kinesense assess sway --cop|--imu|--video FILE --eyes --stance --surface
                   [--age] [--sex]``
``stance``         ``kinesense assess stance --video FILE [--age] [--sex] --eyes``
``repositioning``  ``kinesense assess repositioning --joint J --imu|--video FILE``
``mobility``       ``kinesense assess mobility --movement M --video FILE | --imu-trunk FILE``
``posture``        ``kinesense assess posture --video FILE``
=================  ========================================================================
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kinesense.assess.result import AssessmentResult
from kinesense.errors import InvalidValueError

TestName = Literal["sway", "stance", "repositioning", "mobility", "posture"]
Stance = Literal["feet-apart", "feet-together", "semi-tandem", "tandem", "single-leg"]
Movement = Literal["flexion", "extension", "lateral", "rotation", "forward-bend", "waiters-bow"]
FrameProgress = Callable[[int, int], None]
"""Told (frames done, frames expected) while a video is analysed."""

FORMATS: dict[str, tuple[str, ...]] = {
    "sway": ("cop-csv", "imu-csv", "video", "series", "trc", "c3d"),
    "stance": ("video", "series", "trc", "c3d"),
    "repositioning": ("imu-csv", "video", "series", "trc", "c3d"),
    "mobility": ("imu-csv", "video", "series", "trc", "c3d"),
    "posture": ("video", "series", "trc", "c3d"),
}
"""The upload formats each test reads."""
SWAY_SOURCES = {"cop-csv": "cop", "imu-csv": "imu", "video": "video"}
"""The command line's option for each format (``--cop``, ``--imu``, ``--video``); a saved series
is read as what it holds."""


class AnalysisRequest(BaseModel):
    """The test to run on an upload and its conditions (the command line's defaults)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    test: TestName = Field(description="The test the recording is for.")
    eyes: Literal["open", "closed"] = Field(default="open", description="sway, stance: eyes.")
    stance: Stance = Field(default="feet-together", description="sway: how the feet stood.")
    surface: Literal["firm", "foam"] = Field(default="firm", description="sway: what was stood on.")
    age: int | None = Field(
        default=None, ge=1, le=120, description="sway, stance: age in years, for the reference."
    )
    sex: Literal["female", "male"] | None = Field(
        default=None, description="sway, stance: sex, for the reference by sex."
    )
    joint: Literal["trunk", "neck"] = Field(
        default="trunk", description="repositioning: the joint."
    )
    movement: Movement = Field(default="flexion", description="mobility: the movement recorded.")

    def command(self, path: str, fmt: str) -> list[str]:
        """The ``kinesense`` command that gives the same result on ``path`` (of format
        ``fmt``), for the page and for tests."""
        is_imu = fmt == "imu-csv"
        if self.test == "sway":
            flag = "--" + SWAY_SOURCES.get(fmt, "video")
            return ["assess", "sway", flag, path, "--eyes", self.eyes, "--stance", self.stance,
                    "--surface", self.surface, *self._person_options()]  # fmt: skip
        if self.test == "stance":
            return ["assess", "stance", "--video", path, *self._person_options(),
                    "--eyes", self.eyes]  # fmt: skip
        if self.test == "repositioning":
            flag = "--imu" if is_imu else "--video"
            return ["assess", "repositioning", "--joint", self.joint, flag, path]
        if self.test == "mobility":
            flag = "--imu-trunk" if is_imu else "--video"
            return ["assess", "mobility", "--movement", self.movement, flag, path]
        return ["assess", "posture", "--video", path]

    def _person_options(self) -> list[str]:
        """``--age`` and ``--sex`` as given (the reference comparison's)."""
        age = ["--age", str(self.age)] if self.age is not None else []
        return age + (["--sex", self.sex] if self.sex is not None else [])


def check_format(request: AnalysisRequest, fmt: str, name: str) -> None:
    """Refuse a file the test cannot read (before any work)."""
    if fmt not in FORMATS[request.test]:
        raise InvalidValueError(
            f"{name} is a {fmt} file: the {request.test} test reads "
            f"{', '.join(FORMATS[request.test])}"
        )


def analyse(
    path: Path, fmt: str, request: AnalysisRequest, progress: FrameProgress | None = None
) -> AssessmentResult:
    """Run the test on the recording at ``path`` as :meth:`AnalysisRequest.command` does."""
    from kinesense.services.assessments import (
        mobility_inputs,
        posture_inputs,
        recording_kind,
        repositioning_inputs,
        run_assessment,
        stance_inputs,
        sway_inputs,
    )

    check_format(request, fmt, path.name)
    is_imu = fmt == "imu-csv"
    test: str = request.test
    inputs: Any
    if request.test == "sway":
        kind = recording_kind(SWAY_SOURCES.get(fmt, "auto" if fmt == "series" else "video"))
        inputs = sway_inputs(path, kind, eyes=request.eyes, stance=request.stance,
                                 surface=request.surface, progress=progress,
                                 age=request.age, sex=request.sex)  # fmt: skip
    elif request.test == "stance":
        inputs = stance_inputs(path, age=request.age, eyes=request.eyes, sex=request.sex,
                               progress=progress)  # fmt: skip
    elif request.test == "repositioning":
        inputs = repositioning_inputs(
            request.joint, imu=path if is_imu else None, video=None if is_imu else path,
            progress=progress,
        )  # fmt: skip
    elif request.test == "mobility":
        test, inputs = mobility_inputs(
            request.movement, video=None if is_imu else path, imu_trunk=path if is_imu else None,
            progress=progress,
        )  # fmt: skip
    else:
        inputs = posture_inputs(video=path, progress=progress)
    return run_assessment(test, inputs)
