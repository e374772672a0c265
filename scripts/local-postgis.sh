#!/usr/bin/env bash
# A private PostgreSQL 15 + PostGIS 3 server for development and tests.
#
#   scripts/local-postgis.sh start    install what is missing, create/start the cluster,
#                                     ensure database `fleettickets` (with postgis); the
#                                     last stdout line is the DATABASE_URL
#   scripts/local-postgis.sh stop     stop it (fast shutdown)
#   scripts/local-postgis.sh status   exit 0 and print the URL when running, exit 3 when not
#   scripts/local-postgis.sh url      print the DATABASE_URL only
#
# Environment:
#   FLEETTICKETS_PG_DIR   cluster folder (default <repo>/.local/pg; as root, when the
#                         postgres user cannot reach it, /var/tmp/fleettickets-pg-<port>)
#   FLEETTICKETS_PG_PORT  TCP port on 127.0.0.1 (default 25432)
#   FLEETTICKETS_PG_FAST  1 = start with fsync=off, synchronous_commit=off and room for 300
#                         connections (tests only)
#
# Progress goes to stderr; stdout carries only the URL (and status).
set -euo pipefail

PG_MAJOR=15
PGBIN="/usr/lib/postgresql/${PG_MAJOR}/bin"
PORT="${FLEETTICKETS_PG_PORT:-25432}"
DB_NAME=fleettickets
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$SCRIPT_DIR")"
URL="postgres://postgres@127.0.0.1:${PORT}/${DB_NAME}"

say() { printf 'local-postgis: %s\n' "$*" >&2; }
die() { printf 'local-postgis: error: %s\n' "$*" >&2; exit 1; }

usage() {
    echo "usage: $(basename "$0") start|stop|status|url" >&2
    exit 2
}

[[ "$PORT" =~ ^[0-9]+$ ]] && (( PORT > 0 && PORT < 65536 )) || die "FLEETTICKETS_PG_PORT must be a port number, got '$PORT'"

IS_ROOT=0
[[ "$(id -u)" == 0 ]] && IS_ROOT=1

# Runs a command as the user that owns the cluster (postgres when we are root).
as_owner() {
    if (( IS_ROOT )); then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

as_root() {
    if (( IS_ROOT )); then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

# ---------------------------------------------------------------------------
# packages
# ---------------------------------------------------------------------------
is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

ensure_packages() {
    local missing=() pkg
    for pkg in libpq-dev "postgresql-${PG_MAJOR}-postgis-3"; do
        is_installed "$pkg" || missing+=("$pkg")
    done
    if (( ${#missing[@]} )); then
        command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them"
        say "installing ${missing[*]} (apt-get)"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
    fi
    [[ -x "$PGBIN/initdb" && -x "$PGBIN/pg_ctl" ]] || die "PostgreSQL ${PG_MAJOR} server binaries not found in $PGBIN"
    if (( IS_ROOT )); then
        getent passwd postgres >/dev/null || die "user 'postgres' does not exist (the postgresql package creates it)"
    fi
}

# ---------------------------------------------------------------------------
# where the cluster lives
# ---------------------------------------------------------------------------
# True when the postgres user can reach (search) every existing folder on the way to $1.
# Folders we still have to create are made mode 755, so they never block.
postgres_can_reach() {
    local path="$1"
    while [[ ! -e "$path" ]]; do
        path="$(dirname "$path")"
    done
    [[ -d "$path" ]] || return 1
    runuser -u postgres -- test -x "$path"
}

resolve_dir() {
    if [[ -n "${FLEETTICKETS_PG_DIR:-}" ]]; then
        PG_DIR="$FLEETTICKETS_PG_DIR"
        [[ "$PG_DIR" == /* ]] || PG_DIR="$PWD/$PG_DIR"
        if (( IS_ROOT )) && ! postgres_can_reach "$PG_DIR"; then
            die "the postgres user cannot reach FLEETTICKETS_PG_DIR=$PG_DIR (a parent folder is not searchable); choose another folder"
        fi
    else
        PG_DIR="$REPO/.local/pg"
        if (( IS_ROOT )) && ! postgres_can_reach "$PG_DIR"; then
            local fallback="/var/tmp/fleettickets-pg-${PORT}"
            PG_DIR="$fallback"
            NOTE_FALLBACK="the postgres user cannot reach $REPO/.local/pg; using $fallback"
        fi
    fi
    DATA="$PG_DIR/data"
    SOCK="$PG_DIR/sock"
    LOG="$PG_DIR/server.log"
    # A unix socket path is limited to 107 bytes.
    local sockfile="$SOCK/.s.PGSQL.${PORT}"
    (( ${#sockfile} <= 100 )) || die "socket path $sockfile is too long; set FLEETTICKETS_PG_DIR to a shorter folder"
}

# mkdir -p, but every folder created is mode 755 (whatever the umask).
make_dirs() {
    local path="$1" todo=()
    while [[ ! -e "$path" ]]; do
        todo=("$path" "${todo[@]+"${todo[@]}"}")
        path="$(dirname "$path")"
    done
    local d
    for d in "${todo[@]+"${todo[@]}"}"; do
        mkdir -m 755 "$d"
    done
}

# ---------------------------------------------------------------------------
# server
# ---------------------------------------------------------------------------
is_initialized() { [[ -f "$DATA/PG_VERSION" ]]; }

is_running() {
    is_initialized || return 1
    as_owner "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

init_cluster() {
    make_dirs "$PG_DIR"
    if (( IS_ROOT )); then
        chown postgres:postgres "$PG_DIR"
        chmod 700 "$PG_DIR"
        runuser -u postgres -- test -w "$PG_DIR" || die "the postgres user cannot write $PG_DIR"
    fi
    as_owner mkdir -p "$SOCK"
    if ! is_initialized; then
        say "creating cluster in $DATA"
        as_owner "$PGBIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C.UTF-8 -N --auth=trust >"$PG_DIR/initdb.log" 2>&1 \
            || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed (log above)"; }
    fi
}

start_server() {
    # 300 connections: the test suite runs many tests at once, each store with a small pool.
    local opts="-p ${PORT} -k ${SOCK} -c listen_addresses=127.0.0.1 -c max_connections=300"
    if [[ "${FLEETTICKETS_PG_FAST:-0}" == 1 ]]; then
        # The test suites run in parallel, each test with a database and a store pool of its
        # own, plus CLI processes: 100 connections ran out ("too many clients already").
        opts+=" -c fsync=off -c synchronous_commit=off -c max_connections=300"
        say "fast mode: fsync=off, synchronous_commit=off (not durable), max_connections=300"
    fi
    say "starting server on 127.0.0.1:${PORT} (data $DATA, log $LOG)"
    if ! as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 -o "$opts" start >/dev/null 2>&1; then
        tail -n 20 "$LOG" >&2 || true
        die "the server did not start (log above, in $LOG); is port ${PORT} taken? set FLEETTICKETS_PG_PORT"
    fi
}

psql_admin() {
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$@"
}

ensure_database() {
    local exists
    exists="$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '${DB_NAME}'")"
    if [[ "$exists" != 1 ]]; then
        say "creating database ${DB_NAME}"
        psql_admin -d postgres -c "CREATE DATABASE ${DB_NAME}" >&2
    fi
    psql_admin -d "$DB_NAME" -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis" >&2
}

cmd_start() {
    ensure_packages
    resolve_dir
    [[ -n "${NOTE_FALLBACK:-}" ]] && say "$NOTE_FALLBACK"
    if is_running; then
        say "already running (data $DATA)"
    else
        init_cluster
        start_server
    fi
    ensure_database
    say "cluster folder: $PG_DIR"
    echo "$URL"
}

cmd_stop() {
    resolve_dir
    if ! is_running; then
        say "not running (data $DATA)"
        return 0
    fi
    say "stopping server (data $DATA)"
    as_owner "$PGBIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    if is_running; then
        die "the server did not stop (data $DATA); see $LOG"
    fi
    say "stopped"
}

cmd_status() {
    resolve_dir
    if is_running; then
        say "running on 127.0.0.1:${PORT} (data $DATA)"
        echo "$URL"
    else
        if is_initialized; then
            say "stopped (data $DATA)"
        else
            say "no cluster in $PG_DIR"
        fi
        exit 3
    fi
}

[[ $# -eq 1 ]] || usage
case "$1" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    url) echo "$URL" ;;
    -h|--help|help) usage ;;
    *) usage ;;
esac
