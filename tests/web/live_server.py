"""``kinesense serve`` run as a real process on a free loopback port with a throw-away database,
for the command's tests, the browser tests and ``scripts/screenshots.py``."""

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Self

RUNNING = re.compile(r"kinesense is running at (\S+)")
SETUP = re.compile(r"Set up kinesense at (\S+)")
DEMO = re.compile(r"Demo: (\S+)")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LiveServer:
    """``kinesense serve --no-browser`` in a child process; ``url``, ``setup_url`` (the first-run
    link) and ``demo_url`` come from what it prints. Stopped with Ctrl+C (SIGINT) on exit."""

    def __init__(self, folder: Path, *extra: str, env: dict[str, str] | None = None) -> None:
        self.folder = folder
        self.port = free_port()
        self.command = [sys.executable, "-m", "kinesense.cli", "serve", "--port", str(self.port),
                        "--no-browser", *extra]  # fmt: skip
        self.env = os.environ | {
            "KINESENSE_DATABASE_URL": f"sqlite:///{folder / 'kinesense.db'}",
            "KINESENSE_DATA_DIR": str(folder / "data"),
            "PYTHONUNBUFFERED": "1",
        } | (env or {})  # fmt: skip
        self.lines: list[str] = []
        self.url = self.setup_url = self.demo_url = ""
        self._process: subprocess.Popen[str] | None = None
        self._queue: queue.Queue[str | None] = queue.Queue()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:  # fmt: skip
        self.stop()

    def _read(self) -> None:
        assert self._process is not None
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def start(self, timeout_s: float = 60) -> None:
        """Start the server and wait until it prints its address and answers."""
        self._process = subprocess.Popen(
            self.command, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, cwd=self.folder,
        )  # fmt: skip
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + timeout_s
        while not self.url:
            line = self._queue.get(timeout=max(0.1, deadline - time.monotonic()))
            if line is None:
                raise RuntimeError("kinesense serve stopped:\n" + "\n".join(self.lines))
            self._note(line)
        while time.monotonic() < deadline:  # the address is printed just before uvicorn binds
            self._drain()
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("kinesense serve did not answer:\n" + "\n".join(self.lines))

    def _note(self, line: str) -> None:
        self.lines.append(line)
        for pattern, attribute in ((RUNNING, "url"), (SETUP, "setup_url"), (DEMO, "demo_url")):
            found = pattern.search(line)
            if found:
                setattr(self, attribute, found.group(1))

    def _drain(self) -> None:
        while True:
            try:
                line = self._queue.get_nowait()
            except queue.Empty:
                return
            if line is not None:
                self._note(line)

    def stop(self) -> int:
        """Stop with Ctrl+C; returns the exit code."""
        if self._process is None:
            return 0
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._drain()
        return self._process.returncode
