#!/usr/bin/env bash
# The main job on the embedded default, from a fresh machine: starts a private PostGIS,
# creates a fresh demo database, migrates it, simulates a change stream for both datasets that
# ends now, applies it day by day (INC and CRQ, --apply, history captured at each day's end), shows the status and a sample of the map payload, and ends
# by writing the one-page HTML report (.local/report.html) and printing its path.
#
#   scripts/demo.sh [--tickets N] [--days D] [--seed S]
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for pkg in libpq-dev libcurl4-openssl-dev libssl-dev pkg-config; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
if [ ${#missing[@]} -gt 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

say "Starting the local PostGIS"
server_url=$(scripts/local-postgis.sh start | tail -n 1)
admin_url="${server_url%/*}/postgres"
psql "$admin_url" -qc "DROP DATABASE IF EXISTS fleettickets_demo" -c "CREATE DATABASE fleettickets_demo"
export DATABASE_URL="${server_url%/*}/fleettickets_demo"
echo "DATABASE_URL=$DATABASE_URL"

say "Building fleettickets"
swift build --product fleettickets >&2
bin=$(swift build --show-bin-path)/fleettickets

say "Migrating"
"$bin" migrate

stream=.local/demo-stream        # the export folder ingest reads, filled one simulated day at a time
generated=.local/demo-generated  # the whole simulated stream, waiting to be "exported"
rm -rf "$stream" "$generated"
say "Simulating a change stream that ends now into $generated"
[ $# -gt 0 ] || set -- --tickets 600 --days 3
# The stream ends at the last export slot (every 20 min, 06:00-20:40 EAT) at or before now, so
# the report shows fresh data, tickets in several SLA states and days of backlog history.
"$bin" simulate --out "$generated" --until now "$@"

# The simulated days are applied in order, as the export would have delivered them: each day's
# files move into the export folder, ingest applies them, and the history is captured at that
# day's last export instant with `history capture --at` (the ingest's own capture runs at the
# real now(); the capture at the past instant then writes that day's backlog row, so the backlog
# chart gets one point per day).
for ds in inc crq; do mkdir -p "$stream/automations/$ds/changes"; done
days=$(ls "$generated/automations/inc/changes" | cut -c1-10 | sort -u)
first=1
for day in $days; do
    say "Simulated day $day: its files arrive, ingest applies them, history is captured at its last export"
    for ds in inc crq; do
        last=$(cd "$generated/automations/$ds/changes" && ls "${day}T"*.csv | tail -n 1)
        mv "$generated/automations/$ds/changes/${day}T"*.csv "$stream/automations/$ds/changes/"
        if [ $first = 1 ]; then
            say "Dry run: ingest $ds"
            "$bin" ingest "$ds" --dir "$stream" | tail -n 4
        fi
        "$bin" ingest "$ds" --dir "$stream" --apply | sed -n '1,2p'
        stamp=${last%.csv}
        at="${stamp:0:10}T${stamp:11:2}:${stamp:14:2}"
        "$bin" history capture "$ds" --at "$at" | sed "s/^/  $ds history captured at $at EAT: /"
    done
    first=0
done
say "A second run has nothing to do (and says nothing)"
"$bin" ingest inc --dir "$stream" --apply
echo "(exit status $?)"

say "Geocoding with the shipped gazetteer (offline): clusters, then the places of open tickets"
"$bin" geocode clusters --provider gazetteer --gazetteer data/gazetteer-kenya.csv --apply
"$bin" geocode locations --provider gazetteer --gazetteer data/gazetteer-kenya.csv --apply

say "Status"
"$bin" status --dir "$stream"

say "SLA view and the daily snapshot"
psql "$DATABASE_URL" -c "SELECT sla_state, sla_clock_source, count(*) FROM tickets.inc_open_sla GROUP BY 1, 2 ORDER BY 1, 2" \
                     -c "SELECT snapshot_date, open_total, open_breached, closed_today FROM tickets.inc_daily_snapshot"
say "Map payload sample: reporting.fn_tickets_for_map()"
psql "$DATABASE_URL" -Atc "SELECT jsonb_pretty(jsonb_build_object('type', m->'type', 'summary', m->'summary', 'features (first 2 of ' || jsonb_array_length(m->'features') || ')', COALESCE((SELECT jsonb_agg(f) FROM (SELECT f FROM jsonb_array_elements(m->'features') f LIMIT 2) x), '[]'::jsonb))) FROM reporting.fn_tickets_for_map() m"

say "The report: one self-contained HTML page (opens in any browser, no network needed)"
"$bin" report --out .local/report.html
