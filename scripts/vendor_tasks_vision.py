"""Refresh (or verify) the vendored ``@mediapipe/tasks-vision`` files the live pages run.

Who runs this, and when
-----------------------
Maintainers, to update the browser pose runtime in
``src/kinesense/web/static/vendor/tasks-vision/``; the test suite runs ``--verify`` (offline) so
that a file changed by hand is caught. Users never need it: kinesense serves the vendored files
itself and nothing is downloaded at run time.

What it does
------------
1. ``npm pack @mediapipe/tasks-vision@VERSION`` into a temporary folder (the npm registry, the
   package's own tarball: Apache-2.0).
2. Copies the ES module bundle ``vision_bundle.mjs``, ONE wasm build (the SIMD one:
   ``wasm/vision_wasm_internal.js`` and ``.wasm``; not the ``nosimd`` nor the ``module``
   variants: every browser that runs kinesense's pages has wasm SIMD); writes ``LICENSE`` (the
   package declares Apache-2.0 and ships no licence file: see :data:`APACHE_TEXT`).
3. Writes ``CHECKSUMS.sha256`` (``sha256sum`` format) and ``VERSION``.

Usage (from the project root)::

    python scripts/vendor_tasks_vision.py              # the pinned version, 1.1.0
    python scripts/vendor_tasks_vision.py --version 1.1.1
    python scripts/vendor_tasks_vision.py --verify     # offline: files against CHECKSUMS.sha256
"""

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@mediapipe/tasks-vision"
VERSION = "1.1.0"
"""The version the feasibility run of issue 12 measured (headless Chromium 156, 2 cores)."""
VENDOR = (
    Path(__file__).resolve().parent.parent
    / "src/kinesense/web/static/vendor/tasks-vision"
)  # fmt: skip
FILES = {
    "vision_bundle.mjs": "package/vision_bundle.mjs",
    "wasm/vision_wasm_internal.js": "package/wasm/vision_wasm_internal.js",
    "wasm/vision_wasm_internal.wasm": "package/wasm/vision_wasm_internal.wasm",
}
"""Vendored file -> its path inside the npm tarball."""
APACHE_TEXT = VENDOR.parents[3] / "capture/models/LICENSE"
"""The Apache License 2.0, as shipped beside the pose models. The npm tarball holds no licence
file, only ``"license": "Apache-2.0"`` in its ``package.json``: the vendored ``LICENSE`` is that
statement followed by the licence's text."""
LICENSED = (*FILES, "LICENSE")
CHECKSUMS = "CHECKSUMS.sha256"


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(folder: Path = VENDOR) -> list[str]:
    """Problems found checking ``folder`` against its ``CHECKSUMS.sha256`` (empty: all good).

    Every file of :data:`LICENSED` must be listed, present and have the recorded SHA-256."""
    listing = folder / CHECKSUMS
    if not listing.is_file():
        return [f"{listing} is missing"]
    recorded: dict[str, str] = {}
    for number, line in enumerate(listing.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split(maxsplit=1)
        if len(parts) != 2:
            return [f"{listing}, line {number}: expected '<sha256>  <file>'"]
        recorded[parts[1].strip().lstrip("*")] = parts[0]
    problems = []
    for name in LICENSED:
        path = folder / name
        if name not in recorded:
            problems.append(f"{name} is not listed in {CHECKSUMS}")
        elif not path.is_file():
            problems.append(f"{name} is missing")
        elif sha256(path) != recorded[name]:
            problems.append(f"{name} differs from its recorded SHA-256")
    return problems


def refresh(version: str, folder: Path = VENDOR) -> None:
    """Download ``version`` with ``npm pack`` and replace the vendored files."""
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        packed = subprocess.run(
            ["npm", "pack", f"{PACKAGE}@{version}", "--silent"],
            cwd=work, capture_output=True, text=True, check=True, timeout=300,
        ).stdout.strip().splitlines()[-1]  # fmt: skip
        with tarfile.open(work / packed) as archive:
            archive.extractall(work, filter="data")
        declared = json.loads((work / "package/package.json").read_text(encoding="utf-8"))
        if declared.get("license") != "Apache-2.0":
            raise SystemExit(f"{PACKAGE}@{version} is not Apache-2.0: {declared.get('license')}")
        folder.mkdir(parents=True, exist_ok=True)
        for name, inside in FILES.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / inside, target)
    header = (
        f"{PACKAGE}@{version} (npm registry), by Google LLC: the files of this folder but\n"
        "CHECKSUMS.sha256 and VERSION, unchanged. Its package.json declares\n"
        '"license": "Apache-2.0"; the licence text follows.\n\n'
    )
    licence = APACHE_TEXT.read_text(encoding="utf-8")
    (folder / "LICENSE").write_text(header + licence, encoding="utf-8")
    lines = [f"{sha256(folder / name)}  {name}" for name in sorted(LICENSED)]
    (folder / CHECKSUMS).write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "VERSION").write_text(f"{PACKAGE}@{version}\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command line: refresh, or ``--verify``; exit code 1 when verification fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=VERSION, help=f"npm version (default {VERSION})")
    parser.add_argument("--verify", action="store_true", help="check the files, offline")
    parser.add_argument("--folder", type=Path, default=VENDOR, help="vendor folder")
    args = parser.parse_args(argv)
    if args.verify:
        problems = verify(args.folder)
        for problem in problems:
            print(problem, file=sys.stderr)
        if not problems:
            print(f"{len(LICENSED)} vendored files match {CHECKSUMS}")
        return 1 if problems else 0
    refresh(args.version, args.folder)
    print(f"vendored {PACKAGE}@{args.version} into {args.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
