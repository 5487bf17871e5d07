"""The exercise library: exercises as validated JSON data files (format in ``FORMAT.md``).

>>> from kinesense.exercises import load_exercise
>>> load_exercise("squat").mode
'reps'
"""

from kinesense.exercises.loader import (
    LIBRARY_DIR,
    check_links,
    load_exercise,
    load_library,
    read_exercise_file,
)
from kinesense.exercises.schema import (
    DOSE_LIMITS,
    Condition,
    Dose,
    DoseLimits,
    Exercise,
    ExerciseDataError,
    FormRule,
    Hold,
    Repetition,
    Tracked,
    When,
    exercise_from_dict,
)

__all__ = [
    "DOSE_LIMITS",
    "LIBRARY_DIR",
    "Condition",
    "Dose",
    "DoseLimits",
    "Exercise",
    "ExerciseDataError",
    "FormRule",
    "Hold",
    "Repetition",
    "Tracked",
    "When",
    "check_links",
    "exercise_from_dict",
    "load_exercise",
    "load_library",
    "read_exercise_file",
]
