"""Single-leg stance against Springer et al. 2007: bands of the group mean, at the boundaries.

The group means are those of the shipped table (40-49 years, eyes open: 41.9 s); the bands are
quarters of the mean, so the times on each bound are known exactly.
"""

import pytest

from kinesense.assess.norm_verdicts import NormVerdict
from kinesense.assess.stance import StanceParameters, assess_stance
from kinesense.assess.stance_norms import stance_norm
from tests.assess.test_stance import front, lift, repeat, standing_front

MEAN_40S = 41.9


def norm_of(best_s: float, **changes: object) -> NormVerdict:
    options: dict[str, object] = {"age": 45.0, "eyes": "open", "sex": None, "max_time_s": 45.0,
                                  "trials_scored": 3} | changes  # fmt: skip
    return stance_norm(best_s, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("best_s", "band"),
    [
        (MEAN_40S, "at or above the group mean"),
        (45.0, "at or above the group mean"),
        (MEAN_40S - 0.001, "75-100 % of the group mean"),
        (0.75 * MEAN_40S, "75-100 % of the group mean"),
        (0.75 * MEAN_40S - 0.001, "50-75 % of the group mean"),
        (0.5 * MEAN_40S, "50-75 % of the group mean"),
        (0.5 * MEAN_40S - 0.001, "below half of the group mean"),
    ],
)
def test_bands_of_the_mean_at_their_bounds(best_s: float, band: str) -> None:
    norm = norm_of(best_s)
    assert norm.compared
    (verdict,) = norm.metrics
    assert verdict.band == band
    assert verdict.reference == {"mean": MEAN_40S}
    assert "not a lower limit of normal" in norm.text
    assert norm.group.age_group == "40-49"
    assert norm.source.startswith("Springer BA")


@pytest.mark.parametrize(
    ("age", "group"),
    [(17.99, None), (18.0, "18-39"), (39.99, "18-39"), (40.0, "40-49"), (99.99, "80-99"),
     (100.0, None)],
)  # fmt: skip
def test_ages_at_the_edges_of_the_bands(age: float, group: str | None) -> None:
    norm = norm_of(20.0, age=age)
    assert norm.compared == (group is not None)
    if group is not None:
        assert norm.group.age_group == group
    else:
        assert f"age {age:g}: the norms cover ages 18-39 to 80-99" in norm.reasons


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"max_time_s": 30.0}, "trial ceiling: 30 s here; the reference: 45 s"),
        ({"max_time_s": 60.0}, "trial ceiling: 60 s here; the reference: 45 s"),
        ({"trials_scored": 2}, "trials scored: 2 here; the reference: the best of 3 trials"),
        ({"eyes": "closed"}, "no sex given (the eyes-closed norms are for women and men)"),
        ({"age": None}, "no age given (the norms are by age band)"),
    ],
)
def test_one_condition_off_and_there_is_no_verdict(change: dict, reason: str) -> None:
    norm = norm_of(20.0, **change)
    assert not norm.compared
    assert any(r.startswith(reason) for r in norm.reasons), norm.reasons


def test_eyes_closed_uses_the_table_of_the_persons_sex() -> None:
    woman = norm_of(5.0, eyes="closed", sex="female", age=85.0)
    man = norm_of(5.0, eyes="closed", sex="male", age=85.0)
    assert woman.metrics[0].reference == {"mean": 2.1}
    assert man.metrics[0].reference == {"mean": 1.8}
    assert (woman.group.sex, man.group.sex) == ("female", "male")


def test_a_lower_bound_below_the_mean_is_not_compared() -> None:
    assert not norm_of(10.0, lower_bound=True).compared
    assert norm_of(44.0, lower_bound=True).compared  # at least 44 s: above the mean anyway


def test_the_result_carries_the_norm_and_drops_its_verdict_when_the_protocol_differs() -> None:
    frames = repeat(standing_front(), 360)
    lift(frames, "left", 30, 330)  # 10.0 s
    series = front(frames)
    result = assess_stance(series, age=45)
    assert result.norm is not None
    assert result.norm.compared
    assert result.norm.metrics[0].band == "below half of the group mean"
    assert result.norms[0].verdict == "below"
    other = assess_stance(series, age=45, params=StanceParameters(max_time_s=30.0))
    assert other.norm is not None
    assert not other.norm.compared
    assert other.norms == ()
    assert any("trial ceiling: 30 s here" in note for note in other.notes)
    assert "shorter than the average" not in other.interpretation
    assert type(result).from_json(result.to_json()).norm == result.norm
