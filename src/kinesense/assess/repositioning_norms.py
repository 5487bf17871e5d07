"""Joint position error against its references: the cervical cut-off and the lumbar reference.

* **Neck**: the 4.5 deg cut-off of the head-to-neutral test (``norms/repositioning_cervical.json``:
  Revel et al. 1991 for the test, Revel et al. 1994 for the threshold, confirmed by Dugailly et
  al. 2015). Applied only when the test was done as the cut-off's: back to neutral, after
  rotation or flexion-extension, eyes closed, at least 6 trials (the table's ``protocol``);
  otherwise the result says why not. Above the cut-off, the ``norms`` verdict is ``above`` (the
  planner reads it).
* **Trunk**: a soft reference of about 2-3 deg (``norms/repositioning_lumbar.json``: Lee et al.
  2010; the controls of PMC3230646; review PMC8075231): shown for orientation when the test was
  the target task, never as a verdict (no validated cut-off exists), and with the warning that
  those studies measured the lumbar spine with laboratory devices.
"""

from collections.abc import Mapping
from typing import Any

from kinesense.assess.norm_verdicts import (
    MetricVerdict,
    NormGroup,
    NormVerdict,
    cut_off_band,
    not_compared,
    protocol_words,
    source_words,
)
from kinesense.assess.norms import NormTable, load_norms
from kinesense.assess.result import NormComparison, compare_with_norm

METRIC = "absolute_error_deg"


def _table_verdict(
    table: NormTable, verdict: MetricVerdict, group: NormGroup, text: str
) -> NormVerdict:
    return NormVerdict(
        compared=True,
        kind=table.kind,
        table=table.id,
        group=group,
        metrics=(verdict,),
        protocol=protocol_words(table),
        source=source_words(table),
        text=text,
    )


def _neck(ae: float, conditions: Mapping[str, Any]) -> tuple[NormVerdict, list[NormComparison]]:
    table = load_norms("repositioning_cervical")
    row = table.lookup(joint="neck")
    assert row is not None
    assert row.high is not None
    problems = table.protocol_problems(conditions)
    if problems:
        return not_compared("cut-off", problems, table), []
    band = cut_off_band(ae, low=None, high=row.high)
    side = "above" if band == "above the cut-off" else "within"
    text = (
        f"Your mean error, {ae:.1f} deg, is {side} the {row.high:g} deg cut-off used for the "
        "head-to-neutral test (Revel et al.); a larger error means the head came back less "
        "precisely, not a diagnosis."
    )
    verdict = MetricVerdict(metric=METRIC, value=ae, unit="deg", band=band,
                            reference={"cut_off": row.high}, text=text)  # fmt: skip
    group = NormGroup(description="the cut-off of the head-to-neutral test (4.5 deg mean "
                      "absolute error over at least 6 trials)")  # fmt: skip
    comparison = compare_with_norm(
        METRIC, ae, low=row.low, high=row.high,
        population="cervical joint position error threshold", source=table.source, unit="deg",
    )  # fmt: skip
    return _table_verdict(table, verdict, group, text), [comparison]


def _trunk(ae: float, conditions: Mapping[str, Any]) -> NormVerdict:
    table = load_norms("repositioning_lumbar")
    row = table.lookup(joint="trunk")
    assert row is not None
    assert row.low is not None
    assert row.high is not None
    problems = table.protocol_problems(conditions)
    if problems:
        return not_compared("reference", problems, table)
    if ae > row.high:
        where = "larger than"
    elif ae < row.low:
        where = "smaller than"
    else:
        where = "within"
    text = (
        f"For reference only: people without back pain tested in laboratories reproduce a "
        f"trunk position to within about {row.low:g}-{row.high:g} deg on average; your mean "
        f"error, {ae:.1f} deg, is {where} that. This is not a cut-off: no limit of normal is "
        "known for this test, and those studies measured the lower back with laboratory "
        "devices, not the whole trunk as here."
    )
    verdict = MetricVerdict(metric=METRIC, value=ae, unit="deg", band=f"{where} the reference",
                            reference={"low": row.low, "high": row.high}, text=text)  # fmt: skip
    group = NormGroup(description="adults without back pain in laboratory studies")
    return _table_verdict(table, verdict, group, text)


def repositioning_norm(
    joint: str, ae: float, conditions: Mapping[str, Any], trials: int
) -> tuple[NormVerdict, tuple[NormComparison, ...], list[str]]:
    """The ``norm`` object, the ``norms`` verdicts and notes of a repositioning result.

    Args:
        joint: ``"neck"`` or ``"trunk"``.
        ae: the mean absolute error, degrees.
        conditions: the result's conditions (``task``, ``axis``, ``eyes``...).
        trials: the number of trials analysed.
    """
    facts = {**conditions, "trials": trials}
    if joint == "neck":
        norm, comparisons = _neck(ae, facts)
        notes = [load_norms("repositioning_cervical").notes] if norm.compared else []
        return norm, tuple(comparisons), notes
    norm = _trunk(ae, facts)
    return norm, (), [load_norms("repositioning_lumbar").notes]
