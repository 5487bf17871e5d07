"""A progress bar for long work, on the real terminal even while native logs are silenced."""

import contextlib
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from kinesense.capture.native_logs import native_stderr_silenced

Advance = Callable[[int, int], None]


@contextlib.contextmanager
def frame_progress(description: str, *, enabled: bool = True) -> Iterator[tuple[Console, Advance]]:
    """Yield (console for messages, callback ``(done, total)``) with a bar on stderr.

    The bar is shown only when ``enabled`` and stderr is a terminal. Native libraries' log
    lines are silenced meanwhile (:func:`native_stderr_silenced`). Messages printed through the
    console go to stdout.
    """
    with native_stderr_silenced() as real_stderr:
        bar_console = Console(file=real_stderr)
        show = enabled and bar_console.is_terminal
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("frames"),
            TimeRemainingColumn(),
            console=bar_console,
            disable=not show,
            transient=True,
        )
        task = progress.add_task(description, total=None)

        def advance(done: int, total: int) -> None:
            """Report ``done`` of ``total`` frames (``total`` 0 when unknown, e.g. live)."""
            progress.update(task, completed=done, total=total or None)

        with progress:
            yield Console(), advance
