"""Virtual cameras: the image landmarks a camera would give of a 3D pose, with BlazePose-like
visibility. Used to turn 3D recordings (UI-PRMD Kinect, TRC, C3D) into test videos' landmarks
whose truth is exact.

**Camera.** An ideal pinhole camera (no lens distortion), principal point at the image centre,
square pixels: a point at camera coordinates (x right, y down, z along the optical axis) falls on
pixel ``u = f x / z + w / 2``, ``v = f y / z + h / 2``. By default the image is 1280 x 720
pixels with a focal length of 1000 pixels (a horizontal field of view of 65 degrees, a
phone's main camera in landscape), the camera 3 m from the person, at the median height of their
mid-hip (hip height when standing), looking horizontally at them: a standing adult fills about
two thirds of the picture's height.

**Views** are named as :data:`kinesense.series.provenance.CAMERA_VIEWS` names them: by the side of
the person that faces the camera. The camera sits at an azimuth around the person measured from
their forward direction towards their left: ``front`` 0, ``oblique`` 45 (front-left), ``left-side``
90, ``back`` 180, ``right-side`` -90 degrees. The person's forward direction is the median, over
the recording, of ``(left hip - right hip) x up`` (the shoulders when the hips are missing),
made horizontal.

**Image landmarks** follow BlazePose's conventions (Bazarevsky et al. 2020): x and y normalised by
the image width and height (origin top left, y down); z the depth relative to the mid-hip, on the
scale of x (``(depth - hip depth) * f / hip depth / width``), smaller nearer the camera. World
landmarks become MediaPipe's world frame: metres, origin at the mid-hip of each frame, axes those
of the camera (x image right, y down, z away), so ``world_up`` is (0, -1, 0).

**Visibility** mimics BlazePose's, which is low for a landmark hidden behind the body (about
0.27 for the far leg of a person filmed from the side, measured on a real clip: issue 10) and
high for one in view. The body is modelled as capsules around its segments (radii below, rounded
adult limb girths; an engineering approximation): a landmark is *hidden* when the straight line
from the camera to it passes within a capsule's radius of the capsule's axis, at a point at least
that radius nearer the camera than the landmark, for a capsule of the trunk or of a leg other
than the landmark's own (a limb does not hide its own joints; the arms hide nothing). Hidden
landmarks get :data:`HIDDEN_VISIBILITY`, landmarks outside the picture
:data:`OUT_OF_FRAME_VISIBILITY`, the others :data:`SEEN_VISIBILITY`; missing ones stay missing.
"""

import math
from dataclasses import dataclass
from typing import Final, TypedDict, Unpack

import numpy as np

from kinesense._checks import check_option, check_positive
from kinesense.arrays import FloatArray
from kinesense.errors import SeriesError
from kinesense.landmarks import LANDMARK_INDEX
from kinesense.series import PoseSeries

DEFAULT_RESOLUTION: Final = (1280, 720)
"""(width, height) of the virtual image, pixels."""
DEFAULT_FOCAL_PX: Final = 1000.0
"""Focal length in pixels (horizontal field of view 2 atan(640 / 1000) = 65 degrees)."""
DEFAULT_DISTANCE_M: Final = 3.0
"""Horizontal distance from the camera to the person's mid-hip, metres."""

VIEW_AZIMUTH_DEG: Final = {
    "front": 0.0,
    "oblique": 45.0,
    "left-side": 90.0,
    "back": 180.0,
    "right-side": -90.0,
}
"""Azimuth of the camera around the person, from their forward direction towards their left."""

SEEN_VISIBILITY: Final = 0.95
HIDDEN_VISIBILITY: Final = 0.27
OUT_OF_FRAME_VISIBILITY: Final = 0.1

_TORSO_RADIUS_M = 0.10
_CAPSULES: Final[tuple[tuple[str, str, float, str], ...]] = (
    # (first point, second point, radius m, body part)
    ("left_shoulder", "left_hip", _TORSO_RADIUS_M, "left_torso"),
    ("mid_shoulder", "mid_hip", _TORSO_RADIUS_M, "mid_torso"),
    ("right_shoulder", "right_hip", _TORSO_RADIUS_M, "right_torso"),
    ("left_hip", "left_knee", 0.075, "left_leg"),
    ("left_knee", "left_ankle", 0.05, "left_leg"),
    ("left_ankle", "left_foot_index", 0.04, "left_leg"),
    ("left_heel", "left_foot_index", 0.04, "left_leg"),
    ("right_hip", "right_knee", 0.075, "right_leg"),
    ("right_knee", "right_ankle", 0.05, "right_leg"),
    ("right_ankle", "right_foot_index", 0.04, "right_leg"),
    ("right_heel", "right_foot_index", 0.04, "right_leg"),
)
"""The occluding capsules: thigh girth ~47 cm, shank ~31 cm, foot ~25 cm; the trunk as three
capsules 20 cm thick side by side. The arms are left out: they are thin, and BlazePose sees a hip
behind a hanging arm (it places a landmark from the body's whole outline)."""

_LEG = ("hip", "knee", "ankle", "heel", "foot_index")


def _own_parts(landmark: str) -> set[str]:
    """Body parts that never hide ``landmark``: its own limb and, for a shoulder or a hip, its
    side of the trunk. BlazePose places a limb's joints from the limb's own outline; what hides
    them is the trunk or another limb in front."""
    side, _, base = landmark.partition("_")
    if side not in ("left", "right"):
        return set()
    own = {f"{side}_leg" if base in _LEG else f"{side}_arm"}
    if base in ("shoulder", "hip"):
        own.add(f"{side}_torso")
    return own


@dataclass(frozen=True)
class PinholeCamera:
    """An ideal pinhole camera (see the module docstring).

    Attributes:
        position_m: (3,) centre of projection in world coordinates, metres.
        rotation: (3, 3) rows are the camera's x (image right), y (image down) and z (optical
            axis) directions in world coordinates: ``camera = rotation @ (world - position)``.
        focal_px: focal length in pixels.
        resolution: (width, height) in pixels.
    """

    position_m: FloatArray
    rotation: FloatArray
    focal_px: float
    resolution: tuple[int, int]

    def to_camera(self, points_m: FloatArray) -> FloatArray:
        """(..., 3) world points in camera coordinates (metres)."""
        return np.asarray((points_m - self.position_m) @ self.rotation.T, dtype=np.float64)

    def project(self, points_m: FloatArray) -> FloatArray:
        """(..., 3) world points -> (..., 3) pixel u (right), v (down) and depth z in metres."""
        cam = self.to_camera(points_m)
        z = cam[..., 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            u = self.focal_px * cam[..., 0] / z + self.resolution[0] / 2.0
            v = self.focal_px * cam[..., 1] / z + self.resolution[1] / 2.0
        return np.stack([u, v, z], axis=-1)


def look_at(
    position_m: FloatArray,
    target_m: FloatArray,
    up: FloatArray,
    *,
    focal_px: float = DEFAULT_FOCAL_PX,
    resolution: tuple[int, int] = DEFAULT_RESOLUTION,
) -> PinholeCamera:
    """A camera at ``position_m`` whose optical axis points at ``target_m``, image up = ``up``.

    Raises:
        ValueError: the camera looks straight up or down (``up`` along the optical axis).
    """
    check_positive("focal_px", focal_px)
    position = np.asarray(position_m, dtype=np.float64)
    forward = np.asarray(target_m, dtype=np.float64) - position
    forward = forward / np.linalg.norm(forward)
    up_vector = np.asarray(up, dtype=np.float64)
    right = np.cross(forward, up_vector)
    if np.linalg.norm(right) < 1e-9:
        raise ValueError("the camera's optical axis must not be parallel to 'up'")
    right = right / np.linalg.norm(right)
    down = np.cross(forward, right)
    rotation = np.stack([right, down, forward])
    return PinholeCamera(
        position, rotation, float(focal_px), (int(resolution[0]), int(resolution[1]))
    )


def _mid(series: PoseSeries, a: str, b: str) -> FloatArray:
    return np.asarray((series.world_point(a) + series.world_point(b)) / 2.0, dtype=np.float64)


def body_directions(series: PoseSeries) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(centre, forward, left) of a 3D recording, world coordinates.

    ``centre`` is the median mid-hip position (metres); ``forward`` and ``left`` are horizontal
    unit vectors (median over frames, see the module docstring).

    Raises:
        SeriesError: neither hips nor shoulders are seen in any frame.
    """
    up = np.asarray(series.world_up, dtype=np.float64)
    across = series.world_point("left_hip") - series.world_point("right_hip")
    if not np.isfinite(across).all(axis=1).any():
        across = series.world_point("left_shoulder") - series.world_point("right_shoulder")
    across = across[np.isfinite(across).all(axis=1)]
    if across.size == 0:
        raise SeriesError("a virtual camera needs the hips or the shoulders of the person")
    across = across - np.outer(across @ up, up)
    left = np.median(across / np.linalg.norm(across, axis=1, keepdims=True), axis=0)
    left = left / np.linalg.norm(left)
    forward = np.cross(left, up)
    centre = _median_point(_mid(series, "left_hip", "right_hip"))
    if not np.isfinite(centre).all():
        centre = _median_point(_mid(series, "left_shoulder", "right_shoulder"))
    return centre, forward, left


def _median_point(points: FloatArray) -> FloatArray:
    seen = points[np.isfinite(points).all(axis=1)]
    return np.median(seen, axis=0) if seen.size else np.full(3, np.nan)


def virtual_camera(
    series: PoseSeries,
    view: str,
    *,
    distance_m: float = DEFAULT_DISTANCE_M,
    focal_px: float = DEFAULT_FOCAL_PX,
    resolution: tuple[int, int] = DEFAULT_RESOLUTION,
    azimuth_deg: float | None = None,
) -> PinholeCamera:
    """A camera filming the person of a 3D ``series`` from ``view`` (a key of
    :data:`VIEW_AZIMUTH_DEG`), ``distance_m`` from their median mid-hip, at its height.

    ``azimuth_deg`` places the camera at another azimuth than the view's (e.g. -45 for an
    oblique view from the front right); ``view`` is then only the label."""
    check_option("view", view, VIEW_AZIMUTH_DEG)
    check_positive("distance_m", distance_m)
    centre, forward, left = body_directions(series)
    azimuth = math.radians(VIEW_AZIMUTH_DEG[view] if azimuth_deg is None else azimuth_deg)
    direction = math.cos(azimuth) * forward + math.sin(azimuth) * left
    up = np.asarray(series.world_up, dtype=np.float64)
    return look_at(
        centre + distance_m * direction, centre, up, focal_px=focal_px, resolution=resolution
    )


def _points(series: PoseSeries, name: str) -> FloatArray:
    if name.startswith("mid_"):
        part = name[4:]
        return _mid(series, f"left_{part}", f"right_{part}")
    return series.world_point(name)


def _segment_distance(
    p0: FloatArray, p1: FloatArray, q0: FloatArray, q1: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Closest approach of segments p0-p1 and q0-q1 (..., 3): (distance, parameter s along p),
    after Ericson, Real-Time Collision Detection (2005), section 5.1.9."""
    d1, d2, r = p1 - p0, q1 - q0, p0 - q0
    # p0-p1 is never a point here (a camera and a landmark); q0-q1 may be
    a = np.sum(d1 * d1, axis=-1)
    e = np.sum(d2 * d2, axis=-1)
    f = np.sum(d2 * r, axis=-1)
    c = np.sum(d1 * r, axis=-1)
    b = np.sum(d1 * d2, axis=-1)
    denom = a * e - b * b
    tiny = 1e-12
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(denom > tiny, np.clip((b * f - c * e) / denom, 0.0, 1.0), 0.0)
        t = np.where(e > tiny, (b * s + f) / e, 0.0)
        s = np.where(t < 0.0, np.clip(-c / a, 0.0, 1.0), s)
        s = np.where(t > 1.0, np.clip((b - c) / a, 0.0, 1.0), s)
        t = np.clip(t, 0.0, 1.0)
        point = e <= tiny  # q0-q1 is a point: the closest point of p to it
        s = np.where(point, np.clip(-c / a, 0.0, 1.0), s)
        t = np.where(point, 0.0, t)
    closest_p = p0 + s[..., None] * d1
    closest_q = q0 + t[..., None] * d2
    return np.linalg.norm(closest_p - closest_q, axis=-1), s


def hidden_landmarks(series: PoseSeries, camera: PinholeCamera) -> np.ndarray:
    """(N, L) whether each landmark is hidden behind another body part (module docstring)."""
    n, n_landmarks = len(series), len(series.landmark_names)
    hidden = np.zeros((n, n_landmarks), dtype=bool)
    capsules = [
        (_points(series, a), _points(series, b), radius, part)
        for a, b, radius, part in _CAPSULES
        if (a.startswith("mid_") or a in series.landmark_names)
        and (b.startswith("mid_") or b in series.landmark_names)
    ]
    eye = np.broadcast_to(camera.position_m, (n, 3))
    for j, name in enumerate(series.landmark_names):
        target = series.world_xyz_m[:, j]
        if not np.isfinite(target).any():
            continue
        own = _own_parts(name)
        length = np.linalg.norm(target - eye, axis=1)
        for start, end, radius, part in capsules:
            if part in own:
                continue
            distance, s = _segment_distance(eye, target, start, end)
            in_front = (1.0 - s) * length >= radius
            with np.errstate(invalid="ignore"):
                hidden[:, j] |= (distance < radius) & in_front
    return hidden


def _row_mean(values: FloatArray) -> FloatArray:
    """Mean of the finite values of each row (NaN for a row without any), without warnings."""
    finite = np.isfinite(values)
    count = finite.sum(axis=1)
    total = np.where(finite, values, 0.0).sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def project_pose(series: PoseSeries, camera: PinholeCamera, *, camera_view: str) -> PoseSeries:
    """The image landmarks ``camera`` gives of a 3D ``series`` (see the module docstring).

    Args:
        series: world landmarks in metres (a frame where a landmark is missing keeps it missing).
        camera: from :func:`virtual_camera` or :func:`look_at`.
        camera_view: the view recorded in the provenance (``front``, ``left-side``...).

    Returns:
        A :class:`PoseSeries` with image landmarks, MediaPipe-style world landmarks and
        visibility, ``provenance.resolution`` = the camera's, ``reader`` "virtual-camera" and the
        camera in ``provenance.details["virtual_camera"]``.
    """
    width, height = camera.resolution
    pixels = camera.project(series.world_xyz_m)
    hip_index = [LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]]
    hip_depth = _row_mean(pixels[:, hip_index, 2])
    hip_depth = np.where(np.isnan(hip_depth), _row_mean(pixels[..., 2]), hip_depth)
    relative_z = (pixels[..., 2] - hip_depth[:, None]) * camera.focal_px / hip_depth[:, None]
    image = np.stack([pixels[..., 0] / width, pixels[..., 1] / height, relative_z / width], -1)
    mid_hip = np.stack([_row_mean(series.world_xyz_m[:, hip_index, k]) for k in range(3)], -1)
    world = (series.world_xyz_m - mid_hip[:, None, :]) @ camera.rotation.T
    present = np.isfinite(series.world_xyz_m).all(axis=2) & (series.visibility > 0)
    inside = (
        (pixels[..., 0] >= 0) & (pixels[..., 0] <= width)
        & (pixels[..., 1] >= 0) & (pixels[..., 1] <= height)
        & (pixels[..., 2] > 0)
    )  # fmt: skip
    visibility = np.where(hidden_landmarks(series, camera), HIDDEN_VISIBILITY, SEEN_VISIBILITY)
    visibility = np.where(inside, visibility, OUT_OF_FRAME_VISIBILITY)
    visibility = np.where(present, visibility, 0.0)
    image = np.where(present[..., None], image, np.nan)
    world = np.where(present[..., None], world, np.nan)
    details = {
        "virtual_camera": {
            "position_m": [float(x) for x in camera.position_m],
            "rotation": [[float(x) for x in row] for row in camera.rotation],
            "focal_px": camera.focal_px,
        },
        "projected_from": series.provenance.reader,
    }
    provenance = series.provenance.with_details(**details)
    return series.replace(
        image_xyz=image,
        world_xyz_m=world,
        visibility=visibility,
        detected=series.detected & present.any(axis=1),
        world_up=(0.0, -1.0, 0.0),
        provenance=type(provenance)(
            source=provenance.source,
            reader="virtual-camera",
            model=provenance.model,
            resolution=camera.resolution,
            camera_view=camera_view,
            details=provenance.details,
        ),
    )


class CameraPlacement(TypedDict, total=False):
    """Where :func:`virtual_camera` puts the camera, when not at its defaults."""

    distance_m: float
    focal_px: float
    resolution: tuple[int, int]
    azimuth_deg: float | None


def film(series: PoseSeries, view: str, **placement: Unpack[CameraPlacement]) -> PoseSeries:
    """``series`` filmed by :func:`virtual_camera` from ``view`` (:func:`project_pose`)."""
    return project_pose(series, virtual_camera(series, view, **placement), camera_view=view)
