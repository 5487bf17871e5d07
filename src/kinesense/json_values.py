"""Values made plain JSON: the one converter every layer uses before writing JSON.

Results, sessions and plans carry numpy numbers and arrays, and NaN or infinity where a value
could not be measured; JSON holds neither. :func:`plain_json` turns numpy values into Python
ones and non-finite floats into ``None`` (``null``). The command line prints what it gives; the
store writes it in its JSON columns, in strict mode: a value JSON cannot hold (a date, an
object) raises the store's error there instead of failing later inside the database driver.
"""

import json
import math
from collections.abc import Mapping
from typing import Any


def plain_json(value: Any, *, refuse_with: type[Exception] | None = None) -> Any:
    """``value`` with numpy numbers and arrays made Python numbers and lists, NaN and infinity
    made ``None``, and mapping keys made strings.

    Args:
        value: a mapping, list, tuple, numpy value or JSON scalar, nested to any depth.
        refuse_with: strict mode: the exception class raised (``cannot store a TYPE in a JSON
            record``) for a value that is none of those. Without it such a value is returned
            as it is (the JSON writer then refuses it).
    """
    if isinstance(value, Mapping):
        return {str(k): plain_json(v, refuse_with=refuse_with) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_json(v, refuse_with=refuse_with) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return plain_json(value.tolist(), refuse_with=refuse_with)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if refuse_with is None or value is None or isinstance(value, str | int | float | bool):
        return value
    raise refuse_with(f"cannot store a {type(value).__name__} in a JSON record")


def json_text(value: Any, *, indent: int | None = None) -> str:
    """``value`` (see :func:`plain_json`) as strict JSON text (no NaN), without a final
    newline; on one line unless ``indent`` is given."""
    return json.dumps(plain_json(value), allow_nan=False, indent=indent)
