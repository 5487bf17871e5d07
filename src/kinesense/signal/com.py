"""Whole-body centre of mass (CoM) from BlazePose landmarks with de Leva's segment parameters.

de Leva P (1996). "Adjustments to Zatsiorsky-Seluyanov's segment inertia parameters". J Biomech
29(9):1223-1230, Table 4: each segment's mass as a fraction of body mass and its CoM as a
fraction of the distance from one endpoint (the *origin*) to the other, for young adult men and
women. The table lives in ``anthropometry_de_leva_1996.json`` beside this module and is
validated (:class:`DeLevaTable`) when first loaded. ``sex="average"`` uses the arithmetic mean of
the male and female values (a convenience of ours, not a published table).

The whole-body CoM is the mass-weighted mean of the 14 segment CoMs,
``sum(m_i * c_i) / sum(m_i)``. Every segment CoM is a fixed weighted mean of landmarks, so the
whole-body CoM is one fixed weighted mean of 22 landmarks: it works the same on 3-D world
coordinates and on 2-D image coordinates (a weighted mean commutes with scaling each axis, so
normalised image coordinates are fine here).

How each de Leva segment is placed on BlazePose landmarks (BlazePose has no vertex, cervicale,
suprasternale, joint centres or metacarpale; its landmarks are model estimates near the joints):

============  =======================================  =====================================
segment       de Leva endpoints (origin -> other)      BlazePose landmarks used
============  =======================================  =====================================
head + neck   vertex -> cervicale (C7)                 CoM placed at the mid-point of the
                                                       ears (see below)
trunk         mid-shoulder-joints -> mid-hip-joints    mid-shoulder -> mid-hip
upper arm     shoulder -> elbow joint centre           shoulder -> elbow
forearm       elbow -> wrist joint centre              elbow -> wrist
hand          wrist joint centre -> 3rd metacarpale    wrist -> mid-point of index and
                                                       pinky knuckles (around the 3rd MCP)
thigh         hip -> knee joint centre                 hip -> knee
shank         knee -> ankle joint centre               knee -> ankle
foot          heel -> tip of longest toe               heel -> foot_index
============  =======================================  =====================================

Head: de Leva's head-and-neck CoM lies 50.0 % (men) / 48.4 % (women) of the way from vertex to
C7, about 12 cm below the vertex, which is close to the level of the ear canals (tragion), and
near the ears in the frontal plane. Without a vertex or C7 landmark we place it at the mid-point
of the two ear landmarks; an error of 1-2 cm there moves the whole-body CoM by about 0.1 cm
(head and neck are 7 % of body mass). Trunk: the alternative row of de Leva's Table 4 from the
mid-point of the shoulder joint centres to the mid-point of the hip joint centres (CoM 43.10 %
/ 37.82 % from the shoulders) matches BlazePose's shoulder and hip landmarks directly. Shank:
the knee-to-ankle-joint-centre row (43.95 % / 43.52 %), since BlazePose's ankle landmark sits at
the ankle joint rather than at the lateral malleolus.

Missing data: the CoM of a frame is NaN if any of the 22 landmarks it needs is NaN; there is no
partial estimate (a limb left out would bias the CoM towards the other side).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Annotated, Any, Final, Literal

import numpy as np
from numpy.typing import ArrayLike
from pydantic import BaseModel, ConfigDict, Field, field_validator

from kinesense._checks import check_option
from kinesense.arrays import FloatArray
from kinesense.errors import DataFileError
from kinesense.landmarks import BLAZEPOSE_LANDMARKS
from kinesense.safe_json import NOT_JSON_TABLE, read_data_file
from kinesense.validation_errors import validated

DE_LEVA_FILE: Final[str] = "anthropometry_de_leva_1996.json"
SEXES: Final[tuple[str, ...]] = ("male", "female", "average")
SEGMENTS: Final[tuple[str, ...]] = (
    "head", "trunk", "upper_arm", "forearm", "hand", "thigh", "shank", "foot",
)  # fmt: skip
MASS_SUM_TOLERANCE: Final[float] = 0.002
"""Published fractions sum to 1 within rounding (men 1.0000, women 0.9999); allowed slack."""


@dataclass(frozen=True)
class SegmentParameters:
    """de Leva's parameters of one segment for one sex.

    Attributes:
        count: how many such segments the body has (1 or 2).
        mass_fraction: mass of ONE segment / body mass.
        com_from_origin: CoM distance from the origin endpoint / segment length, in [0, 1].
    """

    count: int
    mass_fraction: float
    com_from_origin: float


@dataclass(frozen=True)
class SegmentPlacement:
    """A segment on landmarks: CoM = origin + com_from_origin * (other - origin), where origin
    and other are each the mean of the listed landmarks."""

    name: str
    segment: str
    origin: tuple[str, ...]
    other: tuple[str, ...]


def _limb_placements(side: str) -> tuple[SegmentPlacement, ...]:
    def seg(segment: str, origin: tuple[str, ...], other: tuple[str, ...]) -> SegmentPlacement:
        return SegmentPlacement(
            f"{side}_{segment}",
            segment,
            tuple(f"{side}_{name}" for name in origin),
            tuple(f"{side}_{name}" for name in other),
        )

    return (
        seg("upper_arm", ("shoulder",), ("elbow",)),
        seg("forearm", ("elbow",), ("wrist",)),
        seg("hand", ("wrist",), ("index", "pinky")),
        seg("thigh", ("hip",), ("knee",)),
        seg("shank", ("knee",), ("ankle",)),
        seg("foot", ("heel",), ("foot_index",)),
    )


# The 14 segments on BlazePose landmarks (see the module docstring for why). The head's CoM is
# the mid-point of the ears: origin = other = both ears, whatever the CoM fraction.
PLACEMENTS: Final[tuple[SegmentPlacement, ...]] = (
    SegmentPlacement("head", "head", ("left_ear", "right_ear"), ("left_ear", "right_ear")),
    SegmentPlacement(
        "trunk", "trunk", ("left_shoulder", "right_shoulder"), ("left_hip", "right_hip")
    ),
    *_limb_placements("left"),
    *_limb_placements("right"),
)


class AnthropometryDataError(DataFileError):
    """The anthropometric table is malformed (names the file and the field)."""


MassFraction = Annotated[float, Field(strict=True, gt=0.0, lt=1.0)]
Fraction = Annotated[float, Field(strict=True, ge=0.0, le=1.0)]


class MassFractions(BaseModel):
    """Mass of ONE segment / body mass, for men and women: in (0, 1)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    male: MassFraction
    female: MassFraction


class ComFractions(BaseModel):
    """Segment CoM distance from the origin endpoint / segment length: in [0, 1]."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    male: Fraction
    female: Fraction


class SegmentEntry(BaseModel):
    """One row of de Leva's Table 4 as the JSON file holds it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    count: Literal[1, 2]
    origin: str
    other: str
    mass_fraction: MassFractions
    com_from_origin: ComFractions


class DeLevaTable(BaseModel):
    """The JSON file ``anthropometry_de_leva_1996.json``: exactly the segments of
    :data:`SEGMENTS`, whose masses (times their count) sum to 1 within
    :data:`MASS_SUM_TOLERANCE` for each sex."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reference: str
    units: Mapping[str, str]
    segments: Mapping[str, SegmentEntry]

    @field_validator("segments")
    @classmethod
    def _exact_segments(cls, segments: Mapping[str, SegmentEntry]) -> Mapping[str, SegmentEntry]:
        if set(segments) != set(SEGMENTS):
            raise ValueError(
                f"segments must be exactly {', '.join(SEGMENTS)}; got {', '.join(segments)}"
            )
        for sex in ("male", "female"):
            total = sum(e.count * getattr(e.mass_fraction, sex) for e in segments.values())
            if abs(total - 1.0) > MASS_SUM_TOLERANCE:
                raise ValueError(f"{sex} mass fractions (times count) sum to {total:.4f}, not 1")
        return segments

    def parameters(self, sex: str) -> dict[str, SegmentParameters]:
        """``{segment: SegmentParameters}`` of ``"male"`` or ``"female"``."""
        return {
            name: SegmentParameters(
                entry.count,
                getattr(entry.mass_fraction, sex),
                getattr(entry.com_from_origin, sex),
            )
            for name, entry in self.segments.items()
        }


def parse_de_leva_table(raw: Any, source: str = DE_LEVA_FILE) -> DeLevaTable:
    """A de Leva table read from JSON, validated (:class:`AnthropometryDataError` names the
    file and the field)."""
    return validated(DeLevaTable, raw, source, AnthropometryDataError)


@cache
def de_leva_table() -> Mapping[str, Mapping[str, SegmentParameters]]:
    """de Leva's Table 4 as ``{sex: {segment: SegmentParameters}}`` for male, female, average.

    Read from the packaged JSON file on first use and validated (:class:`DeLevaTable`).
    """
    resource = resources.files("kinesense.signal").joinpath(DE_LEVA_FILE)
    raw = read_data_file(
        resource, "anthropometric table", AnthropometryDataError, source=DE_LEVA_FILE,
        not_json=NOT_JSON_TABLE,
    )  # fmt: skip
    parsed = parse_de_leva_table(raw)
    table = {sex: parsed.parameters(sex) for sex in ("male", "female")}
    table["average"] = {
        name: SegmentParameters(
            table["male"][name].count,
            (table["male"][name].mass_fraction + table["female"][name].mass_fraction) / 2.0,
            (table["male"][name].com_from_origin + table["female"][name].com_from_origin) / 2.0,
        )
        for name in SEGMENTS
    }
    return MappingProxyType({sex: MappingProxyType(p) for sex, p in table.items()})


def landmark_weights(sex: str = "average") -> dict[str, float]:
    """Weight of each landmark in the whole-body CoM: ``CoM = sum(w[name] * point[name])``.

    The weights are positive and sum to 1 (22 landmarks; others have no weight).
    """
    check_option("sex", sex, SEXES)
    table = de_leva_table()[sex]
    weights: dict[str, float] = {}
    total_mass = 0.0
    for placement in PLACEMENTS:
        params = table[placement.segment]
        fraction = params.com_from_origin if placement.origin != placement.other else 0.0
        for ends, share in ((placement.origin, 1.0 - fraction), (placement.other, fraction)):
            for name in ends:
                contribution = params.mass_fraction * share / len(ends)
                weights[name] = weights.get(name, 0.0) + contribution
        total_mass += params.mass_fraction
    return {name: w / total_mass for name, w in weights.items()}


def _indices(landmark_names: Sequence[str], wanted: Sequence[str]) -> list[int]:
    names = list(landmark_names)
    missing = [w for w in wanted if w not in names]
    if missing:
        raise KeyError(
            f"the centre of mass needs landmarks {', '.join(missing)}, which landmark_names "
            f"lacks; it has: {', '.join(names)}"
        )
    return [names.index(w) for w in wanted]


def _check_points(points: ArrayLike, landmark_names: Sequence[str]) -> FloatArray:
    p = np.asarray(points, dtype=np.float64)
    if p.ndim < 2 or p.shape[-2] != len(landmark_names) or p.shape[-1] not in (2, 3):
        raise ValueError(
            f"points must be (..., {len(landmark_names)}, 2|3) for {len(landmark_names)} "
            f"landmark names; got shape {p.shape}"
        )
    return p


def centre_of_mass(
    points: ArrayLike,
    sex: str = "average",
    landmark_names: Sequence[str] = BLAZEPOSE_LANDMARKS,
) -> FloatArray:
    """Whole-body centre of mass from landmarks (de Leva 1996; see the module docstring).

    Args:
        points: (N, L, D) landmark positions, D = 2 or 3, e.g. ``PoseSeries.world_xyz_m``
            (metres) or image coordinates; leading axes other than N are allowed, (L, D) too.
        sex: ``"male"``, ``"female"`` or ``"average"`` (mean of the two tables).
        landmark_names: the L names of the landmarks on axis -2 (BlazePose's 33 by default);
            the 22 landmarks used must be among them.

    Returns:
        (N, D) CoM in the units of ``points``; NaN in frames missing any landmark used.
    """
    p = _check_points(points, landmark_names)
    weights = landmark_weights(sex)
    names = list(weights)
    idx = _indices(landmark_names, names)
    w = np.array([weights[n] for n in names], dtype=np.float64)
    used = p[..., idx, :]
    com = np.einsum("l,...ld->...d", w, used)
    com[np.isnan(used).any(axis=(-2, -1))] = np.nan  # a partly missing landmark voids the frame
    return np.asarray(com)


def segment_centres_of_mass(
    points: ArrayLike,
    sex: str = "average",
    landmark_names: Sequence[str] = BLAZEPOSE_LANDMARKS,
) -> dict[str, FloatArray]:
    """CoM of each of the 14 segments, ``{name: (N, D)}`` (names as ``left_thigh``, ``head``).

    Same inputs and conventions as :func:`centre_of_mass`.
    """
    p = _check_points(points, landmark_names)
    check_option("sex", sex, SEXES)
    table = de_leva_table()[sex]
    out: dict[str, FloatArray] = {}
    for placement in PLACEMENTS:
        origin = p[..., _indices(landmark_names, placement.origin), :].mean(axis=-2)
        other = p[..., _indices(landmark_names, placement.other), :].mean(axis=-2)
        fraction = table[placement.segment].com_from_origin
        out[placement.name] = origin + fraction * (other - origin)
    return out


def weighted_centre_of_mass(centres: ArrayLike, masses: ArrayLike) -> FloatArray:
    """Mass-weighted mean ``sum(m_i c_i) / sum(m_i)`` of segment centres (..., K, D) with K
    masses (any unit); the building block of :func:`centre_of_mass`."""
    c = np.asarray(centres, dtype=np.float64)
    m = np.asarray(masses, dtype=np.float64)
    if m.ndim != 1 or c.ndim < 2 or c.shape[-2] != m.size:
        raise ValueError(f"centres must be (..., K, D) for K={m.size} masses; got {c.shape}")
    if np.any(m < 0) or not m.sum() > 0:
        raise ValueError("masses must be zero or more with a positive sum")
    return np.asarray(np.einsum("k,...kd->...d", m, c) / m.sum())
