#!/usr/bin/env bash
# The full-stream drain against a loader in the style of the Python tool it replaces and the
# COPY floors, side by side in one invocation on one durable server:
#   scripts/bench-drain.sh [SCALE] [--rounds N] [--levers a,b,…] [--only ours,seed,…] [--keep]
# SCALE 1 (default): 25 files, ~460k rows, ~160 MB — a 200k-ticket baseline, 23 deltas and a
# full-state re-emission of 209,200 tickets (scripts/bench/gen_stream.py); 0.1 is a quick run.
# Prints a table of wall seconds, client and server CPU seconds and the ratio of the
# seed-style loader's wall time to each loader's; see scripts/bench/drain_bench.py. Ours and
# the seed-style loader run 3 rounds each, alternately (--rounds); the table shows the median
# round of each and the goal is judged on their ratio.
# Uses databases ft_drain_* (dropped and recreated, then dropped) on the server of
# scripts/local-postgis.sh started with durable settings (FLEETTICKETS_PG_PORT is honoured).
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=1
if [[ $# -gt 0 && "$1" != --* ]]; then SCALE="$1"; shift; fi
say() { printf 'bench-drain: %s\n' "$*" >&2; }

if [[ "${FLEETTICKETS_PG_FAST:-0}" == 1 ]]; then
    say "ignoring FLEETTICKETS_PG_FAST=1: the benchmark wants durable settings"
fi
url="$(FLEETTICKETS_PG_FAST=0 scripts/local-postgis.sh start | tail -n 1)"

# The baseline loader is Python + psycopg2, as the tool it stands for.
command -v python3 >/dev/null 2>&1 || {
    say "installing python3 (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3 python3-pip >&2
}
if ! python3 -c 'import psycopg2' 2>/dev/null; then
    say "installing psycopg2-binary (pip)"
    python3 -m pip install -q psycopg2-binary >&2 2>/dev/null \
        || python3 -m pip install -q --break-system-packages psycopg2-binary >&2
fi

swift build -c release --product fleettickets >&2
cli="$PWD/.build/release/fleettickets"

# The stream is deterministic: generated once per scale and kept for later runs.
stream="${FLEETTICKETS_BENCH_DIR:-${TMPDIR:-/tmp}/fleettickets-bench-drain}/scale-$SCALE"
if [[ ! -f "$stream/.complete" ]]; then
    say "generating the stream (scale $SCALE) in $stream"
    rm -rf "$stream"
    python3 scripts/bench/gen_stream.py "$stream" --scale "$SCALE" >&2
    touch "$stream/.complete"
fi
python3 scripts/bench/drain_bench.py --server "$url" --cli "$cli" --stream "$stream" "$@"
