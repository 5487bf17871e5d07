"""Coverage-guided fuzzing of kinesense's file readers with atheris (libFuzzer).

Each input's first byte picks the reader (C3D, force-plate CSV, IMU CSV, TRC, OpenPose JSON,
npz series), the rest is the file. A reader must return a series or raise a one-line
``KinesenseError``; any other exception is a crash: atheris prints it and libFuzzer writes the
input to ``crash-<hash>`` in the current folder, to be turned into a test.

The corpus is seeded with small real files cut from ../shared/data (``tests/fuzz/seeds.py``)
and grows in a temporary folder, or in ``--corpus DIR`` to keep it between runs.

    python scripts/fuzz_readers.py --seconds 20            # what ``make fuzz`` runs
    python scripts/fuzz_readers.py --seconds 3600 --corpus fuzz-corpus
    python scripts/fuzz_readers.py --format trc --seconds 600

At the end it prints the executions per reader, how many were read and how many refused.
Further arguments are passed to libFuzzer (``-max_len=100000``, ``-jobs=2``...).
"""

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import atheris

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from tests.fuzz.seeds import FORMATS, SHARED, readers, seeds, write_input  # noqa: E402

with atheris.instrument_imports(include=["kinesense"]):
    from kinesense.errors import KinesenseError

    READERS = readers()

SEED_ROWS = 40
"""Rows of the text seeds: short inputs run faster and mutate into more distinct files."""
NAMES = {fmt: name for fmt, (name, _) in seeds(SEED_ROWS).items()}


class Session:
    """Where inputs are written, what happened to them, and when to stop."""

    def __init__(self, formats: list[str], seconds: float, folder: Path) -> None:
        self.formats = formats
        self.deadline = time.monotonic() + seconds if seconds > 0 else float("inf")
        self.folder = folder
        self.counts: Counter[tuple[str, str]] = Counter()
        self.started = time.monotonic()

    def run(self, data: bytes) -> None:
        if time.monotonic() > self.deadline:
            self.report()
            os._exit(0)
        if not data:
            return
        fmt = self.formats[data[0] % len(self.formats)]
        path = write_input(fmt, NAMES[fmt], data[1:], self.folder)
        try:
            READERS[fmt](path)
        except KinesenseError as exc:
            if "\n" in str(exc):
                raise AssertionError(f"a {fmt} error message spans lines: {exc!r}") from exc
            self.counts[(fmt, "refused")] += 1
            return
        self.counts[(fmt, "read")] += 1

    def report(self) -> None:
        elapsed = time.monotonic() - self.started
        total = sum(self.counts.values())
        print(f"\nfuzz_readers: {total} executions in {elapsed:.0f} s, no crash", flush=True)
        for fmt in self.formats:
            read, refused = self.counts[(fmt, "read")], self.counts[(fmt, "refused")]
            print(f"  {fmt:9s} {read + refused:8d} runs: {read:7d} read, {refused:7d} refused")


def seed_corpus(folder: Path, formats: list[str]) -> None:
    """One file per reader: its index byte, then the seed's bytes."""
    for fmt, (_, data) in seeds(SEED_ROWS).items():
        if fmt in formats:
            (folder / f"seed-{fmt}").write_bytes(bytes([formats.index(fmt)]) + data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="time budget (0: no limit)")
    parser.add_argument("--format", choices=FORMATS, action="append", help="reader(s) to fuzz")
    parser.add_argument("--corpus", type=Path, help="corpus folder kept between runs")
    args, libfuzzer = parser.parse_known_args()
    if not SHARED.is_dir():
        print(f"fuzz_readers: skipped, the real recordings that seed it are absent ({SHARED})")
        return
    formats = args.format or list(FORMATS)
    with tempfile.TemporaryDirectory(prefix="kinesense-fuzz-") as scratch:
        work = Path(scratch)
        corpus = args.corpus or work / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        seed_corpus(corpus, formats)
        (work / "inputs").mkdir()
        session = Session(formats, args.seconds, work / "inputs")
        argv = [sys.argv[0], *libfuzzer, "-max_len=65536", "-rss_limit_mb=2048", str(corpus)]
        atheris.Setup(argv, session.run)
        atheris.Fuzz()


if __name__ == "__main__":
    main()
