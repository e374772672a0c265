#!/usr/bin/env bash
# The read side's cost against its baselines, in one invocation on the local PostGIS:
#   - the INC SLA view, the INC dashboard and the INC history capture with every migration,
#     as ratios to the same calls on a database migrated only up to 19 (before the shared,
#     dataset-parameterised versions of migration 20);
#   - fn_trends and fn_team_closures (migration 21) as ratios to a full scan of tickets.inc.
# Both databases get the same synthetic tickets (a third open), closed over the 90 days before
# today. Each figure is the median of 5 timed calls inside the server (clock_timestamp()), base
# and new interleaved; the first capture (which logs every closure) is timed once.
#   scripts/bench-read-side.sh [TICKETS]   (default 200000)
set -euo pipefail
cd "$(dirname "$0")/.."
TICKETS="${1:-200000}"
say() { printf 'bench-read-side: %s\n' "$*" >&2; }

url="$(scripts/local-postgis.sh start | tail -n 1)"
server="${url%/*}"
for db in ft_bench_read_base ft_bench_read; do
    psql -X -q -v ON_ERROR_STOP=1 -d "$server/postgres" \
        -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >&2
done
for f in migrations/*.sql; do
    name="$(basename "$f")"
    psql -X -q -v ON_ERROR_STOP=1 -1 -d "$server/ft_bench_read" -f "$f" >/dev/null
    [[ "$name" < "20" ]] && psql -X -q -v ON_ERROR_STOP=1 -1 -d "$server/ft_bench_read_base" -f "$f" >/dev/null
done

say "loading $TICKETS INC tickets into both databases"
load="
SET client_min_messages = warning;
INSERT INTO tickets.inc (ticket_id, raw)
SELECT 'B' || g, jsonb_build_object(
         'is_actionable', CASE WHEN g % 3 = 0 THEN 'true' ELSE 'false' END,
         'created_at_service', to_char(now() AT TIME ZONE 'Africa/Nairobi' - interval '95 days'
                                       + (g % 8000) * interval '17 minutes', 'YYYY-MM-DD HH24:MI:SS'),
         'closed_at', CASE WHEN g % 3 = 0 THEN '' ELSE to_char(now() AT TIME ZONE 'Africa/Nairobi' - interval '95 days'
                                       + (g % 8000) * interval '17 minutes' + (g % 97) * interval '1 hour',
                                       'YYYY-MM-DD HH24:MI:SS') END,
         'cluster', 'C' || (g % 60), 'region', 'r' || (g % 7), 'assigned_team', 'team' || (g % 25),
         'owner', 'o' || (g % 200), 'mttr', '3.5', 'sla_status', 'Compliant')
  FROM generate_series(1, $TICKETS) g;
ANALYZE;
CREATE FUNCTION public.bench_ms(q text) RETURNS numeric LANGUAGE plpgsql AS \$\$
DECLARE t timestamptz := clock_timestamp();
BEGIN EXECUTE q; RETURN round(extract(epoch FROM clock_timestamp() - t) * 1000, 1); END \$\$;"
for db in ft_bench_read_base ft_bench_read; do psql -X -q -v ON_ERROR_STOP=1 -d "$server/$db" -c "$load" >/dev/null; done

# One timed call of $2 on database $1, in milliseconds.
ms() { psql -X -qAt -v ON_ERROR_STOP=1 -d "$server/$1" -c "SELECT public.bench_ms(\$q\$$2\$q\$)"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# "label" "query": base and new interleaved, 5 times each.
compare() {
    local base=() new=()
    for _ in 1 2 3 4 5; do base+=("$(ms ft_bench_read_base "$2")"); new+=("$(ms ft_bench_read "$2")"); done
    local b n
    b="$(printf '%s\n' "${base[@]}" | median)"; n="$(printf '%s\n' "${new[@]}" | median)"
    printf '%-34s %10s ms %10s ms   new/base %s\n' "$1" "$b" "$n" "$(ratio "$n" "$b")"
}
# "label" "query": new only, against the full scan.
against_scan() {
    local runs=() scans=()
    for _ in 1 2 3 4 5; do scans+=("$(ms ft_bench_read "$scan")"); runs+=("$(ms ft_bench_read "$2")"); done
    local s r
    s="$(printf '%s\n' "${scans[@]}" | median)"; r="$(printf '%s\n' "${runs[@]}" | median)"
    printf '%-34s %10s ms   full scan %s ms   ratio %s\n' "$1" "$r" "$s" "$(ratio "$r" "$s")"
}
scan="SELECT count(*) FROM tickets.inc WHERE raw IS NOT NULL"

echo "read side, $TICKETS INC tickets ($(( TICKETS / 3 )) open)          base (<=19)        new"
# Migration 10's capture reads the closure log while writing it; on a big first capture that
# can take tens of minutes, so the base gets at most $FIRST_LIMIT s (reported as "> limit").
FIRST_LIMIT="${FIRST_LIMIT:-120}"
n="$(ms ft_bench_read 'SELECT tickets.capture_history()')"
if b="$(PGOPTIONS="-c statement_timeout=${FIRST_LIMIT}s" ms ft_bench_read_base 'SELECT tickets.capture_history()' 2>/dev/null)"; then
    printf '%-34s %10s ms %10s ms   new/base %s\n' "first capture_history()" "$b" "$n" "$(ratio "$n" "$b")"
else
    # The base never finished: give it the new schema's log so the later comparisons see the
    # same history (both have the closures logged once).
    psql -X -q -v ON_ERROR_STOP=1 -d "$server/ft_bench_read_base" -c "
        INSERT INTO tickets.closure_events (ticket_id, closed_at, normalized_status, cluster, assigned_team, owner, mttr_minutes, sla_status)
        SELECT ticket_id, closed_at, normalized_status, cluster, assigned_team, owner, mttr, sla_status
          FROM tickets.inc WHERE is_actionable IS NOT TRUE AND closed_at IS NOT NULL;
        SELECT tickets.capture_history(); ANALYZE tickets.closure_events;" >/dev/null
    printf '%-34s %10s ms %10s ms   new/base < %s\n' "first capture_history()" "> $(( FIRST_LIMIT * 1000 ))" "$n" \
        "$(ratio "$n" "$(( FIRST_LIMIT * 1000 ))")"
fi
compare "capture_history() again" "SELECT tickets.capture_history()"
compare "inc_open_sla (count by state)" "SELECT sla_state, count(*) FROM tickets.inc_open_sla GROUP BY 1"
compare "fn_inc_dashboard(last_30_days)" "SELECT reporting.fn_inc_dashboard(p_window => 'last_30_days')"
against_scan "fn_trends 90 days by day" "SELECT reporting.fn_trends('inc', tickets.eat_today() - 89, tickets.eat_today())"
against_scan "fn_trends 90 days, weeks x cluster" \
    "SELECT reporting.fn_trends('inc', tickets.eat_today() - 89, tickets.eat_today(), 'week', 'cluster')"
against_scan "fn_team_closures 90 days by owner" \
    "SELECT reporting.fn_team_closures('inc', tickets.eat_today() - 89, tickets.eat_today(), true)"
