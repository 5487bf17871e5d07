"""The planner: which tracks, which exercises and doses, and the reasons, from built inputs."""

import json
from datetime import date
from pathlib import Path

import pytest

from kinesense.assess.result import AssessmentResult, MetricInfo, NormComparison
from kinesense.errors import DataFileError, InvalidValueError
from kinesense.exercises import load_library
from kinesense.program.deficits import find_deficits
from kinesense.program.plan import Plan, Profile, estimate_s
from kinesense.program.planner import build_plan
from kinesense.program.records import ClinicianOverride
from kinesense.program.screening import screen
from kinesense.program.tracks import TrackDataError, load_tracks, parse_tracks, planner_rules
from tests.conftest import shared_file

LIBRARY = load_library()
TODAY = date(2026, 11, 30)
PROCEED = screen({})
INFO = MetricInfo("deg", "a metric", "a source")
RULES = planner_rules()
TRUNK_REPOSITIONING_FLAG_DEG = RULES.trunk_repositioning_flag_deg


def norm(metric: str, value: float, verdict: str, low: float | None = None,
         high: float | None = None) -> NormComparison:  # fmt: skip
    return NormComparison(metric, value, low, high, "adults", "Test source 2020", verdict,
                          f"{metric} {value:g} is {verdict} the range")  # fmt: skip


def result(test: str, metrics: dict[str, float], norms: tuple[NormComparison, ...] = (),
           **kwargs: object) -> AssessmentResult:  # fmt: skip
    return AssessmentResult(test=test, usable=True, metrics=metrics,
                            metric_info=dict.fromkeys(metrics, INFO), norms=norms,
                            recorded_at="2026-11-29T10:00:00+00:00", **kwargs)  # type: ignore[arg-type]  # fmt: skip


def plan_for(*results: AssessmentResult, profile: Profile | None = None) -> Plan:
    return build_plan(profile or Profile(), PROCEED, results, [], LIBRARY, today=TODAY)


def ids(plan: Plan) -> list[str]:
    return [e.exercise_id for e in plan.exercises()]


def test_red_flag_gives_a_referral_and_no_exercise() -> None:
    flagged = screen({"saddle_numbness": True})
    plan = build_plan(Profile(), flagged, [], [], LIBRARY, today=TODAY)
    assert plan.status == "referred"
    assert plan.sessions == ()
    assert plan.tracks == ()
    assert flagged.message in plan.reasons
    assert any("clinician" in r for r in plan.reasons)


def test_clearance_after_a_referral_lets_the_plan_proceed() -> None:
    flagged = screen({"saddle_numbness": True})
    cleared = ClinicianOverride.from_json(
        {"exercise_id": "*", "action": "resume", "clinician": "Dr Lee",
         "reason": "examined, no cauda equina", "made_at": "2099-01-01T00:00:00"}
    )  # fmt: skip
    plan = build_plan(Profile(), flagged, [], [], LIBRARY, today=TODAY, cleared_by=cleared)
    assert plan.status == "active"
    assert any("Dr Lee" in r and "2099-01-01" in r for r in plan.reasons)
    # before the screening: not a clearance
    stale = cleared.changed(made_at="2000-01-01T00:00:00+00:00")
    assert build_plan(
        Profile(), flagged, [], [], LIBRARY, today=TODAY, cleared_by=stale
    ).status == ("referred")


def test_no_assessment_gives_a_gentle_default_and_says_so() -> None:
    plan = plan_for()
    assert [t.id for t in plan.tracks] == ["gentle"]
    assert ids(plan) == ["cat_camel", "glute_bridge", "weight_shifts"]
    assert any("no usable assessment" in r for r in plan.reasons)
    assert all(e.step == 0 and e.reason for e in plan.exercises())
    assert len(plan.sessions) == 3
    assert plan.reassess_after == date(2026, 12, 28)
    assert plan.to_json()["reassess_after"] == "2026-12-28"


def test_results_within_norms_give_the_gentle_mix_with_that_reason() -> None:
    within = result("sway", {"mean_velocity_mm_s": 8.0},
                    (norm("mean_velocity_mm_s", 8.0, "within", 5, 15),))  # fmt: skip
    plan = plan_for(within)
    assert [t.id for t in plan.tracks] == ["gentle"]
    assert any("None of your measured results was worse" in r for r in plan.reasons)


def test_poor_balance_chooses_the_balance_track() -> None:
    sway = result("sway", {"mean_velocity_mm_s": 30.0},
                  (norm("mean_velocity_mm_s", 30.0, "above", 5, 15),))  # fmt: skip
    plan = plan_for(sway)
    assert [t.id for t in plan.tracks] == ["balance"]
    assert ids(plan)[:2] == ["weight_shifts", "sit_to_stand"]
    assert "Test source 2020" in plan.tracks[0].reason
    stance = result("stance", {"stance_time_s": 4.0}, (norm("stance_time_s", 4.0, "below", 20),))
    assert [t.id for t in plan_for(stance).tracks] == ["balance"]


def test_repositioning_error_chooses_proprioceptive_re_education() -> None:
    high = TRUNK_REPOSITIONING_FLAG_DEG + 2
    trunk = result("repositioning", {"absolute_error_deg": high}, conditions={"joint": "trunk"})
    plan = plan_for(trunk)
    assert [t.id for t in plan.tracks] == ["proprioception"]
    assert ids(plan)[0] == "pelvic_tilts"
    assert "rule of thumb" in plan.tracks[0].reason  # no validated cut-off: said so
    low = result("repositioning", {"absolute_error_deg": 3.0}, conditions={"joint": "trunk"})
    assert [t.id for t in plan_for(low).tracks] == ["gentle"]
    neck = result("repositioning", {"absolute_error_deg": 6.0},
                  (norm("absolute_error_deg", 6.0, "above", None, 4.5),),
                  conditions={"joint": "neck"})  # fmt: skip
    assert ids(plan_for(neck)) == ["head_repositioning_practice"]


def test_failed_waiters_bow_chooses_the_core_track_with_hinge_practice() -> None:
    bow = result("mobility-waiters-bow", {"waiters_bow_pass": 0.0, "hip_target_reached": 0.0})
    plan = plan_for(bow, profile=Profile(minutes_per_session=60))
    assert [t.id for t in plan.tracks] == ["core"]
    assert ids(plan) == ["hip_hinge", "quadruped_leg_slide", "glute_bridge", "front_plank_knees"]
    assert "Luomajoki" in plan.tracks[0].reason
    passed = result("mobility-waiters-bow", {"waiters_bow_pass": 1.0, "hip_target_reached": 1.0})
    assert [t.id for t in plan_for(passed).tracks] == ["gentle"]


def test_tests_are_told_apart_through_the_registry() -> None:
    """A result saved under an older name of its test counts as that test (the registry's
    aliases); the balance tests of tracks.json are checked against the registry."""
    older = result("single-leg-stance", {"stance_time_s": 4.0},
                   (norm("stance_time_s", 4.0, "below", 20),))  # fmt: skip
    deficits, _, used = find_deficits([older], RULES)
    assert used
    assert deficits["balance"].startswith("Your balance measured worse than the published norm")
    assert "single-leg stance: stance_time_s 4 is below the range" in deficits["balance"]
    forward = result("mobility-forward-bend", {"lumbopelvic_ratio": 1.2})
    assert find_deficits([forward], RULES)[0] == {}  # only the waiter's bow can fail the hinge
    from importlib import resources

    text = resources.files("kinesense.program").joinpath("data", "tracks.json").read_text()
    data = json.loads(text)
    data["planner"]["balance_tests"] = ["sway", "tightrope"]
    with pytest.raises(TrackDataError, match=r"field 'planner.balance_tests': not assessments: "
                       r"tightrope; the assessments are: sway, romberg"):  # fmt: skip
        parse_tracks(data, LIBRARY)


def test_unusable_results_are_noted_not_used() -> None:
    bad = AssessmentResult.unusable("sway", "the recording is 5 s long, shorter than 20 s")
    plan = plan_for(bad)
    assert [t.id for t in plan.tracks] == ["gentle"]
    assert any("could not be used" in r and "shorter than 20 s" in r for r in plan.reasons)
    assert find_deficits([bad], RULES)[2] is False


def test_goals_and_age_shape_the_tracks() -> None:
    plan = plan_for(profile=Profile(goals=("lift my grandchild",), minutes_per_session=30))
    assert [t.id for t in plan.tracks] == ["core"]
    assert "lift my grandchild" in plan.tracks[0].reason
    older = plan_for(profile=Profile(age=70))
    assert [t.id for t in older.tracks] == ["balance"]
    assert "Sherrington" in older.tracks[0].reason


def test_time_available_is_respected_and_leftovers_are_named() -> None:
    sway = result("sway", {"v": 30.0}, (norm("v", 30.0, "above", 5, 15),))
    bow = result("mobility-waiters-bow", {"waiters_bow_pass": 0.0})
    for minutes in (5, 10, 20, 45):
        plan = plan_for(sway, bow, profile=Profile(minutes_per_session=minutes))
        session = plan.sessions[0]
        seconds = sum(estimate_s(e, LIBRARY) for e in session)
        assert len(session) >= 1
        assert len(session) == 1 or seconds <= minutes * 60
    short = plan_for(sway, bow, profile=Profile(minutes_per_session=10))
    assert any(r.startswith("Left out to fit 10 minutes") for r in short.reasons)
    # deficits first and interleaved: both tracks get their first exercise
    assert {e.track for e in short.sessions[0]} == {"balance", "core"}


def test_estimate_by_hand() -> None:
    plan = plan_for()
    bridge = next(e for e in plan.exercises() if e.exercise_id == "glute_bridge")
    # 60 s setup (tracks.json) + 2 sets x 8 reps x max(4, 2 x 1.5 s) + 1 rest of 45 s
    assert RULES.setup_s == 60
    assert estimate_s(bridge, LIBRARY) == pytest.approx(60 + 2 * 8 * 4.0 + 45)
    assert estimate_s(bridge, LIBRARY, setup_s=0) == pytest.approx(2 * 8 * 4.0 + 45)


def test_equipment_missing_leaves_out_floor_exercises() -> None:
    plan = plan_for(profile=Profile(equipment=frozenset({"counter"})))
    assert ids(plan) == ["weight_shifts"]
    assert any("lack of equipment" in r and "mat" in r for r in plan.reasons)
    nothing = plan_for(profile=Profile(equipment=frozenset()))
    assert nothing.status == "paused"
    assert not nothing.sessions


def test_profile_limits() -> None:
    with pytest.raises(InvalidValueError, match="minutes_per_session"):
        Profile.from_json({"minutes_per_session": 2})
    with pytest.raises(InvalidValueError, match="sessions_per_week"):
        Profile.from_json({"sessions_per_week": 8})


def test_json_round_trip() -> None:
    sway = result("sway", {"v": 30.0}, (norm("v", 30.0, "above", 5, 15),))
    plan = plan_for(sway, profile=Profile(age=50, goals=("walk",), sessions_per_week=4))
    text = json.dumps(plan.to_json())
    assert Plan.from_json(json.loads(text)) == plan
    assert "does not replace" in plan.to_json()["disclaimer"]


def test_shipped_ladders_are_consistent_with_the_library() -> None:
    book = load_tracks(LIBRARY)
    for track in book.tracks.values():
        for ladder in track.ladders:
            levels = [LIBRARY[s.exercise_id].level for s in ladder.steps]
            assert levels == sorted(levels), ladder.id
            for a, b in zip(ladder.steps, ladder.steps[1:], strict=False):
                if a.exercise_id == b.exercise_id:  # a dose step must be a harder dose
                    assert (b.sets, b.reps, b.hold_s or 0) > (a.sets, a.reps, a.hold_s or 0)
                    assert b.sets * b.reps * (b.hold_s or 1) > a.sets * a.reps * (a.hold_s or 1)


def test_track_file_mistakes_are_refused() -> None:
    from importlib import resources

    text = resources.files("kinesense.program").joinpath("data", "tracks.json").read_text()
    data = json.loads(text)
    data["tracks"][0]["ladders"][0]["steps"][0]["exercise"] = "moonwalk"
    with pytest.raises(TrackDataError, match="unknown exercise 'moonwalk'"):
        parse_tracks(data, LIBRARY)
    data = json.loads(text)
    data["tracks"][0]["ladders"][0]["steps"][1]["hold_s"] = None  # a hold exercise
    with pytest.raises(TrackDataError, match="hold_s"):
        parse_tracks(data, LIBRARY)
    data = json.loads(text)
    data["tracks"][0]["ladders"][0]["steps"][0]["equipment"] = ["trampoline"]
    with pytest.raises(TrackDataError, match="unknown equipment"):
        parse_tracks(data, LIBRARY)
    data = json.loads(text)
    data["planner"]["trunk_repositioning_flag_deg"] = -1
    with pytest.raises(DataFileError, match=r"tracks.json: field 'planner.trunk_repositioning"):
        parse_tracks(data, LIBRARY)
    data = json.loads(text)
    data["success"]["failed_form_score"] = 0.9  # above min_form_score 0.8
    with pytest.raises(DataFileError, match="failed_form_score <= min_form_score"):
        parse_tracks(data, LIBRARY)
    data = json.loads(text)
    data["tracks"][0]["ladders"][0]["steps"][0]["sets"] = 2.5
    with pytest.raises(DataFileError, match=r"steps.0.sets"):
        parse_tracks(data, LIBRARY)


def test_planner_thresholds_come_from_the_tracks_file() -> None:
    """The trunk repositioning flag is read from tracks.json: moving it moves the decision."""
    from importlib import resources

    data = json.loads(
        resources.files("kinesense.program").joinpath("data", "tracks.json").read_text()
    )
    trunk = result("repositioning", {"absolute_error_deg": 4.0}, conditions={"joint": "trunk"})
    assert [t.id for t in plan_for(trunk).tracks] == ["gentle"]  # 4 deg < 5 deg
    data["planner"]["trunk_repositioning_flag_deg"] = 3.5
    lower = parse_tracks(data, LIBRARY)
    plan = build_plan(Profile(), PROCEED, [trunk], [], LIBRARY, today=TODAY, book=lower)
    assert [t.id for t in plan.tracks] == ["proprioception"]


def test_real_force_plate_sway_drives_the_balance_choice(shared_data: Path) -> None:
    from kinesense.assess.balance_tests import Conditions, assess_sway
    from kinesense.assess.sway_sources import from_cop
    from kinesense.capture.readers import read_cop_csv

    cop = read_cop_csv(shared_file(shared_data, "cop/eyesClosed_1.csv.gz"))
    real = assess_sway(from_cop(cop), Conditions("closed"))
    assert real.usable
    plan = plan_for(real)
    flagged = any(n.verdict == "above" for n in real.norms)
    assert ("balance" in [t.id for t in plan.tracks]) == flagged
    if not flagged:  # sway has no shipped norm yet: no deficit is claimed
        assert [t.id for t in plan.tracks] == ["gentle"]
        assert any("None of your measured results was worse" in r for r in plan.reasons)
    assert plan.status == "active"
    assert plan.sessions


def test_a_new_plan_keeps_the_progress_of_the_previous_one() -> None:
    old = plan_for(profile=Profile(minutes_per_session=20))
    bridge = next(e for e in old.exercises() if e.ladder == "bridge")
    mobility = next(e for e in old.exercises() if e.ladder == "mobility")
    moved = bridge.changed(exercise_id="single_leg_glute_bridge", sets=2, reps=6, step=2)
    others = [e for e in old.exercises() if e.ladder not in ("bridge", "mobility")]
    old = old.changed(sessions=((moved, *others),), paused=(mobility,))
    new = build_plan(Profile(minutes_per_session=30), PROCEED, [], [], LIBRARY, today=TODAY,
                     previous=old)  # fmt: skip
    kept = next(e for e in new.exercises() if e.ladder == "bridge")
    assert (kept.exercise_id, kept.step, kept.reps) == ("single_leg_glute_bridge", 2, 6)
    assert "Kept at the step reached so far" in kept.reason
    assert [e.ladder for e in new.paused] == ["mobility"]
    assert "cat_camel" not in ids(new)
