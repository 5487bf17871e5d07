"""Shared command-line helpers."""

import json
import math

import numpy as np

from kinesense.cli_support import print_json, to_plain_json


def test_numpy_and_non_finite_values_become_plain_json(capsys) -> None:
    data = {"a": np.float64(1.5), "b": [np.int64(2), math.nan], "c": np.array([1.0, np.inf])}
    assert to_plain_json(data) == {"a": 1.5, "b": [2, None], "c": [1.0, None]}
    print_json(data)
    assert json.loads(capsys.readouterr().out) == {"a": 1.5, "b": [2, None], "c": [1.0, None]}
