"""The JSON Schemas kinesense publishes, generated from its pydantic models.

Each name is a payload kinesense produces and keeps (a screening result, a plan, a check-in...)
or a data file it reads (the screening questions, the planner's tracks, a clinic's
questionnaire, an exercise). They are printed by ``kinesense schema NAME``, written to
``docs/schemas/NAME.json`` by ``scripts/schemas.py`` (a test checks those files are up to date),
and are the web API's schemas.

A schema is the model's ``model_json_schema()``, or, for a model whose format publishes its
own (the exercise file: :func:`kinesense.exercises.json_schema.exercise_json_schema`), that
function's. A model defined elsewhere that is not (yet) a pydantic model is listed as
unpublished with the reason, rather than described by hand.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kinesense.errors import NotFoundError

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
BASE_ID = "https://kinesense.invalid/schemas/"


@dataclass(frozen=True)
class SchemaEntry:
    """One published schema: its name, what it describes, and where its model lives
    (``generator``: a function of ``module`` giving the whole schema, when the model's format
    publishes its own)."""

    name: str
    description: str
    module: str
    model: str
    generator: str | None = None

    def model_class(self) -> Any:
        """The model class (imported on demand)."""
        return getattr(importlib.import_module(self.module), self.model)

    def unpublished_reason(self) -> str | None:
        """Why this schema cannot be generated yet, or None when it can."""
        if self.generator is not None:
            return None
        model = self.model_class()
        if not callable(getattr(model, "model_json_schema", None)):
            return f"{self.module}.{self.model} is not a pydantic model yet"
        return None


CATALOGUE: tuple[SchemaEntry, ...] = (
    SchemaEntry("person", "a person whose history is kept", "kinesense.program.records", "Person"),
    SchemaEntry(
        "screening-result",
        "the outcome of a safety screening (kinesense screen --json)",
        "kinesense.program.screening",
        "ScreeningResult",
    ),
    SchemaEntry(
        "check-in", "a check-in: pain, PSFS, notes", "kinesense.program.records", "CheckIn"
    ),
    SchemaEntry(
        "clinician-override",
        "a clinician's override of the progression rules",
        "kinesense.program.records",
        "ClinicianOverride",
    ),
    SchemaEntry(
        "coached-session",
        "a coached session as saved (kinesense coach --json, with started_at and pain)",
        "kinesense.program.records",
        "CoachedSession",
    ),
    SchemaEntry("plan", "a weekly plan (kinesense plan --json)", "kinesense.program.plan", "Plan"),
    SchemaEntry(
        "assessment-result",
        "the result of an assessment (kinesense assess TEST --json)",
        "kinesense.assess.result",
        "AssessmentResult",
    ),
    SchemaEntry(
        "screening-file",
        "the screening questions data file (program/data/screening_questions.json)",
        "kinesense.program.screening",
        "ScreeningFile",
    ),
    SchemaEntry(
        "tracks-file",
        "the planner's ladders and thresholds (program/data/tracks.json)",
        "kinesense.program.tracks",
        "TracksFile",
    ),
    SchemaEntry(
        "questionnaire-file",
        "a clinic's questionnaire file (kinesense-questionnaire/1)",
        "kinesense.program.questionnaire",
        "Questionnaire",
    ),
    SchemaEntry(
        "exercise",
        "an exercise data file (kinesense/exercises/FORMAT.md)",
        "kinesense.exercises.json_schema",
        "Exercise",
        generator="exercise_json_schema",
    ),
)


def names() -> tuple[str, ...]:
    """Every schema name, published or not."""
    return tuple(entry.name for entry in CATALOGUE)


def entry(name: str) -> SchemaEntry:
    """The catalogue entry called ``name``; :class:`NotFoundError` listing the names if none."""
    for found in CATALOGUE:
        if found.name == name:
            return found
    raise NotFoundError(f"no schema called {name!r}; known: {', '.join(names())}")


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema called ``name`` (:class:`NotFoundError` if unknown or not published)."""
    found = entry(name)
    reason = found.unpublished_reason()
    if reason is not None:
        raise NotFoundError(f"the {name} schema is not published yet: {reason}")
    generate: Callable[[], dict[str, Any]] = (
        found.model_class().model_json_schema
        if found.generator is None
        else getattr(importlib.import_module(found.module), found.generator)
    )
    generated = generate()
    generated.setdefault("description", found.description)
    return {"$schema": SCHEMA_DIALECT, "$id": f"{BASE_ID}{name}.json", **generated}


def published() -> dict[str, dict[str, Any]]:
    """Every published schema by name."""
    return {item.name: schema(item.name) for item in CATALOGUE if item.unpublished_reason() is None}
