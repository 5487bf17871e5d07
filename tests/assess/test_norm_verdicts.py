"""Placing a value against a reference: percentiles, bands of a mean, cut-offs, and the wording.

The tables here are written by hand so that every answer is known: a value exactly on a
tabulated percentile, just below it, outside the table; a share of the mean exactly on a band
bound; a value exactly on a cut-off.
"""

import pytest

from kinesense.assess.norm_verdicts import (
    MEAN_BANDS,
    NormVerdict,
    cut_off_band,
    mean_band,
    not_compared,
    percentile_position,
    share_words,
)

TABLE = {"5": 1.0, "10": 2.0, "25": 3.0, "50": 4.0, "75": 5.0, "90": 6.0, "95": 7.0}


@pytest.mark.parametrize(
    ("value", "percentile", "band"),
    [
        (0.5, 5.0, "below the 5th percentile"),
        (0.999, 5.0, "below the 5th percentile"),
        (1.0, 5.0, "between the 5th and 10th percentiles"),
        (1.5, 7.5, "between the 5th and 10th percentiles"),
        (2.0, 10.0, "between the 10th and 25th percentiles"),
        (3.5, 37.5, "between the 25th and 50th percentiles"),
        (4.0, 50.0, "between the 50th and 75th percentiles"),
        (6.5, 92.5, "between the 90th and 95th percentiles"),
        (7.0, 95.0, "at or above the 95th percentile"),
        (70.0, 95.0, "at or above the 95th percentile"),
    ],
)
def test_percentile_position_at_and_around_the_tabulated_points(
    value: float, percentile: float, band: str
) -> None:
    assert percentile_position(value, TABLE) == (pytest.approx(percentile), band)


def test_percentiles_are_read_in_numeric_order_not_text_order() -> None:
    # "10" < "5" as text: the table must be sorted by number.
    shuffled = {"95": 7.0, "10": 2.0, "5": 1.0, "50": 4.0}
    assert percentile_position(1.5, shuffled) == (7.5, "between the 5th and 10th percentiles")
    assert percentile_position(3.0, shuffled)[0] == pytest.approx(30.0)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0.5, "lower than 95 % of women"),
        (1.0, "lower than 90 % of women"),
        (3.99, "lower than half of women"),
        (4.0, "higher than half of women"),
        (5.0, "higher than 75 % of women"),
        (6.0, "higher than 90 % of women"),
        (6.99, "higher than 90 % of women"),
        (7.0, "higher than 95 % of women"),
    ],
)
def test_the_words_are_exact_for_the_table(value: float, words: str) -> None:
    assert share_words(value, TABLE, "women") == words


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (10.0, "at or above the group mean"),
        (12.0, "at or above the group mean"),
        (9.99, "75-100 % of the group mean"),
        (7.5, "75-100 % of the group mean"),
        (7.49, "50-75 % of the group mean"),
        (5.0, "50-75 % of the group mean"),
        (4.99, "below half of the group mean"),
        (0.0, "below half of the group mean"),
    ],
)
def test_bands_of_a_mean_without_an_sd(value: float, band: str) -> None:
    share, found = mean_band(value, 10.0)
    assert share == pytest.approx(value / 10.0)
    assert found == band
    assert [bound for bound, _ in MEAN_BANDS] == [1.0, 0.75, 0.5, 0.0]


def test_a_mean_band_needs_a_positive_mean() -> None:
    with pytest.raises(ValueError, match="positive group mean"):
        mean_band(3.0, 0.0)


@pytest.mark.parametrize(
    ("value", "band"),
    [(4.5, "within the cut-off"), (4.500001, "above the cut-off"), (0.0, "within the cut-off")],
)
def test_a_value_on_the_cut_off_is_within_it(value: float, band: str) -> None:
    assert cut_off_band(value, low=None, high=4.5) == band
    assert cut_off_band(-value, low=-4.5, high=None) == band.replace("above", "below")


def test_no_comparison_says_why_once_and_survives_json() -> None:
    with pytest.raises(ValueError, match="must say why"):
        not_compared("none", [])
    verdict = not_compared("none", ["no table", "no table", "wrong device"], person={"age": 40})
    assert verdict.reasons == ("no table", "wrong device")
    assert verdict.text == "Not compared with a reference: no table; wrong device."
    assert not verdict.compared
    assert NormVerdict.model_validate(verdict.to_json()) == verdict
