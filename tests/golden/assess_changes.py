"""The changes the assessment work makes to recorded outputs on purpose (see KNOWN_CHANGES in
tests/golden/test_golden.py, which says why each is made)."""

import copy
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHANGES = Path(__file__).resolve().parent / "changes"


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


def _same_but_rounding(recorded: Any, new: Any, where: str) -> None:
    """Raise unless ``new`` has the shape of ``recorded`` and each number is within 1e-9
    (relative, or absolute for values near zero) of the recorded one."""
    if isinstance(recorded, dict) and isinstance(new, dict) and recorded.keys() == new.keys():
        for key in recorded:
            _same_but_rounding(recorded[key], new[key], f"{where}.{key}")
    elif isinstance(recorded, list) and isinstance(new, list) and len(recorded) == len(new):
        for i, (old, value) in enumerate(zip(recorded, new, strict=True)):
            _same_but_rounding(old, value, f"{where}[{i}]")
    elif isinstance(recorded, float) and isinstance(new, float):
        if not math.isclose(recorded, new, rel_tol=1e-9, abs_tol=1e-9):
            raise AssertionError(f"{where}: {new} is not {recorded} but for rounding")
    elif recorded != new:
        raise AssertionError(f"{where}: {new!r} differs from {recorded!r}")


def rounding_only(case: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The new values stored in ``changes/<case>.json`` (whole fields of ``output``), checked
    to differ from the recorded ones only by floating-point rounding (within 1e-9)."""

    def change(recorded: dict[str, Any]) -> dict[str, Any]:
        new = json.loads((CHANGES / f"{case}.json").read_text())["output"]
        for key, value in new.items():
            _same_but_rounding(recorded["output"][key], value, key)
        changed = copy.deepcopy(recorded)
        changed["output"].update(new)
        return changed

    return change
