"""Single-leg stance time against Springer et al. (2007): the result's ``norm`` object.

Reference: Springer BA, Marin R, Cyhan T, Roberts H, Gill NW (2007), "Normative values for the
unipedal stance test with eyes open and eyes closed", J Geriatr Phys Ther 30(1):8-15
(``assess/norms/springer_2007_single_leg_stance.json``): the mean of each person's best of 3
trials, 45-s ceiling, by age band (and, eyes closed, by sex). The table gives group means
without standard deviations (see its ``confirmed`` field for what was checked against the
paper), so no limit of normal exists: the time is placed in bands of the group mean
(:data:`kinesense.assess.norm_verdicts.MEAN_BANDS`: at or above the mean, 75-100 %, 50-75 %,
below half), kinesense's bands, not published cut-offs. About half of healthy people score
below their group's mean.

A comparison needs the age (and, eyes closed, the sex) and the reference's protocol: a 45-s
ceiling and the best of 3 trials (the table's ``protocol`` rules). A best time that is only a
lower bound (the recording missed the start or the end of the trial) is not compared when it is
below the mean.
"""

from kinesense.assess.norm_verdicts import (
    MetricVerdict,
    NormGroup,
    NormVerdict,
    mean_band,
    not_compared,
    protocol_words,
    source_words,
)
from kinesense.assess.norms import NormRow, load_norms

NORMS_ID = "springer_2007_single_leg_stance"
METRIC = "stance_time_s"


def _group(row: NormRow, eyes: str) -> NormGroup:
    sex = str(row.match["sex"]) if "sex" in row.match else None
    who = {"female": "women", "male": "men"}.get(sex or "", "healthy adults")
    return NormGroup(
        age_group=row.age_band(),
        sex=sex,
        vision=eyes,
        n=row.n,
        description=f"{who} aged {row.age_band()} with eyes {eyes} in Springer et al. 2007 "
        "(mean of each person's best of 3 trials)",
    )


def stance_norm(
    best_s: float,
    *,
    age: float | None,
    eyes: str,
    sex: str | None,
    max_time_s: float,
    trials_scored: int,
    lower_bound: bool = False,
) -> NormVerdict:
    """The ``norm`` object of a stance result whose best time is ``best_s`` seconds.

    Args:
        best_s: the best of the scored trials, s.
        age: years (None: not compared); eyes: ``"open"`` or ``"closed"``; sex: ``"female"``,
            ``"male"`` or None.
        max_time_s, trials_scored: the protocol used (ceiling, trials scored).
        lower_bound: the best time is only a lower bound (a trial cut by the recording).
    """
    table = load_norms(NORMS_ID)
    person = {"age": age, "sex": sex}
    if age is None:
        return not_compared("mean", ["no age given (the norms are by age band)"], table, person)
    problems = table.protocol_problems({"max_time_s": max_time_s, "trials_scored": trials_scored})
    row = table.lookup(age=age, eyes=eyes, sex=sex)
    if row is None:
        if eyes == "closed" and sex is None:
            problems.insert(0, "no sex given (the eyes-closed norms are for women and men)")
        else:
            bands = table.age_bands()
            problems.insert(0, f"age {age:g}: the norms cover ages {bands[0]} to {bands[-1]}")
    if problems:
        return not_compared("mean", problems, table, person)
    assert row is not None
    assert row.mean is not None
    share, band = mean_band(best_s, row.mean)
    if lower_bound and share < 1.0:
        reason = (
            "the best time is only a lower bound (the recording missed the start or the end of "
            "the trial); record whole trials"
        )
        return not_compared("mean", [reason], table, person)
    group = _group(row, eyes)
    text = (
        f"Your best time, {best_s:.1f} s, is {share:.0%} of the average of {group.description} "
        f"({row.mean:.1f} s): {band}. The study gives averages, not a lower limit of normal: "
        "about half of healthy people score below their average."
    )
    verdict = MetricVerdict(metric=METRIC, value=best_s, unit=table.unit, band=band,
                            reference={"mean": row.mean}, text=text)  # fmt: skip
    return NormVerdict(
        compared=True,
        kind="mean",
        table=table.id,
        group=group,
        person={k: v for k, v in person.items() if v is not None},
        metrics=(verdict,),
        protocol=protocol_words(table),
        source=source_words(table),
        text=text,
    )
