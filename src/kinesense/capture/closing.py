"""A base for objects that hold a resource (a decoder, a camera, a model) until closed."""

from types import TracebackType
from typing import Self


class Closing:
    """Use as a context manager: ``close()`` runs when the ``with`` block ends."""

    def close(self) -> None:
        """Release the resource; safe to call more than once."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
