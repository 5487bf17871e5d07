"""The words of the joint repositioning test: its protocols and the notes every result carries
(what the angle is and how exact the sensor or camera is), kept apart from the computation."""

IMU_ERROR_NOTE = (
    "IMU orientation error: Madgwick et al. 2011 report RMS errors < 0.8 deg static and < 1.7 "
    "deg dynamic against optical motion capture; repositioning errors of that size are within "
    "the measurement error."
)
VIDEO_ERROR_NOTE = (
    "Video 2-D segment angles: this project's trunk inclination differs from the Pose2Sim "
    "multi-camera reference by a mean absolute 4.3 deg (tests/capture/test_accuracy.py); "
    "repositioning errors smaller than that cannot be told apart from measurement error."
)

WHAT_IMU_MEASURES = {
    "flexion": (
        "angle: change of the sensor's inclination in its plane of largest movement, from the "
        "direction of gravity (drift-free; how the sensor sits on the body need not be known)"
    ),
    "lateral": (
        "angle: change of the sensor's inclination in its plane of largest movement, from the "
        "direction of gravity (drift-free; how the sensor sits on the body need not be known)"
    ),
    "rotation": (
        "angle: rotation of the sensor about the vertical, in space; it includes any turning of "
        "the trunk, which must stay still (seated against a backrest)"
    ),
}
TRUNK_IMU_NOTE = (
    "One sensor on the lower back measures the inclination of the segment it sits on (lumbo-"
    "pelvic), not the lumbar angle between two vertebral levels, which needs two sensors."
)
TRUNK_VIDEO_NOTE = (
    "Video trunk angle: inclination of the hip-to-shoulder line, which includes hip flexion and "
    "pelvic tilt as well as lumbar flexion."
)
NECK_VIDEO_NOTE = (
    "Video neck angle: the shoulder-to-ear line relative to the hip-to-shoulder line (head and "
    "neck flexion on the trunk), from a side view."
)

PROTOCOLS = {
    ("trunk", "target"): (
        "Trunk repositioning to a target: sit or stand with the sensor on the lower back (or a "
        "side-view video); start upright and still for 2 s. With eyes open, bend to the target "
        "(e.g. 30 deg, or a comfortable mid-range position shown by the therapist), hold 2 s, "
        "return upright. Then with eyes closed, 6 times: bend to the same position, hold still "
        "2 s, return upright and pause 2 s. Error = reproduced - target angle."
    ),
    ("neck", "neutral"): (
        "Cervical head repositioning to neutral (Revel et al. 1991): seated, sensor or phone "
        "fixed on the head, eyes closed; start in your natural head position and keep still for "
        "2 s; turn the head as far as comfortable to one side, come back to where you feel "
        "straight ahead and hold still 2 s; 6 trials (alternate left and right, or flexion and "
        "extension). Error = angle of the held position from the starting position."
    ),
    ("neck", "target"): (
        "Cervical head repositioning to a target: seated, sensor on the head, start still in "
        "the natural head position for 2 s; with eyes open move the head to the target (e.g. "
        "30 deg of rotation), hold 2 s, return; then with eyes closed, 6 times: move to the "
        "target, hold still 2 s, return and pause 2 s. Error = reproduced - target angle."
    ),
    ("trunk", "neutral"): (
        "Trunk repositioning to neutral: start upright and still for 2 s, eyes closed; bend, "
        "come back to what feels upright and hold still 2 s; 6 trials. Error = angle of the "
        "held position from the starting posture."
    ),
}
