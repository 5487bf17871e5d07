"""3-D keypoints (e.g. Pose2Sim's triangulated TRC) seen from any side, through kinesense's own
virtual cameras (:mod:`kinesense.signal.projection`).

The camera stands ``distance_m`` from the body's median hip centre, level, at hip height,
looking at it horizontally from the direction ``azimuth_deg`` (0: in front of the person, 90: at
their left side, -90: at their right, 180: behind), with a ``focal_px`` focal length and a
portrait ``size``. The projection and the BlazePose-style image depth are the package's
(:func:`~kinesense.signal.projection.project_pose`); unlike the package's BlazePose-like
visibility, every landmark the file holds is seen (visibility 1), and the world landmarks stay
as the file gives them. The camera view is left for kinesense to classify (``unknown``). The
body's directions are the package's (:func:`~kinesense.signal.projection.body_directions`).
"""

import math

import numpy as np

from kinesense.series import PoseSeries, Provenance
from kinesense.signal.projection import body_directions, look_at, project_pose

SIZE = (1080, 1920)


def rotated(series: PoseSeries, angle_deg: float, axis: str = "left") -> PoseSeries:
    """The keypoints turned by ``angle_deg`` about the body's ``left`` axis (pitch: +90 tips a
    standing person forward onto their front, face down; -90 onto their back) or ``up`` axis
    (yaw), through the mean hip centre (right-hand rule)."""
    from scipy.spatial.transform import Rotation

    _, _, left = body_directions(series)
    up = np.asarray(series.world_up, dtype=np.float64)
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
    centre, forward, left = body_directions(body if body is not None else series)
    a = math.radians(azimuth_deg)
    position = centre + distance_m * (math.cos(a) * forward + math.sin(a) * left)
    up = np.asarray(series.world_up, dtype=np.float64)
    camera = look_at(position, centre, up, focal_px=focal_px, resolution=size)
    image = project_pose(series, camera, camera_view="unknown").image_xyz
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
