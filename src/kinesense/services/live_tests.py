"""Guided live tests measured and kept: the same test, checks and refusals as ``kinesense assess
stance|posture|mobility --video``, on the :class:`~kinesense.series.PoseSeries` the browser's
landmarks make (:mod:`kinesense.live.recording`), saved in the person's history as an upload
or a phone recording is (:mod:`kinesense.services.phone` has the same shape).

A person never screened, or referred and not cleared, is refused with the coaching service's
words (:func:`kinesense.services.safety.require_cleared`) before the camera is asked for. A
recording the test refuses (a side view for single-leg stance, a seated person for posture) is
saved and shown as the command line shows it: an unusable result with its reasons, never a
number. The person's age comes from their birth year, when the store has it
(:func:`kinesense.services.people.age_this_year`, as the upload form's) (it keeps no sex:
the page asks for it when a norm needs it).

Front ends call :func:`check_guided` (the page), :func:`start_guided`, then feed the
:class:`~kinesense.live.guided.GuidedRun` and call :func:`finish_guided` once it is done (or the
person stops it).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kinesense.assess.catalogue_balance import StanceInputs
from kinesense.assess.catalogue_movement import MobilityInputs, PostureInputs
from kinesense.assess.result import AssessmentResult
from kinesense.clock import utc_now
from kinesense.errors import InvalidValueError
from kinesense.live.guided import GuidedRun, GuidedStartMessage
from kinesense.live.guided_tests import GuidedPlan, guided_plan
from kinesense.live.recording import LiveRecording
from kinesense.program.records import Person
from kinesense.series import PoseSeries
from kinesense.services.assessments import run_assessment, user_values
from kinesense.services.history import save_assessment
from kinesense.services.people import age_this_year
from kinesense.services.safety import require_cleared
from kinesense.store import Store


@dataclass(frozen=True)
class PersonFacts:
    """What the norms of a test may use about the person: age in years, sex."""

    age: float | None = None
    sex: str | None = None


@dataclass(frozen=True)
class GuidedOutcome:
    """A guided test's result and where it was saved."""

    result: AssessmentResult
    record_id: int


InputsBuilder = Callable[[GuidedPlan, Any, PersonFacts], Any]
SeriesMaker = Callable[[LiveRecording], Any]

SERIES: Mapping[str, SeriesMaker] = {"pose": LiveRecording.series}
"""The series a recording makes, by the plan's ``series_kind`` (a test reading the head's
orientation adds ``"head"``: a series made from the frames' extra fields)."""


def _stance(plan: GuidedPlan, pose: PoseSeries, facts: PersonFacts) -> StanceInputs:
    return StanceInputs(pose, age=facts.age, eyes=plan.option, sex=facts.sex)


def _posture(plan: GuidedPlan, pose: PoseSeries, facts: PersonFacts) -> PostureInputs:
    return PostureInputs(pose)


def _mobility(plan: GuidedPlan, pose: PoseSeries, facts: PersonFacts) -> MobilityInputs:
    return MobilityInputs(plan.option, pose=pose)


INPUTS: Mapping[str, InputsBuilder] = {"stance": _stance, "posture": _posture,
                                       "mobility": _mobility}  # fmt: skip
"""How each guided test's recording becomes its assessment's inputs, as the command line builds
them from a video with its defaults (stance: hands free, the 45 s ceiling)."""


def check_guided(
    store: Store, person_id: int, test: str, option: str | None = None
) -> tuple[GuidedPlan, Person]:
    """The plan of ``test`` with ``option`` and the person, or the refusal the CLI gives.

    Raises:
        NotFoundError: no such test.
        InvalidValueError: no such option.
        SafetyError: the person was never screened, or referred and not cleared.
    """
    plan = guided_plan(test, option)
    with store.transaction(write=False) as unit:
        person = unit.person(str(person_id))
        require_cleared(unit, person)
    return plan, person


@dataclass
class GuidedSession:
    """A guided test for one person: the run and who it is for."""

    run: GuidedRun
    person_id: int
    facts: PersonFacts


def start_guided(store: Store, person_id: int, start: GuidedStartMessage) -> GuidedSession:
    """A new guided test for the person (refused as :func:`check_guided` refuses)."""
    plan, person = check_guided(store, person_id, start.test, start.option)
    run = GuidedRun(plan, (start.width, start.height), model=start.model,
                    countdown_s=start.countdown_s, duration_s=start.seconds)  # fmt: skip
    age = age_this_year(person, utc_now())
    facts = PersonFacts(None if age is None else float(age), start.sex)
    return GuidedSession(run, person_id, facts)


def guided_result(plan: GuidedPlan, series: Any, facts: PersonFacts) -> AssessmentResult:
    """The registered test of ``plan`` run on ``series`` (checks and refusals included)."""
    with user_values():
        inputs = INPUTS[plan.test](plan, series, facts)
    return run_assessment(plan.assessment, inputs)


def finish_guided(store: Store, session: GuidedSession) -> GuidedOutcome:
    """Measure the recording and save the result (usable or not, with its reasons).

    Raises:
        InvalidValueError: nothing was recorded (stopped during the camera check).
        NoPersonError: nobody was seen in the recording.
        ImplausibleRecordingError: landmarks that cannot come from a person.
    """
    recording = session.run.recording
    if recording is None or not len(recording):
        raise InvalidValueError(
            "nothing was recorded: the test stopped before the countdown; start it again"
        )
    plan = session.run.plan
    result = guided_result(plan, SERIES[plan.series_kind](recording), session.facts)
    saved = save_assessment(store, str(session.person_id), result)
    return GuidedOutcome(result, saved.record_id)


def result_json(outcome: GuidedOutcome, url: str) -> dict[str, Any]:
    """The ``result`` message: what the page shows at the end."""
    result = outcome.result
    return {
        "type": "result",
        "test": result.test,
        "usable": result.usable,
        "interpretation": result.interpretation,
        "reasons": list(result.reasons),
        "metrics": {k: float(v) for k, v in result.metrics.items()},
        "record_id": outcome.record_id,
        "url": url,
    }
