#!/usr/bin/env bash
# Runs every test: the hermetic suite and the integration suite against a real PostgreSQL +
# PostGIS and a real local S3 server, both started here (and installed first on a fresh
# Debian machine). Services this script started are stopped when it ends.
#
#   scripts/test.sh [swift test arguments…]
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'test: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# System libraries the package links (the service scripts install their own servers), and
# Debian's headless Chromium with a font for the report's browser check (BrowserCheckTests:
# rendered DOM + screenshot in .build/test-output/).
missing=()
for pkg in libpq-dev libcurl4-openssl-dev libssl-dev pkg-config chromium fonts-dejavu-core; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

started=()
auth_dir=.local/s3-auth
# Another port for a second checkout testing on the same machine (FLEETTICKETS_PG_PORT and
# FLEETTICKETS_S3_PORT move the other two servers).
auth_port="${FLEETTICKETS_S3_AUTH_PORT:-25434}"
cleanup() {
    for svc in "${started[@]}"; do "scripts/local-$svc.sh" stop >&2 || true; done
    FLEETTICKETS_S3_PORT=$auth_port FLEETTICKETS_S3_DIR="$auth_dir" scripts/local-s3.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

if ! scripts/local-postgis.sh status >/dev/null 2>&1; then started+=(postgis); fi
export FLEETTICKETS_PG_FAST=1
pg_url=$(scripts/local-postgis.sh start | tail -n 1)
if ! scripts/local-s3.sh status >/dev/null 2>&1; then started+=(s3); fi
s3_url=$(scripts/local-s3.sh start | tail -n 1)
# A second S3 server that checks signatures (with its own IAM user), for the credential tests.
auth_out=$(FLEETTICKETS_S3_PORT=$auth_port FLEETTICKETS_S3_DIR="$auth_dir" FLEETTICKETS_S3_AUTH=1 scripts/local-s3.sh start)
export FLEETTICKETS_TEST_S3_AUTH_ENDPOINT=$(tail -n 1 <<<"$auth_out")
read -r FLEETTICKETS_TEST_S3_AUTH_ACCESS_KEY FLEETTICKETS_TEST_S3_AUTH_SECRET_KEY < <(tail -n 2 <<<"$auth_out" | head -n 1)
export FLEETTICKETS_TEST_S3_AUTH_ACCESS_KEY FLEETTICKETS_TEST_S3_AUTH_SECRET_KEY

# The integration suite creates one database per test from a migrated template; drop the
# ones an earlier run left behind.
admin_url="${pg_url%/*}/postgres"
for db in $(psql "$admin_url" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'ft\_t\_%' OR datname = 'ft_template'"); do
    psql "$admin_url" -qc "DROP DATABASE IF EXISTS \"$db\"" >&2
done

export FLEETTICKETS_TEST_DATABASE_URL="$admin_url"
export FLEETTICKETS_TEST_S3_ENDPOINT="$s3_url"
say "PostgreSQL at $admin_url, S3 at $s3_url"
swift build --build-tests >&2
# At most 12 tests at once: the stores keep libpq off Swift's cooperative threads, so nothing
# throttles the suite any more, and every live test holds connections (the test server allows
# 100). Twelve keep the run as fast as unbounded on two cores, at about 25 connections.
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-12}"
swift test "$@"
# On a full run only (a filtered run is someone iterating on a suite): the dispatch-service
# example, the kill-point and concurrent-writer figures and the malformed-input corpus in their
# short form (full forms: scripts/reliability-crash.sh, scripts/malformed-corpus.sh), then the
# DocC build of every library module with warnings as errors, and schema/current.sql against
# the migrations.
if [ $# -eq 0 ]; then
    # The Hummingbird example is a package of its own (the library's graph stays free of NIO):
    # its hermetic route tests and its live test (the built service against these servers).
    example_started=$SECONDS
    swift build --build-tests --package-path Examples/dispatch-service >&2
    swift test --package-path Examples/dispatch-service
    say "Examples/dispatch-service: built and tested in $((SECONDS - example_started)) s"
    bin="$(swift build --show-bin-path)/fleettickets"
    FLEETTICKETS_BIN="$bin" scripts/reliability-crash.sh --short
    FLEETTICKETS_BIN="$bin" scripts/malformed-corpus.sh --short
    scripts/docs.sh
    FLEETTICKETS_BIN="$bin" scripts/schema-dump.sh --check
fi
