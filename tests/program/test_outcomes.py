"""Pain NRS and PSFS: validation, and changes judged at and around the MIDs (by hand)."""

import pytest

from kinesense.errors import InvalidValueError
from kinesense.program import outcomes
from kinesense.program.outcomes import (
    OutcomeError,
    PainRating,
    PsfsItem,
    pain_change,
    psfs_change,
    psfs_mean,
    score_change,
)


def item(activity: str, score: object) -> PsfsItem:
    return PsfsItem.from_json({"activity": activity, "score": score})


def test_pain_rating_accepts_whole_numbers_from_0_to_10() -> None:
    rating = PainRating(now=0, week_average=10)
    assert rating.to_json() == {"pain_now": 0, "pain_week": 10}


@pytest.mark.parametrize(("now", "week"), [(11, 3), (-1, 3), (3, 2.5), (True, 3), (3, "4")])
def test_pain_rating_refuses_values_off_the_scale(now: object, week: object) -> None:
    with pytest.raises(OutcomeError):
        PainRating(now=now, week_average=week)  # type: ignore[arg-type]


def test_psfs_mean_is_the_average_of_the_activities() -> None:
    items = [item("lifting a bag", 3), item("walking 1 km", 5), item("gardening", 7)]
    assert psfs_mean(items) == pytest.approx(5.0)
    assert psfs_mean([item("sitting an hour", 4), item("driving", 7)]) == 5.5
    assert items[0].to_json() == {"activity": "lifting a bag", "score": 3}


def test_psfs_refuses_bad_items() -> None:
    with pytest.raises(OutcomeError, match="1 to 5"):
        psfs_mean([])
    with pytest.raises(OutcomeError, match="1 to 5"):
        psfs_mean([item(f"activity {i}", 5) for i in range(6)])
    with pytest.raises(OutcomeError, match="only once"):
        psfs_mean([item("Driving", 5), item("driving ", 6)])
    with pytest.raises(InvalidValueError, match="needs a name"):
        item(" ", 5)
    with pytest.raises(InvalidValueError, match="less than or equal to 10"):
        item("running", 12)
    with pytest.raises(InvalidValueError, match="valid integer"):
        item("running", 2.5)


# (baseline, current, difference, percent, direction, meaningful) computed by hand:
# improvement meaningful at a fall >= 2 points or >= 30 % of baseline; a rise at >= 2 points.
PAIN_CASES = [
    (6, 4, -2.0, -33.333, "better", True),  # 2 points exactly
    (8, 6.5, -1.5, -18.75, "better", False),  # neither threshold
    (10, 7, -3.0, -30.0, "better", True),  # 30 % exactly (and 3 points)
    (5, 3.5, -1.5, -30.0, "better", True),  # 30 % exactly decides: only 1.5 points
    (5, 3.6, -1.4, -28.0, "better", False),  # just under 30 %
    (5, 4, -1.0, -20.0, "better", False),
    (3, 2, -1.0, -33.333, "better", True),  # 1 point but 33 % of a low baseline
    (7, 5.1, -1.9, -27.143, "better", False),  # just short of both
    (4, 6, 2.0, 50.0, "worse", True),  # 2-point rise
    (4, 5.5, 1.5, 37.5, "worse", False),  # 30 % rule is for improvement only
    (0, 1, 1.0, None, "worse", False),  # no percentage from a zero baseline
    (5, 5, 0.0, 0.0, "same", False),
]


@pytest.mark.parametrize(("base", "now", "diff", "percent", "direction", "meaningful"), PAIN_CASES)
def test_pain_change_at_and_around_the_mid(
    base: float, now: float, diff: float, percent: float | None, direction: str, meaningful: bool
) -> None:
    change = pain_change(base, now)
    assert change.metric == "pain_nrs"
    assert change.difference == pytest.approx(diff)
    if percent is None:
        assert change.percent is None
    else:
        assert change.percent == pytest.approx(percent, abs=1e-3)
    assert change.direction == direction
    assert change.meaningful is meaningful
    if direction != "same":
        assert "Farrar" in change.reason
        assert "Ostelo" in change.reason


def test_pain_change_refuses_values_off_the_scale() -> None:
    with pytest.raises(OutcomeError):
        pain_change(11, 3)
    with pytest.raises(OutcomeError):
        pain_change(3, -0.5)


@pytest.mark.parametrize(
    ("base", "now", "single", "direction", "meaningful"),
    [
        (3, 5, False, "better", True),  # mean rises 2 points: the MID
        (3, 4.5, False, "better", False),
        (6, 4, False, "worse", True),
        (6, 4.2, False, "worse", False),
        (3, 5, True, "better", False),  # one activity needs 3 points
        (3, 6, True, "better", True),
        (4, 4, False, "same", False),
    ],
)
def test_psfs_change_at_and_around_the_mid(
    base: float, now: float, single: bool, direction: str, meaningful: bool
) -> None:
    change = psfs_change(base, now, single_activity=single)
    assert change.difference == pytest.approx(now - base)
    assert change.direction == direction
    assert change.meaningful is meaningful
    assert change.metric == ("psfs_activity" if single else "psfs_mean")


def test_generic_score_change_uses_percent_for_improvement_only() -> None:
    # A disability index, higher is worse, MID 10 points or 30 %.
    better = score_change("odi", 20, 14, mid=10, higher_is_better=False, mid_percent=30)
    assert better.direction == "better"
    assert better.meaningful
    worse = score_change("odi", 20, 26, mid=10, higher_is_better=False, mid_percent=30)
    assert worse.direction == "worse"
    assert not worse.meaningful
    assert score_change("odi", 20, 30, mid=10, higher_is_better=False).meaningful


def test_change_serialises() -> None:
    data = pain_change(6, 3).to_json()
    assert data["difference"] == -3.0
    assert data["percent"] == -50.0
    assert data["meaningful"]


def test_questionnaires_are_reachable_from_outcomes() -> None:
    assert callable(outcomes.load_questionnaire)
