"""Make ``pose2sim_30frames.c3d``: the first 30 frames of the Pose2Sim balancing TRC as a C3D.

Run from the project root (``python tests/data/readers/make_c3d.py``); needs ../shared/data and
ezc3d. Markers keep their Pose2Sim names; coordinates are in millimetres, floats, 60 Hz.
"""

from pathlib import Path

import ezc3d
import numpy as np

HERE = Path(__file__).resolve().parent
TRC = HERE.parents[2].parent / "shared" / "data" / "keypoints" / "pose2sim_balancing_3d.trc"
FRAMES = 30


def main() -> None:
    lines = TRC.read_text().splitlines()
    labels = [c for c in lines[3].split("\t")[2:] if c]
    rows = np.array([[float(v) for v in line.split("\t")] for line in lines[5:] if line.strip()])
    xyz_mm = rows[:FRAMES, 2:].reshape(FRAMES, len(labels), 3) * 1000.0
    c3d = ezc3d.c3d()
    c3d["parameters"]["POINT"]["RATE"]["value"] = [60.0]
    c3d["parameters"]["POINT"]["LABELS"]["value"] = tuple(labels)
    c3d.add_parameter("POINT", "UNITS", ["mm"])
    points = np.ones((4, len(labels), FRAMES))
    points[:3] = np.transpose(xyz_mm, (2, 1, 0))
    c3d["data"]["points"] = points
    c3d["data"]["meta_points"] = {
        "residuals": np.zeros((1, len(labels), FRAMES)),
        "camera_masks": np.zeros((7, len(labels), FRAMES), dtype=bool),
    }
    c3d.write(str(HERE / "pose2sim_30frames.c3d"))


if __name__ == "__main__":
    main()
