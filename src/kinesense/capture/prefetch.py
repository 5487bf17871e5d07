"""Decode ahead in a background thread, so decoding overlaps with pose estimation.

OpenCV's decoder and the pose model both release Python's global lock while they work, so a
decoder thread feeding a bounded queue keeps a second core busy without extra processes.
"""

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


def prefetch(items: Iterator[T], depth: int = 4) -> Iterator[T]:
    """Yield from ``items`` while a thread produces up to ``depth`` items ahead.

    An exception raised by ``items`` is re-raised in the consumer. Stopping early (closing the
    generator) stops the producer at its next item.
    """
    buffer: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                buffer.put(item)
            buffer.put(_DONE)
        except BaseException as exc:  # handed to the consumer, re-raised there
            buffer.put(exc)

    thread = threading.Thread(target=produce, name="kinesense-decode", daemon=True)
    thread.start()
    try:
        while True:
            item = buffer.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while thread.is_alive():
            try:
                buffer.get_nowait()
            except queue.Empty:
                thread.join(timeout=0.05)
