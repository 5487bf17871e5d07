"""Form rules: hysteresis, debouncing, cue rate limiting and phases, on hand-made sequences."""

from collections.abc import Sequence

import pytest

from kinesense.coach.rules import FormChecker, beyond
from kinesense.exercises.schema import FormRule, When


def make_rule(
    comparison: str = "above",
    value: float = 10.0,
    tolerance: float = 2.0,
    debounce_s: float = 0.5,
    repeat_after_s: float = 5.0,
    during: tuple[str, ...] = ("always",),
) -> FormRule:
    return FormRule(
        id="lean",
        when=When(quantity="q", comparison=comparison, value=value, tolerance=tolerance),
        cue="Stand tall.",
        applies_during=during,
        debounce_s=debounce_s,
        repeat_after_s=repeat_after_s,
    )


def feed(
    checker: FormChecker, values: Sequence[float | None], dt: float = 0.1, phase: str = "moving"
) -> list[tuple[str, float]]:
    out = []
    for i, value in enumerate(values):
        for event in checker.update(round(i * dt, 6), {"q": value}, phase):
            out.append((event.kind, round(event.time_s, 6)))
    return out


@pytest.mark.parametrize(
    ("comparison", "value", "expected"),
    [
        ("above", 12.5, True),
        ("above", 11.0, None),  # inside the tolerance band: keep the state
        ("above", 10.0, False),
        ("below", 7.5, True),
        ("below", 9.0, None),
        ("below", 10.0, False),
        ("abs_above", -12.5, True),
        ("abs_above", -11.0, None),
        ("abs_above", -9.0, False),
    ],
)
def test_thresholds_with_tolerance(comparison: str, value: float, expected: bool | None) -> None:
    assert beyond(make_rule(comparison), value) is expected


def test_fault_must_persist_debounce_before_the_cue() -> None:
    checker = FormChecker((make_rule(debounce_s=0.5),))
    # 0.4 s beyond the threshold: no cue; then 1 s beyond: cue 0.5 s after it began
    values: Sequence[float | None] = [0.0] * 5 + [15.0] * 4 + [0.0] * 10 + [15.0] * 10 + [0.0] * 10
    events = feed(checker, values)
    assert events == [("form_fault", 2.4), ("form_ok", 3.4)]
    state = checker.states["lean"]
    assert (state.episodes, state.cues) == (1, 1)


def test_jitter_in_the_tolerance_band_neither_starts_nor_clears_a_fault() -> None:
    checker = FormChecker((make_rule(debounce_s=0.3),))
    values: Sequence[float | None] = [13.0] * 5 + [11.0, 10.5] * 10  # stays in the band: stays on
    assert feed(checker, values) == [("form_fault", 0.3)]
    assert checker.active_cues() == ["Stand tall."]


def test_the_same_cue_is_not_repeated_within_repeat_after_s() -> None:
    checker = FormChecker((make_rule(debounce_s=0.2, repeat_after_s=3.0),))
    episode: Sequence[float | None] = [15.0] * 5 + [0.0] * 5  # 1 s period
    events = feed(checker, list(episode) * 6)
    faults = [t for kind, t in events if kind == "form_fault"]
    assert faults == [0.2, 3.2]  # episodes at 0.2, 1.2, 2.2 (suppressed), 3.2 ...
    state = checker.states["lean"]
    assert state.episodes == 6
    assert state.cues == 2


def test_missing_values_keep_the_state() -> None:
    checker = FormChecker((make_rule(debounce_s=0.5),))
    values: Sequence[float | None] = [15.0] * 3 + [None] * 3 + [15.0] * 2
    assert feed(checker, values) == [("form_fault", 0.6)]


def test_rule_outside_its_phases_is_silent_and_reset() -> None:
    checker = FormChecker((make_rule(debounce_s=0.2, during=("target",)),))
    assert feed(checker, [15.0] * 10, phase="rest") == []
    assert feed(checker, [15.0] * 10, phase="target") == [("form_fault", 0.2)]
    checker.update(5.0, {"q": 15.0}, "rest")
    assert checker.active_cues() == []
    assert not checker.faulty()
