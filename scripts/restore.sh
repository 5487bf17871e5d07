#!/usr/bin/env bash
# Restore kinesense's database: scripts/restore.sh FILE
#
# The database is the settings' (KINESENSE_DATABASE_URL; else the embedded SQLite file):
# PostgreSQL with pg_dump / pg_restore (custom format, restored in one transaction), SQLite with
# its online backup API. See src/kinesense/clinic/backup.py. Stop the web processes and
# workers (scripts/clinic.sh stop) before a restore. Exit status 2 on a user's error.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="$ROOT/.venv/bin/python"
[ -x "$PYTHON" ] || PYTHON=python3
[ $# -eq 1 ] || { echo "usage: $0 FILE" >&2; exit 2; }
exec "$PYTHON" -m kinesense.clinic.backup restore "$1"
