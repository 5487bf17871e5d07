"""Hypothesis fuzzing of every reader: damaged copies of small real files either read, or fail
with a KinesenseError (one line); never another exception, a crash or a hang.

Seeds come from ../shared/data (tests/fuzz/seeds.py). The C3D reader runs ezc3d in a child
process, so its cases are fewer (each spawns a process).
"""

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinesense.errors import KinesenseError
from kinesense.series import load_series
from tests.fuzz.seeds import SHARED, mutate, readers, seeds, write_input

if not SHARED.is_dir():
    pytest.skip("real recordings absent", allow_module_level=True)

SEEDS = seeds()
READERS = readers()
EXAMPLES = {"c3d": 15}


def error_of(read: Callable[[], Any]) -> str | None:
    """The message of the KinesenseError ``read`` raises, or None when it returns a series
    (which must hold samples); any other exception propagates and fails the test."""
    try:
        series = read()
    except KinesenseError as exc:
        return str(exc)
    assert len(series) >= 1
    return None


def check(fmt: str, data: bytes, folder: Path) -> None:
    target = write_input(fmt, SEEDS[fmt][0], data, folder)
    message = error_of(lambda: READERS[fmt](target))
    assert message is None or "\n" not in message, message


@pytest.mark.parametrize("fmt", list(READERS))
def test_the_seed_itself_reads(fmt: str, tmp_path: Path) -> None:
    target = write_input(fmt, SEEDS[fmt][0], SEEDS[fmt][1], tmp_path)
    assert len(READERS[fmt](target)) >= 1


@pytest.mark.parametrize("fmt", list(READERS))
def test_damaged_copies_fail_cleanly(fmt: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    @settings(
        max_examples=EXAMPLES.get(fmt, 60),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(seed=st.integers(0, 2**32 - 1), edits=st.integers(1, 6))
    def run(seed: int, edits: int) -> None:
        data = mutate(SEEDS[fmt][1], random.Random(seed), edits)
        check(fmt, data, tmp_path_factory.mktemp(fmt))

    run()


@pytest.mark.parametrize("fmt", ["cop-csv", "imu-csv", "trc", "openpose"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_fail_cleanly(
    fmt: str, data: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    check(fmt, data, tmp_path_factory.mktemp(fmt))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.dictionaries(st.sampled_from([
    "format", "format_version", "kind", "landmark_names", "frame_rate_hz", "world_up",
    "provenance", "axes", "mag_unit", "placement"]), JSON, max_size=3))  # fmt: skip
def test_any_meta_fails_cleanly(
    changes: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The seed's ``__meta__`` with fields replaced by any JSON values."""
    import io
    import json
    import zipfile

    import numpy as np

    folder = tmp_path_factory.mktemp("meta")
    source = io.BytesIO(SEEDS["npz"][1])
    with zipfile.ZipFile(source) as archive:
        content = {n: archive.read(n) for n in archive.namelist()}
    meta = json.loads(np.load(io.BytesIO(content["__meta__.npy"])).tobytes()) | changes
    buffer = io.BytesIO()
    np.save(buffer, np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))
    content["__meta__.npy"] = buffer.getvalue()
    path = folder / "pose.npz"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in content.items():
            archive.writestr(name, data)
    message = error_of(lambda: load_series(path))
    assert message is None or "\n" not in message, message
