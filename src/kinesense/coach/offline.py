"""Offline coaching of a recorded :class:`~kinesense.series.PoseSeries`: every frame fed to one
:class:`~kinesense.coach.engine.Coach`, exactly as live."""

from collections.abc import Iterator

import numpy as np

from kinesense.coach.engine import Coach
from kinesense.coach.events import CoachEvent, CoachFrame
from kinesense.coach.summary import SessionSummary
from kinesense.errors import SeriesError
from kinesense.exercises.schema import Exercise
from kinesense.landmarks import BLAZEPOSE_LANDMARKS
from kinesense.series.pose import PoseSeries


def frames_from_series(series: PoseSeries) -> Iterator[CoachFrame]:
    """The frames of a recorded :class:`PoseSeries`, as the live loop would give them
    (``None`` landmarks where the person was not detected).

    Raises:
        SeriesError: the series does not hold the 33 BlazePose landmarks in order.
    """
    if tuple(series.landmark_names) != BLAZEPOSE_LANDMARKS:
        raise SeriesError("coaching needs the 33 BlazePose landmarks; convert the series first")
    resolution = series.provenance.resolution
    for i in range(len(series.time_s)):
        if not series.detected[i]:
            yield CoachFrame(float(series.time_s[i]), None, None, resolution=resolution)
            continue
        yield CoachFrame(
            float(series.time_s[i]),
            np.asarray(series.image_xyz[i]),
            np.asarray(series.visibility[i]),
            world_xyz_m=np.asarray(series.world_xyz_m[i]),
            resolution=resolution,
        )


def coach_series(
    exercise: Exercise, series: PoseSeries, *, side: str | None = None
) -> tuple[list[CoachEvent], SessionSummary]:
    """Offline analysis of a recording: every frame fed to one :class:`Coach`, exactly as live,
    then :meth:`Coach.finish`. Returns all events in order and the session summary."""
    coach = Coach(exercise, side=side)
    events: list[CoachEvent] = []
    for frame in frames_from_series(series):
        events += coach.update(frame)
    events += coach.finish()
    return events, coach.summary()
