"""Silence the native libraries' log lines (TensorFlow Lite, MediaPipe's C++ logging).

They write straight to file descriptor 2 from C++, which neither Python's ``logging`` nor
environment variables such as ``GLOG_minloglevel`` control in ``mediapipe==1.2.2``. The command
line points descriptor 2 elsewhere while the model runs and keeps a handle on the real terminal
for its own messages and progress bar.
"""

import contextlib
import io
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[io.TextIOWrapper]:
    """Within the block, descriptor 2 goes to /dev/null; yields a text stream to the real stderr.

    Child processes started inside the block inherit the silenced descriptor.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    real_stderr = io.TextIOWrapper(os.fdopen(os.dup(saved), "wb", buffering=0), write_through=True)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield real_stderr
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
        real_stderr.close()
