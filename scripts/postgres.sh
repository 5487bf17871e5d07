#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests (make test runs it around pytest).
#
#   scripts/postgres.sh start   install Debian's postgresql if needed, create a cluster in
#                               .cache/postgres, start it, create the database kinesense_test and
#                               print its SQLAlchemy URL (the only thing written to stdout)
#   scripts/postgres.sh url     print the URL of the running server
#   scripts/postgres.sh restart restart the running server (fast shutdown: sessions are ended)
#   scripts/postgres.sh stop    stop the server and remove .cache/postgres
#
# The server listens on a Unix socket in its folder and on 127.0.0.1 at a free port, runs as the
# `postgres` system user when started by root (PostgreSQL refuses to run as root) and keeps no
# data worth keeping (fsync off). Messages go to stderr; exit status is non-zero on any failure.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STATE="${POSTGRES_STATE:-$ROOT/.cache/postgres}"  # scripts/clinic.sh keeps its own server
DATABASE="${POSTGRES_DATABASE:-kinesense_test}"
ROLE=kinesense

say() { echo "postgres.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
    SUPERUSER=postgres
    as_pg() { (cd / && runuser -u postgres -- "$@"); }  # all paths here are absolute
else
    SUPERUSER="$(id -un)"
    as_pg() { "$@"; }
fi

find_bindir() {  # the newest /usr/lib/postgresql/*/bin, else the folder of an initdb on PATH
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/psql" ]; then
            echo "$dir"
            return 0
        fi
    done
    if command -v initdb >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v initdb)")"
        return 0
    fi
    return 1
}

install_postgres() {
    [ "$(id -u)" -eq 0 ] ||
        die "PostgreSQL is not installed; install it with: sudo apt-get install postgresql"
    command -v apt-get >/dev/null 2>&1 ||
        die "PostgreSQL is not installed and apt-get is not available to install it"
    say "PostgreSQL not found: installing Debian's postgresql (apt-get update, apt-get install)"
    # The package would also create a system-wide "main" cluster (and start it on port 5432 where
    # services start on install); the tests need only their own.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/kinesense-tests.conf
    apt-get update >&2 ||
        die "apt-get update failed: is Debian's package registry reachable?"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2 ||
        die "apt-get install postgresql failed (see the apt output above)"
}

cluster_dir() { cat "$STATE/cluster-dir" 2>/dev/null; }

is_running() {
    local cluster bindir
    cluster="$(cluster_dir)" || return 1
    bindir="$(cat "$STATE/bindir" 2>/dev/null)" || return 1
    [ -f "$cluster/data/postmaster.pid" ] &&
        as_pg "$bindir/pg_ctl" -D "$cluster/data" status >/dev/null 2>&1
}

remove_state() {  # only the folders this script made
    local cluster
    cluster="$(cluster_dir)" || cluster=""
    case "$cluster" in
        "$STATE/cluster" | /tmp/kinesense-postgres.*) rm -rf -- "$cluster" ;;
    esac
    rm -rf -- "$STATE"
}

abandon_start() {
    say "start failed; removing $STATE"
    if is_running; then
        as_pg "$(cat "$STATE/bindir")/pg_ctl" -D "$(cluster_dir)/data" -m immediate stop \
            >/dev/null 2>&1 || true
    fi
    remove_state
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    if is_running; then
        say "already running ($(cluster_dir))"
        cat "$STATE/url"
        return 0
    fi
    if [ -e "$STATE" ]; then
        say "removing a stale cluster left in $STATE"
        remove_state
    fi
    local bindir
    if ! bindir="$(find_bindir)"; then
        install_postgres
        bindir="$(find_bindir)" || die "postgresql is installed but no initdb was found under /usr/lib/postgresql/*/bin"
    fi
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || die "there is no 'postgres' system user to run the server"
    fi

    trap abandon_start EXIT
    local started=$SECONDS
    mkdir -p "$STATE"
    echo "$bindir" >"$STATE/bindir"
    local port cluster
    port="$(free_port)" || die "cannot find a free port on 127.0.0.1 (is python3 installed?)"
    # The cluster lives in the project unless the server's user cannot reach it (a clone under
    # /root) or the socket path is too long for Unix sockets (107 bytes).
    cluster="$STATE/cluster"
    mkdir -p "$cluster"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$cluster"
    if ! as_pg test -w "$cluster" || [ ${#cluster} -gt 90 ]; then
        cluster="$(mktemp -d /tmp/kinesense-postgres.XXXXXX)"
        [ "$(id -u)" -ne 0 ] || chown postgres: "$cluster"
        say "the project folder is not usable for the server; the cluster is in $cluster"
    fi
    chmod 700 "$cluster"
    echo "$cluster" >"$STATE/cluster-dir"

    local password
    password="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    say "creating a cluster with $bindir/initdb"
    if ! as_pg "$bindir/initdb" -D "$cluster/data" -U "$SUPERUSER" -E UTF8 --no-locale \
        --auth-local=peer --auth-host=scram-sha-256 --no-sync >"$STATE/initdb.log" 2>&1; then
        cat "$STATE/initdb.log" >&2
        die "initdb failed"
    fi
    as_pg tee -a "$cluster/data/postgresql.conf" >/dev/null <<EOF
# scripts/postgres.sh: a throw-away test server
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$cluster'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    say "starting PostgreSQL on 127.0.0.1:$port and $cluster"
    if ! as_pg "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 start \
        >/dev/null; then
        tail -n 30 "$cluster/server.log" >&2 || true
        die "the server did not start (log above)"
    fi
    as_pg "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$cluster" -p "$port" -U "$SUPERUSER" \
        -d postgres -c "CREATE ROLE $ROLE LOGIN PASSWORD '$password'" \
        -c "CREATE DATABASE $DATABASE OWNER $ROLE" >&2 ||
        die "cannot create the role and database"
    # the tests empty the schema between tests, so its owner must be the test role
    as_pg "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$cluster" -p "$port" -U "$SUPERUSER" \
        -d "$DATABASE" -c "ALTER SCHEMA public OWNER TO $ROLE" >&2 ||
        die "cannot give the schema to the test role"

    local url="postgresql+psycopg://$ROLE:$password@127.0.0.1:$port/$DATABASE"
    (umask 077 && echo "$url" >"$STATE/url")
    trap - EXIT
    say "ready in $((SECONDS - started)) s: database $DATABASE (stop with scripts/postgres.sh stop)"
    echo "$url"
}

stop() {
    if [ ! -e "$STATE" ]; then
        say "not running (no $STATE)"
        return 0
    fi
    if is_running; then
        local bindir cluster
        bindir="$(cat "$STATE/bindir")"
        cluster="$(cluster_dir)"
        if ! as_pg "$bindir/pg_ctl" -D "$cluster/data" -m fast -w -t 30 stop >/dev/null; then
            say "fast shutdown failed; stopping immediately"
            as_pg "$bindir/pg_ctl" -D "$cluster/data" -m immediate -w -t 30 stop >/dev/null ||
                die "cannot stop the server in $cluster (left in place)"
        fi
        say "stopped"
    fi
    remove_state
    say "removed $STATE"
}

restart() {
    is_running || die "not running (start it with scripts/postgres.sh start)"
    local cluster
    cluster="$(cluster_dir)"
    as_pg "$(cat "$STATE/bindir")/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -m fast \
        -w -t 60 restart >/dev/null || die "the server did not restart (see $cluster/server.log)"
    say "restarted"
}

url() {
    is_running || die "not running (start it with scripts/postgres.sh start)"
    cat "$STATE/url"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    restart) restart ;;
    url) url ;;
    *) echo "usage: $0 start|stop|restart|url" >&2; exit 2 ;;
esac
