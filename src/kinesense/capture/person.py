"""Following one person when several are in view.

The person is chosen in the first frame where anybody is found: the largest and most central
candidate (score = bounding-box area x closeness to the image centre), among those that show
what the exercise needs when the caller says what that is (:class:`PersonCriteria`: a waist-up
close-up is not a candidate for a whole-body exercise while somebody shows the whole body),
preferring those in the exercise's body position. After that, each
frame's candidates are matched to the person by position (near the last known box) and, when
the caller gives them, by look (a torso colour signature, :mod:`kinesense.capture.appearance`):
a candidate near the last box but dressed differently is somebody else; a candidate far away
but dressed the same is the person back after a fast move or an absence. A frame where only
other people are found counts as not detected, and the moment the model jumped to another
person is recorded as a *switch*. When the followed person has not been seen for
:data:`REACQUIRE_AFTER_S`, the choice is made again (the person is found again after leaving
the picture, or the user walks in after a title card or a close-up).

Boxes are in normalised image coordinates ``(x_min, y_min, x_max, y_max)``.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from kinesense.capture.appearance import signature_distance
from kinesense.landmarks import LANDMARK_INDEX, MIN_VISIBILITY

Box = tuple[float, float, float, float]

Signature = NDArray[np.float32]

SAME_LOOK = 0.3
"""Signature distance below which a candidate far from the last box is still taken as the person."""

DIFFERENT_LOOK = 0.75
"""Signature distance above which a candidate near the last box is taken as somebody else.

The same person drifts up to 0.64 from their first signature while walking through a gym
(../shared/data/video/sports2d_walk_side.mp4); different people in the demo clips are 0.78 to
1 apart."""

UNKNOWN_LOOK_COST = 0.5
"""Cost given to a near candidate whose look cannot be compared (so a known good look wins)."""

FAR_CONFIRM_FRAMES = 3
"""Consecutive frames a far candidate must match by look before it is taken as the person."""

FAR_CONFIRM_GAP_S = 0.1
"""Largest time between two frames of the same confirmation streak, in seconds."""

LOOK_UPDATE_MAX = 0.3
"""Only signatures closer than this to the person's update it (no drift under occlusion)."""

REACQUIRE_AFTER_S = 1.5
"""Seconds without the followed person after which the person is chosen again. Longer than a
passer-by hides somebody (0.7 s for a walker crossing in front of a squatting person at
brisk walking pace, tests/coach/test_second_person.py)."""

MIN_NEEDED_SHARE = 0.8
"""Share of the landmarks an exercise needs that a candidate must show (seen, inside the
picture) to be chosen."""


@dataclass(frozen=True)
class PersonCriteria:
    """What the person to follow must show before they are chosen.

    Attributes:
        needed: groups of landmark names; a group is shown when any of its landmarks is seen
            (visibility >= :data:`MIN_VISIBILITY`) inside the picture (the left or the right
            knee: a side view shows one of them).
        positions: body positions the exercise is done in; candidates in one of them are
            preferred (:mod:`kinesense.signal.body_position`).
        min_share: share of the groups that must be shown.
    """

    needed: tuple[tuple[str, ...], ...]
    positions: tuple[str, ...] = ()
    min_share: float = MIN_NEEDED_SHARE

    def shows_enough(self, image_xyz: NDArray[np.float64], visibility: NDArray[np.float64]) -> bool:
        """Whether a detection shows the needed landmarks."""
        if not self.needed:
            return True
        xy = image_xyz[:, :2]
        with np.errstate(invalid="ignore"):
            shown = (visibility >= MIN_VISIBILITY) & np.all((xy >= 0) & (xy <= 1), axis=1)
        groups = [any(shown[LANDMARK_INDEX[n]] for n in group) for group in self.needed]
        return sum(groups) >= self.min_share * len(groups)

    def preference(
        self,
        image_xyz: NDArray[np.float64],
        visibility: NDArray[np.float64],
        resolution: tuple[int, int],
    ) -> float:
        """1 for a candidate in one of the positions, 0.5 when not known, 0.25 otherwise."""
        if not self.positions:
            return 1.0
        from kinesense.signal.body_position import MIN_CONFIDENCE, UNKNOWN, classify_positions

        found = classify_positions(image_xyz[None], visibility[None], resolution=resolution)
        label, confidence = found.labels[0], float(found.confidence[0])
        if label == UNKNOWN or confidence < MIN_CONFIDENCE:
            return 0.5
        return 1.0 if label in self.positions else 0.25


def landmark_box(image_xy: NDArray[np.float64], visibility: NDArray[np.float64]) -> Box | None:
    """Bounding box of the landmarks seen with at least :data:`MIN_VISIBILITY`; None if < 3."""
    seen = (visibility >= MIN_VISIBILITY) & np.all(np.isfinite(image_xy), axis=1)
    if np.count_nonzero(seen) < 3:
        seen = np.all(np.isfinite(image_xy), axis=1)
        if np.count_nonzero(seen) < 3:
            return None
    xy = image_xy[seen]
    return (
        float(xy[:, 0].min()),
        float(xy[:, 1].min()),
        float(xy[:, 0].max()),
        float(xy[:, 1].max()),
    )


def box_area(box: Box) -> float:
    """Area of a box (normalised units squared)."""
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def box_iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes, in [0, 1]."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = box_area(a) + box_area(b) - inter
    return inter / union if union > 0 else 0.0


def prominence(box: Box) -> float:
    """How likely a box is the person being measured: its area times its closeness to the centre.

    Closeness is ``1 - d / d_max`` where ``d`` is the distance from the box centre to the image
    centre (0.5, 0.5) and ``d_max`` the distance from the centre to a corner.
    """
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    distance = float(np.hypot(cx - 0.5, cy - 0.5))
    closeness = max(0.0, 1.0 - distance / float(np.hypot(0.5, 0.5)))
    return box_area(box) * closeness


def choose_initial(boxes: list[Box], weights: Sequence[float] | None = None) -> int:
    """Index of the most prominent box (largest and most central, times its weight); boxes must
    not be empty."""
    weights = weights if weights is not None else [1.0] * len(boxes)
    return int(np.argmax([prominence(b) * w for b, w in zip(boxes, weights, strict=True)]))


def box_distance(a: Box, b: Box) -> float:
    """Distance between box centres divided by the height of ``a`` (the reference person)."""
    acx, acy = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
    bcx, bcy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    height = max(a[3] - a[1], 1e-6)
    return float(np.hypot(acx - bcx, acy - bcy) / height)


@dataclass
class PersonTracker:
    """Incremental choice of the person to follow (``update`` once a frame, in time order).

    Args:
        max_jump: largest centre displacement, in body heights, allowed between the last box of
            the person and a candidate in the next frame for it to be the same person.
        max_jump_per_s: extra displacement allowed per second since the person was last seen
            (1 body height a second: brisk walking is about 0.8, 1.4 m/s for a 1.7 m adult).
        look_memory: weight of the past in the running mean of the person's signature.
    """

    max_jump: float = 0.5
    max_jump_per_s: float = 1.0
    look_memory: float = 0.9
    reacquire_after_s: float = REACQUIRE_AFTER_S
    last_box: Box | None = None
    signature: Signature | None = None
    last_time_s: float | None = None
    switches_s: list[float] = field(default_factory=list)
    reacquired_s: list[float] = field(default_factory=list)
    _on_other: bool = False
    _far_streak: list[float] = field(default_factory=list)

    def expired(self, time_s: float) -> bool:
        """Whether the followed person has been away for longer than ``reacquire_after_s``."""
        return (
            self.last_box is not None
            and self.last_time_s is not None
            and time_s - self.last_time_s > self.reacquire_after_s
        )

    def release(self, time_s: float, *, note: bool = True) -> None:
        """Forget the followed person: the next suitable candidate is chosen afresh (recorded
        in :attr:`reacquired_s` when ``note``)."""
        if self.last_box is not None and note:
            self.reacquired_s.append(time_s)
        self.last_box = None
        self.signature = None
        self.last_time_s = None
        self._on_other = False
        self._far_streak.clear()

    def match(
        self,
        time_s: float,
        boxes: Sequence[Box | None],
        signatures: Sequence[Signature | None] | None = None,
        *,
        suitable: Sequence[bool] | None = None,
        preference: Sequence[float] | None = None,
    ) -> int | None:
        """Index of the followed person among a frame's candidates.

        Before anybody was chosen, the most prominent candidate (largest and most central) is
        returned. After that, a candidate is the person if it is near the last box (within
        ``max_jump + max_jump_per_s * seconds since last seen`` body heights) and does not look
        different (signature distance below :data:`DIFFERENT_LOOK`), or if it looks the same
        (below :data:`SAME_LOOK`) wherever it is, confirmed over :data:`FAR_CONFIRM_FRAMES`
        frames; among several, the nearest and most alike. Not pure: far matches are counted
        towards their confirmation.
        ``boxes`` holds ``None`` for candidates with too few visible landmarks. Before anybody is
        chosen, only ``suitable`` candidates may be (all by default), weighted by ``preference``.
        """
        looks = list(signatures) if signatures is not None else [None] * len(boxes)
        valid = [(i, b, looks[i]) for i, b in enumerate(boxes) if b is not None]
        if not valid:
            return None
        if self.last_box is None:
            fit = suitable if suitable is not None else [True] * len(boxes)
            weights = preference if preference is not None else [1.0] * len(boxes)
            choices = [(i, b) for i, b, _ in valid if fit[i]]
            if not choices:
                return None
            best = choose_initial([b for _, b in choices], [weights[i] for i, _ in choices])
            return choices[best][0]
        elapsed = time_s - (self.last_time_s if self.last_time_s is not None else time_s)
        allowed = self.max_jump + self.max_jump_per_s * max(elapsed, 0.0)
        reference = self.last_box
        accepted: list[tuple[float, bool, int]] = []
        for i, box, look in valid:
            distance = box_distance(reference, box)
            look_distance = (
                signature_distance(self.signature, look)
                if self.signature is not None and look is not None
                else None
            )
            near = distance <= allowed
            position_cost = min(distance, allowed) / allowed
            if look_distance is None:
                if near:
                    accepted.append((position_cost + UNKNOWN_LOOK_COST, False, i))
            elif near and look_distance < DIFFERENT_LOOK:
                accepted.append((position_cost + look_distance, False, i))
            elif look_distance < SAME_LOOK:
                accepted.append((1.0 + look_distance, True, i))
        if not accepted:
            return None
        _, far, index = min(accepted)
        if far and not self._confirm_far(time_s):
            return None
        return index

    def _confirm_far(self, time_s: float) -> bool:
        """Count a frame in which a far candidate matched by look alone; True once confirmed.

        A far match is taken only after :data:`FAR_CONFIRM_FRAMES` consecutive frames (no more
        than :data:`FAR_CONFIRM_GAP_S` apart), so that one frame where somebody else happens to
        look alike (a torso half in the picture, odd light) does not carry the tracker away.
        Calling it twice for the same frame counts the frame once.
        """
        streak = self._far_streak
        if streak and time_s - streak[-1] > FAR_CONFIRM_GAP_S:
            streak.clear()
        if not streak or streak[-1] != time_s:
            streak.append(time_s)
        return len(streak) >= FAR_CONFIRM_FRAMES

    def accept(self, time_s: float, box: Box, signature: Signature | None = None) -> None:
        """Record that the followed person was at ``box`` at ``time_s``, looking like ``signature``.

        The stored signature is a running mean (weight :attr:`look_memory` on the past), so
        slow changes of light are followed; a signature that differs by :data:`LOOK_UPDATE_MAX`
        or more (the person partly hidden by someone else, say) does not enter it.
        """
        if signature is not None:
            if self.signature is None:
                self.signature = signature
            elif signature_distance(self.signature, signature) < LOOK_UPDATE_MAX:
                mixed = self.look_memory * self.signature + (1 - self.look_memory) * signature
                self.signature = (mixed / mixed.sum()).astype(np.float32)
        self.last_box = box
        self.last_time_s = time_s
        self._on_other = False
        self._far_streak.clear()

    def reject(self, time_s: float) -> None:
        """Record that only other people were found at ``time_s`` (a switch, once per episode)."""
        if self._far_streak and self._far_streak[-1] == time_s:
            return  # the person may be back: a far look-alike awaits confirmation
        self._far_streak.clear()  # a frame of other people breaks a confirmation streak
        if self.last_box is not None and not self._on_other:
            self.switches_s.append(time_s)
            self._on_other = True

    def update(
        self,
        time_s: float,
        boxes: Sequence[Box | None],
        signatures: Sequence[Signature | None] | None = None,
    ) -> int | None:
        """:meth:`match`, then :meth:`accept` the match or :meth:`reject` the frame."""
        index = self.match(time_s, boxes, signatures)
        if index is not None:
            box = boxes[index]
            assert box is not None
            self.accept(time_s, box, signatures[index] if signatures is not None else None)
        elif any(b is not None for b in boxes):
            self.reject(time_s)
        return index
