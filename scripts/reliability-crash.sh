#!/usr/bin/env bash
# Reliability figures for the drain (docs/contract.md §3: atomic per file, one writer), measured with the
# real binary against a real PostgreSQL + PostGIS:
#
#  (a) kill points: `fleettickets ingest inc --apply` is killed with SIGKILL at many moments
#      of a drain of a simulated stream (spread over its progress: after 0, 1/K, 2/K … of the
#      files are committed, plus a few milliseconds), then rerun until it completes; the table (a checksum
#      over ticket_id, raw and change_key), the watermark and the ledger must equal those of an
#      uninterrupted run, every file must be archived and none applied twice;
#  (b) concurrent runs: N `ingest inc --apply` of the same dataset start at once; exactly one
#      drains, the others exit 0 (busy, or nothing new), and the table is right.
#
#   scripts/reliability-crash.sh            full form: 40 kill points, 8 concurrent runs
#   scripts/reliability-crash.sh --short    CI form (also FLEETTICKETS_RELIABILITY=short):
#                                           10 kill points, 4 concurrent runs, a smaller stream
#
# Prints one summary line, e.g.
#   kill points: 40 (mid-drain 37), converged: 40; concurrent runs: 8, drained by one: ok
# and exits non-zero on any divergence. Uses FLEETTICKETS_TEST_DATABASE_URL (an admin URL, as
# scripts/test.sh exports it) or starts scripts/local-postgis.sh on FLEETTICKETS_PG_PORT.
# The binary is FLEETTICKETS_BIN, else .build/debug/fleettickets (built when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'reliability: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

mode=full
if [ "${1:-}" = --short ] || [ "${FLEETTICKETS_RELIABILITY:-}" = short ]; then mode=short; fi
if [ "$mode" = short ]; then
    kills=10 writers=4 tickets=200 days=1 parallel=3
else
    kills=40 writers=8 tickets=300 days=2 parallel=3
fi

for tool in python3 psql; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        say "installing $tool"
        pkg=$([ "$tool" = psql ] && echo postgresql-client || echo python3)
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$pkg" >&2
    fi
done

bin="${FLEETTICKETS_BIN:-.build/debug/fleettickets}"
if [ ! -x "$bin" ]; then
    say "building fleettickets"
    swift build --product fleettickets >&2
fi

started_pg=0
work=$(mktemp -d "${TMPDIR:-/tmp}/ft-reliability.XXXXXX")
prefix="ft_rel_$$"
cleanup() {
    if [ -n "${admin_url:-}" ]; then
        for db in $(psql "$admin_url" -Atc "SELECT datname FROM pg_database WHERE datname LIKE '${prefix}%'" 2>/dev/null); do
            psql "$admin_url" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
        done
    fi
    rm -rf "$work"
    if [ "$started_pg" = 1 ]; then scripts/local-postgis.sh stop >&2 || true; fi
}
trap cleanup EXIT

if [ -n "${FLEETTICKETS_TEST_DATABASE_URL:-}" ]; then
    admin_url=$FLEETTICKETS_TEST_DATABASE_URL
else
    if ! scripts/local-postgis.sh status >/dev/null 2>&1; then started_pg=1; fi
    export FLEETTICKETS_PG_FAST=1
    url=$(scripts/local-postgis.sh start | tail -n 1)
    admin_url="${url%/*}/postgres"
fi
db_url() { printf '%s/%s' "${admin_url%/*}" "$1"; }
sql() { psql "$(db_url "$1")" -Atqc "$2"; }

# What must match: the table, the watermark, the ledger's size, files applied twice.
state() {
    sql "$1" "SELECT (SELECT md5(coalesce(string_agg(ticket_id || ' ' || raw::text || ' ' || coalesce(change_key, '-'), E'\n' ORDER BY ticket_id), ''))
                      FROM tickets.inc)
               || ' ' || coalesce((SELECT metadata->>'source_max_key' FROM tickets.import_meta WHERE dataset = 'inc'), '-')
               || ' ' || (SELECT count(*) FROM tickets.ingest_ledger WHERE dataset = 'inc')
               || ' ' || (SELECT count(*) FROM tickets.ingest_ledger WHERE applications > 1)"
}
# A field of an ingest --json report: busy, files (a count) or failure.
report() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); f=sys.argv[2]
print({"busy": lambda: r.get("busy", False), "files": lambda: len(r.get("files", [])),
       "failure": lambda: (r.get("failure") or {}).get("message", "")}[f]())' "$1" "$2"; }
pending() { find "$1/automations/inc/changes" -type f | wc -l; }

say "simulating a stream ($tickets tickets, $days day(s)) and migrating a template database"
"$bin" simulate --out "$work/stream" --tickets "$tickets" --days "$days" --seed 808 >/dev/null
files=$(pending "$work/stream")
psql "$admin_url" -qc "CREATE DATABASE ${prefix}_template" >/dev/null
DATABASE_URL=$(db_url "${prefix}_template") "$bin" migrate >/dev/null 2>&1
fresh() { psql "$admin_url" -qc "CREATE DATABASE $1 TEMPLATE ${prefix}_template" >/dev/null; }

# The uninterrupted run.
fresh "${prefix}_ref"
cp -r "$work/stream" "$work/ref"
t0=$(date +%s.%N)
DATABASE_URL=$(db_url "${prefix}_ref") "$bin" ingest inc --dir "$work/ref" --apply >/dev/null
span=$(python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 3))" "$t0" "$(date +%s.%N)")
expected=$(state "${prefix}_ref")
say "uninterrupted: $files files in ${span}s; state $expected"

# Reruns until a run is not turned away as busy (a killed run's lock goes when the server
# notices its client died), then compares with the uninterrupted run.
converge() {
    local db=$1 dir=$2 out=$3 i
    for i in $(seq 1 100); do
        if ! DATABASE_URL=$(db_url "$db") "$bin" ingest inc --dir "$dir" --apply --json >"$out" 2>/dev/null; then
            echo "rerun failed: $(report "$out" failure)"; return 1
        fi
        [ "$(report "$out" busy)" = True ] || break
        sleep 0.1
    done
    local got; got=$(state "$db")
    if [ "$got" != "$expected" ]; then echo "state $got"; return 1; fi
    if [ "$(pending "$dir")" != 0 ]; then echo "$(pending "$dir") file(s) left in changes/"; return 1; fi
}

# Kill point k: once k/kills of the files are committed (watched through the ledger), plus
# 0-90 ms, so the kill lands inside a file, between files or during a move to processed/.
kill_trial() {
    local k=$1 db="${prefix}_k$1" dir="$work/k$1" target applied verdict t0 delay
    target=$(( k * files / kills ))
    fresh "$db"
    cp -r "$work/stream" "$dir"
    t0=$(date +%s.%N)
    DATABASE_URL=$(db_url "$db") "$bin" ingest inc --dir "$dir" --apply >/dev/null 2>&1 &
    local pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        [ "$(sql "$db" "SELECT count(*) FROM tickets.ingest_ledger")" -ge "$target" ] && break
        sleep 0.02
    done
    sleep "0.0$(( (k * 37) % 10 ))"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    delay=$(python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 3))" "$t0" "$(date +%s.%N)")
    applied=$(sql "$db" "SELECT count(*) FROM tickets.ingest_ledger")
    if verdict=$(converge "$db" "$dir" "$work/k$k.json"); then verdict=ok; fi
    echo "$k $delay $applied $verdict" >"$work/result.$k"
    psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}

say "killing the drain at $kills points ($parallel at a time)"
for k in $(seq 0 $((kills - 1))); do
    kill_trial "$k" &
    if (( (k + 1) % parallel == 0 )); then wait; fi
done
wait
converged=0 mid=0
for k in $(seq 0 $((kills - 1))); do
    if [ -f "$work/result.$k" ]; then read -r _ delay applied verdict <"$work/result.$k"; else delay=? applied=0 verdict="the trial did not finish"; fi
    if [ "$verdict" = ok ]; then converged=$((converged + 1)); fi
    say "kill point $k: SIGKILL after ${delay}s with $applied of $files files committed: $verdict"
    if [ "$applied" -gt 0 ] && [ "$applied" -lt "$files" ]; then mid=$((mid + 1)); fi
done

say "starting $writers concurrent runs"
fresh "${prefix}_c"
cp -r "$work/stream" "$work/c"
pids=()
for w in $(seq 1 "$writers"); do
    DATABASE_URL=$(db_url "${prefix}_c") "$bin" ingest inc --dir "$work/c" --apply --json >"$work/c$w.json" 2>/dev/null &
    pids+=($!)
done
exits=0
for pid in "${pids[@]}"; do wait "$pid" || exits=$((exits + 1)); done
drained=0 failed=0
for w in $(seq 1 "$writers"); do
    [ "$(report "$work/c$w.json" files)" -gt 0 ] && drained=$((drained + 1))
    [ -n "$(report "$work/c$w.json" failure)" ] && failed=$((failed + 1))
done
concurrent=ok
if [ "$exits" != 0 ] || [ "$failed" != 0 ] || [ "$drained" != 1 ]; then
    concurrent="FAILED ($drained drained, $failed failed, $exits non-zero exits)"
elif [ "$(state "${prefix}_c")" != "$expected" ]; then
    concurrent="FAILED (state $(state "${prefix}_c"))"
fi

echo "kill points: $kills (mid-drain $mid), converged: $converged; concurrent runs: $writers, drained by one: $concurrent"
[ "$converged" = "$kills" ] && [ "$concurrent" = ok ]
