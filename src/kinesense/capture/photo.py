"""Landmarks from a single photo (a posture picture), with the pose model in IMAGE mode."""

from pathlib import Path

import numpy as np

from kinesense._checks import check_input_file
from kinesense.capture.follower import MAX_PEOPLE
from kinesense.capture.mediapipe_pose import MediaPipePoseEstimator
from kinesense.capture.person import choose_initial, landmark_box
from kinesense.capture.view import classify_view
from kinesense.errors import InputFileError, NoPersonError
from kinesense.series import PoseSeries, Provenance


def pose_from_image(path: str | Path, model: str = "full") -> PoseSeries:
    """A one-frame :class:`PoseSeries` of the person in a photo.

    OpenCV applies the EXIF orientation tag of phone photos when it reads them. When several
    people are in the photo, the largest and most central one is taken (as for videos). The
    camera view is classified from the landmarks.

    Raises:
        InputFileError: the file is missing or not a readable image.
        NoPersonError: nobody was found.
    """
    import cv2

    file = check_input_file(path, "image")
    bgr = cv2.imread(str(file), cv2.IMREAD_COLOR)
    if bgr is None:
        raise InputFileError(f"not an image kinesense can read (JPEG, PNG...): {file}")
    rgb = np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)
    height, width = rgb.shape[:2]
    with MediaPipePoseEstimator(model, mode="image", num_poses=MAX_PEOPLE) as estimator:
        detections = estimator.estimate(rgb, 0)
        name = estimator.name
    boxed = [
        (d, box)
        for d in detections
        if (box := landmark_box(d.image_xyz[:, :2], d.visibility)) is not None
    ]
    if not boxed:
        raise NoPersonError(f"nobody found in the photo {file}")
    detection = boxed[choose_initial([box for _, box in boxed])][0]
    image = detection.image_xyz[None]
    visibility = detection.visibility[None]
    return PoseSeries(
        time_s=np.zeros(1),
        image_xyz=image,
        world_xyz_m=detection.world_xyz_m[None],
        visibility=visibility,
        detected=np.ones(1, dtype=bool),
        frame_rate_hz=0.0,
        provenance=Provenance(
            source=str(file),
            reader="image",
            model=name,
            resolution=(width, height),
            camera_view=classify_view(image, visibility, (width, height)),
            details={"people_in_view": len(boxed)},
        ),
    )
