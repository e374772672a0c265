#!/usr/bin/env bash
# Bucket → PostGIS drain throughput with and without the S3 read-ahead, in one invocation:
# uploads a simulated INC stream of small change files (baseline + 20-minute deltas) to a
# fresh bucket on the local S3 server for each drain, and measures a `--reseed --apply` drain
# of each into a freshly migrated database of its own — with read-ahead (S3ChangeSource as
# shipped; ROUNDS rounds, default 3, interleaved with the other drains, the median the
# figure) and without (read-ahead depth 0) — and prints files per second, the ratio and a
# per-file cost breakdown (GET wait, apply transaction, archive move = write to processed/ +
# delete); the same with the archive a CopyObject per file (the baseline for writing the bytes
# read); and the same files drained from memory (no S3 server: what our side alone
# sustains). Then, on the same
# server, the store's apply of a one-row file against a bare BEGIN; COPY; COMMIT of the same
# row into tickets.inc (target: at most 1.5×), and the target of 250 files/s.
#   [ROUNDS=3] scripts/bench-s3.sh [TICKETS [DAYS]]   (default: 3000 114, 5,017 files)
# Uses fresh databases ft_bench_s3_r1…, _direct, _memory and _copy (dropped and recreated) on the
# server of scripts/local-postgis.sh, started with durable settings (never FLEETTICKETS_PG_FAST;
# a server already running otherwise is reported), and the S3 server of scripts/local-s3.sh
# (stopped again at the end if this script started it; moto keeps buckets in memory).
set -euo pipefail
cd "$(dirname "$0")/.."
TICKETS="${1:-3000}"
DAYS="${2:-114}"
say() { printf 'bench-s3: %s\n' "$*" >&2; }

if [[ "${FLEETTICKETS_PG_FAST:-0}" == 1 ]]; then
    say "ignoring FLEETTICKETS_PG_FAST=1: the benchmark wants durable settings"
fi
url="$(FLEETTICKETS_PG_FAST=0 scripts/local-postgis.sh start | tail -n 1)"

started_s3=0
if ! scripts/local-s3.sh status >/dev/null 2>&1; then started_s3=1; fi
s3_url="$(scripts/local-s3.sh start | tail -n 1)"
cleanup() {
    if (( started_s3 )); then scripts/local-s3.sh stop >&2 || true; fi
}
trap cleanup EXIT

# The read-ahead drain runs ROUNDS times (default 3; the median is the figure), each into a
# database of its own.
ROUNDS="${ROUNDS:-3}"
ahead_urls=()
reset_sql=()
for ((r = 1; r <= ROUNDS; r++)); do
    ahead_urls+=("${url%/*}/ft_bench_s3_r$r")
    reset_sql+=(-c "DROP DATABASE IF EXISTS ft_bench_s3_r$r WITH (FORCE)" -c "CREATE DATABASE ft_bench_s3_r$r")
done
direct_url="${url%/*}/ft_bench_s3_direct"
memory_url="${url%/*}/ft_bench_s3_memory"
copy_url="${url%/*}/ft_bench_s3_copy"
psql -X -q -v ON_ERROR_STOP=1 -d "${url%/*}/postgres" "${reset_sql[@]}" \
    -c "DROP DATABASE IF EXISTS ft_bench_s3 WITH (FORCE)" \
    -c "DROP DATABASE IF EXISTS ft_bench_s3_direct WITH (FORCE)" -c "CREATE DATABASE ft_bench_s3_direct" \
    -c "DROP DATABASE IF EXISTS ft_bench_s3_memory WITH (FORCE)" -c "CREATE DATABASE ft_bench_s3_memory" \
    -c "DROP DATABASE IF EXISTS ft_bench_s3_copy WITH (FORCE)" -c "CREATE DATABASE ft_bench_s3_copy" >&2

swift build -c release --product fleettickets >&2
scripts/bench/build-benchmarks.sh s3-bench
cli="$PWD/.build/release/fleettickets"
ahead_args=()
for ahead_url in "${ahead_urls[@]}"; do
    DATABASE_URL="$ahead_url" "$cli" migrate >&2
    ahead_args+=(--read-ahead-db "$ahead_url")
done
DATABASE_URL="$direct_url" "$cli" migrate >&2
DATABASE_URL="$memory_url" "$cli" migrate >&2
DATABASE_URL="$copy_url" "$cli" migrate >&2

# The S3 server's PID, so the benchmark can count its CPU time in the breakdown.
pid_args=()
pid_file="${FLEETTICKETS_S3_DIR:-$PWD/.local/s3}/moto.pid"
if [[ -r "$pid_file" ]]; then pid_args=(--s3-pid "$(cat "$pid_file")"); fi

say "uploading and draining $TICKETS INC tickets over $DAYS day(s) of deltas (S3 at $s3_url)"
Benchmarks/.build/release/s3-bench --endpoint "$s3_url" "${ahead_args[@]}" --direct-db "$direct_url" --memory-db "$memory_url" --copy-archive-db "$copy_url" \
    --tickets "$TICKETS" --days "$DAYS" "${pid_args[@]}"
