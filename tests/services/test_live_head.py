"""The live head repositioning test's service: the registered test on the live frames' series,
with the command line's checks and refusals, saved in the person's history."""

import numpy as np
import pytest

from kinesense.errors import InvalidValueError
from kinesense.services.history import person_history
from kinesense.services.live_head import HeadProtocol, assess_live_head, head_series_from_frames
from kinesense.services.people import add_person
from kinesense.store import Store
from tests.capture.head_clips import revel_schedule, write_head_clip
from tests.live.frames import head_messages


@pytest.fixture(scope="module")
def truth(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[object], tuple[int, int],
                                                             list[float]]:  # fmt: skip
    clip = revel_schedule()
    path = write_head_clip(tmp_path_factory.mktemp("head") / "revel.mp4", clip)
    video, messages = head_messages(path)
    assert video.provenance.resolution is not None
    return list(messages), video.provenance.resolution, clip.true_errors_deg


def test_the_live_head_test_is_measured_and_saved(
    store: Store, truth: tuple[list[object], tuple[int, int], list[float]]
) -> None:
    messages, resolution, errors = truth
    person = add_person(store, "Ada").person
    series = head_series_from_frames(messages, resolution)  # type: ignore[arg-type]
    outcome = assess_live_head(store, person.id, series, "lateral",
                               HeadProtocol(task="neutral"))  # fmt: skip
    assert outcome.result.usable, outcome.result.reasons
    measured = [outcome.result.metrics[f"trial_{i}_error_deg"] for i in range(1, 7)]
    assert np.max(np.abs(np.subtract(measured, errors))) < 0.5
    (entry,) = person_history(store, str(person.id), "assessment").entries
    assert entry.id == outcome.record_id
    assert entry.to_json()["data"]["metrics"]["trial_1_error_deg"] == pytest.approx(measured[0])


def test_the_refusals_are_the_command_lines(
    store: Store, truth: tuple[list[object], tuple[int, int], list[float]]
) -> None:
    messages, resolution, _ = truth
    person = add_person(store, "Ada").person
    series = head_series_from_frames(messages, resolution)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="axis"):
        assess_live_head(store, person.id, series, "sideways")
    # nothing turned about the vertical axis: an unusable result, kept with its reason
    outcome = assess_live_head(store, person.id, series, "rotation")
    assert not outcome.result.usable
    assert outcome.result.reasons
    kept = person_history(store, str(person.id), "assessment").entries
    assert [e.id for e in kept] == [outcome.record_id]
