"""A person walked through weeks of simulated sessions and check-ins, kept in a real store.

Every rule fires as written: steady success progresses, a clinician's hold sticks, a pain spike
regresses, failed form regresses, missed sessions regress, re-assessment is asked after four
weeks, a red flag refers with no plan until a clinician clears it; adherence adds up.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kinesense.assess.result import AssessmentResult, MetricInfo, NormComparison
from kinesense.exercises import load_library
from kinesense.program.adherence import adherence
from kinesense.program.plan import Decision, Plan, Profile
from kinesense.program.planner import build_plan
from kinesense.program.progression import review_plan
from kinesense.program.records import CheckIn, ClinicianOverride
from kinesense.program.screening import ScreeningResult, screen
from kinesense.store import Store, Unit
from tests.program.test_progression import coached

LIBRARY = load_library()
MONDAY = datetime(2026, 11, 2, 18, 0)
INFO = MetricInfo("", "test metric", "test source")


def assessments() -> list[AssessmentResult]:
    sway = NormComparison("mean_velocity_mm_s", 30.0, 5.0, 15.0, "adults", "Test norm 2020",
                          "above", "sway above the range")  # fmt: skip
    # (built positionally as the assess package defines them)
    return [
        AssessmentResult(
            "sway",
            True,
            {"mean_velocity_mm_s": 30.0},
            {"mean_velocity_mm_s": INFO},
            norms=(sway,),
            recorded_at="2026-11-01T10:00:00",
        ),
        AssessmentResult(
            "mobility-waiters-bow",
            True,
            {"waiters_bow_pass": 0.0},
            {"waiters_bow_pass": INFO},
            recorded_at="2026-11-01T10:05:00",
        ),
    ]


class Person:
    """The simulated person and their history in the store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        with store.transaction() as unit:
            self.id = unit.add_person("Sim", birth_year=1970).id
        self.decisions: list[tuple[Decision, ...]] = []

    def unit(self) -> Any:
        return self.store.transaction()

    @property
    def plan(self) -> Plan:
        with self.unit() as unit:
            stored = unit.active_plan(self.id)
        assert stored is not None
        return stored

    def steps(self) -> dict[str, tuple[str, int]]:
        return {e.ladder: (e.exercise_id, e.step) for e in self.plan.exercises()}

    def train_week(
        self, monday: datetime, form: Callable[[str], float] = lambda _: 0.95, days: int = 3
    ) -> None:
        plan = self.plan
        with self.unit() as unit:
            for day in (0, 2, 4)[:days]:
                for item in plan.sessions[0]:
                    at = monday + timedelta(days=day, minutes=len(item.exercise_id))
                    unit.save_session(self.id, coached(item, at, form=form(item.exercise_id)))

    def check_in(self, at: datetime, pain: int, yes: tuple[str, ...] = ()) -> tuple[Decision, ...]:
        result = screen(dict.fromkeys(yes, True), at=at)
        checkin = CheckIn.from_json({"pain_now": pain, "pain_week": pain, "checked_at": at})
        with self.unit() as unit:
            unit.save_screening(self.id, result)
            unit.save_checkin(self.id, checkin)
            if result.decision == "refer":
                unit.save_plan(self.id, self.build(unit, at, result), reason="red flag")
                return ()
            plan, made = review_plan(
                unit.active_plan(self.id) or self.plan,
                unit.sessions(self.id),
                unit.checkins(self.id),
                unit.overrides(self.id),
                LIBRARY,
                today=at,
            )
            unit.save_plan(self.id, plan, reason="check-in")
        self.decisions.append(made)
        return made

    def build(self, unit: Unit, at: datetime, screening: ScreeningResult, **kwargs: Any) -> Plan:
        return build_plan(
            Profile(age=56, minutes_per_session=12),
            screening,
            assessments(),
            unit.checkins(self.id),
            LIBRARY,
            today=at,
            person_id=self.id,
            **kwargs,
        )


def by_rule(decisions: tuple[Decision, ...], rule: str) -> set[str]:
    return {d.exercise_id for d in decisions if d.rule == rule}


@pytest.fixture
def person(tmp_path: Path) -> Person:
    with Store(f"sqlite:///{tmp_path / 'weeks.db'}") as store:
        yield Person(store)  # type: ignore[misc]


def test_weeks_of_sessions(person: Person) -> None:
    week = timedelta(days=7)
    first = screen({}, at=MONDAY - timedelta(days=1))
    baseline = CheckIn.from_json(
        {"pain_now": 4, "pain_week": 4, "checked_at": (MONDAY - timedelta(1)).isoformat()}
    )
    with person.unit() as unit:
        unit.save_screening(person.id, first)
        unit.save_checkin(person.id, baseline)
        plan = person.build(unit, MONDAY - timedelta(hours=1), first)
        unit.save_plan(person.id, plan, reason="first plan")
    assert [t.id for t in plan.tracks] == ["balance", "core"]
    start = person.steps()
    assert start == {
        "static_balance": ("weight_shifts", 0),
        "hinge": ("hip_hinge", 0),
        "dynamic_balance": ("sit_to_stand", 0),
        "quadruped": ("quadruped_leg_slide", 0),
    }

    # week 1: three good sessions -> every exercise progresses one step
    person.train_week(MONDAY)
    made = person.check_in(MONDAY + timedelta(days=6), pain=4)
    assert by_rule(made, "progress") == {e for e, _ in start.values()}
    assert {ladder: step for ladder, (_, step) in person.steps().items()} == dict.fromkeys(start, 1)
    assert person.steps()["static_balance"] == ("semi_tandem_stance", 1)  # the harder exercise

    # week 2: a clinician holds the hip hinge; the others progress again, the hinge stays
    hold = ClinicianOverride.from_json({
        "exercise_id": "hip_hinge", "action": "hold", "value": None, "clinician": "PT Jones",
        "reason": "keep the hinge pattern until reviewed", "made_at": (MONDAY + week).isoformat(),
    })  # fmt: skip
    with person.unit() as unit:
        unit.save_override(person.id, hold)
    person.train_week(MONDAY + week)
    made = person.check_in(MONDAY + week + timedelta(days=6), pain=4)
    assert "hip_hinge" in by_rule(made, "override")
    steps = person.steps()
    assert steps["hinge"] == ("hip_hinge", 1)
    assert steps["static_balance"] == ("semi_tandem_stance", 2)
    assert steps["quadruped"] == ("bird_dog", 2)

    # week 3: pain jumps from 4 to 7 -> every exercise not held goes one step easier
    person.train_week(MONDAY + 2 * week)
    made = person.check_in(MONDAY + 2 * week + timedelta(days=6), pain=7)
    assert by_rule(made, "pain_rise") == {"semi_tandem_stance", "bird_dog", "clock_reach"}
    assert person.steps()["dynamic_balance"] == ("sit_to_stand", 1)
    steps = person.steps()
    assert steps["static_balance"] == ("semi_tandem_stance", 1)
    assert steps["quadruped"] == ("quadruped_leg_slide", 1)
    assert steps["hinge"] == ("hip_hinge", 1)  # the override still sticks

    # week 4: pain settles; quadruped leg slides done with poor form -> regressed
    person.train_week(MONDAY + 3 * week, form=lambda e: 0.4 if e == "quadruped_leg_slide" else 0.95)
    made = person.check_in(MONDAY + 3 * week + timedelta(days=6), pain=4)
    assert by_rule(made, "failed_form") == {"quadruped_leg_slide"}
    assert person.steps()["quadruped"] == ("quadruped_leg_slide", 0)
    assert by_rule(made, "progress") >= {"semi_tandem_stance"}
    assert all(d.action != "reassess" for d in made)  # day 27 of the plan: not yet

    # weeks 5-6: no session at all -> after 14 days each exercise restarts one step easier
    before = person.steps()
    made = person.check_in(MONDAY + 5 * week + timedelta(days=6), pain=3)
    assert by_rule(made, "missed") == {e for ladder, (e, _) in before.items() if ladder != "hinge"}
    assert {d.exercise_id for d in made if d.action == "regress"} == {
        e for ladder, (e, step) in before.items() if step > 0 and ladder != "hinge"
    }
    assert person.steps()["quadruped"] == ("quadruped_leg_slide", 0)  # restarts at the bottom
    assert any(d.action == "reassess" for d in made)  # more than 4 weeks since the first plan
    assert person.steps()["hinge"] == ("hip_hinge", 1)

    # week 7: a red flag at the check-in -> referral, no exercise, and reviews keep it so
    made = person.check_in(MONDAY + 6 * week + timedelta(days=6), pain=3, yes=("bladder_change",))
    assert person.plan.status == "referred"
    assert person.plan.sessions == ()
    assert person.plan.exercises() == ()
    plan, made = review_plan(person.plan, [], [], [], LIBRARY, today=MONDAY + 8 * week)
    assert plan.status == "referred"
    assert made[0].rule == "red_flag"
    # a clinician clears it: the plan can be rebuilt, and says who cleared it
    clearance = ClinicianOverride.from_json(
        {
            "exercise_id": "*",
            "action": "resume",
            "clinician": "Dr Patel",
            "reason": "seen in clinic",
            "made_at": (MONDAY + 7 * week).isoformat(),
        }
    )
    with person.unit() as unit:
        latest = unit.latest_screening(person.id)
        assert latest is not None
        rebuilt = person.build(unit, MONDAY + 7 * week, latest, cleared_by=clearance)
        plans = unit.plans(person.id)
        sessions = unit.sessions(person.id)
        kinds = [entry.kind for entry in unit.history(person.id)]
    assert rebuilt.status == "active"
    assert any("Dr Patel" in r for r in rebuilt.reasons)

    # adherence over the whole history: 4 weeks x 3 sessions done of 6 weeks x 3 planned
    summary = adherence(plans, sessions, until=MONDAY + 7 * week)
    assert [w.done for w in summary.weeks[:6]] == [3, 3, 3, 3, 0, 0]
    assert summary.planned == 6 * 3  # the referral week plans nothing
    assert summary.done == 12
    assert summary.longest_streak_weeks == 4
    assert summary.current_streak_weeks == 0
    # the history keeps every plan with its decisions and the override
    assert kinds.count("plan") == 7
    assert kinds.count("override") == 1
