"""Sway against the Santos & Duarte (2016) data set (CC BY 4.0): the shipped tables, the match of
kinesense's measures with the authors', what trial length and filtering change, and verdicts at
the group boundaries.

Real data: ``../shared/data/bds`` (per-trial results of all 1,930 trials, raw trials of subjects
1-2) and ``../shared/data/cop`` (two 1000-Hz recordings). Cite: Santos DA, Duarte M (2016) A
public data set of human balance evaluations. PeerJ 4:e2648; PhysioNet doi 10.13026/C2WW2W.
"""

import csv
import gzip
import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from kinesense.assess.balance_tests import Conditions
from kinesense.assess.catalogue_balance import SwayInputs
from kinesense.assess.norms import load_norms, norms_folder
from kinesense.assess.registry import get_assessment
from kinesense.assess.sway import prepare_trajectory, sway_metrics
from kinesense.assess.sway_norms import TABLES, sway_norm
from kinesense.capture.readers import read_cop_csv
from kinesense.signal.filters import butter_lowpass_zero_lag
from tests.conftest import PROJECT_ROOT, shared_file

VELOCITY, AREA = "mean_velocity_mm_s", "ellipse95_area_mm2"


def builder() -> ModuleType:
    """``scripts/build_sway_norms.py`` as a module."""
    path = PROJECT_ROOT / "scripts" / "build_sway_norms.py"
    spec = importlib.util.spec_from_file_location("build_sway_norms", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def authors_rows(shared_data: Path) -> list[dict[str, str]]:
    path = shared_file(shared_data, "bds/BDSinfoCOP.txt.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def type7(values: list[float], p: float) -> float:
    """The p-th percentile by linear interpolation between order statistics (Hyndman & Fan
    1996, type 7), written out by hand."""
    x = sorted(values)
    h = (len(x) - 1) * p / 100.0
    low = math.floor(h)
    high = min(low + 1, len(x) - 1)
    return x[low] + (h - low) * (x[high] - x[low])


# --- the shipped tables ------------------------------------------------------------------------


def test_the_shipped_tables_equal_a_rebuild_from_the_per_trial_values(shared_data: Path) -> None:
    build = builder()
    rebuilt = build.build_tables(
        build.read_trials(shared_file(shared_data, "bds/BDSinfoCOP.txt.gz"))
    )
    assert set(rebuilt) == set(TABLES.values())
    for table_id, table in rebuilt.items():
        shipped = (norms_folder() / f"{table_id}.json").read_text(encoding="utf-8")
        assert build.table_text(table) == shipped, f"rerun scripts/build_sway_norms.py ({table_id})"
        assert load_norms(table_id).model_dump(mode="json", exclude_defaults=True)["rows"]


def test_one_group_by_hand_from_the_authors_file(shared_data: Path) -> None:
    """Women aged 18-39, eyes open, firm surface: the trials picked and the percentiles computed
    here without numpy or the build script."""
    picked = [
        row
        for row in authors_rows(shared_data)
        if row["Gender"] == "F" and 18 <= math.floor(float(row["Age"])) <= 39
        and row["Vision"] == "Open" and row["Surface"] == "Firm"
    ]  # fmt: skip
    velocities = [float(row["COPvelo"]) * 10 for row in picked]  # cm/s -> mm/s
    areas = [float(row["COParea"]) * 100 for row in picked]  # cm² -> mm²
    for metric, values in ((VELOCITY, velocities), (AREA, areas)):
        row = load_norms(TABLES[metric]).lookup(age=30, sex="female", eyes="open", surface="firm")
        assert row is not None
        assert row.n == len({r["Subject"] for r in picked}) == 52
        assert row.trials == len(picked) == 156
        assert row.percentiles is not None
        for level, value in row.percentiles.items():
            assert value == pytest.approx(type7(values, float(level)), abs=5e-4)


def test_groups_of_too_few_people_are_left_out() -> None:
    table = load_norms(TABLES[VELOCITY])
    assert table.age_bands() == ["18-39", "60-85"]
    assert all((row.n or 0) >= 15 for row in table.rows)
    # Men aged 60-85 on foam: fewer than 15 of them did it, so there is no row.
    assert table.lookup(age=70, sex="male", eyes="open", surface="foam") is None
    assert table.lookup(age=70, sex="male", eyes="open", surface="firm") is not None


# --- kinesense's measures equal the authors' on their raw trials -------------------------------


def raw_trials(shared_data: Path) -> list[tuple[str, Any, dict[str, str]]]:
    rows = {row["Trial"]: row for row in authors_rows(shared_data)}
    found = []
    for number in range(1, 25):
        name = f"BDS{number:05d}"
        found.append(
            (name, read_cop_csv(shared_file(shared_data, f"bds/{name}.txt.gz")), rows[name])
        )
    return found


def test_velocity_and_area_equal_the_authors_values(shared_data: Path) -> None:
    """Unfiltered (the data set is already low-passed at 10 Hz), kinesense gives the authors'
    area and velocity; the velocity differs only by the duration, 59.99 s (the first to the last
    sample) against the authors' 60 s. Filtered again by kinesense's default 10-Hz low-pass, the
    velocity reads up to 4 % lower and the area 0.03 % lower: measured here and stated."""
    velocity_shift, area_shift = [], []
    for _, cop, row in raw_trials(shared_data):
        t, ml, ap = cop.time_s, cop.ml_m * 1000, cop.ap_m * 1000
        raw = sway_metrics(prepare_trajectory(t, ml, ap, filter=False))
        velocity, area = float(row["COPvelo"]) * 10, float(row["COParea"]) * 100
        assert raw[VELOCITY] == pytest.approx(velocity * 60.0 / 59.99, rel=1e-6)
        assert raw[VELOCITY] == pytest.approx(velocity, rel=2e-4)
        assert raw[AREA] == pytest.approx(area, rel=1e-9)
        filtered = sway_metrics(prepare_trajectory(t, ml, ap))
        velocity_shift.append(filtered[VELOCITY] / velocity - 1)
        area_shift.append(filtered[AREA] / area - 1)
    assert -0.04 < min(velocity_shift) < max(velocity_shift) < 0.0
    assert -4e-4 < min(area_shift) < max(area_shift) < 0.0


def test_what_a_30_s_trial_changes(shared_data: Path) -> None:
    """Each raw 60-s trial cut into halves and a middle 30 s: the velocity stays close to the
    whole trial's, the ellipse area shrinks. The figures are those the tables' rules quote."""
    velocity, area = [], []
    for _, cop, _ in raw_trials(shared_data):
        t, ml, ap = cop.time_s, cop.ml_m * 1000, cop.ap_m * 1000
        whole = sway_metrics(prepare_trajectory(t, ml, ap))
        half = len(t) // 2
        for part in (slice(0, half), slice(half, None), slice(half // 2, half // 2 + half)):
            cut = sway_metrics(prepare_trajectory(t[part], ml[part], ap[part]))
            velocity.append(cut[VELOCITY] / whole[VELOCITY])
            area.append(cut[AREA] / whole[AREA])
    assert len(velocity) == 72
    print(
        f"\n30 s / 60 s, 72 cuts of 24 raw BDS trials: velocity mean {np.mean(velocity):.3f} "
        f"(median {np.median(velocity):.3f}, {min(velocity):.2f}-{max(velocity):.2f}); area mean "
        f"{np.mean(area):.3f} (median {np.median(area):.3f}, {min(area):.2f}-{max(area):.2f})"
    )
    rules = {
        metric: next(r for r in load_norms(TABLES[metric]).protocol if r.condition == "duration_s")
        for metric in TABLES
    }
    for metric, values in ((VELOCITY, velocity), (AREA, area)):
        quoted = (f"{np.mean(values):.2f}", f"{min(values):.2f} to {max(values):.2f}")
        assert all(figure in rules[metric].why for figure in quoted), (metric, quoted)
    assert abs(np.mean(velocity) - 1) < 0.03  # velocity: comparable from 30 s
    assert np.mean(area) < 0.85  # area: a 30-s trial is not comparable with 60-s norms


def test_what_filtering_and_sampling_change(shared_data: Path) -> None:
    """On the two 1000-Hz recordings: unfiltered, the velocity is several times the 10-Hz
    filtered one; after a 10-Hz low-pass, sampling at 50 or 100 Hz changes it by less than 1 %."""
    rule = next(r for r in load_norms(TABLES[VELOCITY]).protocol if r.condition == "low_pass_hz")
    for name in ("eyesOpen_1", "eyesClosed_1"):
        cop = read_cop_csv(shared_file(shared_data, f"cop/{name}.csv.gz"))
        t, ml, ap = cop.time_s, cop.ml_m * 1000, cop.ap_m * 1000
        filtered = sway_metrics(prepare_trajectory(t, ml, ap))[VELOCITY]
        raw = sway_metrics(prepare_trajectory(t, ml, ap, filter=False))[VELOCITY]
        assert f"{raw / filtered:.1f} times" in rule.why or f"{raw / filtered:.1f} " in rule.why
        smooth = butter_lowpass_zero_lag(np.column_stack([ml, ap]), 1000.0, 10.0)
        for step in (10, 20):  # 100 Hz, 50 Hz
            low = sway_metrics(prepare_trajectory(t[::step], *smooth[::step].T))[VELOCITY]
            assert abs(low / filtered - 1) < 0.01


# --- verdicts at the boundaries ----------------------------------------------------------------

MATCHING = {"eyes": "open", "surface": "firm", "stance": "feet-apart", "source": "cop",
            "low_pass_hz": 10.0, "sampling_rate_hz": 100.0, "duration_s": 60.0}  # fmt: skip


def row_of(metric: str, age: float, sex: str = "female") -> dict[str, float]:
    row = load_norms(TABLES[metric]).lookup(age=age, sex=sex, eyes="open", surface="firm")
    assert row is not None
    assert row.percentiles is not None
    return dict(row.percentiles)


@pytest.mark.parametrize(
    ("age", "group"),
    [(17.99, None), (18.0, "18-39"), (39.99, "18-39"), (40.0, None), (59.99, None),
     (60.0, "60-85"), (85.99, "60-85"), (86.0, None)],
)  # fmt: skip
def test_ages_at_the_edges_of_the_groups(age: float, group: str | None) -> None:
    metrics = {VELOCITY: 8.0, AREA: 150.0}
    norm, _ = sway_norm(metrics, MATCHING, age=age, sex="female")
    assert norm.compared == (group is not None)
    if group is None:
        assert any(f"age {age:g}" in reason for reason in norm.reasons)
        assert "18-39 and 60-85" in norm.text
    else:
        assert norm.group is not None
        assert norm.group.age_group == group
        assert (norm.group.sex, norm.group.vision, norm.group.surface) == ("female", "open", "firm")
        assert norm.group.n == (52 if group == "18-39" else 60)


def test_percentiles_at_the_edges_give_the_verdict() -> None:
    p = row_of(VELOCITY, 30)
    at_limit, _ = sway_norm({VELOCITY: p["95"], AREA: 150.0}, MATCHING, age=30, sex="female")
    assert at_limit.percentile[VELOCITY] == 95
    assert at_limit.metrics[0].band == "at or above the 95th percentile"
    assert "higher than 95 % of women aged 18-39 in the reference study" in at_limit.text
    just_below, comparisons = sway_norm(
        {VELOCITY: p["95"] - 1e-6, AREA: 150.0}, MATCHING, age=30, sex="female"
    )
    assert just_below.metrics[0].band == "between the 90th and 95th percentiles"
    assert "higher than 90 %" in just_below.metrics[0].text
    assert comparisons[0].verdict == "within"
    _, flagged = sway_norm({VELOCITY: p["95"], AREA: 150.0}, MATCHING, age=30, sex="female")
    assert flagged[0].verdict == "above"
    assert flagged[0].high == p["95"]
    low, _ = sway_norm({VELOCITY: p["5"] - 1e-6, AREA: 150.0}, MATCHING, age=30, sex="female")
    assert low.metrics[0].band == "below the 5th percentile"
    assert "lower than 95 % of women" in low.metrics[0].text
    median, _ = sway_norm({VELOCITY: p["50"], AREA: 150.0}, MATCHING, age=30, sex="female")
    assert median.percentile[VELOCITY] == 50
    assert "higher than half of women" in median.metrics[0].text
    # The man's table is another one: the same value sits elsewhere.
    man, _ = sway_norm({VELOCITY: p["95"], AREA: 150.0}, MATCHING, age=30, sex="male")
    assert man.group is not None
    assert man.group.sex == "male"
    assert man.percentile[VELOCITY] < 95


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"source": "imu"}, "device: a motion sensor (tilt of the trunk) here; the reference: a"),
        ({"source": "video"}, "device: video (centre of mass from landmarks) here"),
        ({"stance": "feet-together"}, "stance: feet-together here"),
        ({"low_pass_hz": "none"}, "low-pass filter: none here; the reference: 10 Hz"),
        ({"low_pass_hz": 6.0}, "low-pass filter: 6 Hz here; the reference: 10 Hz"),
        ({"sampling_rate_hz": 40.0}, "sampling rate: 40 Hz here; the reference: 100 Hz"),
        ({"duration_s": 27.9}, "trial length: 27.9 s here"),
    ],
)
def test_a_protocol_that_differs_by_one_condition_is_not_compared(
    change: dict[str, Any], fragment: str
) -> None:
    norm, comparisons = sway_norm(
        {VELOCITY: 8.0, AREA: 150.0}, MATCHING | change, age=30, sex="female"
    )
    assert not norm.compared
    assert comparisons == ()
    assert any(fragment in reason for reason in norm.reasons), norm.reasons
    assert norm.source.startswith("Santos DA, Duarte M 2016")
    assert "CC BY 4.0" in norm.source


@pytest.mark.parametrize(
    ("duration", "area_compared"),
    [(28.0, False), (57.9, False), (58.0, True), (62.0, True), (62.1, None)],
)
def test_a_shorter_trial_compares_the_velocity_only(
    duration: float, area_compared: bool | None
) -> None:
    norm, _ = sway_norm(
        {VELOCITY: 8.0, AREA: 150.0}, MATCHING | {"duration_s": duration}, age=30, sex="female"
    )
    if area_compared is None:  # beyond 62 s neither is compared
        assert not norm.compared
        return
    assert [m.metric for m in norm.metrics] == ([VELOCITY, AREA] if area_compared else [VELOCITY])
    if not area_compared:
        assert "trial length" in norm.not_compared[AREA]
        assert "Sway area not compared: trial length" in norm.text


def test_without_age_and_sex_the_result_says_what_to_give() -> None:
    norm, _ = sway_norm({VELOCITY: 8.0, AREA: 150.0}, MATCHING, age=None, sex=None)
    assert not norm.compared
    assert norm.reasons[:2] == (
        "no age given (the reference is by age group: give the age)",
        "no sex given (the reference is by sex: give female or male)",
    )


# --- a real trial end to end --------------------------------------------------------------------


def test_a_real_trial_of_the_data_set_against_its_own_group(shared_data: Path) -> None:
    """Subject 1 (a woman of 33) on the firm floor, eyes open: her own trial, measured by
    kinesense, is placed in her group where the authors' value of the same trial lies."""
    cop = read_cop_csv(shared_file(shared_data, "bds/BDS00001.txt.gz"))
    inputs = SwayInputs(cop, Conditions(eyes="open", stance="feet-apart", surface="firm"),
                        age=33.0, sex="female")  # fmt: skip
    result = get_assessment("sway").assess(inputs)
    assert result.norm is not None
    assert result.norm.compared
    authors = next(r for r in authors_rows(shared_data) if r["Trial"] == "BDS00001")
    for metric, column, factor in ((VELOCITY, "COPvelo", 10), (AREA, "COParea", 100)):
        p = row_of(metric, 33)
        own = next(m for m in result.norm.metrics if m.metric == metric)
        truth_band = next(
            (a, b) for a, b in zip(["0", *p], [*p, "100"], strict=True)
            if (a == "0" or p[a] <= float(authors[column]) * factor)
            and (b == "100" or float(authors[column]) * factor < p[b])
        )  # fmt: skip
        assert f"the {truth_band[0]}th and {truth_band[1]}th" in own.band
    assert result.norm.text in result.interpretation
    again = type(result).from_json(json.loads(json.dumps(result.to_json())))
    assert again.norm == result.norm


def test_the_command_line_adds_the_norm_object(shared_data: Path) -> None:
    path = shared_file(shared_data, "bds/BDS00013.txt.gz")  # subject 2
    age = next(r for r in authors_rows(shared_data) if r["Trial"] == "BDS00013")
    done = subprocess.run(
        [sys.executable, "-m", "kinesense.cli", "assess", "sway", "--cop", str(path), "--age",
         str(math.floor(float(age["Age"]))), "--sex", age["Gender"].lower(), "--stance",
         "feet-apart", "--duration-s", "60", "--json"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    norm = json.loads(done.stdout)["norm"]
    assert norm["compared"] is True
    assert set(norm["percentile"]) == {VELOCITY, AREA}
    group = norm["group"]
    assert {"age_group", "sex", "vision", "surface", "n"} <= set(group)
    assert norm["source"].startswith("Santos DA, Duarte M 2016")
    bad = subprocess.run(
        [sys.executable, "-m", "kinesense.cli", "assess", "sway", "--cop", str(path), "--sex",
         "x", "--json"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert bad.returncode == 2
    assert "sex must be one of 'f', 'm', 'female', 'male'; got 'x'" in bad.stderr
