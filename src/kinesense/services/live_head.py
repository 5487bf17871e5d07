"""The head repositioning test from the browser's camera, measured and kept: the same test,
checks and refusals as ``kinesense assess repositioning --joint neck --axis AXIS --tracking
face --video FILE``, on the :class:`~kinesense.series.HeadSeries` the live frames make
(:func:`kinesense.live.head_recording.head_series_from_frames`), saved in the person's
history as :mod:`kinesense.services.phone` saves a phone's test.

A front end (the guided-test socket) collects the frames, builds the series with
:func:`head_series_from_frames` and calls :func:`assess_live_head`.
"""

from dataclasses import dataclass

from kinesense.assess.catalogue_movement import RepositioningInputs
from kinesense.assess.result import AssessmentResult
from kinesense.live.head_recording import head_series_from_frames
from kinesense.series import HeadSeries
from kinesense.services.assessments import run_assessment, user_values
from kinesense.services.history import save_assessment
from kinesense.store import Store

__all__ = ["HeadProtocol", "LiveHeadOutcome", "assess_live_head", "head_series_from_frames"]


@dataclass(frozen=True)
class HeadProtocol:
    """The test's protocol, as the command line's options say it: ``task`` ``neutral``
    (head-to-neutral, Revel) or ``target`` (None: the command line's default for the axis),
    ``target_deg`` for a target task, and whether the target is demonstrated first."""

    task: str | None = None
    target_deg: float | None = None
    demonstration: bool = True


@dataclass(frozen=True)
class LiveHeadOutcome:
    """A live head test's result and where it was saved."""

    result: AssessmentResult
    record_id: int


def head_inputs(series: HeadSeries, axis: str, protocol: HeadProtocol) -> RepositioningInputs:
    """The registered repositioning test's inputs for a live head series, as the command line
    builds them for a face video (``--joint neck --tracking face``).

    Raises:
        InvalidValueError: an unknown axis or task, or a target without its angle (the
            command line's words).
    """
    with user_values():
        return RepositioningInputs(
            series, joint="neck", axis=axis, task=protocol.task,
            target_deg=protocol.target_deg, demonstration=protocol.demonstration,
        )  # fmt: skip


def assess_live_head(
    store: Store,
    person_id: int,
    series: HeadSeries,
    axis: str,
    protocol: HeadProtocol | None = None,
) -> LiveHeadOutcome:
    """Run the repositioning test on the live head series and save the result (usable or not,
    with its reasons) in the person's history.

    Raises:
        InvalidValueError: the protocol is not one the command line accepts (nothing saved).
        NotFoundError: no such person.
    """
    inputs = head_inputs(series, axis, protocol or HeadProtocol())
    result = run_assessment("repositioning", inputs)
    saved = save_assessment(store, str(person_id), result)
    return LiveHeadOutcome(result, saved.record_id)
