"""A phone's recording measured and kept: the same test, checks and refusals as ``kinesense
assess sway --imu FILE`` and ``kinesense assess repositioning --joint trunk --imu FILE``, on the
:class:`~kinesense.series.MotionSeries` the phone's samples make
(:mod:`kinesense.phone.conversion`), saved in the person's history.

Front ends call :func:`assess_phone` with the series and :func:`result_message` to tell the
phone; pairing tokens are :mod:`kinesense.phone.tokens`.
"""

from dataclasses import dataclass

from kinesense.assess.balance_tests import Conditions
from kinesense.assess.catalogue_balance import SwayInputs, SwaySource
from kinesense.assess.catalogue_movement import RepositioningInputs
from kinesense.assess.result import AssessmentResult
from kinesense.phone.messages import ResultMessage
from kinesense.phone.protocols import PhoneTest
from kinesense.series import MotionSeries
from kinesense.services.assessments import run_assessment, user_values
from kinesense.services.history import save_assessment
from kinesense.store import Store


@dataclass(frozen=True)
class PhoneOutcome:
    """A phone test's result and where it was saved."""

    result: AssessmentResult
    record_id: int


def phone_inputs(
    test: PhoneTest, series: MotionSeries
) -> tuple[str, SwayInputs | RepositioningInputs]:
    """The registered test's name and inputs for a phone recording, as the command line builds
    them from a motion-sensor file with its defaults: sway with the placement's forward axis
    (``+z`` on the sternum, the command line's default; ``-z`` on the lower back), feet
    together, firm surface; trunk repositioning (flexion, target task, with a demonstration)."""
    with user_values():
        if test.test == "sway":
            conditions = Conditions(eyes=test.eyes, stance="feet-together", surface="firm")
            source = SwaySource(forward_axis=test.forward_axis)
            return "sway", SwayInputs(series, conditions, source)
        return "repositioning", RepositioningInputs(series, joint="trunk")


def assess_phone(
    store: Store, person_id: int, test: PhoneTest, series: MotionSeries
) -> PhoneOutcome:
    """Run the test on the phone's series and save the result (usable or not, with its
    reasons) in the person's history."""
    name, inputs = phone_inputs(test, series)
    result = run_assessment(name, inputs)
    saved = save_assessment(store, str(person_id), result)
    return PhoneOutcome(result, saved.record_id)


def result_message(outcome: PhoneOutcome) -> ResultMessage:
    """What the phone shows at the end."""
    result = outcome.result
    return ResultMessage(
        test=result.test,
        usable=result.usable,
        interpretation=result.interpretation,
        reasons=list(result.reasons),
        metrics={k: float(v) for k, v in result.metrics.items()},
        record_id=outcome.record_id,
    )
