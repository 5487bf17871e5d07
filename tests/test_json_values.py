"""The one converter to plain JSON, lenient (command line) and strict (store)."""

import json
import math
from datetime import date

import numpy as np
import pytest

from kinesense.cli_support import print_json
from kinesense.errors import OutputFileError
from kinesense.json_values import json_text, plain_json


def test_numpy_and_non_finite_values_become_plain_json(capsys) -> None:
    data = {"a": np.float64(1.5), "b": [np.int64(2), math.nan], "c": np.array([1.0, np.inf])}
    assert plain_json(data) == {"a": 1.5, "b": [2, None], "c": [1.0, None]}
    print_json(data)
    assert json.loads(capsys.readouterr().out) == {"a": 1.5, "b": [2, None], "c": [1.0, None]}


def test_keys_become_strings_and_tuples_lists() -> None:
    assert plain_json({1: (np.bool_(True), -math.inf)}) == {"1": [True, None]}


def test_lenient_mode_leaves_what_json_cannot_hold_to_the_writer() -> None:
    day = date(2026, 1, 2)
    assert plain_json({"d": day}) == {"d": day}
    with pytest.raises(TypeError):
        json_text({"d": day})


def test_strict_mode_raises_the_callers_error_naming_the_type() -> None:
    with pytest.raises(OutputFileError, match=r"^cannot store a date in a JSON record$"):
        plain_json({"a": [1, {"d": date(2026, 1, 2)}]}, refuse_with=OutputFileError)
    assert plain_json([None, "x", 2, 2.5, False], refuse_with=OutputFileError) == [
        None, "x", 2, 2.5, False,
    ]  # fmt: skip


def test_json_text_is_strict_json_indented_when_asked() -> None:
    assert json_text({"a": math.nan}) == '{"a": null}'
    assert json_text([1], indent=1) == "[\n 1\n]"
