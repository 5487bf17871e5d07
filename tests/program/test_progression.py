"""Progression, regression, overrides and re-assessment, one rule at a time on built sessions."""

from datetime import datetime, timedelta
from typing import Any

import pytest

from kinesense.exercises import load_library
from kinesense.program.overrides import apply_overrides, carry_overrides
from kinesense.program.plan import Decision, Plan, PlannedExercise, Profile
from kinesense.program.planner import build_plan
from kinesense.program.progression import review_plan, session_outcome
from kinesense.program.records import CheckIn, ClinicianOverride, CoachedSession
from kinesense.program.screening import screen
from kinesense.program.tracks import load_tracks

LIBRARY = load_library()
BOOK = load_tracks(LIBRARY)
START = datetime(2026, 11, 2, 9, 0)  # a Monday


def coached(
    item: PlannedExercise,
    at: datetime,
    *,
    done: float = 1.0,
    form: float = 0.95,
    hold_s: float | None = None,
    **extra: Any,
) -> CoachedSession:
    """A ``kinesense coach --json`` object for ``item``: ``done`` the fraction of the planned
    repetitions or holds done, each with form score ``form``."""
    sides = 2 if item.side == "both" else 1
    count = round(item.sets * (item.reps or 1) * sides * done)
    summary: dict[str, Any] = {"exercise_id": item.exercise_id, "reps": [], "holds": []}
    if item.hold_s is not None:
        length = item.hold_s if hold_s is None else hold_s
        summary["holds"] = [
            {"set": i + 1, "side": "none", "start_s": 0.0, "end_s": length, "duration_s": length,
             "completed": True, "form_score": form}
            for i in range(count)
        ]  # fmt: skip
    else:
        summary["reps"] = [{"rep": i + 1, "form_score": form} for i in range(count)]
    return CoachedSession.from_json(
        {
            "exercise": item.exercise_id,
            "reps": len(summary["reps"]),
            "holds": summary["holds"],
            "summary": summary,
            "started_at": at.isoformat(),
            **extra,
        }
    )


def gentle_plan(at: datetime = START) -> Plan:
    return build_plan(Profile(), screen({}), [], [], LIBRARY, today=at)


def item_of(plan: Plan, exercise_id: str) -> PlannedExercise:
    return next(e for e in plan.exercises() if e.exercise_id == exercise_id)


def decision(decisions: tuple[Decision, ...], exercise_id: str) -> Decision:
    return next(d for d in decisions if d.exercise_id == exercise_id)


def checkin(at: datetime, pain: int) -> CheckIn:
    return CheckIn.from_json({"pain_now": pain, "pain_week": pain, "checked_at": at.isoformat()})


def test_session_outcome_counts_reps_form_and_holds() -> None:
    rules = BOOK.rules
    bridge = item_of(gentle_plan(), "glute_bridge")  # 2 x 8
    ok, failed, text = session_outcome(bridge, coached(bridge, START), rules)
    assert ok
    assert not failed
    assert "16 of 16" in text
    ok, _, text = session_outcome(bridge, coached(bridge, START, done=0.5), rules)
    assert not ok
    assert "8 of 16" in text
    ok, failed, _ = session_outcome(bridge, coached(bridge, START, form=0.7), rules)
    assert not ok
    assert not failed
    _, failed, _ = session_outcome(bridge, coached(bridge, START, form=0.5), rules)
    assert failed
    plank = PlannedExercise(
        exercise_id="front_plank_knees", sets=3, reps=1, hold_s=10.0, rest_s=30, side="none",
        reason="", track="core", ladder="plank", step=0,
    )  # fmt: skip
    assert session_outcome(plank, coached(plank, START), rules)[0]
    assert not session_outcome(plank, coached(plank, START, hold_s=6.0), rules)[0]
    pain = coached(bridge, START, pain_before=2, pain_after=5)
    assert not session_outcome(bridge, pain, rules)[0]


def test_two_consecutive_successes_progress_and_one_does_not() -> None:
    plan = gentle_plan()
    bridge = item_of(plan, "glute_bridge")
    one = [coached(bridge, START + timedelta(days=1))]
    new, decisions = review_plan(plan, one, [], [], LIBRARY, today=START + timedelta(days=2))
    assert decision(decisions, "glute_bridge").action == "keep"
    assert item_of(new, "glute_bridge").step == 0
    two = [*one, coached(bridge, START + timedelta(days=3))]
    new, decisions = review_plan(plan, two, [], [], LIBRARY, today=START + timedelta(days=4))
    made = decision(decisions, "glute_bridge")
    assert made.action == "progress"
    assert made.rule == "progress"
    after = item_of(new, "glute_bridge")
    assert (after.step, after.sets, after.reps) == (1, 3, 10)  # higher dose, from tracks.json
    # a success then a failure is not two consecutive successes
    mixed = [*one, coached(bridge, START + timedelta(days=3), done=0.5)]
    _, decisions = review_plan(plan, mixed, [], [], LIBRARY, today=START + timedelta(days=4))
    assert decision(decisions, "glute_bridge").action == "keep"


def test_progression_reaches_the_harder_exercise() -> None:
    plan = gentle_plan()
    day = START
    for _ in range(2):
        bridge = item_of(plan, "glute_bridge")
        sessions = [coached(bridge, day + timedelta(days=1)), coached(bridge, day + timedelta(2))]
        day += timedelta(days=3)
        plan, _ = review_plan(plan, sessions, [], [], LIBRARY, today=day)
    assert "single_leg_glute_bridge" in LIBRARY["glute_bridge"].harder
    assert item_of(plan, "single_leg_glute_bridge").step == 2


def test_pain_rise_of_two_points_regresses_or_pauses() -> None:
    plan = gentle_plan()
    bridge = item_of(plan, "glute_bridge")
    sessions = [coached(bridge, START + timedelta(days=d)) for d in (1, 2)]
    plan, _ = review_plan(plan, sessions, [], [], LIBRARY, today=START + timedelta(days=3))
    assert item_of(plan, "glute_bridge").step == 1
    checkins = [checkin(START, 3), checkin(START + timedelta(days=5), 5)]
    new, decisions = review_plan(plan, [], checkins, [], LIBRARY, today=START + timedelta(days=5))
    made = decision(decisions, "glute_bridge")
    assert (made.action, made.rule) == ("regress", "pain_rise")
    assert item_of(new, "glute_bridge").step == 0
    # at the easiest step the exercise is paused instead
    assert decision(decisions, "cat_camel").action == "pause"
    assert "cat_camel" in {e.exercise_id for e in new.paused}
    # one point is below the minimal important change: no regression
    small = [checkin(START, 3), checkin(START + timedelta(days=5), 4)]
    _, decisions = review_plan(plan, [], small, [], LIBRARY, today=START + timedelta(days=5))
    assert all(d.rule != "pain_rise" for d in decisions)


def test_pain_rise_is_applied_once() -> None:
    plan = gentle_plan()
    checkins = [checkin(START, 2), checkin(START + timedelta(days=1), 6)]
    plan, decisions = review_plan(plan, [], checkins, [], LIBRARY, today=START + timedelta(1))
    assert any(d.rule == "pain_rise" for d in decisions)
    _again, decisions = review_plan(plan, [], checkins, [], LIBRARY, today=START + timedelta(2))
    assert all(d.rule != "pain_rise" for d in decisions)


def test_failed_form_regresses() -> None:
    plan = gentle_plan()
    bridge = item_of(plan, "glute_bridge")
    plan, _ = review_plan(
        plan, [coached(bridge, START + timedelta(days=d)) for d in (1, 2)], [], [], LIBRARY,
        today=START + timedelta(days=3),
    )  # fmt: skip
    bridge = item_of(plan, "glute_bridge")
    bad = [coached(bridge, START + timedelta(days=4), form=0.4)]
    new, decisions = review_plan(plan, bad, [], [], LIBRARY, today=START + timedelta(days=5))
    made = decision(decisions, "glute_bridge")
    assert (made.action, made.rule) == ("regress", "failed_form")
    assert item_of(new, "glute_bridge").step == 0


def test_missed_sessions_regress() -> None:
    plan = gentle_plan()
    bridge = item_of(plan, "glute_bridge")
    done = [coached(bridge, START + timedelta(days=d)) for d in (1, 2)]
    plan, _ = review_plan(plan, done, [], [], LIBRARY, today=START + timedelta(days=3))
    new, decisions = review_plan(plan, done, [], [], LIBRARY, today=START + timedelta(days=16))
    assert decision(decisions, "glute_bridge").action == "keep"  # 13 days: not yet
    new, decisions = review_plan(plan, done, [], [], LIBRARY, today=START + timedelta(days=17))
    made = decision(decisions, "glute_bridge")
    assert (made.action, made.rule) == ("regress", "missed")
    assert item_of(new, "glute_bridge").step == 0


def test_reassess_after_four_weeks() -> None:
    plan = gentle_plan()
    _, decisions = review_plan(plan, [], [], [], LIBRARY, today=START + timedelta(days=27))
    assert all(d.action != "reassess" for d in decisions)
    _, decisions = review_plan(plan, [], [], [], LIBRARY, today=START + timedelta(days=28))
    assert any(d.action == "reassess" and d.rule == "reassess" for d in decisions)


def override(exercise_id: str, action: str, at: datetime, value: Any = None) -> ClinicianOverride:
    return ClinicianOverride.from_json(
        {
            "exercise_id": exercise_id,
            "action": action,
            "value": value,
            "clinician": "J. Smith",
            "reason": "clinical judgement",
            "made_at": at.isoformat(),
        }
    )


def test_hold_override_beats_progression_and_pain_until_resumed() -> None:
    plan = gentle_plan()
    bridge = item_of(plan, "glute_bridge")
    hold = [override("glute_bridge", "hold", START + timedelta(hours=1))]
    sessions = [coached(bridge, START + timedelta(days=d)) for d in (1, 2)]
    checkins = [checkin(START, 2), checkin(START + timedelta(days=3), 6)]
    new, decisions = review_plan(
        plan, sessions, checkins, hold, LIBRARY, today=START + timedelta(3)
    )
    kept = item_of(new, "glute_bridge")
    assert kept.step == 0
    assert kept.clinician == "J. Smith"
    assert all(d.rule == "override" for d in decisions if d.exercise_id == "glute_bridge")
    assert new.overrides[0].action == "hold"
    # later reviews still respect it, and do not apply it twice
    newer, decisions = review_plan(new, sessions, [], hold, LIBRARY, today=START + timedelta(4))
    assert item_of(newer, "glute_bridge").step == 0
    assert decision(decisions, "glute_bridge").reason.startswith("Held by J. Smith")
    resume = [*hold, override("glute_bridge", "resume", START + timedelta(days=4, hours=1))]
    freed, _ = review_plan(newer, sessions, [], resume, LIBRARY, today=START + timedelta(5))
    assert item_of(freed, "glute_bridge").clinician == ""
    assert len(freed.overrides) == 2


def test_one_off_and_dose_and_pause_overrides() -> None:
    plan = gentle_plan()
    records = [
        override("glute_bridge", "progress", START + timedelta(hours=1)),
        override("weight_shifts", "dose", START + timedelta(hours=2), {"sets": 3, "reps": 12}),
        override("cat_camel", "pause", START + timedelta(hours=3)),
    ]
    new, decisions = apply_overrides(plan, records, LIBRARY, today=START + timedelta(hours=4))
    assert item_of(new, "glute_bridge").step == 1
    shifts = item_of(new, "weight_shifts")
    assert (shifts.sets, shifts.reps, shifts.clinician) == (3, 12, "J. Smith")
    assert "cat_camel" in {e.exercise_id for e in new.paused}
    assert {d.action for d in decisions} == {"override", "pause"}
    again, _ = apply_overrides(new, records, LIBRARY, today=START + timedelta(hours=5))
    assert item_of(again, "glute_bridge").step == 1  # the one-off progression is not repeated
    rebuilt, _ = carry_overrides(gentle_plan(START + timedelta(1)), records, LIBRARY,
                                 today=START + timedelta(1))  # fmt: skip
    assert item_of(rebuilt, "glute_bridge").step == 0  # one-off: history
    assert item_of(rebuilt, "weight_shifts").reps == 12  # standing: re-applied
    assert "cat_camel" in {e.exercise_id for e in rebuilt.paused}


def test_referred_plan_is_not_reviewed() -> None:
    plan = build_plan(Profile(), screen({"saddle_numbness": True}), [], [], LIBRARY, today=START)
    new, decisions = review_plan(plan, [], [], [], LIBRARY, today=START + timedelta(days=30))
    assert new.status == "referred"
    assert not new.sessions
    assert decisions[0].rule == "red_flag"


def test_unknown_override_action_and_inconsistent_overrides_are_refused() -> None:
    with pytest.raises(ValueError, match="field 'action'"):
        override("cat_camel", "jump", START)
    with pytest.raises(ValueError, match="needs a value"):
        override("cat_camel", "dose", START)
    with pytest.raises(ValueError, match="only a dose override takes a value"):
        override("cat_camel", "hold", START, {"sets": 2})
    with pytest.raises(ValueError, match="takes the action resume"):
        override("*", "hold", START)
    with pytest.raises(ValueError, match=r"field 'value\.reps'"):
        override("cat_camel", "dose", START, {"reps": 1e9})


def test_held_exercises_are_reported_in_plan_order() -> None:
    """Exercises held by clinicians are reported in the plan's order, not a set's order (which
    varied from run to run with the hash seed)."""
    plan = gentle_plan()
    holds = [
        override(e.exercise_id, "hold", START + timedelta(hours=1 + i))
        for i, e in enumerate(reversed(plan.exercises()))
    ]
    held, _ = apply_overrides(plan, holds, LIBRARY, today=START + timedelta(hours=5))
    _, decisions = review_plan(held, [], [], holds, LIBRARY, today=START + timedelta(days=1))
    assert [d.exercise_id for d in decisions] == [e.exercise_id for e in held.exercises()]
