"""The changes the assessment work makes to recorded outputs on purpose (see KNOWN_CHANGES in
tests/golden/test_golden.py, which says why each is made)."""

import copy
from typing import Any


def rounded_repositioning(recorded: dict[str, Any]) -> dict[str, Any]:
    """The recorded repositioning output with ``plot_data.angle_deg`` rounded to 1e-4 deg and
    ``quality.tilt_axis_sensor_frame`` to 1e-6, as kinesense now writes them."""
    changed = copy.deepcopy(recorded)
    output = changed["output"]
    plot = output.get("plot_data", {})
    if "angle_deg" in plot:
        plot["angle_deg"] = [round(v, 4) for v in plot["angle_deg"]]
    quality = output.get("quality", {})
    if "tilt_axis_sensor_frame" in quality:
        quality["tilt_axis_sensor_frame"] = [round(v, 6) for v in quality["tilt_axis_sensor_frame"]]
    return changed


def sparc_without_dimension(recorded: dict[str, Any]) -> dict[str, Any]:
    """The recorded output with SPARC's unit written ``"1"`` (no dimension) instead of empty."""
    changed = copy.deepcopy(recorded)
    info = changed["output"]["metric_info"]
    if "sparc" in info:
        info["sparc"]["unit"] = "1"
    return changed
