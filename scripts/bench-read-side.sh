#!/usr/bin/env bash
# The read side's cost against the length of the history, in one invocation on the local PostGIS.
# Two databases get the same open set (INC_OPEN INC + CRQ_OPEN CRQ tickets) over a short and a
# long history (SMALL and LARGE INC tickets at ~913 a day, CRQ a tenth of that; see
# scripts/bench-read-side/generate.sql), and every call is timed at both sizes:
#   live path      the map, both dashboards (today), both open-SLA views, dispatch
#   windowed       dashboard windows, fn_trends, fn_team_closures, fn_report_snapshot, and
#                  `fleettickets report --dataset inc` (release CLI, wall time, median of 3)
#   per run        capture_history() after a run that changed RUN_TICKETS tickets
#   upgrade        migrations 27+ applied to the populated database (built at 26), then the
#                  first capture after them; and a takeover's first capture into an empty
#                  closure log with the current definitions (in a transaction rolled back)
#   write side     `fleettickets ingest inc --apply` (release CLI, wall time) of one simulated
#                  day (45 change files) into an empty database and into each populated one
# Each figure is the median of 5 timed calls inside the server (clock_timestamp()) after one
# warm-up call; growth = large / small. The floor is building the JSON of the open features
# from typed columns alone, as json cast to jsonb, and again as rows turned into jsonb at once
# (scripts/bench-read-side/floor.sql; the script checks both give the same jsonb). With BASE=1
# every database stays at migration 26 (the figures before the read-side migrations), so the
# script prints "before" and "after" alike.
#   scripts/bench-read-side.sh [SMALL [LARGE]]   (default 100000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
SMALL="${1:-100000}"
LARGE="${2:-1000000}"
INC_OPEN="${INC_OPEN:-2000}"
CRQ_OPEN="${CRQ_OPEN:-200}"
RUN_TICKETS="${RUN_TICKETS:-300}"
BASE="${BASE:-0}"
say() { printf 'bench-read-side: %s\n' "$*" >&2; }

url="$(scripts/local-postgis.sh start | tail -n 1)"
server="${url%/*}"
q() { psql -X -qAt -v ON_ERROR_STOP=1 -d "$server/$1" -c "$2"; }
# One timed call of $2 on database $1, in milliseconds.
ms() { q "$1" "SELECT public.bench_ms(\$q\$$2\$q\$)"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# The median of 5 calls after a warm-up, all in one session (plans and caches warm).
med() {
    local call="SELECT public.bench_ms(\$q\$$2\$q\$);"
    printf '%s\n' "$call" "$call" "$call" "$call" "$call" "$call" |
        psql -X -qAt -v ON_ERROR_STOP=1 -d "$server/$1" | tail -n 5 | median
}
# A migration's name without .sql sorts before "27" when it is one of 01–26.
old_migration() { [[ "$(basename "$1")" < "27" ]]; }

declare -A result
build() {
    local size="$1" db="ft_bench_rs_$1" f t0
    q postgres "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
    q postgres "CREATE DATABASE $db" >/dev/null
    for f in migrations/*.sql; do
        old_migration "$f" && psql -X -q -v ON_ERROR_STOP=1 -1 -d "$server/$db" -f "$f" >/dev/null 2>&1
    done
    say "$db: generating $size INC and $(( size / 10 )) CRQ tickets"
    psql -X -q -v ON_ERROR_STOP=1 -d "$server/$db" -v inc="$size" -v crq="$(( size / 10 ))" \
        -v inc_open="$INC_OPEN" -v crq_open="$CRQ_OPEN" -f scripts/bench-read-side/generate.sql >/dev/null
    q "$db" "CREATE FUNCTION public.bench_ms(q text) RETURNS numeric LANGUAGE plpgsql AS \$\$
             DECLARE t timestamptz := clock_timestamp();
             BEGIN EXECUTE q; RETURN round(extract(epoch FROM clock_timestamp() - t) * 1000, 1); END \$\$" >/dev/null
    psql -X -q -v ON_ERROR_STOP=1 -d "$server/$db" -f scripts/bench-read-side/floor.sql >/dev/null
    [[ "$(q "$db" "SELECT ($floor_sql) = public.bench_floor_rows()")" == t ]] || { say "$db: the two floors differ"; exit 1; }
    q "$db" "VACUUM ANALYZE" >/dev/null
    say "$db: first captures (empty log)"
    result[first_capture,$size]="$(ms "$db" "SELECT tickets.capture_history()")"
    ms "$db" "SELECT tickets.capture_crq_history()" >/dev/null
    q "$db" "VACUUM ANALYZE" >/dev/null
    if [[ "$BASE" != 1 ]]; then
        t0="$(date +%s%N)"
        for f in migrations/*.sql; do
            old_migration "$f" || psql -X -q -v ON_ERROR_STOP=1 -1 -d "$server/$db" -f "$f" >/dev/null
        done
        result[upgrade,$size]="$(( ($(date +%s%N) - t0) / 1000000 ))"
        result[capture_after_upgrade,$size]="$(ms "$db" "SELECT tickets.capture_history()")"
        ms "$db" "SELECT tickets.capture_crq_history()" >/dev/null
        q "$db" "VACUUM ANALYZE" >/dev/null
        say "$db: a takeover's first capture (empty log, current definitions, rolled back)"
        result[capture_empty_log,$size]="$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$server/$db" <<'SQL'
BEGIN;
TRUNCATE tickets.closure_events;
UPDATE tickets.history_state SET full_pass_due = true;
SELECT public.bench_ms('SELECT tickets.capture_history()');
ROLLBACK;
SQL
)"
    fi
}

# A run that changed $RUN_TICKETS tickets: that many closed INC tickets closed again a second
# later (so each yields a new closure), written as the ingest writes them, in its own
# transaction: typed columns written, and the tickets queued for the capture by the writer.
touch_run() {
    q "$1" "SET fleettickets.typed_columns = 'written';
            SELECT set_config('fleettickets.history_queued_by_writer', 'on', true);
            WITH written AS (
                UPDATE tickets.inc i SET closed_at = i.closed_at + interval '1 second', ingested_at = now(),
                       raw = i.raw || jsonb_build_object('closed_at', to_char((i.closed_at + interval '1 second') AT TIME ZONE 'Africa/Nairobi', 'YYYY-MM-DD HH24:MI:SS'))
                 WHERE i.ticket_id IN (SELECT ticket_id FROM tickets.inc WHERE NOT is_actionable
                                        ORDER BY ticket_id DESC OFFSET 10000 + (random() * 50000)::int LIMIT $RUN_TICKETS)
                RETURNING i.ticket_id)
            INSERT INTO tickets.history_pending (dataset, ticket_id) SELECT 'inc', ticket_id FROM written
            ON CONFLICT DO NOTHING" >/dev/null
}
per_run_capture() {
    local db="$1"
    for _ in 1 2 3 4 5 6; do touch_run "$db"; ms "$db" "SELECT tickets.capture_history()"; done | tail -n 5 | median
}

# The wall time of draining one simulated INC day (45 files) into database $1 with the CLI
# (from a fresh copy of the day: an applying run moves its files to processed/).
ingest_wall() {
    local t0
    rm -rf "$work/stream" && cp -r "$work/day" "$work/stream"
    t0="$(date +%s%N)"
    DATABASE_URL="$server/$1" "$cli" ingest inc --dir "$work/stream" --apply >/dev/null
    echo "$(( ($(date +%s%N) - t0) / 1000000 ))"
}

# The median wall time of 3 `fleettickets report --dataset inc` runs on database $1.
report_wall() {
    local t0
    for _ in 1 2 3; do
        t0="$(date +%s%N)"
        DATABASE_URL="$server/$1" "$cli" report --dataset inc --out "$work/report.html" >/dev/null
        echo "$(( ($(date +%s%N) - t0) / 1000000 ))"
    done | median
}

floor_sql="SELECT jsonb_agg(json_build_object('type', 'Feature', 'geometry', ST_AsGeoJSON(a.geom)::json,
             'properties', json_build_object('dataset', a.dataset, 'ticket_id', a.ticket_id, 'normalized_status', a.normalized_status,
               'raw_status', a.raw_status, 'bucket', a.bucket, 'is_actionable', a.is_actionable, 'cluster', a.cluster,
               'region', a.region, 'location_name', a.location_name, 'assigned_team', a.assigned_team, 'owner', a.owner,
               'sla_status', a.sla_status, 'created_at_service', a.created_at_service, 'closed_at', a.closed_at,
               'mttr_minutes', a.mttr, 'geo_source', a.geo_source))::jsonb ORDER BY a.dataset, a.ticket_id)
           FROM (SELECT 'inc' AS dataset, * FROM tickets.inc WHERE is_actionable AND geom IS NOT NULL
                 UNION ALL SELECT 'crq', * FROM tickets.crq WHERE is_actionable AND geom IS NOT NULL) a"

labels=(); queries=()
add() { labels+=("$1"); queries+=("$2"); }
add "live: fn_tickets_for_map(true)" "SELECT reporting.fn_tickets_for_map(true)"
add "live: fn_inc_dashboard() (today)" "SELECT reporting.fn_inc_dashboard()"
add "live: fn_crq_dashboard() (today)" "SELECT reporting.fn_crq_dashboard()"
add "live: inc_open_sla (all rows)" "SELECT * FROM tickets.inc_open_sla"
add "live: crq_open_sla (all rows)" "SELECT * FROM tickets.crq_open_sla"
add "live: fn_dispatch_nearest(…, 10)" "SELECT reporting.fn_dispatch_nearest(-1.2, 36.8, 10)"
add "floor: JSON of the open features" "$floor_sql"
add "floor: the same as rows, to_jsonb once" "SELECT public.bench_floor_rows()"
add "win: fn_inc_dashboard(last_30_days)" "SELECT reporting.fn_inc_dashboard(NULL, NULL, 'last_30_days')"
add "win: fn_crq_dashboard(last_7_days)" "SELECT reporting.fn_crq_dashboard(NULL, NULL, 'last_7_days')"
add "win: fn_trends inc 90 d, day" "SELECT reporting.fn_trends('inc', tickets.eat_today() - 89, tickets.eat_today(), 'day', 'none')"
add "win: fn_trends inc 365 d, week x team" "SELECT reporting.fn_trends('inc', tickets.eat_today() - 364, tickets.eat_today(), 'week', 'team')"
add "win: fn_trends crq 90 d, day x cluster" "SELECT reporting.fn_trends('crq', tickets.eat_today() - 89, tickets.eat_today(), 'day', 'cluster')"
add "win: fn_team_closures inc 90 d, owner" "SELECT reporting.fn_team_closures('inc', tickets.eat_today() - 89, tickets.eat_today(), true)"
add "win: fn_report_snapshot(all, 30 d)" "SELECT reporting.fn_report_snapshot('all')"

swift build -c release --product fleettickets >&2
cli="$PWD/.build/release/fleettickets"
work="$(mktemp -d "${TMPDIR:-/tmp}/fleettickets-bench-read-side.XXXXXX")"
trap 'rm -rf "$work"' EXIT
"$cli" simulate --out "$work/day" --tickets 2000 --days 1 --dataset inc >/dev/null
q postgres "DROP DATABASE IF EXISTS ft_bench_rs_empty WITH (FORCE)" >/dev/null
q postgres "CREATE DATABASE ft_bench_rs_empty" >/dev/null
for f in migrations/*.sql; do
    if [[ "$BASE" != 1 ]] || old_migration "$f"; then psql -X -q -v ON_ERROR_STOP=1 -1 -d "$server/ft_bench_rs_empty" -f "$f" >/dev/null 2>&1; fi
done
result[ingest_empty]="$(ingest_wall ft_bench_rs_empty)"

for size in "$SMALL" "$LARGE"; do
    build "$size"
    db="ft_bench_rs_$size"
    say "$db: timing"
    for i in "${!labels[@]}"; do result[$i,$size]="$(med "$db" "${queries[$i]}")"; done
    result[run_capture,$size]="$(per_run_capture "$db")"
    result[report,$size]="$(report_wall "$db")"
    result[ingest,$size]="$(ingest_wall "$db")"
    result[rows,$size]="$(q "$db" "SELECT pg_size_pretty(pg_total_relation_size('tickets.inc'))")"
done

row() { awk -v l="$1" -v a="$2" -v b="$3" 'BEGIN { g = (a > 0 && b != "") ? sprintf("%.2f×", b / a) : "-";
                                                    printf "%-40s %10s ms %10s ms   %s\n", l, a, b, g }'; }
echo
echo "read side, $( [[ "$BASE" == 1 ]] && echo "migrations 01-26 only" || echo "all migrations" ); INC $SMALL vs $LARGE tickets" \
     "(tickets.inc ${result[rows,$SMALL]} vs ${result[rows,$LARGE]}), $INC_OPEN INC + $CRQ_OPEN CRQ open"
printf '%-40s %13s %13s   %s\n' "call" "$SMALL" "$LARGE" "growth"
for i in "${!labels[@]}"; do row "${labels[$i]}" "${result[$i,$SMALL]}" "${result[$i,$LARGE]}"; done
row "run: capture_history() after $RUN_TICKETS changed" "${result[run_capture,$SMALL]}" "${result[run_capture,$LARGE]}"
row "first capture_history() (empty log, 26)" "${result[first_capture,$SMALL]}" "${result[first_capture,$LARGE]}"
row "win: fleettickets report --dataset inc (wall)" "${result[report,$SMALL]}" "${result[report,$LARGE]}"
row "ingest inc --apply, 45 files (wall)" "${result[ingest,$SMALL]}" "${result[ingest,$LARGE]}"
row "  the same into an empty db; large/empty" "${result[ingest_empty]}" "${result[ingest,$LARGE]}"
if [[ "$BASE" != 1 ]]; then
    row "upgrade: migrations 27+ on the populated db" "${result[upgrade,$SMALL]}" "${result[upgrade,$LARGE]}"
    row "first capture_history() after the upgrade" "${result[capture_after_upgrade,$SMALL]}" "${result[capture_after_upgrade,$LARGE]}"
    row "first capture_history() into an empty log" "${result[capture_empty_log,$SMALL]}" "${result[capture_empty_log,$LARGE]}"
fi
