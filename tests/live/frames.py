"""Frame messages from coach frames, packed as the live page packs them (landmarks rounded to
5 decimals, visibility to 4), so that the server sees what a browser would send."""

import json

import numpy as np

from kinesense.coach.events import CoachFrame
from kinesense.live.protocol import FrameMessage


def packed(frame: CoachFrame) -> list[float] | None:
    """The ``lm`` list of a frame: 33 x (x, y, z, visibility), rounded as the page rounds."""
    if frame.image_xyz is None or frame.visibility is None:
        return None
    xyz = np.round(np.asarray(frame.image_xyz, dtype=float), 5)
    vis = np.round(np.asarray(frame.visibility, dtype=float), 4)
    return [float(v) for v in np.column_stack([xyz, vis]).ravel()]


def message(seq: int, frame: CoachFrame) -> FrameMessage:
    """The frame message of ``frame``, its time in whole milliseconds."""
    return FrameMessage(type="frame", seq=seq, t=round(frame.time_s * 1000), lm=packed(frame))


def text(seq: int, frame: CoachFrame) -> str:
    """The same message as the JSON text sent over the socket."""
    return json.dumps({"type": "frame", "seq": seq, "t": round(frame.time_s * 1000),
                       "lm": packed(frame)})  # fmt: skip


def as_received(frame: CoachFrame) -> CoachFrame:
    """``frame`` as the server rebuilds it from its message (rounded, millisecond time)."""
    lm = packed(frame)
    t = round(frame.time_s * 1000) / 1000.0
    if lm is None:
        return CoachFrame(t, None, None, resolution=frame.resolution)
    grid = np.asarray(lm).reshape(33, 4)
    return CoachFrame(t, grid[:, :3], grid[:, 3], resolution=frame.resolution)
