#!/usr/bin/env bash
# Dispatch latency against its baseline on the local PostGIS, in one invocation:
#   (a) reporting.fn_dispatch_nearest(lat, lng, 10): the dashboard's / SDK's call (KNN on the
#       partial geog GiST indexes, exact spheroid ranking, SLA, JSON);
#   (b) tickets.dispatch_knn(lat, lng, 10): the KNN step alone;
#   (c) the full scan: every open placed ticket's ST_Distance, sorted, LIMIT 10 (no index);
# median and p95 over many random GPS fixes, and the ratio (c)/(a). Each fix's full-scan
# answer is compared with dispatch_knn's (must be identical).
#   scripts/bench-dispatch.sh [TICKETS [FIXES [BASELINE_FIXES]]]   (default: 200000 300 30)
# Tickets are generated with SQL (3/4 INC, 1/4 CRQ; 30 % open; 70 % around Nairobi, the rest
# across Kenya) in a fresh database ft_bench_dispatch (dropped and recreated) on the server of
# scripts/local-postgis.sh (FLEETTICKETS_PG_PORT); migrations are applied with psql, one
# transaction per file, as the runner does. Timings are server-side (clock_timestamp() around
# each call in PL/pgSQL): no network or client in the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
TICKETS="${1:-200000}"
FIXES="${2:-300}"
BASELINE_FIXES="${3:-30}"
say() { printf 'bench-dispatch: %s\n' "$*" >&2; }
for n in "$TICKETS" "$FIXES" "$BASELINE_FIXES"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || { say "arguments must be positive whole numbers, got '$n'"; exit 2; }
done

if [[ "${FLEETTICKETS_PG_FAST:-0}" == 1 ]]; then
    say "note: FLEETTICKETS_PG_FAST=1 only affects durability of writes; these figures are reads"
fi
url="$(scripts/local-postgis.sh start | tail -n 1)"
bench_url="${url%/*}/ft_bench_dispatch"
psql -X -q -v ON_ERROR_STOP=1 -d "${url%/*}/postgres" \
    -c "DROP DATABASE IF EXISTS ft_bench_dispatch WITH (FORCE)" -c "CREATE DATABASE ft_bench_dispatch" >&2
for f in migrations/*.sql; do
    psql -X -q -1 -v ON_ERROR_STOP=1 -d "$bench_url" -c "SET client_min_messages = warning" -f "$f" >&2
done

say "generating $TICKETS tickets"
psql -X -q -v ON_ERROR_STOP=1 -d "$bench_url" -v n="$TICKETS" <<'SQL' >&2
SELECT setseed(0.42) \g /dev/null
CREATE TEMP TABLE gen AS
SELECT g,
       CASE WHEN g % 4 = 0 THEN 'crq' ELSE 'inc' END AS dataset,
       random() < 0.30 AS open,
       random() < 0.70 AS nairobi,
       random() AS u1, random() AS u2, random() AS u3
  FROM generate_series(1, :n) g;
-- One statement per dataset: INC's clock is created_at_service, CRQ's first_seen_at.
SELECT format($q$
    INSERT INTO tickets.%1$s (ticket_id, raw)
    SELECT %2$L || lpad(g::text, 8, '0'),
           jsonb_build_object('ticket_id', %2$L || lpad(g::text, 8, '0'), 'is_actionable', open::text,
               'latitude', round((CASE WHEN nairobi THEN -1.29 + (u1 - 0.5) * 0.6 ELSE -4.5 + u1 * 9 END)::numeric, 6)::text,
               'longitude', round((CASE WHEN nairobi THEN 36.82 + (u2 - 0.5) * 0.6 ELSE 34 + u2 * 7.5 END)::numeric, 6)::text,
               %3$L, to_char(now() AT TIME ZONE 'Africa/Nairobi' - u3 * interval '300 hours', 'YYYY-MM-DD HH24:MI:SS'),
               'cluster', 'CL' || (g %% 40))
      FROM gen WHERE dataset = %1$L
    $q$, d.name, upper(d.name), d.clock)
  FROM (VALUES ('inc', 'created_at_service'), ('crq', 'first_seen_at')) d(name, clock) \gexec
VACUUM ANALYZE tickets.inc;
VACUUM ANALYZE tickets.crq;
SQL

say "timing $FIXES fixes (full scan: the first $BASELINE_FIXES)"
psql -X -q -v ON_ERROR_STOP=1 -d "$bench_url" -v fixes="$FIXES" -v base="$BASELINE_FIXES" <<'SQL'
SELECT setseed(0.7) \g /dev/null
CREATE TEMP TABLE fix AS
SELECT i, -1.29 + (random() - 0.5) * 0.6 AS lat, 36.82 + (random() - 0.5) * 0.6 AS lng FROM generate_series(1, :fixes) i;
CREATE TEMP TABLE timing (what text, i int, ms double precision, ids text);
SELECT set_config('bench.base', :'base', false) \g /dev/null
-- Warm-up: the first call in a session loads PostGIS's spheroid and builds the plans.
SELECT reporting.fn_dispatch_nearest(-1.29, 36.82, 10) IS NOT NULL AS warm \g /dev/null
DO $$
DECLARE
    f record; t0 timestamptz; j jsonb; s text;
    base int := current_setting('bench.base')::int;
BEGIN
    FOR f IN SELECT * FROM fix ORDER BY i LOOP
        t0 := clock_timestamp();
        j := reporting.fn_dispatch_nearest(f.lat, f.lng, 10);
        INSERT INTO timing VALUES ('fn_dispatch_nearest(k=10, distance)', f.i, extract(epoch FROM clock_timestamp() - t0) * 1000, NULL);

        t0 := clock_timestamp();
        j := reporting.fn_dispatch_nearest(f.lat, f.lng, 10, 5, 'urgency');
        INSERT INTO timing VALUES ('fn_dispatch_nearest(k=10, 5 km, urgency)', f.i, extract(epoch FROM clock_timestamp() - t0) * 1000, NULL);

        t0 := clock_timestamp();
        SELECT string_agg(k.dataset || '/' || k.ticket_id, ',' ORDER BY k.distance_m, k.dataset COLLATE "C", k.ticket_id COLLATE "C")
          INTO s FROM tickets.dispatch_knn(f.lat, f.lng, 10) k;
        INSERT INTO timing VALUES ('dispatch_knn(k=10): KNN step alone', f.i, extract(epoch FROM clock_timestamp() - t0) * 1000, s);

        IF f.i <= base THEN
            t0 := clock_timestamp();
            SELECT string_agg(x.ds || '/' || x.ticket_id, ',' ORDER BY x.d, x.ds COLLATE "C", x.ticket_id COLLATE "C") INTO s
              FROM (SELECT a.ds, a.ticket_id, a.d
                      FROM (SELECT 'inc' AS ds, ticket_id, ST_Distance(geog, tickets.dispatch_point(f.lat, f.lng)) AS d
                              FROM tickets.inc WHERE is_actionable AND geog IS NOT NULL
                            UNION ALL
                            SELECT 'crq', ticket_id, ST_Distance(geog, tickets.dispatch_point(f.lat, f.lng))
                              FROM tickets.crq WHERE is_actionable AND geog IS NOT NULL) a
                     ORDER BY a.d, a.ds COLLATE "C", a.ticket_id COLLATE "C" LIMIT 10) x;
            INSERT INTO timing VALUES ('full scan: ORDER BY ST_Distance LIMIT 10', f.i, extract(epoch FROM clock_timestamp() - t0) * 1000, s);
        END IF;
    END LOOP;
END
$$;
\pset footer off
SELECT (SELECT count(*) FROM tickets.inc) + (SELECT count(*) FROM tickets.crq) AS tickets,
       (SELECT count(*) FROM tickets.inc WHERE is_actionable) + (SELECT count(*) FROM tickets.crq WHERE is_actionable) AS open_tickets,
       (SELECT count(*) FROM fix) AS fixes,
       current_setting('bench.base')::int AS full_scan_fixes,
       (SELECT count(*) FROM timing k JOIN timing b ON b.i = k.i AND b.what LIKE 'full scan%'
         WHERE k.what LIKE 'dispatch_knn%' AND k.ids IS DISTINCT FROM b.ids) AS answers_differing_from_full_scan;
SELECT what AS query, count(*) AS calls,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 3) AS median_ms,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 3) AS p95_ms
  FROM timing GROUP BY what ORDER BY median_ms;
WITH m AS (SELECT what, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS med,
                  percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95 FROM timing GROUP BY what)
SELECT round((SELECT med FROM m WHERE what LIKE 'full scan%') / (SELECT med FROM m WHERE what = 'fn_dispatch_nearest(k=10, distance)'))::text || 'x'
           AS "full scan / fn_dispatch_nearest (median)",
       round((SELECT p95 FROM m WHERE what LIKE 'full scan%') / (SELECT p95 FROM m WHERE what = 'fn_dispatch_nearest(k=10, distance)'))::text || 'x'
           AS "(p95)",
       round((SELECT med FROM m WHERE what LIKE 'full scan%') / (SELECT med FROM m WHERE what LIKE 'dispatch_knn%'))::text || 'x'
           AS "full scan / KNN step (median)";
SQL
