"""The vendored ``@mediapipe/tasks-vision`` files match their recorded checksums (offline), and
the check catches a changed or missing file."""

import shutil
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "vendor_tasks_vision.py"
VENDOR = Path(__file__).resolve().parents[2] / "src/kinesense/web/static/vendor/tasks-vision"


def verify(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--verify", "--folder", str(folder)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


def test_the_vendored_files_match_their_checksums() -> None:
    answer = verify(VENDOR)
    assert answer.returncode == 0, answer.stderr
    assert "4 vendored files match" in answer.stdout
    listed = (VENDOR / "CHECKSUMS.sha256").read_text().split()
    assert "wasm/vision_wasm_internal.wasm" in listed
    assert not any("nosimd" in name or "module" in name for name in listed)
    assert "Apache License" in (VENDOR / "LICENSE").read_text()


def test_a_changed_or_missing_file_is_caught(tmp_path: Path) -> None:
    copy = tmp_path / "tasks-vision"
    shutil.copytree(VENDOR, copy)
    with (copy / "vision_bundle.mjs").open("a") as bundle:
        bundle.write("\n// changed\n")
    (copy / "wasm/vision_wasm_internal.js").unlink()
    answer = verify(copy)
    assert answer.returncode == 1
    assert "vision_bundle.mjs differs" in answer.stderr
    assert "wasm/vision_wasm_internal.js is missing" in answer.stderr
