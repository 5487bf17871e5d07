"""The changes the norms and lessons work (issue 14, items 4-5) makes to recorded outputs on
purpose (see KNOWN_CHANGES in tests/golden/test_golden.py)."""

import copy
import json
from pathlib import Path
from typing import Any

CHANGES = Path(__file__).resolve().parent / "changes"

NORM_REASON = (
    "issue 14 (norms): every usable sway result gains a 'norm' object, its comparison with "
    "the Santos & Duarte 2016 reference or, as here, why there is none: no age and sex given, "
    "the default feet-together stance against the reference's feet apart, and what else of "
    "the recording differs from the reference's protocol (device, filter, sampling rate, "
    "trial length). Nothing else of the output changes (the 'norms' list stays empty when "
    "nothing is compared)"
)
REPORT_REASON = (
    "issue 14 (lessons): the PDF report ends with the lessons its results link to (how to read "
    "a sway result, what proprioception is, why balance training, when to stop and get help), "
    "5 more pages: 16 instead of 11"
)


def sway_norm_in_history(recorded: dict[str, Any]) -> dict[str, Any]:
    """The recorded history with the sway result's ``norm`` object (changes/history.json)."""
    changed = copy.deepcopy(recorded)
    norm = json.loads((CHANGES / "history.json").read_text())["norm"]
    for entry in changed["output"]["history"]:
        data = entry.get("data")
        if isinstance(data, dict) and data.get("test") == "sway" and data.get("usable"):
            data["norm"] = norm
    return changed
