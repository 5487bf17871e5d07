#!/usr/bin/env bash
# The clinic stack on one machine: PostgreSQL, Redis, Celery workers and several web processes
# behind one address.
#
#   scripts/clinic.sh start    start everything, run the migrations (kinesense db upgrade), wait
#                              until GET /api/v1/ready answers 200, print the address
#   scripts/clinic.sh stop     stop the web processes, then the workers (they finish the job in
#                              hand, 30 s at most), then the servers this script started
#   scripts/clinic.sh status   what runs (pids) and what /api/v1/ready says
#
# Settings (environment):
#   CLINIC_PORT (8000)        the web address is http://127.0.0.1:$CLINIC_PORT
#   CLINIC_WORKERS (2)        Celery workers (one job at a time each)
#   CLINIC_WEB (2)            web processes (uvicorn --workers, one listening socket)
#   KINESENSE_DATABASE_URL    a PostgreSQL of your own (managed); unset: a throw-away local
#                             server (scripts/postgres.sh, its data removed by stop)
#   KINESENSE_BROKER_URL      a Redis of your own (managed); unset: a throw-away local server
#                             (scripts/redis.sh)
#   KINESENSE_DATA_DIR        uploads (default .cache/clinic/data); shared by web and workers
#   KINESENSE_SECRET_KEY      signs forms; all web processes share it (default: generated once,
#                             kept in .cache/clinic/secret_key)
# State, pid files and logs (JSON lines) are under .cache/clinic. Messages go to stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STATE="$ROOT/.cache/clinic"
BIN="$ROOT/.venv/bin"
PORT="${CLINIC_PORT:-8000}"
WORKERS="${CLINIC_WORKERS:-2}"
WEB="${CLINIC_WEB:-2}"
export POSTGRES_STATE="$STATE/postgres" POSTGRES_DATABASE=kinesense REDIS_STATE="$STATE/redis"

say() { echo "clinic.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pid() {  # stop_pid PIDFILE NAME SECONDS: TERM, wait, then KILL
    local file="$1" name="$2" seconds="$3" pid tries=0
    [ -f "$file" ] || return 0
    pid="$(cat "$file")"
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do
            tries=$((tries + 1))
            if [ "$tries" -gt $((seconds * 10)) ]; then
                say "$name (pid $pid) did not stop in $seconds s; killing it"
                kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
                break
            fi
            sleep 0.1
        done
        say "stopped $name"
    fi
    rm -f -- "$file"
}

ready_json() {
    "$BIN/python" - "$PORT" <<'PY'
import sys, urllib.error, urllib.request
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/api/v1/ready", timeout=5) as r:
        print(r.status, r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
except OSError as e:
    print(0, e)
PY
}

environment() {  # the settings every process shares, in .cache/clinic/env (mode 600)
    local database broker data secret
    if [ -n "${KINESENSE_DATABASE_URL:-}" ]; then
        database="$KINESENSE_DATABASE_URL"
    else
        database="$("$ROOT/scripts/postgres.sh" start)" || die "PostgreSQL did not start"
        touch "$STATE/own-postgres"
    fi
    if [ -n "${KINESENSE_BROKER_URL:-}" ]; then
        broker="$KINESENSE_BROKER_URL"
    else
        broker="$("$ROOT/scripts/redis.sh" start)" || die "Redis did not start"
        touch "$STATE/own-redis"
    fi
    data="${KINESENSE_DATA_DIR:-$STATE/data}"
    if [ -n "${KINESENSE_SECRET_KEY:-}" ]; then
        secret="$KINESENSE_SECRET_KEY"
    else
        [ -s "$STATE/secret_key" ] ||
            (umask 077 && "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(48))' \
                >"$STATE/secret_key")
        secret="$(cat "$STATE/secret_key")"
    fi
    mkdir -p "$data"
    (umask 077 && cat >"$STATE/env" <<ENV
export KINESENSE_DATABASE_URL='$database'
export KINESENSE_BROKER_URL='$broker'
export KINESENSE_DATA_DIR='$data'
export KINESENSE_SECRET_KEY='$secret'
export KINESENSE_HOST=127.0.0.1
export KINESENSE_PORT=$PORT
export PROMETHEUS_MULTIPROC_DIR='$STATE/metrics'
ENV
)
}

start() {
    [ -x "$BIN/celery" ] && [ -x "$BIN/uvicorn" ] ||
        die "$BIN has no celery or uvicorn: run make (pip install -e .) first"
    if alive "$STATE/web.pid"; then
        say "already running at http://127.0.0.1:$PORT"
        return 0
    fi
    mkdir -p "$STATE/logs"
    chmod 700 "$STATE"
    environment
    # shellcheck disable=SC1091
    . "$STATE/env"
    rm -rf -- "$STATE/metrics" && mkdir -p "$STATE/metrics"
    say "migrating the database (kinesense db upgrade)"
    "$BIN/kinesense" db upgrade >&2 || die "kinesense db upgrade failed"
    local i
    for i in $(seq 1 "$WORKERS"); do
        setsid "$BIN/celery" -A kinesense.clinic.worker worker -n "worker$i@%h" --concurrency 1 \
            --pool prefork --loglevel INFO --without-gossip --without-mingle \
            >>"$STATE/logs/worker$i.log" 2>&1 </dev/null &
        echo $! >"$STATE/worker$i.pid"
    done
    setsid "$BIN/uvicorn" --factory kinesense.clinic.asgi:create_clinic_app --host 127.0.0.1 \
        --port "$PORT" --workers "$WEB" --no-server-header --log-level warning \
        >>"$STATE/logs/web.log" 2>&1 </dev/null &
    echo $! >"$STATE/web.pid"
    local tries=0 answer
    until answer="$(ready_json)" && [ "${answer%% *}" = 200 ]; do
        tries=$((tries + 1))
        if [ "$tries" -gt 120 ]; then
            say "not ready after 60 s: $answer (logs in $STATE/logs)"
            stop
            exit 1
        fi
        alive "$STATE/web.pid" || { tail -n 20 "$STATE/logs/web.log" >&2; stop; die "web died"; }
        sleep 0.5
    done
    say "ready: ${answer#* }"
    say "kinesense clinic stack at http://127.0.0.1:$PORT ($WEB web processes, $WORKERS workers)"
    echo "http://127.0.0.1:$PORT"
}

stop() {
    [ -d "$STATE" ] || { say "not running (no $STATE)"; return 0; }
    stop_pid "$STATE/web.pid" "the web processes" 20
    local file
    for file in "$STATE"/worker*.pid; do
        [ -e "$file" ] || continue
        stop_pid "$file" "$(basename "$file" .pid)" 30
    done
    if [ -e "$STATE/own-redis" ]; then "$ROOT/scripts/redis.sh" stop; rm -f "$STATE/own-redis"; fi
    if [ -e "$STATE/own-postgres" ]; then
        "$ROOT/scripts/postgres.sh" stop
        rm -f "$STATE/own-postgres"
    fi
    rm -f -- "$STATE/env"
    say "stopped (logs kept in $STATE/logs)"
}

status() {
    local file running=0
    for file in "$STATE"/web.pid "$STATE"/worker*.pid; do
        [ -e "$file" ] || continue
        if alive "$file"; then
            echo "$(basename "$file" .pid): running (pid $(cat "$file"))"
            running=1
        else
            echo "$(basename "$file" .pid): not running (stale pid file)"
        fi
    done
    [ -e "$STATE/own-postgres" ] && echo "postgresql: $("$ROOT/scripts/postgres.sh" url 2>/dev/null |
        sed 's#://[^@]*@#://***@#' || echo 'not running')"
    [ -e "$STATE/own-redis" ] && echo "redis: $("$ROOT/scripts/redis.sh" url 2>/dev/null |
        sed 's#://[^@]*@#://***@#' || echo 'not running')"
    if [ "$running" -eq 0 ]; then
        echo "the clinic stack is not running"
        return 3
    fi
    echo "http://127.0.0.1:$PORT/api/v1/ready: $(ready_json)"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
