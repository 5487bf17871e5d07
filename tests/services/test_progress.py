"""Progress charts: the series each chart draws, checked against the check-ins and results they
come from (real sway results of cop/eyesOpen_1 and cop/eyesClosed_1; stance and position error
from results of known value, the real recordings here giving none that can be judged)."""

from datetime import UTC, datetime, timedelta

import pytest

from kinesense.services.checkin import CheckInRequest, check_in
from kinesense.services.journey import person_journey
from kinesense.services.people import add_person
from kinesense.services.plans import PlanRequest, make_or_show_plan
from kinesense.services.progress import MEASURES, Point, progress_charts
from kinesense.services.screening import run_screening
from kinesense.store import Store
from tests.services.journey_data import made_result, real_result, save_result, save_session

MONDAY = datetime(2026, 3, 2, 10, tzinfo=UTC)


def charts_of(store: Store, pid: int, today: datetime) -> dict[str, object]:
    return {chart.key: chart for chart in progress_charts(person_journey(store, pid, today=today))}


def test_the_charts_and_their_order(store: Store) -> None:
    pid = add_person(store, "Ann").person.id
    charts = progress_charts(person_journey(store, pid, today=MONDAY))
    assert [c.key for c in charts] == [
        "pain", "psfs", "sway", "stance", "position_error", "adherence",
    ]  # fmt: skip
    assert all(chart.empty for chart in charts)
    assert [spec.metric for spec in MEASURES] == [
        "mean_velocity_mm_s", "stance_time_s", "absolute_error_deg",
    ]  # fmt: skip


def test_pain_and_psfs_follow_the_check_ins(store: Store) -> None:
    pid = add_person(store, "Ann").person.id
    check_in(store, str(pid), CheckInRequest({}, 6, 7, ("walking=2", "lifting=4")), today=MONDAY)
    check_in(store, str(pid), CheckInRequest({}), today=MONDAY + timedelta(days=3))  # no scores
    later = MONDAY + timedelta(days=7)
    check_in(store, str(pid), CheckInRequest({}, 3, 4, ("walking=5", "lifting=8", "stairs=5")),
             today=later)  # fmt: skip
    charts = progress_charts(person_journey(store, pid, today=later))
    pain, psfs = charts[0], charts[1]
    assert [line.label for line in pain.lines] == ["now", "over the last week"]
    assert pain.lines[0].points == (Point(MONDAY, 6.0), Point(later, 3.0))
    assert pain.lines[1].points == (Point(MONDAY, 7.0), Point(later, 4.0))
    assert (pain.low, pain.high, pain.better) == (0.0, 10.0, "lower")
    assert psfs.lines[0].points == (Point(MONDAY, 3.0), Point(later, 6.0))  # (2+4)/2, (5+8+5)/3
    assert psfs.better == "higher"


def test_sway_has_a_line_per_condition_of_usable_results(store: Store) -> None:
    pid = add_person(store, "Bo").person.id
    first, second = MONDAY, MONDAY + timedelta(days=14)
    open_1 = real_result("sway_cop_eo", first, eyes="open")
    closed = real_result("sway_cop_ec_unfiltered", first, eyes="closed")
    open_2 = real_result("sway_cop_eo", second, eyes="open")
    unusable = real_result("stance_trc", second)  # a single-leg stance that could not be judged
    for result in (open_1, closed, open_2, unusable):
        save_result(store, pid, result)
    sway = progress_charts(person_journey(store, pid, today=second))[2]
    lines = {line.label: line.points for line in sway.lines}
    assert set(lines) == {"eyes open, feet together, firm", "eyes closed, feet together, firm"}
    velocity = open_1.metrics["mean_velocity_mm_s"]
    assert lines["eyes open, feet together, firm"] == (Point(first, velocity),
                                                       Point(second, velocity))  # fmt: skip
    assert lines["eyes closed, feet together, firm"] == (
        Point(first, closed.metrics["mean_velocity_mm_s"]),
    )
    assert velocity == pytest.approx(7.2114, abs=1e-3)  # 230.76 mm in 32.0 s
    assert progress_charts(person_journey(store, pid, today=second))[3].empty  # unusable stance


def test_stance_and_position_error(store: Store) -> None:
    pid = add_person(store, "Cy").person.id
    save_result(store, pid, made_result("stance", "stance_time_s", 12.5, "s", MONDAY, eyes="open"))
    save_result(store, pid, made_result("repositioning", "absolute_error_deg", 4.25, "deg", MONDAY,
                                        joint="trunk", task="target"))  # fmt: skip
    charts = progress_charts(person_journey(store, pid, today=MONDAY))
    assert charts[3].lines[0].label == "eyes open"
    assert charts[3].lines[0].points == (Point(MONDAY, 12.5),)
    assert charts[4].lines[0].label == "trunk, target"
    assert charts[4].lines[0].points == (Point(MONDAY, 4.25),)
    assert (charts[3].better, charts[4].better) == ("higher", "lower")


def test_adherence_is_the_share_of_planned_sessions_done_each_week(store: Store) -> None:
    pid = add_person(store, "Di").person.id
    run_screening({}, store=store, person=str(pid), at=MONDAY)
    make_or_show_plan(store, str(pid), PlanRequest(sessions_per_week=3), today=MONDAY)
    for day in (0, 3, 7, 8, 9, 10, 11):  # 2 days in week 1; 5 days in week 2 (3 count)
        save_session(store, pid, MONDAY + timedelta(days=day, hours=2))
    chart = progress_charts(person_journey(store, pid, today=MONDAY + timedelta(days=15)))[5]
    points = chart.lines[0].points
    assert [p.value for p in points] == pytest.approx([200 / 3, 100.0])
    assert points[0].at == datetime(2026, 3, 2, tzinfo=UTC)
    assert (chart.low, chart.high, chart.unit) == (0.0, 100.0, "%")
