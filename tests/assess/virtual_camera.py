"""A virtual pinhole camera: 3-D keypoints (e.g. Pose2Sim's triangulated TRC) seen from any side.

The camera stands ``distance_m`` from the body's mean hip centre, level, at hip height, looking
at it horizontally from the direction ``azimuth_deg`` (0: in front of the person, 90: at their
left side, -90: at their right, 180: behind), with a ``focal_px`` focal length and a portrait
``size``. Each 3-D point ``X`` becomes image pixels ``f (X - C).right / depth + centre`` (x to
the image right) and ``f (X - C).down / depth + centre`` (y down); ``z`` is the depth relative
to the hips on the scale of x, as MediaPipe gives it. Landmarks the keypoint file lacks stay
missing (visibility 0); the others are visible. The camera view is left for kinesense to
classify. The body's directions come from the data: left is the mean right-to-left hip vector,
forward is left x up, checked against the nose being ahead of the hips.
"""

import numpy as np

from kinesense.series import PoseSeries, Provenance

SIZE = (1080, 1920)


def body_axes(series: PoseSeries) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit vectors (left, up, forward) of the person in the series' world frame."""
    up = np.asarray(series.world_up, dtype=np.float64)
    hips = series.world_point("left_hip") - series.world_point("right_hip")
    left = np.nanmean(hips, axis=0)
    left = left - (left @ up) * up
    left /= np.linalg.norm(left)
    forward = np.cross(left, up)
    mid_hip = (series.world_point("left_hip") + series.world_point("right_hip")) / 2
    if np.nanmedian((series.world_point("nose") - mid_hip) @ forward) < 0:
        forward = -forward
    return left, up, forward


def rotated(series: PoseSeries, angle_deg: float, axis: str = "left") -> PoseSeries:
    """The keypoints turned by ``angle_deg`` about the body's ``left`` axis (pitch: +90 tips a
    standing person forward onto their front, face down; -90 onto their back) or ``up`` axis
    (yaw), through the mean hip centre (right-hand rule)."""
    from scipy.spatial.transform import Rotation

    left, up, _ = body_axes(series)
    turn = Rotation.from_rotvec(np.radians(angle_deg) * (left if axis == "left" else up))
    world = series.world_xyz_m
    centre = np.nanmean((series.world_point("left_hip") + series.world_point("right_hip")) / 2, 0)
    moved = turn.apply((world - centre).reshape(-1, 3)).reshape(world.shape) + centre
    return series.replace(world_xyz_m=moved)


def filmed(
    series: PoseSeries,
    azimuth_deg: float,
    *,
    distance_m: float = 3.5,
    focal_px: float = 1500.0,
    size: tuple[int, int] = SIZE,
    body: PoseSeries | None = None,
) -> PoseSeries:
    """``series``'s 3-D keypoints as a camera at ``azimuth_deg`` sees them (module docstring).
    ``body`` gives the person's directions (default: ``series`` itself), so that a body turned
    with :func:`rotated` can be filmed from where it stood."""
    left, up, forward = body_axes(body if body is not None else series)
    a = np.radians(azimuth_deg)
    towards_camera = np.cos(a) * forward + np.sin(a) * left
    look = -towards_camera
    right = np.cross(look, up)
    down = -up
    world = series.world_xyz_m
    hips = (series.world_point("left_hip") + series.world_point("right_hip")) / 2
    centre = np.nanmean(hips, axis=0)
    camera = centre + distance_m * towards_camera
    rel = world - camera
    depth = rel @ look
    width, height = size
    x = focal_px * (rel @ right) / depth + width / 2
    y = focal_px * (rel @ down) / depth + height / 2
    hip_depth = ((hips - camera) @ look)[:, None]
    z = (depth - hip_depth) * focal_px / hip_depth / width
    image = np.stack([x / width, y / height, z], axis=-1)
    present = np.all(np.isfinite(image), axis=-1)
    return series.replace(
        image_xyz=image,
        visibility=np.where(present, 1.0, 0.0),
        detected=np.any(present, axis=1),
        provenance=Provenance(
            source=f"{series.provenance.source} filmed at {azimuth_deg:g} deg",
            reader=series.provenance.reader,
            resolution=size,
            camera_view="unknown",
        ),
    )
