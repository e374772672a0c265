#!/usr/bin/env bash
# Builds one product of the Benchmarks package in release mode:
#   scripts/bench/build-benchmarks.sh PRODUCT
# SwiftPM can go on planning that package with the parent package's old list of source files,
# so a file added there fails to resolve ("cannot find 'X' in scope"); its build description is
# removed first, which makes it plan again (the compiled objects stay).
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -f Benchmarks/.build/*/release/description.json
swift build -c release --package-path Benchmarks --product "$1" >&2
