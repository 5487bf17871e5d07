"""Errors only the web app raises, each a :class:`kinesense.errors.KinesenseError` with its HTTP
status, so they travel the same way as every other user error (one line, a 4xx)."""

from kinesense.errors import InputFileError, KinesenseError


class NotSignedInError(KinesenseError):
    """No valid sign-in session came with the request."""

    http_status = 401

    def __init__(self, message: str = "please sign in first") -> None:
        super().__init__(message)


class ForbiddenError(KinesenseError):
    """The signed-in account may not do this (its role does not allow it)."""

    http_status = 403


class ConsentNeededError(ForbiddenError):
    """A person has not yet accepted the consent and disclaimer (or its current version)."""

    def __init__(self) -> None:
        super().__init__("please read and accept the consent and disclaimer first")


class CsrfError(ForbiddenError):
    """A form or script call without this browser's CSRF token."""

    def __init__(self) -> None:
        super().__init__(
            "this form has expired or was sent from another site: reload the page and try again"
        )


class TooManyAttemptsError(KinesenseError):
    """Too many failed sign-ins; ``retry_after_s`` says when to try again."""

    http_status = 429

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class UploadTooLargeError(InputFileError):
    """An upload larger than the server accepts."""

    http_status = 413
