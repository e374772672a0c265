#!/usr/bin/env bash
# The idle cost of `fleettickets run`: CPU seconds the worker spends per tick when nothing is
# new (one listing per dataset, nothing written), scaled to an hour at the default 60 s tick,
# against a baseline measured in the same invocation: the CPU of the cron equivalent, one
# no-op `ingest inc --apply` plus one `ingest crq --apply` process (start, connect, list).
#   scripts/bench-worker.sh [SECONDS [RUNS]]   (default: 60 s of 1 s ticks, 10 cron pairs)
# Uses a fresh database ft_bench_worker (dropped and recreated) on the server of
# scripts/local-postgis.sh and a fresh bucket on the S3 server of scripts/local-s3.sh (stopped
# again at the end if this script started it). Counts the worker's own CPU only
# (/proc/PID/stat utime + stime); the database's and the S3 server's work is theirs.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN="${1:-60}"
RUNS="${2:-10}"
say() { printf 'bench-worker: %s\n' "$*" >&2; }
command -v python3 >/dev/null || { say "needs python3 (apt-get install -y python3)"; exit 2; }
command -v curl >/dev/null || { say "needs curl (apt-get install -y curl)"; exit 2; }

url="$(FLEETTICKETS_PG_FAST=0 scripts/local-postgis.sh start | tail -n 1)"
started_s3=0
if ! scripts/local-s3.sh status >/dev/null 2>&1; then started_s3=1; fi
s3_url="$(scripts/local-s3.sh start | tail -n 1)"
worker_pid=""
cleanup() {
    if [[ -n "$worker_pid" ]]; then kill "$worker_pid" 2>/dev/null || true; fi
    if (( started_s3 )); then scripts/local-s3.sh stop >&2 || true; fi
}
trap cleanup EXIT

bench_url="${url%/*}/ft_bench_worker"
psql -X -q -v ON_ERROR_STOP=1 -d "${url%/*}/postgres" \
    -c "DROP DATABASE IF EXISTS ft_bench_worker WITH (FORCE)" -c "CREATE DATABASE ft_bench_worker" >&2
swift build -c release --product fleettickets >&2
cli="$PWD/.build/release/fleettickets"

export DATABASE_URL="$bench_url" RUSTFS_ENDPOINT="$s3_url" RUSTFS_ACCESS_KEY=bench RUSTFS_SECRET_KEY=bench-secret
export TICKETS_BUCKET="ft-bench-worker-$$"
"$cli" migrate >&2
# A bucket with a stream already applied: the watermark is set, changes/ is empty.
curl -fsS -X PUT "$s3_url/$TICKETS_BUCKET" >/dev/null
work="$(mktemp -d "${TMPDIR:-/tmp}/fleettickets-bench-worker.XXXXXX")"
trap 'cleanup; rm -rf "$work"' EXIT
"$cli" simulate --out "$work" --tickets 300 --days 1 >&2
(cd "$work" && find automations -name '*.csv' | while read -r key; do
    curl -fsS -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$key" "$s3_url/$TICKETS_BUCKET/$key" >/dev/null
done)
"$cli" ingest inc --apply >&2
"$cli" ingest crq --apply >&2

clk=$(getconf CLK_TCK)
cpu_of() { awk -v clk="$clk" '{ print ($14 + $15) / clk }' "/proc/$1/stat"; }

say "baseline: $RUNS no-op cron runs (ingest inc --apply; ingest crq --apply)"
baseline=$(python3 - "$cli" "$RUNS" <<'PY'
import resource, subprocess, sys
cli, runs = sys.argv[1], int(sys.argv[2])
before = resource.getrusage(resource.RUSAGE_CHILDREN)
for _ in range(runs):
    for ds in ("inc", "crq"):
        subprocess.run([cli, "ingest", ds, "--apply"], check=True)
after = resource.getrusage(resource.RUSAGE_CHILDREN)
print((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / runs)
PY
)

say "worker: run --every 1s for $SECONDS_TO_RUN s with nothing new"
"$cli" run --every 1s --log-format json 2>"$work/worker.log" &
worker_pid=$!
sleep 3   # start-up, first connection and first ticks are not the idle cost
cpu0=$(cpu_of "$worker_pid"); t0=$(date +%s.%N)
sleep "$SECONDS_TO_RUN"
cpu1=$(cpu_of "$worker_pid"); t1=$(date +%s.%N)
kill -TERM "$worker_pid"; wait "$worker_pid" || { say "the worker did not exit 0"; exit 1; }
worker_pid=""
written=$(psql -X -Atq -d "$bench_url" -c "SELECT count(*) FROM tickets.ingest_runs WHERE mode = 'worker'")

python3 - "$cpu0" "$cpu1" "$t0" "$t1" "$baseline" "$written" <<'PY'
import sys
cpu0, cpu1, t0, t1, baseline = map(float, sys.argv[1:6])
written = int(sys.argv[6])
ticks = (t1 - t0) / 1.0
per_tick = (cpu1 - cpu0) / ticks
print(f"idle worker: {cpu1 - cpu0:.3f} CPU s over {t1 - t0:.1f} s of 1 s ticks = {per_tick * 1000:.2f} ms per tick (both datasets)")
print(f"at the default 60 s tick: {per_tick * 60:.3f} CPU s per hour ({per_tick * 60 * 24:.2f} s per day)")
print(f"baseline, the cron equivalent (one no-op ingest inc + crq process pair): {baseline * 1000:.1f} ms CPU")
print(f"ratio: one idle tick costs {per_tick / baseline:.3f} of a no-op cron pair")
print(f"run records written by idle ticks: {written} (expected 0)")
PY
