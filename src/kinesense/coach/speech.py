"""Spoken cues, where the machine has a speech engine; never required.

The first engine found on ``PATH`` among ``espeak-ng``, ``espeak``, ``say`` (macOS) and
``spd-say`` (speech-dispatcher) speaks each cue in a child process, so coaching never waits for
speech. Cues are rate-limited: the same text is not repeated within
:data:`REPEAT_INTERVAL_S`, and nothing new starts while the previous cue is still being spoken
or within :data:`MIN_INTERVAL_S` of it (a new cue then replaces any cue waiting). Without an
engine, :class:`Speaker` is silently disabled.
"""

import shutil
import subprocess
import time
from collections.abc import Callable, Sequence

ENGINES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("espeak-ng", ("-s", "160")),
    ("espeak", ("-s", "160")),
    ("say", ()),
    ("spd-say", ("--wait",)),
)
"""Engines tried in order, with their options (words per minute where the engine takes it)."""

MIN_INTERVAL_S = 1.5
"""Shortest time between the starts of two cues, in seconds."""

REPEAT_INTERVAL_S = 6.0
"""Shortest time before the same cue is spoken again, in seconds."""


def find_engine() -> list[str] | None:
    """The command line (without the text) of the first speech engine on PATH, or None."""
    for name, options in ENGINES:
        path = shutil.which(name)
        if path is not None:
            return [path, *options]
    return None


Launcher = Callable[[Sequence[str]], "subprocess.Popen[bytes]"]


def _launch(command: Sequence[str]) -> "subprocess.Popen[bytes]":
    return subprocess.Popen(
        list(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=None
    )


class Speaker:
    """Speaks short cues without blocking; does nothing when no engine is found or not enabled.

    Args:
        enabled: False to stay silent.
        engine: the engine command (default: :func:`find_engine`).
        clock: seconds, increasing (default :func:`time.monotonic`); for tests.
        launch: starts the engine process (default :func:`subprocess.Popen`); for tests.
    """

    def __init__(
        self,
        *,
        enabled: bool = True,
        engine: Sequence[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        launch: Launcher = _launch,
    ) -> None:
        found = list(engine) if engine is not None else (find_engine() if enabled else None)
        self.engine: list[str] | None = found if enabled else None
        self._clock = clock
        self._launch = launch
        self._process: subprocess.Popen[bytes] | None = None
        self._last_start = -float("inf")
        self._last_said: dict[str, float] = {}
        self._pending: str | None = None
        self.spoken: list[str] = []

    @property
    def available(self) -> bool:
        """True when cues are spoken."""
        return self.engine is not None

    def _busy(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def say(self, text: str) -> bool:
        """Ask for ``text`` to be spoken; returns True if it started now.

        A cue that cannot start yet (engine busy, too soon) waits and replaces any older waiting
        cue; :meth:`tick` starts it later. A cue said within :data:`REPEAT_INTERVAL_S` is dropped.
        """
        if self.engine is None or not text.strip():
            return False
        now = self._clock()
        if now - self._last_said.get(text, -float("inf")) < REPEAT_INTERVAL_S:
            return False
        if self._busy() or now - self._last_start < MIN_INTERVAL_S:
            self._pending = text
            return False
        return self._start(text, now)

    def tick(self) -> bool:
        """Start the waiting cue if it can start now (call once per frame)."""
        if self._pending is None or self.engine is None:
            return False
        now = self._clock()
        if self._busy() or now - self._last_start < MIN_INTERVAL_S:
            return False
        text, self._pending = self._pending, None
        if now - self._last_said.get(text, -float("inf")) < REPEAT_INTERVAL_S:
            return False
        return self._start(text, now)

    def _start(self, text: str, now: float) -> bool:
        assert self.engine is not None
        try:
            self._process = self._launch([*self.engine, text])
        except OSError:
            self.engine = None  # the engine vanished or cannot run: stay silent from now on
            return False
        self._last_start = now
        self._last_said[text] = now
        self.spoken.append(text)
        return True

    def close(self) -> None:
        """Let the cue being spoken finish (at most 2 s), then forget it."""
        if self._process is not None:
            try:
                self._process.wait(timeout=2.0)
            except subprocess.TimeoutExpired:
                self._process.kill()
            self._process = None
