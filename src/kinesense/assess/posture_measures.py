"""The standing-posture angles: their formulas on image pixels and the landmarks each one uses.

Every formula is pure, on (N, 2) pixel arrays with y down; the definitions, references and
limits are in :mod:`kinesense.assess.posture`. :data:`MEASURES` lists each angle with the view
it needs (``"side"`` or ``"front"``), its landmarks (``near_`` is the side facing the camera)
and its unit, definition and reference.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from kinesense.arrays import FloatArray
from kinesense.assess.result import MetricInfo
from kinesense.signal.geometry import joint_angle_deg

YIP = "Yip CHT, Chiu TTW, Poon ATK 2008, Man Ther 13(2):148-154"
RAINE = "Raine S, Twomey LT 1997, Arch Phys Med Rehabil 78(11):1215-1223"
MUNRO = "Munro A, Herrington L, Carolan M 2012, J Sport Rehabil 21(1):7-11"
KENDALL = "Kendall FP et al. 2005, Muscles: Testing and Function with Posture and Pain, 5th ed."


# --- angle formulas (pure, on (N, 2) pixel arrays, y down) ---------------------------------


def _xy(points: FloatArray) -> tuple[FloatArray, FloatArray]:
    p = np.asarray(points, dtype=np.float64)
    return p[..., 0], p[..., 1]


def craniovertebral_angle_deg(c7: FloatArray, tragus: FloatArray, forward: float) -> FloatArray:
    """Angle between the forward horizontal through ``c7`` and the line ``c7`` -> ``tragus``.

    ``forward`` is +1 when the person faces the image right, -1 the image left. 90 degrees:
    tragus straight above C7; smaller: the head further forward; negative: below the horizontal.
    """
    cx, cy = _xy(c7)
    tx, ty = _xy(tragus)
    return np.degrees(np.arctan2(cy - ty, (tx - cx) * forward))


def head_tilt_deg(ear: FloatArray, eye: FloatArray, forward: float) -> FloatArray:
    """Angle of the ear -> eye line below the forward horizontal (positive = face down)."""
    ex, ey = _xy(ear)
    vx, vy = _xy(eye)
    return np.degrees(np.arctan2(vy - ey, (vx - ex) * forward))


def trunk_inclination_deg(hip: FloatArray, shoulder: FloatArray, forward: float) -> FloatArray:
    """Angle of the hip -> shoulder line from the vertical (positive = leaning forward)."""
    hx, hy = _xy(hip)
    sx, sy = _xy(shoulder)
    return np.degrees(np.arctan2((sx - hx) * forward, hy - sy))


def _knee_offset_sign(hip: FloatArray, knee: FloatArray, ankle: FloatArray) -> FloatArray:
    """Sign of the knee's horizontal offset from the hip-ankle line (+1 = image right)."""
    hx, hy = _xy(hip)
    kx, ky = _xy(knee)
    ax, ay = _xy(ankle)
    with np.errstate(invalid="ignore", divide="ignore"):
        line_x = hx + (ax - hx) * (ky - hy) / (ay - hy)
    return np.sign(kx - line_x)


def knee_hyperextension_deg(
    hip: FloatArray, knee: FloatArray, ankle: FloatArray, forward: float
) -> FloatArray:
    """180 - hip-knee-ankle angle, positive when the knee is behind the hip-ankle line."""
    bend = 180.0 - joint_angle_deg(hip, knee, ankle)
    behind = -_knee_offset_sign(hip, knee, ankle) * forward
    return np.asarray(bend * behind, dtype=np.float64)


def knee_frontal_angle_deg(
    hip: FloatArray, knee: FloatArray, ankle: FloatArray, other_hip: FloatArray
) -> FloatArray:
    """180 - hip-knee-ankle angle, positive when the knee is medial (valgus).

    Medial is the side of ``other_hip`` (the opposite hip), so the sign holds in front and back
    views alike.
    """
    bend = 180.0 - joint_angle_deg(hip, knee, ankle)
    medial = np.sign(np.asarray(other_hip)[..., 0] - np.asarray(hip)[..., 0])
    return np.asarray(bend * _knee_offset_sign(hip, knee, ankle) * medial, dtype=np.float64)


def obliquity_deg(left: FloatArray, right: FloatArray) -> FloatArray:
    """Angle of the line joining a left and a right landmark from the horizontal, in degrees;
    positive when the left one is higher in the image, in front and back views alike."""
    lx, ly = _xy(left)
    rx, ry = _xy(right)
    return np.degrees(np.arctan2(ry - ly, np.abs(lx - rx)))


@dataclass(frozen=True)
class Measure:
    """One posture angle: the view it needs, its landmarks and how to compute it."""

    name: str
    view: str  # "side" or "front"
    landmarks: tuple[str, ...]  # generic names; "near_" is the side facing the camera
    compute: Callable[[Mapping[str, FloatArray], float], FloatArray]
    info: MetricInfo


def _knee_frontal(side: str) -> Measure:
    """The frontal plane projection angle of the ``side`` knee (positive = valgus)."""
    other = "right" if side == "left" else "left"
    names = (f"{side}_hip", f"{side}_knee", f"{side}_ankle", f"{other}_hip")
    return Measure(
        f"{side}_knee_frontal_angle_deg",
        "front",
        names,
        lambda p, f: knee_frontal_angle_deg(*(p[name] for name in names)),
        MetricInfo("deg", f"{side} knee frontal plane projection angle (positive = valgus)", MUNRO),
    )


MEASURES: tuple[Measure, ...] = (
    Measure(
        "craniovertebral_angle_deg",
        "side",
        ("near_shoulder", "near_ear"),
        lambda p, f: craniovertebral_angle_deg(p["near_shoulder"], p["near_ear"], f),
        MetricInfo(
            "deg",
            "approximate craniovertebral angle: forward horizontal through the shoulder landmark "
            "(standing for C7) to the ear (standing for the tragus); reads roughly 20-35 deg "
            "larger than a true CVA, not comparable with CVA norms",
            f"{YIP} (CVA definition); approximation error: {KENDALL}",
        ),
    ),
    Measure(
        "head_tilt_deg",
        "side",
        ("near_ear", "near_eye"),
        lambda p, f: head_tilt_deg(p["near_ear"], p["near_eye"], f),
        MetricInfo("deg", "ear-to-eye line below the horizontal (positive = face down)", RAINE),
    ),
    Measure(
        "trunk_inclination_deg",
        "side",
        ("near_hip", "near_shoulder"),
        lambda p, f: trunk_inclination_deg(p["near_hip"], p["near_shoulder"], f),
        MetricInfo(
            "deg",
            "hip-to-shoulder line from the vertical (positive = leaning forward)",
            "segment inclination; Winter DA 2009, Biomechanics and Motor Control of Human "
            "Movement, 4th ed.",
        ),
    ),
    Measure(
        "knee_hyperextension_deg",
        "side",
        ("near_hip", "near_knee", "near_ankle"),
        lambda p, f: knee_hyperextension_deg(p["near_hip"], p["near_knee"], p["near_ankle"], f),
        MetricInfo(
            "deg",
            "180 - hip-knee-ankle angle in the side view; positive = knee behind the hip-ankle "
            "line (hyperextension), negative = bent",
            KENDALL,
        ),
    ),
    Measure(
        "shoulder_obliquity_deg",
        "front",
        ("left_shoulder", "right_shoulder"),
        lambda p, f: obliquity_deg(p["left_shoulder"], p["right_shoulder"]),
        MetricInfo(
            "deg", "shoulder line from the horizontal (positive = left shoulder higher)", KENDALL
        ),
    ),
    Measure(
        "pelvic_obliquity_deg",
        "front",
        ("left_hip", "right_hip"),
        lambda p, f: obliquity_deg(p["left_hip"], p["right_hip"]),
        MetricInfo(
            "deg",
            "line through the two hip joint landmarks from the horizontal (positive = left "
            "higher); hip joints, not iliac crests",
            KENDALL,
        ),
    ),
    *(_knee_frontal(side) for side in ("left", "right")),
)
