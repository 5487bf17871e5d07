"""The exercise format's JSON Schema, published from the pydantic model.

``exercise.schema.json`` beside this module is the schema of one exercise file, generated from
:class:`kinesense.exercises.schema.Exercise`; a test checks that it is up to date and that
``FORMAT.md`` documents exactly its fields. Regenerate it after changing the model::

    python -m kinesense.exercises.json_schema
"""

import json
from pathlib import Path
from typing import Any, Final

from kinesense.exercises.schema import Exercise

SCHEMA_FILE: Final = Path(__file__).resolve().parent / "exercise.schema.json"
SCHEMA_ID: Final = "https://kinesense.invalid/schemas/exercise.json"
"""The id :mod:`kinesense.schemas` publishes it under (``kinesense schema exercise``)."""


def exercise_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one exercise file."""
    schema = Exercise.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "kinesense exercise",
        "description": (
            "One exercise of the kinesense library: what to track, how to count or time it, "
            "its form rules and its dose. Described for people in FORMAT.md."
        ),
    }


def schema_text() -> str:
    """The schema as the file holds it (two-space indent, a final newline)."""
    return json.dumps(exercise_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(path: Path = SCHEMA_FILE) -> Path:
    """Write the schema to ``path`` (the packaged file by default)."""
    path.write_text(schema_text(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write_schema())
