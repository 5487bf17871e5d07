"""Guided live tests measured as the command line measures a video: on a real single-leg
balance filmed at an angle and a real side-view walk, the guided recording gets the very result
(the refusal and its reasons) the video path gets, saved in the person's history as unusable;
people not screened or referred are refused with the coaching words; age from the birth year."""

from datetime import UTC, datetime

import pytest

from kinesense.assess.catalogue_balance import StanceInputs
from kinesense.assess.catalogue_movement import MobilityInputs, PostureInputs
from kinesense.assess.result import AssessmentResult
from kinesense.errors import InvalidValueError, SafetyError
from kinesense.live.guided import GuidedStartMessage
from kinesense.live.guided_tests import guided_plan
from kinesense.live.recording import LiveRecording
from kinesense.series import PoseSeries
from kinesense.services.assessments import run_assessment
from kinesense.services.history import person_history
from kinesense.services.live_tests import (
    GuidedSession,
    PersonFacts,
    check_guided,
    finish_guided,
    guided_result,
    result_json,
    start_guided,
)
from kinesense.services.people import add_person
from kinesense.services.screening import run_screening
from kinesense.store import Store
from tests.coach.real_poses import clip_series
from tests.live.test_recording import frame_messages

DAY = datetime(2026, 11, 2, 9, tzinfo=UTC)


def person(store: Store, *, screened: bool = True, birth_year: int | None = 1966) -> int:
    added = add_person(store, "Ann", birth_year=birth_year)
    if screened:
        run_screening({}, store=store, person=str(added.person.id), at=DAY)
    return added.person.id


def start(test: str, option: str | None = None, **extra: object) -> GuidedStartMessage:
    return GuidedStartMessage.model_validate(
        {"type": "start", "v": 1, "test": test, "option": option, "width": 1080,
         "height": 1920, **extra}
    )  # fmt: skip


def rebuilt(series: PoseSeries) -> PoseSeries:
    assert series.provenance.resolution is not None
    recording = LiveRecording(series.provenance.resolution, model="full")
    for frame in frame_messages(series):
        recording.add(frame)
    return recording.series()


def comparable(result: dict[str, object]) -> dict[str, object]:
    """A result without what differs by design between a file and a live recording: the
    source (file, reader, codec) and the time it was made."""
    return {k: v for k, v in result.items() if k not in ("source", "recorded_at")}


@pytest.mark.parametrize(
    ("clip", "view", "reason"),
    [
        ("balancing_cam01", "oblique", "the camera sees the person at an angle (oblique view)"),
        ("walk", "left-side", "the camera sees the person from the side (left-side view)"),
    ],
)
def test_stance_gets_the_video_paths_result(clip: str, view: str, reason: str) -> None:
    video = clip_series(clip)
    live = rebuilt(video)
    plan = guided_plan("stance")
    got = guided_result(plan, live, PersonFacts(age=60.0))
    truth = run_assessment("stance", StanceInputs(video, age=60.0))
    assert comparable(got.to_json()) == comparable(truth.to_json())
    assert not got.usable
    assert got.reasons[0].startswith(reason)
    assert got.to_json()["source"]["camera_view"] == view


def test_posture_and_mobility_get_the_video_paths_results() -> None:
    video = clip_series("walk")
    live = rebuilt(video)
    for plan, inputs in (
        (guided_plan("posture", "side"), lambda s: PostureInputs(s)),
        (guided_plan("mobility", "lateral"), lambda s: MobilityInputs("lateral", pose=s)),
    ):
        got = guided_result(plan, live, PersonFacts())
        truth = run_assessment(plan.assessment, inputs(video))
        assert comparable(got.to_json()) == comparable(truth.to_json()), plan.title
    lateral = guided_result(guided_plan("mobility", "lateral"), live, PersonFacts())
    assert not lateral.usable
    assert "lateral needs a front or back view" in lateral.reasons[0]


def test_a_refused_recording_is_saved_as_unusable_with_its_reasons(store: Store) -> None:
    ann = person(store)
    session = start_guided(store, ann, start("stance", "open", countdown_s=0))
    session.run.skip_setup()
    for frame in frame_messages(clip_series("walk")):
        session.run.feed(frame)
        if session.run.done:
            break
    outcome = finish_guided(store, session)
    message = result_json(outcome, "/x")
    assert message["usable"] is False
    assert message["reasons"][0].startswith("the camera sees the person from the side")
    assert message["metrics"] == {}
    saved = person_history(store, str(ann), kind="assessment").entries
    assert [e.id for e in saved] == [outcome.record_id]
    kept = saved[-1].record
    assert isinstance(kept, AssessmentResult)
    assert kept.usable is False
    assert kept.reasons == outcome.result.reasons
    assert kept.conditions["age"] == float(datetime.now(UTC).year - 1966)


def test_age_comes_from_the_birth_year_and_sex_from_the_page(store: Store) -> None:
    ann = person(store, birth_year=1966)
    session = start_guided(store, ann, start("stance", "closed", sex="female"))
    assert session.facts == PersonFacts(float(datetime.now(UTC).year - 1966), "female")
    bob = add_person(store, "Bob").person.id
    run_screening({}, store=store, person=str(bob), at=DAY)
    assert start_guided(store, bob, start("posture")).facts == PersonFacts(None, None)


def test_people_not_screened_or_referred_are_refused_as_coaching_refuses(store: Store) -> None:
    ann = person(store, screened=False)
    with pytest.raises(SafetyError, match="has not been screened yet"):
        check_guided(store, ann, "stance")
    run_screening({"night_pain": True}, store=store, person=str(ann), at=DAY)
    with pytest.raises(SafetyError, match="was referred to a clinician at the screening of"):
        start_guided(store, ann, start("mobility", "flexion"))


def test_stopping_before_the_countdown_records_nothing(store: Store) -> None:
    ann = person(store)
    session: GuidedSession = start_guided(store, ann, start("posture"))
    with pytest.raises(InvalidValueError, match="nothing was recorded"):
        finish_guided(store, session)
    assert person_history(store, str(ann), kind="assessment").entries == ()
