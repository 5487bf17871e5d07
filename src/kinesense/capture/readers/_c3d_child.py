"""The child process that parses one C3D file with ezc3d, inside memory and CPU limits.

Run as a script (``python -P _c3d_child.py FILE OUT.npz MEMORY_BYTES CPU_SECONDS``), never
imported by kinesense itself: it imports only numpy and ezc3d, so that a crash or a runaway
allocation inside the C++ parser on a damaged file ends this process, not the caller.

It sets its own limits first (address space, CPU time, no core file), parses the file and
writes ``OUT.npz`` (no pickles) holding ``points`` (4, P, F), ``residuals`` (1, P, F) when
present, and ``meta``: UTF-8 JSON of the POINT parameters kinesense uses and the first frame.

Exit codes: 0 done; 3 out of memory; 4 the parser refused the file (message on stderr); 5 ezc3d
is not installed.
"""

import json
import resource
import sys
from typing import Any

EXIT_MEMORY = 3
EXIT_REFUSED = 4
EXIT_NO_PARSER = 5
POINT_PARAMETERS = ("LABELS", "LABELS2", "UNITS", "RATE")


def _limit(memory_bytes: int, cpu_s: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _plain(value: Any) -> Any:
    """A JSON-serialisable copy of a parameter value (numbers, strings, lists)."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)


def _parse(source: str, out: str) -> None:
    import ezc3d  # type: ignore[import-not-found,unused-ignore]
    import numpy as np

    c3d: Any = ezc3d.c3d(source)
    point = c3d["parameters"].get("POINT", {})
    meta = {
        "point": {
            name: _plain(point[name]["value"])
            for name in POINT_PARAMETERS
            if name in point and "value" in point[name]
        },
        "first_frame": int(c3d["header"]["points"].get("first_frame", 0)),
    }
    arrays: dict[str, Any] = {
        "points": np.asarray(c3d["data"]["points"], dtype=np.float64),
        "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
    }
    residuals = c3d["data"].get("meta_points", {}).get("residuals")
    if residuals is not None:
        arrays["residuals"] = np.asarray(residuals, dtype=np.float64)
    with open(out, "wb") as handle:
        np.savez(handle, **arrays)


def main(argv: list[str]) -> int:
    """Parse ``argv[1]`` into ``argv[2]`` within the limits ``argv[3]`` (bytes), ``argv[4]`` (s)."""
    source, out, memory_bytes, cpu_s = argv[1], argv[2], int(argv[3]), int(argv[4])
    _limit(memory_bytes, cpu_s)
    try:
        import ezc3d  # noqa: F401  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return EXIT_NO_PARSER
    try:
        _parse(source, out)
    except MemoryError:
        return EXIT_MEMORY
    except Exception as exc:  # the parser's own refusal of a bad file, reported to the parent
        if "bad_alloc" in str(exc):  # std::bad_alloc, as the C++ extension reports it
            return EXIT_MEMORY
        text = " ".join(str(exc).split())[:300] or type(exc).__name__
        sys.stderr.write(text + "\n")
        return EXIT_REFUSED
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
