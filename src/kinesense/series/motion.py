"""MotionSeries: an inertial sensor (IMU or phone) recording."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import numpy as np
from numpy.typing import NDArray

from kinesense.arrays import FloatArray
from kinesense.errors import SeriesError
from kinesense.series.base import TimeSeriesBase, frozen_array
from kinesense.series.provenance import Provenance


@dataclass(frozen=True, eq=False)
class MotionSeries(TimeSeriesBase):
    """Accelerometer, gyroscope and (optionally) magnetometer samples in the sensor frame.

    Attributes:
        time_s: (N,) sample times in seconds, strictly increasing.
        acc_m_s2: (N, 3) specific force (acceleration including gravity) in m/s², sensor axes.
        gyr_rad_s: (N, 3) angular rate in rad/s, sensor axes.
        mag: (N, 3) magnetic field in :attr:`mag_unit`, or ``None`` when not recorded.
        mag_unit: unit of :attr:`mag` (``"uT"`` for phones; ``"a.u."`` for normalised Xsens data).
        placement: where the sensor was worn (``"lower back"``, ``"sternum"``, ``"unknown"``...).
        provenance: where it came from.
    """

    time_s: FloatArray
    acc_m_s2: FloatArray
    gyr_rad_s: FloatArray
    mag: FloatArray | None = None
    mag_unit: str = "uT"
    placement: str = "unknown"
    provenance: Provenance = field(default_factory=Provenance)

    SAMPLE_FIELDS: ClassVar[tuple[str, ...]] = ("time_s", "acc_m_s2", "gyr_rad_s", "mag")
    KIND: ClassVar[str] = "motion"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "time_s", frozen_array(self.time_s, np.float64, "time_s"))
        n = self.time_s.shape[0] if self.time_s.ndim == 1 else -1
        for name in ("acc_m_s2", "gyr_rad_s", "mag"):
            value = getattr(self, name)
            if value is None:
                if name != "mag":
                    raise SeriesError(f"{name} is required")
                continue
            array = frozen_array(value, np.float64, name)
            if array.shape != (n, 3):
                raise SeriesError(f"{name} must have shape ({n}, 3); got {array.shape}")
            set_(self, name, array)
        self._check_time()

    def metadata_json(self) -> dict[str, Any]:
        return {
            "mag_unit": self.mag_unit,
            "placement": self.placement,
            "provenance": self.provenance.to_json(),
        }

    @classmethod
    def from_parts(cls, arrays: Mapping[str, NDArray[Any]], metadata: Mapping[str, Any]) -> Self:
        return cls(
            time_s=arrays["time_s"],
            acc_m_s2=arrays["acc_m_s2"],
            gyr_rad_s=arrays["gyr_rad_s"],
            mag=arrays.get("mag"),
            mag_unit=str(metadata["mag_unit"]),
            placement=str(metadata["placement"]),
            provenance=Provenance.from_json(metadata["provenance"]),
        )

    def csv_columns(self) -> tuple[list[str], FloatArray]:
        names = ["time_s", "acc_x_m_s2", "acc_y_m_s2", "acc_z_m_s2"]
        names += ["gyr_x_rad_s", "gyr_y_rad_s", "gyr_z_rad_s"]
        blocks = [self.time_s[:, None], self.acc_m_s2, self.gyr_rad_s]
        if self.mag is not None:
            unit = self.mag_unit.replace(".", "").replace("/", "_")
            names += [f"mag_x_{unit}", f"mag_y_{unit}", f"mag_z_{unit}"]
            blocks.append(self.mag)
        return names, np.hstack(blocks)
