"""Where a series came from: file, reader, pose model, image size, camera view, extra details."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from kinesense.errors import InvalidValueError

CAMERA_VIEWS = ("front", "back", "left-side", "right-side", "oblique", "unknown")
"""Camera views a pose recording can be classified as (which side of the body faces the camera)."""


@dataclass(frozen=True)
class Provenance:
    """Where a series came from.

    Attributes:
        source: the file it was read from (or ``"camera:0"``, ``"synthetic"``).
        reader: what produced it (``"video"``, ``"openpose"``, ``"trc"``, ``"c3d"``, ``"imu-csv"``,
            ``"cop-csv"``...).
        model: the pose model, e.g. ``"blazepose-full"``; empty for sensor data.
        resolution: ``(width, height)`` in pixels of the frames as analysed (after rotation).
        camera_view: one of :data:`CAMERA_VIEWS`.
        details: JSON-serialisable extras (rotation applied, person switches, column names...).
    """

    source: str = ""
    reader: str = ""
    model: str = ""
    resolution: tuple[int, int] | None = None
    camera_view: str = "unknown"
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.camera_view not in CAMERA_VIEWS:
            raise InvalidValueError(
                f"camera_view must be one of {', '.join(CAMERA_VIEWS)}; got {self.camera_view!r}"
            )
        if self.resolution is not None:
            w, h = self.resolution
            object.__setattr__(self, "resolution", (int(w), int(h)))
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict that :meth:`from_json` turns back into an equal object."""
        return {
            "source": self.source,
            "reader": self.reader,
            "model": self.model,
            "resolution": list(self.resolution) if self.resolution is not None else None,
            "camera_view": self.camera_view,
            "details": dict(self.details),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Provenance":
        """Build a :class:`Provenance` from :meth:`to_json` output."""
        resolution = data.get("resolution")
        return cls(
            source=str(data.get("source", "")),
            reader=str(data.get("reader", "")),
            model=str(data.get("model", "")),
            resolution=tuple(resolution) if resolution is not None else None,
            camera_view=str(data.get("camera_view", "unknown")),
            details=dict(data.get("details", {})),
        )

    def with_details(self, **extra: Any) -> "Provenance":
        """Return a copy with ``extra`` merged into :attr:`details`."""
        merged = {**self.details, **extra}
        return Provenance(
            self.source, self.reader, self.model, self.resolution, self.camera_view, merged
        )
