"""Trunk range of motion: why it is not compared with published norms (the result's ``norm``).

A range-of-motion norm can be used only when it was measured with a device that measures the
same angle. The published trunk tables measure the lumbar spine: dual inclinometers over the
sacrum and the thoracolumbar junction, electrogoniometers, the Spinal Mouse or motion capture of
the pelvis and the lower thoracic spine. kinesense measures the inclination of the whole trunk
segment: from video, the line from the mid-hip to the mid-shoulder landmarks (pelvis and spine
together); from one motion sensor on the chest, the sensor's own inclination (hips, lumbar and
thoracic spine together); rotation, the turn of the shoulder line over the hip line from the
pose model's inferred depth. No table measured that way was found, so no comparison is made and
every usable mobility result says why (:func:`trunk_rom_norm`); a person's own ranges over time
are the comparison that holds.
"""

from kinesense.assess.norm_verdicts import NormVerdict, not_compared

MEASURED = {
    "flexion": "the forward inclination of the whole trunk (hips and spine together)",
    "extension": "the backward inclination of the whole trunk (hips and spine together)",
    "lateral": "the side inclination of the whole trunk line from the hips to the shoulders",
    "rotation": "the turn of the shoulder line over the hip line, from the pose model's "
    "estimated depth",
}


def trunk_rom_norm(movement: str) -> NormVerdict:
    """The ``norm`` object of a trunk range-of-motion result of ``movement``: not compared, and
    why (see the module docstring)."""
    measured = MEASURED.get(movement, "the inclination of the whole trunk segment")
    reason = (
        "no published range-of-motion table measured with a comparable device: published trunk "
        "norms measure the lumbar spine (dual inclinometers, electrogoniometers, the Spinal "
        f"Mouse, motion capture), while this test measures {measured}; follow your own ranges "
        "over time instead"
    )
    return not_compared("none", [reason])
