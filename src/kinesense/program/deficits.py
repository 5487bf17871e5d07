"""What the plan should target: deficits measured against published norms, and the person's
goals and age (the first step of :func:`kinesense.program.planner.build_plan`).

Results are told apart through the assessment registry (:mod:`kinesense.assess.registry`):
the test that gave each one and its chart family, never by reading test names here.

Rules (thresholds in the ``planner`` section of ``tracks.json``):

* Balance worse than the published norm (results of the tests of ``planner.balance_tests``
  above the range, or single-leg stance time below it) -> the balance track.
* Repositioning error above the norm (the repositioning test: neck against the cervical threshold;
  trunk, where no validated cut-off exists, when the absolute error is nearer the published
  back-pain mean than the control mean of PMC3230646, i.e. above
  ``planner.trunk_repositioning_flag_deg`` = 5 deg; said to be a kinesense heuristic) -> the
  proprioceptive re-education track.
* A failed waiter's bow or hip target (the forward-bend test's ``waiters_bow_pass`` or
  ``hip_target_reached``, which only the waiter's bow gives) -> the trunk control track with
  hip-hinge practice (Luomajoki et al. 2007, BMC Musculoskelet Disord 8:90).
* Goals add the track their words name (``planner.goal_words``); age
  ``planner.older_adult_age`` (65) or more adds balance (Sherrington et al. 2019, Cochrane
  CD012424: exercise reduces falls in older people).
"""

import math
from collections.abc import Sequence

from kinesense.assess.registry import assessment_of, current_result_name, family_of
from kinesense.assess.result import AssessmentResult
from kinesense.program.plan import Profile
from kinesense.program.tracks import PlannerRules


def latest_usable(results: Sequence[AssessmentResult]) -> dict[str, AssessmentResult]:
    """The latest usable result of each test, by result name (an older alias counted as the
    name its test gives today)."""
    latest: dict[str, AssessmentResult] = {}
    for result in sorted(results, key=lambda r: r.recorded_at):
        if result.usable:
            latest[current_result_name(result.test)] = result
    return latest


def _of_family(latest: dict[str, AssessmentResult], family: str) -> list[AssessmentResult]:
    return [result for name, result in latest.items() if family_of(name) == family]


def unusable_notes(results: Sequence[AssessmentResult]) -> list[str]:
    """One sentence for each result that could not be used, with its reasons."""
    return [
        f"The {r.test} assessment of {r.recorded_at[:10]} could not be used "
        f"({'; '.join(r.reasons) or 'no reason given'}), so it was not used."
        for r in results
        if not r.usable
    ]


def _balance(latest: dict[str, AssessmentResult], rules: PlannerRules) -> str | None:
    found: list[str] = []
    for test in rules.balance_tests:
        for name, result in latest.items():
            if assessment_of(name) == test:
                found += [
                    f"{name}: {n.text} ({n.source})" for n in result.norms if n.verdict == "above"
                ]
    for result in _of_family(latest, "stance"):
        found += [
            f"single-leg stance: {n.text} ({n.source})"
            for n in result.norms
            if n.verdict == "below"
        ]
    if not found:
        return None
    return "Your balance measured worse than the published norm: " + "; ".join(found)


def _repositioning(result: AssessmentResult, rules: PlannerRules) -> dict[str, str]:
    joint = str(result.conditions.get("joint", ""))
    above = [n for n in result.norms if n.verdict == "above"]
    error = result.metrics.get("absolute_error_deg", math.nan)
    if above:
        found = {
            "proprioception": f"Your {joint or 'joint'} repositioning error was above the norm: "
            f"{above[0].text} ({above[0].source})."
        }
        return found | ({"neck": "neck"} if joint == "neck" else {})
    if joint != "neck" and error > rules.trunk_repositioning_flag_deg:
        return {
            "proprioception": f"Your trunk repositioning error was {error:.1f} deg, nearer the "
            "published mean of people with back pain (7.1-7.5 deg) than of people without "
            "(2.8 deg; PMC3230646). No validated cut-off exists: this is kinesense's rule of "
            "thumb."
        }
    return {}


def _waiters_bow(result: AssessmentResult) -> dict[str, str]:
    metrics = result.metrics
    if metrics.get("waiters_bow_pass", 1.0) < 0.5 or metrics.get("hip_target_reached", 1.0) < 0.5:
        return {
            "core": "In the waiter's bow the bend came more from the lower back than the hips, a "
            "sign of reduced movement control (Luomajoki et al. 2007, BMC Musculoskelet Disord "
            "8:90).",
            "hinge": "hinge",
        }
    return {}


def find_deficits(
    results: Sequence[AssessmentResult], rules: PlannerRules
) -> tuple[dict[str, str], list[str], bool]:
    """Deficits against norms: ({track or ``hinge``/``neck``: reason}, notes, any usable result).

    The latest usable result of each test is used; unusable ones are noted with their reasons.
    """
    deficits: dict[str, str] = {}
    latest = latest_usable(results)
    balance = _balance(latest, rules)
    if balance is not None:
        deficits["balance"] = balance
    for result in _of_family(latest, "repositioning"):
        deficits |= _repositioning(result, rules)
    for result in _of_family(latest, "forward-bend"):
        deficits |= _waiters_bow(result)
    return deficits, unusable_notes(results), bool(latest)


def goal_tracks(profile: Profile, rules: PlannerRules) -> dict[str, str]:
    """The tracks the person's goals and age point to, with the reason for each."""
    found: dict[str, str] = {}
    for goal in profile.goals:
        words = goal.lower()
        for track, keys in rules.goal_words.items():
            if any(key in words for key in keys) and track not in found:
                found[track] = f"Your goal '{goal}'"
    if profile.age is not None and profile.age >= rules.older_adult_age and "balance" not in found:
        found["balance"] = (
            f"At {profile.age}, balance training reduces the risk of falls (Sherrington et al. "
            "2019, Cochrane CD012424)"
        )
    return found
