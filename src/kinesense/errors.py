"""Every error a user can cause, in one place.

A user's mistake (a missing file, a file in the wrong format, a recording with nobody in view, an
option out of range, a person who must be screened first) is a :class:`KinesenseError`. The
command line prints its message on one line and exits with code 2; the web app answers with a
4xx status carrying the same message (:attr:`KinesenseError.http_status`). Anything else is a
bug and keeps its traceback.

Messages say what is wrong and how to fix it, in one sentence, and name the file, option or
field concerned.
"""


class KinesenseError(Exception):
    """Base class of the errors a user can cause and fix."""

    http_status: int = 400


class InvalidValueError(KinesenseError, ValueError):
    """An option, argument or field has a value outside what is accepted.

    Also a :class:`ValueError`, so that the science layers' callers that expect one still catch
    it."""

    http_status = 422


class InputFileError(KinesenseError):
    """A file is missing, unreadable, too large, or not in the format it was given as."""

    http_status = 422


class UnsupportedFormatError(InputFileError):
    """A file's format is not one kinesense reads."""

    http_status = 415


class ImplausibleRecordingError(InputFileError):
    """A recording reads, but its content cannot be a real measurement (a constant signal, a hole
    in time, landmarks collapsed to a point, values overflowing, a truncated file)."""


class OutputFileError(KinesenseError):
    """An output path cannot be written, or would destroy an input."""


class DataFileError(KinesenseError):
    """A data file (exercise, norms, tracks, questionnaire...) does not follow its format; the
    message names the file and the field."""

    http_status = 422


class NoPersonError(KinesenseError):
    """The pose model found nobody in a recording."""

    http_status = 422


class SeriesError(KinesenseError):
    """A series was built or combined from inconsistent arrays or metadata."""

    http_status = 422


class NotFoundError(KinesenseError):
    """A person, record, exercise or test asked for does not exist."""

    http_status = 404


class ConflictError(KinesenseError):
    """The action conflicts with the stored state (a name already taken, a stale change)."""

    http_status = 409


class SafetyError(KinesenseError):
    """An action is refused for the person's safety: they were never screened, or their latest
    screening refers them to a clinician and no clinician has cleared them."""

    http_status = 403
