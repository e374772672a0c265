#!/usr/bin/env bash
# End-to-end `ingest --apply` throughput against its floor on the local PostGIS: simulates an
# INC stream, then in one invocation measures (a) the release CLI applying the whole stream
# (rows read/s), (b) a plain COPY of the same cleaned rows into an empty table shaped like
# tickets.inc (rows/s), their ratio (b)/(a), and (c) the median no-op `ingest --apply`.
#   scripts/bench-postgres.sh [TICKETS [DAYS]]   (default: 155000 3, 135 files, ~516k INC rows)
# Uses a fresh database ft_bench (dropped and recreated) on the server of scripts/local-postgis.sh,
# started with durable settings (never FLEETTICKETS_PG_FAST; a server already running in fast
# mode is reported by the benchmark).
set -euo pipefail
cd "$(dirname "$0")/.."
TICKETS="${1:-155000}"
DAYS="${2:-3}"
say() { printf 'bench-postgres: %s\n' "$*" >&2; }

if [[ "${FLEETTICKETS_PG_FAST:-0}" == 1 ]]; then
    say "ignoring FLEETTICKETS_PG_FAST=1: the benchmark wants durable settings"
fi
url="$(FLEETTICKETS_PG_FAST=0 scripts/local-postgis.sh start | tail -n 1)"
bench_url="${url%/*}/ft_bench"
psql -X -q -v ON_ERROR_STOP=1 -d "${url%/*}/postgres" \
    -c "DROP DATABASE IF EXISTS ft_bench WITH (FORCE)" -c "CREATE DATABASE ft_bench" >&2

swift build -c release --product fleettickets >&2
scripts/bench/build-benchmarks.sh pg-bench
cli="$PWD/.build/release/fleettickets"

work="$(mktemp -d "${TMPDIR:-/tmp}/fleettickets-bench-postgres.XXXXXX")"
trap 'rm -rf "$work"' EXIT
DATABASE_URL="$bench_url" "$cli" migrate >&2
say "simulating $TICKETS INC tickets over $DAYS day(s)"
"$cli" simulate --out "$work/stream" --tickets "$TICKETS" --days "$DAYS" --dataset inc

Benchmarks/.build/release/pg-bench --url "$bench_url" --dir "$work/stream" --cli "$cli"
