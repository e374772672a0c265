#!/usr/bin/env bash
# Decode + clean throughput and peak memory of the ingest engine, one file of each size,
# compared with CSV.swift decoding the same file in the same invocation.
#   scripts/bench-core.sh [ROWS ...]      (default: 10000 100000 1000000)
#   scripts/bench-core.sh --quotes [MB ...]  a field of doubled quotes vs a plain one (default: 1 2 4 20)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bench/build-benchmarks.sh core-bench
exec Benchmarks/.build/release/core-bench "$@"
