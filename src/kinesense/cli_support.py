"""What every command shares: one error vocabulary, JSON output, common options.

Every error a user can cause ends the command with one line on stderr and exit code 2:

* a :class:`~kinesense.errors.KinesenseError` raised anywhere below a command;
* a usage error of the command line itself (unknown option, missing argument, a value Click
  refuses), which Click would otherwise show as a five-line usage box.

Text that comes from users or files is escaped (:func:`kinesense.text.printable`) before it is
printed, so a name holding terminal control characters cannot rewrite the screen. A bug keeps
its traceback.
"""

import functools
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from kinesense.errors import KinesenseError
from kinesense.json_values import json_text
from kinesense.text import printable

if TYPE_CHECKING:
    import io

P = ParamSpec("P")
R = TypeVar("R")
USER_ERROR_EXIT = 2
INTERRUPTED_EXIT = 130


def report_error(message: object) -> None:
    """Print ``error: MESSAGE`` on one line of stderr, control characters escaped."""
    line = printable(" ".join(str(message).split()) or "unknown error")
    Console(stderr=True, soft_wrap=True, highlight=False).print(
        Text.assemble(("error:", "bold red"), " ", line)
    )


def fail(message: object) -> NoReturn:
    """Report ``message`` as a user's error and end the program with exit code 2."""
    report_error(message)
    sys.exit(USER_ERROR_EXIT)


def _usage_message(exc: Any) -> str:
    """A Click usage error in one line, naming the command and where to find its help."""
    text = " ".join(str(exc.format_message()).split())
    context = getattr(exc, "ctx", None)
    if context is not None:
        return f"{context.command_path}: {text} (see {context.command_path} --help)"
    return text


class OneLineErrorGroup(TyperGroup):
    """The root command group: runs the command line and turns every user error into one line
    on stderr with exit code 2 (see the module docstring)."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
        from typer.exceptions import Abort

        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NoArgsIsHelpError as exc:
            sys.stdout.write(exc.format_message() + "\n")
            sys.exit(0)
        except UsageError as exc:
            fail(_usage_message(exc))
        except ClickException as exc:
            report_error(exc.format_message())
            sys.exit(exc.exit_code)
        except KinesenseError as exc:
            fail(exc)
        except (Abort, KeyboardInterrupt):
            Console(stderr=True).print("interrupted")
            sys.exit(INTERRUPTED_EXIT)
        sys.exit(code if isinstance(code, int) else 0)


def user_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn a :class:`KinesenseError` raised by ``command`` into one line and exit code 2.

    The root group does the same for every command; this decorator keeps a command that is
    called on its own (in a test, or from another program) equally well behaved.
    """

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except KinesenseError as exc:
            report_error(exc)
            raise typer.Exit(USER_ERROR_EXIT) from None
        except KeyboardInterrupt:
            Console(stderr=True).print("interrupted")
            raise typer.Exit(INTERRUPTED_EXIT) from None

    return wrapper


def print_json(data: Any) -> None:
    """Print ``data`` as one line of strict JSON (no NaN) on stdout."""
    sys.stdout.write(json_text(data) + "\n")


def say(text: object, *, console: Console | None = None, style: str | None = None) -> None:
    """Print one line of plain output with user or file text escaped and no markup."""
    (console or Console()).print(
        Text(printable(text), style=style or ""), highlight=False, soft_wrap=True
    )


def native_logs_silenced() -> "AbstractContextManager[io.TextIOWrapper]":
    """Keep the pose model's native log lines off the terminal (yields the real stderr)."""
    from kinesense.capture.native_logs import native_stderr_silenced

    return native_stderr_silenced()


ModelOption = Annotated[
    str,
    typer.Option(
        "--model",
        "-m",
        help="Pose model: 'full' (default, for measurement), 'lite' (faster) or a .task file.",
    ),
]
WorkersOption = Annotated[
    int, typer.Option("--workers", "-w", min=1, help="Processes to split a long video across.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]
