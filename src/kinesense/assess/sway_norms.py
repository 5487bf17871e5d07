"""Sway compared with the Santos & Duarte (2016) data set: percentiles by age group and sex.

The reference (``assess/norms/santos_duarte_2016_sway_*.json``, built by
``scripts/build_sway_norms.py``; see its docstring for how and why): single 60-s trials of
quiet standing of 163 adults on a force plate, by age group (18-39, 60-85 years), sex, eyes
(open, closed) and surface (firm, foam), as percentiles of the mean centre-of-pressure velocity
and of the 95 % prediction ellipse area. Source: Santos DA, Duarte M 2016, PeerJ 4:e2648; data
CC BY 4.0.

A trial is compared only when it was done as the reference trials were (the tables'
``protocol`` rules): on a force plate, feet apart, low-passed at 10 Hz, sampled at 50 Hz or
more, and long enough: velocity from 28 to 62 s (a 30-s trial reads about 2 % lower than a 60-s
one), the ellipse area only from 58 to 62 s (a 30-s trial's area is about a fifth smaller).
Each metric is compared or left out with its reason; when none can be, the result says why.

The verdict of the ``norms`` list (read by the planner and the reports): ``above`` when the
value is at or above the group's 95th percentile (the one-sided upper reference limit),
``within`` otherwise; a low sway is never a finding. The words say where the value lies among
the people of the study ("higher than 90 % of women aged 60-85 in the reference study"),
never what it means for the person's health.
"""

from collections.abc import Mapping
from typing import Any

from kinesense.assess.norm_verdicts import (
    MetricVerdict,
    NormGroup,
    NormVerdict,
    not_compared,
    percentile_position,
    share_words,
    source_words,
)
from kinesense.assess.norms import NormRow, NormTable, load_norms
from kinesense.assess.result import NormComparison

TABLES = {
    "mean_velocity_mm_s": "santos_duarte_2016_sway_velocity",
    "ellipse95_area_mm2": "santos_duarte_2016_sway_area",
}
"""The compared metrics and their tables."""
METRIC_WORDS = {"mean_velocity_mm_s": "sway speed", "ellipse95_area_mm2": "sway area"}
UPPER_LIMIT = "95"
"""The percentile taken as the upper reference limit of the ``norms`` verdict."""
SEXES = ("female", "male")


def _group_words(row: NormRow, sex: str) -> str:
    people = "women" if sex == "female" else "men"
    return f"{people} aged {row.age_band()}"


def _group(row: NormRow, sex: str, eyes: str, surface: str) -> NormGroup:
    return NormGroup(
        age_group=row.age_band(),
        sex=sex,
        vision=eyes,
        surface=surface,
        n=row.n,
        trials=row.trials,
        description=f"{_group_words(row, sex)}, eyes {eyes}, {surface} surface, in the "
        f"reference study ({row.n} people, {row.trials} trials of 60 s)",
    )


def _person_problems(
    table: NormTable, age: float | None, sex: str | None, eyes: str, surface: str
) -> list[str]:
    """Why no row of ``table`` describes the person (empty when one does)."""
    problems = []
    if age is None:
        problems.append("no age given (the reference is by age group: give the age)")
    if sex is None:
        problems.append("no sex given (the reference is by sex: give female or male)")
    if problems:
        return problems
    if table.lookup(age=age, sex=sex, eyes=eyes, surface=surface) is not None:
        return []
    bands = table.age_bands()
    if not any(row.covers_age(age) for row in table.rows):
        return [
            f"age {age:g}: the reference study has groups aged {' and '.join(bands)} only "
            "(too few people of other ages)"
        ]
    return [
        f"the reference study has too few {'women' if sex == 'female' else 'men'} of that age "
        f"tested with eyes {eyes} on a {surface} surface for a table"
    ]


def _verdict(
    metric: str, value: float, table: NormTable, row: NormRow, sex: str
) -> tuple[MetricVerdict, NormComparison]:
    assert row.percentiles is not None
    percentile, band = percentile_position(value, row.percentiles)
    group = f"{_group_words(row, sex)} in the reference study"
    text = (
        f"Your {METRIC_WORDS[metric]} ({value:.3g} {table.unit}) was "
        f"{share_words(value, row.percentiles, group)} ({band})."
    )
    verdict = MetricVerdict(
        metric=metric, value=value, unit=table.unit, percentile=round(percentile), band=band,
        reference=dict(row.percentiles), text=text,
    )  # fmt: skip
    limit = row.percentiles[UPPER_LIMIT]
    comparison = NormComparison(
        metric, value, None, limit, f"95th percentile of {group}", source_words(table),
        "above" if value >= limit else "within", text,
    )  # fmt: skip
    return verdict, comparison


def _protocol(tables: Mapping[str, NormTable]) -> str:
    """The reference's protocol in words, the trial lengths of both metrics together."""
    first = next(iter(tables.values()))
    words = [f"{r.label}: {r.reference}" for r in first.protocol if r.condition != "duration_s"]
    spans = []
    for metric, table in tables.items():
        rule = next((r for r in table.protocol if r.condition == "duration_s"), None)
        if rule is not None:
            spans.append(f"{METRIC_WORDS[metric]} for {rule.min:g} to {rule.max:g} s")
    words.append(f"trial length: 60 s (compared: {', '.join(spans)})")
    return "; ".join(words)


def _short(reasons: str) -> str:
    """Reasons without their explanations in brackets, for a sentence a person reads."""
    return "; ".join(part.split(" (")[0] for part in reasons.split("; "))


def sway_norm(
    metrics: Mapping[str, float],
    conditions: Mapping[str, Any],
    *,
    age: float | None,
    sex: str | None,
) -> tuple[NormVerdict, tuple[NormComparison, ...]]:
    """Compare a sway trial's metrics with the reference (see the module docstring).

    Args:
        metrics: the trial's metrics (mm/s, mm²); only those of :data:`TABLES` are compared.
        conditions: how the trial was done: ``eyes``, ``surface``, ``stance``, ``source``
            (``cop``, ``video``, ``imu``), ``low_pass_hz`` (a number, or ``"none"`` when not
            filtered), ``sampling_rate_hz``, ``duration_s`` (analysed length).
        age: years; sex: ``"female"`` or ``"male"`` (None when not given).

    Returns:
        The ``norm`` object and the comparisons for the result's ``norms`` list.
    """
    eyes, surface = str(conditions.get("eyes")), str(conditions.get("surface"))
    person = {"age": age, "sex": sex}
    tables = {metric: load_norms(table_id) for metric, table_id in TABLES.items()}
    problems = {
        metric: _person_problems(table, age, sex, eyes, surface)
        + table.protocol_problems(conditions, metric)
        for metric, table in tables.items()
    }
    first = next(iter(tables.values()))
    shared = [
        p for p in problems[next(iter(tables))] if all(p in found for found in problems.values())
    ]
    verdicts: list[MetricVerdict] = []
    comparisons: list[NormComparison] = []
    left_out: dict[str, str] = {}
    group: NormGroup | None = None
    for metric, table in tables.items():
        if metric not in metrics:
            left_out[metric] = "not measured in this trial"
        elif problems[metric]:
            left_out[metric] = "; ".join(problems[metric])
        else:
            assert age is not None
            assert sex is not None
            row = table.lookup(age=age, sex=sex, eyes=eyes, surface=surface)
            assert row is not None
            verdict, comparison = _verdict(metric, metrics[metric], table, row, sex)
            verdicts.append(verdict)
            comparisons.append(comparison)
            group = _group(row, sex, eyes, surface)
    if not verdicts:
        own = [
            f"{METRIC_WORDS[metric]}: {p}"
            for metric, found in problems.items()
            for p in found
            if p not in shared
        ]
        reasons = shared + own or [f"{METRIC_WORDS[m]}: {why}" for m, why in left_out.items()]
        ids = ", ".join(TABLES.values())
        norm = not_compared("percentiles", reasons, first, person, ids)
        return norm.model_copy(update={"protocol": _protocol(tables)}), ()
    notes = [f"{METRIC_WORDS[m]} not compared: {_short(why)}" for m, why in left_out.items()]
    if surface == "foam":
        notes.append("foam pads differ in thickness and softness, which changes sway")
    norm = NormVerdict(
        compared=True,
        kind="percentiles",
        table=", ".join(TABLES[v.metric] for v in verdicts),
        group=group,
        person={k: v for k, v in person.items() if v is not None},
        percentile={v.metric: v.percentile for v in verdicts if v.percentile is not None},
        metrics=tuple(verdicts),
        not_compared=left_out,
        protocol=_protocol(tables),
        source=source_words(first),
        text=" ".join([v.text for v in verdicts] + [f"{n[0].upper()}{n[1:]}." for n in notes]),
    )
    return norm, tuple(comparisons)
