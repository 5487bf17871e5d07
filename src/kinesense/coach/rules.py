"""Form rules: a fault condition with hysteresis, debounced, and its cue rate-limited.

For a rule ``{quantity, comparison, value, tolerance}`` the condition switches

- on when the quantity goes beyond ``value`` by more than ``tolerance`` (``above``:
  ``q > value + tolerance``; ``below``: ``q < value - tolerance``; ``abs_above``:
  ``|q| > value + tolerance``),
- off when it comes back to ``value`` or inside (``q <= value``, ``q >= value``, ``|q| <= value``),

and keeps its state in between, so a quantity jittering near the threshold does not flicker.
The fault becomes *active* once the condition has stayed on for ``debounce_s`` seconds and
inactive once it has stayed off for ``debounce_s``. An activation emits a ``form_fault`` event
with the rule's cue unless the same cue was given less than ``repeat_after_s`` seconds before;
the deactivation of a cued fault emits ``form_ok``. A missing quantity (``None``) leaves the
rule's state untouched; a rule outside the phases it applies to is reset silently.

A rule is judged only where it can be seen: in the camera views it lists (``views``) and on
frames where its quantity's landmarks are seen with at least ``min_visibility``. Elsewhere it is
reset silently and never fires, and the frames are counted as not checked, with the reason, so
the session result can say which rules were not checked and why.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kinesense.coach.summary import FaultCount
from kinesense.exercises.schema import FormRule

MOSTLY_CHECKED = 0.9
"""Share of a rule's applicable frames that must be judged for it to count as checked."""


@dataclass
class RuleState:
    """The live state of one rule (mutable, owned by :class:`FormChecker`)."""

    condition: bool = False
    changed_at_s: float | None = None  # when ``condition`` last changed
    active: bool = False
    cued: bool = False
    last_cue_s: float | None = None
    episodes: int = 0
    cues: int = 0
    applicable_frames: int = 0
    checked_frames: int = 0
    wrong_view: Counter[str] = field(default_factory=Counter)  # unjudged frames by view seen
    unseen_frames: int = 0  # unjudged frames: landmarks not seen well enough

    @property
    def checked_fraction(self) -> float:
        """Share of the frames the rule applied to on which it was judged (0 when none)."""
        return self.checked_frames / self.applicable_frames if self.applicable_frames else 0.0

    @property
    def status(self) -> str:
        """``checked``, ``partly_checked``, ``not_checked`` or ``not_applicable`` (the rule's
        phases never came, e.g. no repetition was started)."""
        if not self.applicable_frames:
            return "not_applicable"
        if self.checked_fraction >= MOSTLY_CHECKED:
            return "checked"
        return "partly_checked" if self.checked_frames else "not_checked"


@dataclass(frozen=True)
class RuleEvent:
    """``form_fault`` or ``form_ok`` for one rule."""

    kind: str
    time_s: float
    rule: FormRule
    value: float | None
    data: Mapping[str, Any] = field(default_factory=dict)


def beyond(rule: FormRule, value: float) -> bool | None:
    """True past the switch-on threshold, False inside the switch-off one, None in between."""
    when = rule.when
    if when.comparison == "above":
        q, on, off = value, when.value + when.tolerance, when.value
    elif when.comparison == "below":
        q, on, off = -value, -(when.value - when.tolerance), -when.value
    else:  # abs_above
        q, on, off = abs(value), when.value + when.tolerance, when.value
    if q > on:
        return True
    if q <= off:
        return False
    return None


class FormChecker:
    """Evaluate an exercise's form rules frame by frame.

    Args:
        rules: the exercise's form rules.
    """

    def __init__(self, rules: tuple[FormRule, ...]) -> None:
        self.rules = rules
        self.states = {rule.id: RuleState() for rule in rules}

    def update(
        self,
        time_s: float,
        values: Mapping[str, float | None],
        phase: str,
        *,
        view: str | None = None,
        visibility: Mapping[str, float | None] | None = None,
    ) -> list[RuleEvent]:
        """Advance every rule to ``time_s`` in ``phase``; return the events it produced.

        ``view`` is the camera view now (``front``, ``side``, ``oblique`` or None when not
        known); ``visibility`` the lowest visibility of each quantity's landmarks (None: not
        checked here).
        """
        events: list[RuleEvent] = []
        for rule in self.rules:
            state = self.states[rule.id]
            if "always" not in rule.applies_during and phase not in rule.applies_during:
                self._reset(state)
                continue
            value = values.get(rule.when.quantity)
            if value is None:
                continue
            state.applicable_frames += 1
            if len(rule.views) < 3 and view not in rule.views:
                state.wrong_view[view or "unknown"] += 1
                self._reset(state)
                continue
            seen = visibility.get(rule.when.quantity) if visibility is not None else None
            if seen is not None and seen < rule.min_visibility:
                state.unseen_frames += 1
                self._reset(state)
                continue
            state.checked_frames += 1
            switched = beyond(rule, value)
            if switched is not None and switched != state.condition:
                state.condition = switched
                state.changed_at_s = time_s
            event = self._debounce(rule, state, time_s, value)
            if event is not None:
                events.append(event)
        return events

    def faulty(self) -> bool:
        """Whether any rule's condition is on now (before debouncing): for form scores."""
        return any(state.condition for state in self.states.values())

    def active_cues(self) -> list[str]:
        """Cues of the active (debounced) faults, in rule order."""
        return [rule.cue for rule in self.rules if self.states[rule.id].active]

    def reset(self) -> None:
        """Clear every rule silently (after tracking loss, at rest between sets)."""
        for state in self.states.values():
            self._reset(state)

    @staticmethod
    def _reset(state: RuleState) -> None:
        state.condition = False
        state.changed_at_s = None
        state.active = False
        state.cued = False

    @staticmethod
    def _debounce(
        rule: FormRule, state: RuleState, time_s: float, value: float
    ) -> RuleEvent | None:
        if state.changed_at_s is None or state.condition == state.active:
            return None
        if time_s - state.changed_at_s < rule.debounce_s:
            return None
        state.active = state.condition
        if state.active:
            state.episodes += 1
            recent = (
                state.last_cue_s is not None and time_s - state.last_cue_s < rule.repeat_after_s
            )
            state.cued = not recent
            if recent:
                return None
            state.cues += 1
            state.last_cue_s = time_s
            return RuleEvent("form_fault", time_s, rule, value, {"rule": rule.id})
        if state.cued:
            state.cued = False
            return RuleEvent("form_ok", time_s, rule, value, {"rule": rule.id})
        return None


def merged(states: list[RuleState]) -> RuleState:
    """One rule's counts summed over several checkers (the sides of the body a coach watched)."""
    total = RuleState()
    for state in states:
        total.episodes += state.episodes
        total.cues += state.cues
        total.applicable_frames += state.applicable_frames
        total.checked_frames += state.checked_frames
        total.wrong_view.update(state.wrong_view)
        total.unseen_frames += state.unseen_frames
    return total


def not_checked_reason(rule: FormRule, state: RuleState) -> str:
    """Why ``rule`` was not judged on some of its frames ('' when it always was)."""
    reasons = []
    if state.wrong_view:
        seen = ", ".join(view for view, _ in state.wrong_view.most_common())
        reasons.append(f"needs a {' or '.join(rule.views)} view; the camera view was {seen}")
    if state.unseen_frames:
        reasons.append(f"its landmarks were seen with visibility under {rule.min_visibility:g}")
    return "; ".join(reasons)


def fault_counts(rules: tuple[FormRule, ...], checkers: list[FormChecker]) -> list[FaultCount]:
    """Each rule's faults, cues and status over every checker (side) that judged it."""
    out = []
    for rule in rules:
        state = merged([checker.states[rule.id] for checker in checkers])
        status = state.status
        out.append(
            FaultCount(
                rule=rule.id,
                cue=rule.cue,
                episodes=state.episodes,
                cues=state.cues,
                status=status,
                checked_fraction=round(state.checked_fraction, 4),
                not_checked_reason="" if status == "checked" else not_checked_reason(rule, state),
            )
        )
    return out
