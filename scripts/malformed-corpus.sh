#!/usr/bin/env bash
# Feeds the malformed-input corpus (scripts/malformed-corpus/shapes.py: 40+ shapes, one file
# each) through `fleettickets ingest inc --dir … --apply` against a real PostgreSQL + PostGIS
# and checks, for each shape: the exit status (3 for a data error, 0 for a shape that is
# accepted), the file's key and line in the message, that stdout never claims "nothing new"
# on a failed run, and that nothing partial was committed (row count and watermark unchanged
# after an error; exactly the shape's rows added, watermark at its key, after a success).
#
#   scripts/malformed-corpus.sh [--short]     (--short: the CI form, 2 MB huge fields)
#
# Uses the private PostGIS of scripts/local-postgis.sh (FLEETTICKETS_PG_PORT) and a database
# of its own, dropped at the end. Prints one line per mismatch and `N shapes: M ok`; exits
# non-zero on any mismatch.
set -euo pipefail
cd "$(dirname "$0")/.."

short=""
[ "${1:-}" = "--short" ] && short="--short"
say() { printf 'malformed-corpus: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v python3 >/dev/null; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3 >&2
fi

bin="${FLEETTICKETS_BIN:-}"
if [ -z "$bin" ]; then
    swift build --product fleettickets >&2
    bin="$(swift build --show-bin-path)/fleettickets"
fi

started_pg=0
if ! scripts/local-postgis.sh status >/dev/null 2>&1; then started_pg=1; fi
base_url=$(FLEETTICKETS_PG_FAST=1 scripts/local-postgis.sh start | tail -n 1)
admin_url="${base_url%/*}/postgres"
db="ft_corpus_$$"
work=$(mktemp -d)
cleanup() {
    psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
    rm -rf "$work"
    if [ "$started_pg" = 1 ]; then scripts/local-postgis.sh stop >&2 || true; fi
}
trap cleanup EXIT

psql "$admin_url" -qc "CREATE DATABASE $db" >&2
export DATABASE_URL="${base_url%/*}/$db"
psql "$DATABASE_URL" -qc "CREATE EXTENSION IF NOT EXISTS postgis" >&2
"$bin" migrate >/dev/null

# Row count and watermark in one round trip: "rows<TAB>watermark".
state() {
    psql "$DATABASE_URL" -AtF $'\t' -c "SELECT (SELECT count(*) FROM tickets.inc),
        coalesce((SELECT metadata->>'source_max_key' FROM tickets.import_meta WHERE dataset = 'inc'), '-')"
}

python3 scripts/malformed-corpus/shapes.py "$work/shapes" $short > "$work/manifest"
total=0 ok=0
started=$(date +%s)
IFS=$'\t' read -r after_rows after_mark < <(state)
while IFS=$'\t' read -r name key want_exit want_line want_rows; do
    total=$((total + 1))
    before_rows=$after_rows before_mark=$after_mark
    set +e
    "$bin" ingest inc --dir "$work/shapes/$name" --apply </dev/null >"$work/out" 2>"$work/err"
    got=$?
    set -e
    IFS=$'\t' read -r after_rows after_mark < <(state)
    problems=()
    [ "$got" = "$want_exit" ] || problems+=("exit $got, expected $want_exit")
    if [ "$want_exit" = 3 ]; then
        grep -qF "$key" "$work/err" || problems+=("the message does not name the key")
        if [ "$want_line" != "-" ]; then grep -qF "line $want_line" "$work/err" || problems+=("the message does not name line $want_line"); fi
        [ "$after_rows" = "$before_rows" ] || problems+=("rows $before_rows -> $after_rows: partial commit")
        [ "$after_mark" = "$before_mark" ] || problems+=("watermark moved to $after_mark")
        ! grep -q "nothing new" "$work/out" || problems+=("stdout says nothing new on a failed run")
        ! grep -qE '[A-Za-z]+/[A-Za-z+]+\.swift:[0-9]+' "$work/err" || problems+=("the message carries a source location")
    else
        [ "$after_rows" = "$((before_rows + want_rows))" ] || problems+=("rows $before_rows -> $after_rows, expected +$want_rows")
        [ "$after_mark" = "automations/inc/changes/$key" ] || problems+=("watermark $after_mark, expected the shape's key")
        if [ "$name" = duplicate-header-kept-last ]; then
            grep -q "region more than once" "$work/out" || problems+=("the duplicate header is not named on stdout")
        fi
    fi
    if [ ${#problems[@]} -eq 0 ]; then
        ok=$((ok + 1))
    else
        printf 'MISMATCH %s: %s\n' "$name" "$(IFS='; '; echo "${problems[*]}")"
        sed 's/^/    stderr: /' "$work/err" | head -n 3
    fi
done < "$work/manifest"
say "$(( $(date +%s) - started )) s"
echo "$total shapes: $ok ok"
[ "$ok" = "$total" ]
