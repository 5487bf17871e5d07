#!/usr/bin/env bash
# A throw-away Redis server (the clinic stack's job broker) for the tests and scripts/clinic.sh.
#
#   scripts/redis.sh start   install Debian's redis-server if needed, start a server on 127.0.0.1
#                            at a free port with its state in .cache/redis (no persistence) and
#                            print its URL (the only thing written to stdout)
#   scripts/redis.sh url     print the URL of the running server
#   scripts/redis.sh stop    stop the server and remove .cache/redis
#
# REDIS_STATE chooses another folder (scripts/clinic.sh keeps its own server apart from the
# tests'). The server needs a password (random, in the URL), listens only on loopback, keeps
# nothing on disk (no RDB snapshots, no append-only file) and runs as the calling user. Messages
# go to stderr; exit status is non-zero on any failure.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STATE="${REDIS_STATE:-$ROOT/.cache/redis}"

say() { echo "redis.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

install_redis() {
    [ "$(id -u)" -eq 0 ] ||
        die "Redis is not installed; install it with: sudo apt-get install redis-server"
    command -v apt-get >/dev/null 2>&1 ||
        die "Redis is not installed and apt-get is not available to install it"
    say "redis-server not found: installing Debian's redis-server (apt-get update, apt-get install)"
    # Where services start on install, the package also starts a system-wide server on port 6379;
    # the tests use only their own.
    apt-get update >&2 || die "apt-get update failed: is Debian's package registry reachable?"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server >&2 ||
        die "apt-get install redis-server failed (see the apt output above)"
}

is_running() {
    local pid
    pid="$(cat "$STATE/redis.pid" 2>/dev/null)" || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

abandon_start() {
    say "start failed; removing $STATE"
    if is_running; then kill "$(cat "$STATE/redis.pid")" 2>/dev/null || true; fi
    rm -rf -- "$STATE"
}

start() {
    if is_running; then
        say "already running ($STATE)"
        cat "$STATE/url"
        return 0
    fi
    if [ -e "$STATE" ]; then
        say "removing a stale server's folder $STATE"
        rm -rf -- "$STATE"
    fi
    command -v redis-server >/dev/null 2>&1 || install_redis
    command -v redis-server >/dev/null 2>&1 || die "redis-server is installed but not on PATH"

    trap abandon_start EXIT
    local started=$SECONDS port password
    mkdir -p "$STATE"
    chmod 700 "$STATE"
    port="$(free_port)" || die "cannot find a free port on 127.0.0.1 (is python3 installed?)"
    password="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    (umask 077 && cat >"$STATE/redis.conf" <<CONF
# scripts/redis.sh: a throw-away broker
bind 127.0.0.1
port $port
protected-mode yes
requirepass $password
daemonize yes
pidfile $STATE/redis.pid
logfile $STATE/redis.log
dir $STATE
save ""
appendonly no
CONF
)
    say "starting redis-server on 127.0.0.1:$port"
    redis-server "$STATE/redis.conf" >&2 || die "redis-server did not start (see $STATE/redis.log)"
    local tries=0
    until REDISCLI_AUTH="$password" redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null |
        grep -q PONG; do
        tries=$((tries + 1))
        [ "$tries" -le 100 ] || { tail -n 20 "$STATE/redis.log" >&2 || true; die "no answer"; }
        sleep 0.1
    done
    local url="redis://:$password@127.0.0.1:$port/0"
    (umask 077 && echo "$url" >"$STATE/url")
    trap - EXIT
    say "ready in $((SECONDS - started)) s (stop with scripts/redis.sh stop)"
    echo "$url"
}

stop() {
    if [ ! -e "$STATE" ]; then
        say "not running (no $STATE)"
        return 0
    fi
    if is_running; then
        local pid tries=0
        pid="$(cat "$STATE/redis.pid")"
        kill "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do
            tries=$((tries + 1))
            if [ "$tries" -gt 100 ]; then
                say "the server did not stop in 10 s; killing it"
                kill -9 "$pid" 2>/dev/null || true
                break
            fi
            sleep 0.1
        done
        say "stopped"
    fi
    rm -rf -- "$STATE"
    say "removed $STATE"
}

url() {
    is_running || die "not running (start it with scripts/redis.sh start)"
    cat "$STATE/url"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) url ;;
    *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
