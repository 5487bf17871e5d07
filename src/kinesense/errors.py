"""The exceptions kinesense raises on purpose.

Every error a user can cause (a missing file, a file in the wrong format, a video with nobody in
view) is a :class:`KinesenseError`; the command line prints its message on one line and exits
with a non-zero code. Anything else is a bug and keeps its traceback.
"""


class KinesenseError(Exception):
    """Base class of the errors a user can cause and fix."""


class InputFileError(KinesenseError):
    """A file is missing, unreadable, or not in the format it was given as."""


class UnsupportedFormatError(InputFileError):
    """A file's format is not one kinesense reads."""


class NoPersonError(KinesenseError):
    """The pose model found nobody in a recording."""


class SeriesError(KinesenseError):
    """A series was built or combined from inconsistent arrays or metadata."""
