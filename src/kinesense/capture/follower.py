"""Per-frame pose estimation that follows one person: the same code for files and live cameras.

The fast path runs one tracking model (VIDEO mode, one person), which is how MediaPipe is
fastest. A second model, in IMAGE mode and able to see several people, runs only when the choice
of person is in doubt: on the first frame where anybody is found (to choose the largest and most
central person that shows what the exercise needs, :class:`~kinesense.capture.person.
PersonCriteria`), on frames where the tracking model returns somebody other than the person
followed, and when the person has been away long enough to be chosen again
(:data:`~kinesense.capture.person.REACQUIRE_AFTER_S`). Frames where only other people are found
count as not detected. When nobody shows what the exercise needs (a close-up, a person whose
feet are out of the picture), the best there is is followed *provisionally*, so the set-up
check can say what to change, and the first person who shows it takes over at once.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from kinesense.capture.appearance import torso_signature
from kinesense.capture.closing import Closing
from kinesense.capture.estimator import PoseDetection, PoseEstimator
from kinesense.capture.mediapipe_pose import MediaPipePoseEstimator
from kinesense.capture.models import DEFAULT_MODEL
from kinesense.capture.person import (
    Box,
    PersonCriteria,
    PersonTracker,
    Signature,
    landmark_box,
)

MAX_PEOPLE = 4
"""How many people the second model looks for when the choice of person is in doubt."""

PROVISIONAL_RECHECK_S = 0.5
"""Seconds between two looks for a suitable person while the one followed is not."""


@dataclass
class FollowerCounters:
    """How often each path ran, for provenance and benchmarks."""

    frames: int = 0
    detected: int = 0
    multi_person_checks: int = 0
    rejected_other_person: int = 0
    unsuitable: int = 0
    """Choices made while nobody showed what the exercise needs."""


EstimatorFactory = Callable[[str, int], PoseEstimator]
"""Makes a pose estimator for a mode (``"video"`` or ``"image"``) and a number of people."""


def mediapipe_factory(model: str = DEFAULT_MODEL) -> EstimatorFactory:
    """An :data:`EstimatorFactory` of BlazePose models (``model`` as in :mod:`.models`)."""

    def make(mode: str, num_poses: int) -> PoseEstimator:
        return MediaPipePoseEstimator(model, mode=mode, num_poses=num_poses)

    return make


class PersonFollower(Closing):
    """Feed frames in time order; get the followed person's landmarks or ``None``.

    Args:
        model: pose model name or ``.task`` path (see :mod:`kinesense.capture.models`).
        tracker: the person tracker (a new one by default).
        max_people: people the multi-person check looks for.
        make_estimator: builds the pose models; BlazePose through MediaPipe by default. Any
            :class:`~kinesense.capture.estimator.PoseEstimator` can be plugged in here.
        criteria: what a person must show to be chosen (None: anybody).
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        tracker: PersonTracker | None = None,
        max_people: int = MAX_PEOPLE,
        make_estimator: EstimatorFactory | None = None,
        criteria: PersonCriteria | None = None,
    ) -> None:
        self.max_people = max_people
        self.criteria = criteria
        self.provisional = False
        """The person followed was chosen without showing what the exercise needs (nobody
        did): somebody who does is looked for every :data:`PROVISIONAL_RECHECK_S`."""
        self._checked_s = -float("inf")
        self.tracker = tracker if tracker is not None else PersonTracker()
        self._make = make_estimator if make_estimator is not None else mediapipe_factory(model)
        self._tracking: PoseEstimator = self._make("video", 1)
        self._multi: PoseEstimator | None = None
        self.counters = FollowerCounters()
        self.last_box: Box | None = None

    @property
    def model_name(self) -> str:
        """Name of the pose model (for provenance)."""
        return self._tracking.name

    def _multi_person(self) -> PoseEstimator:
        if self._multi is None:
            self._multi = self._make("image", self.max_people)
        return self._multi

    def process(self, rgb: NDArray[np.uint8], time_s: float) -> PoseDetection | None:
        """Landmarks of the followed person in this RGB frame (H x W x 3, uint8), or ``None``."""
        self.counters.frames += 1
        found = self._tracking.estimate(rgb, round(time_s * 1000.0))
        tracker = self.tracker
        if not found:
            return None
        if tracker.expired(time_s):
            tracker.release(time_s)
            self.provisional = False
        found_boxes = _boxes(found)
        found_looks = [torso_signature(rgb, d.image_xyz) for d in found]
        recheck = self.provisional and time_s - self._checked_s >= PROVISIONAL_RECHECK_S
        if tracker.last_box is not None and not recheck:
            index = tracker.match(time_s, found_boxes, found_looks)
            if index is not None:
                return self._accept(time_s, found[index], found_boxes[index], found_looks[index])
        return self._choose(rgb, time_s, found, found_boxes, found_looks)

    def _choose(
        self,
        rgb: NDArray[np.uint8],
        time_s: float,
        found: list[PoseDetection],
        found_boxes: list[Box | None],
        found_looks: list[Signature | None],
    ) -> PoseDetection | None:
        """Nobody chosen yet, the tracking model follows somebody else, or the person followed
        so far does not show what the exercise needs: look at everyone."""
        tracker = self.tracker
        self.counters.multi_person_checks += 1
        self._checked_s = time_s
        candidates = self._multi_person().estimate(rgb, 0) or found
        boxes = _boxes(candidates)
        looks = [torso_signature(rgb, d.image_xyz) for d in candidates]
        index: int | None = None
        if self.criteria is not None and (tracker.last_box is None or self.provisional):
            suitable, preference = self._suitability(rgb, candidates)
            if any(suitable):
                tracker.release(time_s, note=False)  # a provisional choice gives way
                index = tracker.match(
                    time_s, boxes, looks, suitable=suitable, preference=preference
                )
                self.provisional = False
            elif tracker.last_box is None:
                index = tracker.match(time_s, boxes, looks)  # the best there is, for now
                self.provisional = index is not None
                self.counters.unsuitable += 1
        if index is None:
            index = tracker.match(time_s, boxes, looks)
        if index is None:
            tracker.reject(time_s)
            self.counters.rejected_other_person += 1
            return None
        chosen, chosen_box = candidates[index], boxes[index]
        # Prefer the tracking model's landmarks when it found the same person (smoother).
        for detection, box, look in zip(found, found_boxes, found_looks, strict=True):
            if chosen_box is not None and same_pose(detection, chosen, chosen_box):
                return self._accept(time_s, detection, box, look)
        return self._accept(time_s, chosen, chosen_box, looks[index])

    def _suitability(
        self, rgb: NDArray[np.uint8], candidates: list[PoseDetection]
    ) -> tuple[list[bool], list[float]]:
        """Which candidates show what the exercise needs, and how much each is preferred."""
        criteria = self.criteria
        assert criteria is not None
        height, width = rgb.shape[:2]
        suitable = [criteria.shows_enough(d.image_xyz, d.visibility) for d in candidates]
        preference = [
            criteria.preference(d.image_xyz, d.visibility, (width, height)) if ok else 0.0
            for d, ok in zip(candidates, suitable, strict=True)
        ]
        return suitable, preference

    def _accept(
        self,
        time_s: float,
        detection: PoseDetection,
        box: Box | None,
        look: Signature | None,
    ) -> PoseDetection:
        if box is not None:
            self.tracker.accept(time_s, box, look)
        if self.provisional and self.criteria is not None:
            self.provisional = not self.criteria.shows_enough(
                detection.image_xyz, detection.visibility
            )
        self.last_box = box
        self.counters.detected += 1
        return detection

    @property
    def switch_times_s(self) -> list[float]:
        """Times (s) at which the model turned to somebody other than the followed person."""
        return list(self.tracker.switches_s)

    def close(self) -> None:
        """Release both models."""
        self._tracking.close()
        if self._multi is not None:
            self._multi.close()


SAME_POSE_TOLERANCE = 0.04
"""Median landmark distance, in body heights, under which two detections are the same pose.

The tracking (video) and multi-person (image) models give the same person's landmarks within
0.4-1.2% of body height on ../shared/data/video/sports2d_walk_side.mp4 (every 10th frame);
4% leaves a margin while a second person a few centimetres away stays apart."""


def same_pose(a: PoseDetection, b: PoseDetection, box: Box) -> bool:
    """Whether two detections are the same person in the same pose (landmarks nearly equal).

    Overlapping boxes are not enough: a person walking in front of another overlaps them.
    """
    distance = np.linalg.norm(a.image_xyz[:, :2] - b.image_xyz[:, :2], axis=1)
    distance = distance[np.isfinite(distance)]
    height = max(box[3] - box[1], 1e-6)
    return bool(distance.size) and float(np.median(distance)) < SAME_POSE_TOLERANCE * height


def _boxes(detections: list[PoseDetection]) -> list[Box | None]:
    return [landmark_box(d.image_xyz[:, :2], d.visibility) for d in detections]
