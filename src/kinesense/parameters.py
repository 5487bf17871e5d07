"""The base of every frozen settings object - a test's parameters, a detector's rules - and the
constrained numbers their fields use.

Settings are pydantic models: frozen (a result records the values that produced it), closed to
unknown fields (a misspelt setting is refused, not ignored), and documented field by field by
the docstring under each field (which the JSON Schema and ``--help`` texts show).
"""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Positive = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
"""A finite number greater than zero (a duration, a rate, a threshold)."""
Share = Annotated[float, Field(gt=0.0, le=1.0)]
"""A share of a whole: greater than zero, at most one."""


class Parameters(BaseModel):
    """Frozen settings (see the module docstring); subclasses declare the fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)
