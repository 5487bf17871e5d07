"""CopSeries: centre of pressure and vertical force from a force plate."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import numpy as np
from numpy.typing import NDArray

from kinesense.arrays import FloatArray
from kinesense.errors import SeriesError
from kinesense.series.base import TimeSeriesBase, frozen_array
from kinesense.series.provenance import Provenance

DEFAULT_AXES: tuple[str, str] = (
    "medio-lateral, positive to the right",
    "antero-posterior, positive forward",
)


@dataclass(frozen=True, eq=False)
class CopSeries(TimeSeriesBase):
    """Centre of pressure (CoP) under the feet during standing.

    Attributes:
        time_s: (N,) sample times in seconds, strictly increasing.
        cop_m: (N, 2) CoP in metres; column 0 medio-lateral (ML), column 1 antero-posterior (AP).
            A column entirely NaN is an axis the plate does not record (a one-axis plate).
        force_n: (N,) vertical ground reaction force in newtons; entirely NaN when the source
            has no force column.
        axes: the meaning and sign of the two CoP columns, as read from the source.
        provenance: where it came from (``details`` names the source columns).
    """

    time_s: FloatArray
    cop_m: FloatArray
    force_n: FloatArray
    axes: tuple[str, str] = DEFAULT_AXES
    provenance: Provenance = field(default_factory=Provenance)

    SAMPLE_FIELDS: ClassVar[tuple[str, ...]] = ("time_s", "cop_m", "force_n")
    KIND: ClassVar[str] = "cop"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "time_s", frozen_array(self.time_s, np.float64, "time_s"))
        set_(self, "cop_m", frozen_array(self.cop_m, np.float64, "cop_m"))
        set_(self, "force_n", frozen_array(self.force_n, np.float64, "force_n"))
        set_(self, "axes", (str(self.axes[0]), str(self.axes[1])))
        n = self.time_s.shape[0] if self.time_s.ndim == 1 else -1
        if self.cop_m.shape != (n, 2):
            raise SeriesError(f"cop_m must have shape ({n}, 2); got {self.cop_m.shape}")
        if self.force_n.shape != (n,):
            raise SeriesError(f"force_n must have shape ({n},); got {self.force_n.shape}")
        self._check_time()

    @property
    def ml_m(self) -> FloatArray:
        """(N,) medio-lateral CoP in metres."""
        return self.cop_m[:, 0]

    @property
    def ap_m(self) -> FloatArray:
        """(N,) antero-posterior CoP in metres."""
        return self.cop_m[:, 1]

    def metadata_json(self) -> dict[str, Any]:
        return {"axes": list(self.axes), "provenance": self.provenance.to_json()}

    @classmethod
    def from_parts(cls, arrays: Mapping[str, NDArray[Any]], metadata: Mapping[str, Any]) -> Self:
        return cls(
            time_s=arrays["time_s"],
            cop_m=arrays["cop_m"],
            force_n=arrays["force_n"],
            axes=tuple(metadata["axes"]),
            provenance=Provenance.from_json(metadata["provenance"]),
        )

    def csv_columns(self) -> tuple[list[str], FloatArray]:
        names = ["time_s", "cop_ml_m", "cop_ap_m", "force_n"]
        return names, np.column_stack([self.time_s, self.cop_m, self.force_n])
