"""Build the sway norm tables shipped in kinesense from the Santos & Duarte (2016) data set.

Source: Santos DA, Duarte M (2016), "A public data set of human balance evaluations", PeerJ
4:e2648, doi:10.7717/peerj.2648; data on PhysioNet (doi:10.13026/C2WW2W) under CC BY 4.0. The
file ``BDSinfoCOP.txt.gz`` gives, for each of the 1,930 trials of the 163 people, who stood
(age, sex), how (eyes, surface) and the authors' own results: ``COParea`` (95 % prediction
ellipse, cm²) and ``COPvelo`` (mean centre-of-pressure velocity, cm/s). kinesense's own measures
equal these on the data set's raw trials (``tests/assess/test_sway_norms.py``), so the
definitions match.

What is built, and why:

* two tables (``assess/norms/santos_duarte_2016_sway_velocity.json`` and ``..._area.json``),
  kinesense units (mm/s = 10 x cm/s; mm² = 100 x cm²);
* one row per age group x sex x eyes x surface, with the percentiles of
  :data:`PERCENTILES` (numpy's default linear interpolation between order statistics, type 7 of
  Hyndman & Fan 1996, Am Stat 50(4):361-365), ``n`` people and their ``trials``;
* the percentiles are of single TRIALS, every person contributing their (three) trials of the
  condition. kinesense compares one trial with the table, and a single trial varies more than
  a person's mean of three: a table of person means would be narrower and would call too many
  single trials extreme. The trials of one person are not independent, so the sample size of a
  row is its number of people ``n``, not its trials;
* age groups :data:`AGE_GROUPS`: where the data set has people. It has 80 people aged 18-39 and
  76 aged 60-85, but only 7 aged 40-59 (too few for a table: people of that age are not
  compared). Groups below :data:`MIN_PEOPLE` people are left out;
* the protocol of the reference (device, stance, filter, sampling rate, trial length) as rules
  a kinesense trial must meet to be compared (:class:`kinesense.assess.norms.ProtocolRule`).
  The figures in the rules' reasons were measured on the raw trials of subjects 1-2 and on the
  two 1000-Hz recordings of ``../shared/data/cop`` (see ``tests/assess/test_sway_norms.py``).

Usage: ``python scripts/build_sway_norms.py [--data ../shared/data/bds] [--check]``; ``--check``
only compares the shipped tables with a fresh build (exit code 1 when they differ).
"""

import argparse
import csv
import gzip
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "bds"
NORMS = ROOT / "src" / "kinesense" / "assess" / "norms"

PERCENTILES = (5, 10, 25, 50, 75, 90, 95)
AGE_GROUPS = ((18, 39), (60, 85))
"""Age bands in completed years (inclusive) where the data set has enough people."""
MIN_PEOPLE = 15
"""A group of fewer people gives no row: its 5th and 95th percentiles would rest on too few."""
DECIMALS = 3
SEXES = {"F": "female", "M": "male"}
EYES = {"Open": "open", "Closed": "closed"}
SURFACES = {"Firm": "firm", "Foam": "foam"}

SOURCE = (
    "Santos DA, Duarte M 2016, A public data set of human balance evaluations, PeerJ 4:e2648, "
    "doi:10.7717/peerj.2648; data: PhysioNet, doi:10.13026/C2WW2W"
)
LICENCE = "data set licence: CC BY 4.0; tables derived by kinesense"
METRICS = {
    "velocity": ("mean_velocity_mm_s", "mm/s", "COPvelo", 10.0, "mean centre-of-pressure velocity"),
    "area": ("ellipse95_area_mm2", "mm²", "COParea", 100.0, "95 % prediction ellipse area"),
}


@dataclass(frozen=True)
class Trial:
    """One trial of the data set, in kinesense units."""

    subject: str
    age: float
    sex: str
    eyes: str
    surface: str
    velocity: float
    area: float


def read_trials(path: Path) -> list[Trial]:
    """The trials of ``BDSinfoCOP.txt(.gz)`` (tab-separated, one row a trial)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        Trial(
            subject=row["Subject"],
            age=float(row["Age"]),
            sex=SEXES[row["Gender"]],
            eyes=EYES[row["Vision"]],
            surface=SURFACES[row["Surface"]],
            velocity=float(row["COPvelo"]) * METRICS["velocity"][3],
            area=float(row["COParea"]) * METRICS["area"][3],
        )
        for row in rows
    ]


def age_group(age: float) -> tuple[int, int] | None:
    """The group of :data:`AGE_GROUPS` of an age (completed years), or None."""
    years = int(np.floor(age))
    return next(((lo, hi) for lo, hi in AGE_GROUPS if lo <= years <= hi), None)


def percentiles(values: Sequence[float]) -> dict[str, float]:
    """The :data:`PERCENTILES` of ``values`` (numpy linear), rounded to :data:`DECIMALS`."""
    found = np.percentile(np.asarray(values, dtype=float), PERCENTILES)
    return {str(p): round(float(v), DECIMALS) for p, v in zip(PERCENTILES, found, strict=True)}


def _rows(trials: Iterable[Trial], metric: str) -> list[dict[str, Any]]:
    cells: dict[tuple[Any, ...], list[Trial]] = {}
    for trial in trials:
        group = age_group(trial.age)
        if group is not None:
            cells.setdefault((group, trial.sex, trial.eyes, trial.surface), []).append(trial)
    rows = []
    for (lo, hi), sex in ((g, s) for g in AGE_GROUPS for s in ("female", "male")):
        for eyes in ("open", "closed"):
            for surface in ("firm", "foam"):
                members = cells.get(((lo, hi), sex, eyes, surface), [])
                people = len({t.subject for t in members})
                if people < MIN_PEOPLE:
                    continue
                values = [getattr(t, metric) for t in members]
                match = {"age_min": lo, "age_max": hi, "sex": sex, "eyes": eyes,
                         "surface": surface}  # fmt: skip
                rows.append({"match": match, "percentiles": percentiles(values), "n": people,
                             "trials": len(members)})  # fmt: skip
    return rows


def _protocol(metric: str) -> list[dict[str, Any]]:
    duration = (
        {"min": 28.0, "max": 62.0,
         "reference": "60-s trials (the sway speed is compared for trials of 28 to 62 s)",
         "why": "on the 24 raw 60-s trials of subjects 1-2, 30-s cuts (first half, second half, "
         "middle) read on average 0.98 of the whole trial's velocity (0.72 to 1.28 for single "
         "cuts)"}
        if metric == "velocity"
        else {"min": 58.0, "max": 62.0,
              "reference": "60-s trials (the sway area is compared for trials of 58 to 62 s)",
              "why": "on the 24 raw 60-s trials of subjects 1-2, 30-s cuts (first half, second "
              "half, middle) read on average 0.79 of the whole trial's ellipse area (0.31 to 1.24 "
              "for single cuts): shorter trials give smaller areas"}
    )  # fmt: skip
    return [
        {"condition": "source", "label": "device", "one_of": ["cop"],
         "words": {"cop": "a force plate", "video": "video (centre of mass from landmarks)",
                   "imu": "a motion sensor (tilt of the trunk)"},
         "reference": "a force plate (centre of pressure)",
         "why": "other devices measure other points of the body, with other errors"},
        {"condition": "stance", "label": "stance", "one_of": ["feet-apart"],
         "reference": "feet apart on the plate, not together",
         "why": "a narrower base of support changes sway"},
        {"condition": "low_pass_hz", "label": "low-pass filter", "min": 9.5, "max": 10.5,
         "unit": " Hz", "words": {"none": "none"},
         "reference": "10 Hz",
         "why": "the data set was low-passed at 10 Hz by its authors; unfiltered force-plate "
         "noise inflates the velocity, 2.8 and 4.4 times on the two 1000-Hz recordings of "
         "../shared/data/cop"},
        {"condition": "sampling_rate_hz", "label": "sampling rate", "min": 50.0, "unit": " Hz",
         "reference": "100 Hz",
         "why": "after a 10-Hz low-pass, 50 to 1000 Hz give velocities within 1 % of each other"},
        {"condition": "duration_s", "label": "trial length", "unit": " s", **duration},
    ]  # fmt: skip


def _counts(trials: Sequence[Trial]) -> str:
    people: dict[str, float] = {t.subject: t.age for t in trials}
    middle = sum(1 for age in people.values() if age_group(age) is None)
    return (
        f"{len(trials)} trials of {len(people)} people; {middle} people outside the age groups "
        "(aged 40-59: too few for a table) are left out"
    )


def build_tables(trials: Sequence[Trial]) -> dict[str, dict[str, Any]]:
    """The two tables (table id -> JSON content) from the data set's trials."""
    tables = {}
    for key, (name, unit, column, factor, words) in METRICS.items():
        table_id = f"santos_duarte_2016_sway_{key}"
        tables[table_id] = {
            "id": table_id,
            "title": f"{words[0].upper()}{words[1:]} ({unit}) of quiet standing, 60-s trials, by "
            "age group, sex, eyes and surface: percentiles of single trials",
            "source": SOURCE,
            "licence": LICENCE,
            "metric": name,
            "unit": unit,
            "kind": "percentiles",
            "population": "163 community-dwelling adults in Brazil aged 18-85 (Santos & Duarte "
            "2016), with the illnesses, medication and falls they reported; not a sample "
            "screened to be free of disease",
            "notes": f"Built by scripts/build_sway_norms.py from the authors' per-trial "
            f"{column} (x {factor:g} for kinesense units): {_counts(trials)}. Percentiles of "
            "single trials (each person gives their 3 trials of the condition; numpy linear "
            "percentiles); n counts people, who are the independent units. Age groups in "
            "completed years. The data set does not record the feet position: the raw trials "
            "of subjects 1-2 sway 0.2-0.75 times as much side to side as forward-backward "
            "(RMS) on the firm surface, consistent with a stance with the feet apart; the "
            "paper's methods should be checked for the exact stance.",
            "confirmed": "The per-trial values are the authors' own (BDSinfoCOP); kinesense's "
            "velocity and ellipse area equal them on the 24 raw trials of subjects 1-2 "
            "(velocity within 0.02 %, the 60-s versus 59.99-s duration; area within 1e-9, "
            "unfiltered). Trial length (60 s), sampling (100 Hz) and filtering (10 Hz) are "
            "those of the data set's description (PhysioNet).",
            "protocol": _protocol(key),
            "rows": _rows(trials, key),
        }
    return tables


def table_text(table: dict[str, Any]) -> str:
    """The JSON text of a table as shipped (indented, UTF-8 characters kept)."""
    return json.dumps(table, indent=1, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Build (or with ``--check`` compare) the shipped tables; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the bds folder")
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    source = args.data / "BDSinfoCOP.txt.gz"
    if not source.is_file():
        print(f"{source} not found", file=sys.stderr)
        return 2
    differ = []
    for table_id, table in build_tables(read_trials(source)).items():
        path = NORMS / f"{table_id}.json"
        text = table_text(table)
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                differ.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}: {len(table['rows'])} rows")
    if differ:
        print(f"out of date: {', '.join(differ)} (run scripts/build_sway_norms.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
