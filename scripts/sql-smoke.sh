#!/usr/bin/env bash
# Smoke test of the SQL read-schema against a real PostgreSQL + PostGIS.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:25432/fleettickets scripts/sql-smoke.sh
#   (without DATABASE_URL it uses scripts/local-postgis.sh url)
#
# Creates a scratch database next to the one in DATABASE_URL (the role needs CREATEDB),
# applies migrations/*.sql in name order, each in one transaction (as the runner does,
# without its ledger), then exercises every contract in one transaction and checks the
# answers. Any failed check stops it with a non-zero exit status. The scratch database is
# dropped afterwards unless SMOKE_KEEP=1.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$SCRIPT_DIR")"
PSQL="$(command -v psql || true)"
[[ -n "$PSQL" ]] || PSQL=/usr/lib/postgresql/15/bin/psql
[[ -x "$PSQL" ]] || { echo "sql-smoke: psql not found (install postgresql-client-15)" >&2; exit 1; }

DATABASE_URL="${DATABASE_URL:-$("$SCRIPT_DIR/local-postgis.sh" url)}"
case "$DATABASE_URL" in
    postgres://*/*|postgresql://*/*) ;;
    *) echo "sql-smoke: DATABASE_URL must be a postgres:// URI with a database name" >&2; exit 2 ;;
esac

# The scratch database's URL: same server, credentials and query string, another name.
SCRATCH="fleettickets_smoke_$$"
base="${DATABASE_URL%%\?*}"
query=""
[[ "$DATABASE_URL" == *\?* ]] && query="?${DATABASE_URL#*\?}"
SCRATCH_URL="${base%/*}/${SCRATCH}${query}"

psql_on() { "$PSQL" -X -q -v ON_ERROR_STOP=1 "$@"; }

cleanup() {
    if [[ "${SMOKE_KEEP:-0}" == 1 ]]; then
        echo "sql-smoke: kept scratch database ${SCRATCH}" >&2
    else
        psql_on -d "$DATABASE_URL" -c "DROP DATABASE IF EXISTS ${SCRATCH}" >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

psql_on -d "$DATABASE_URL" -c "CREATE DATABASE ${SCRATCH}"
echo "sql-smoke: scratch database ${SCRATCH}" >&2

# ---------------------------------------------------------------------------
# 1. migrations, in name order, one transaction each
# ---------------------------------------------------------------------------
start_ns=$(date +%s%N)
for f in "$REPO"/migrations/*.sql; do
    t0=$(date +%s%N)
    PGOPTIONS='-c client_min_messages=warning' psql_on --single-transaction -d "$SCRATCH_URL" -f "$f"
    printf 'sql-smoke: applied %-32s %5d ms\n' "$(basename "$f")" $(( ($(date +%s%N) - t0) / 1000000 )) >&2
done
printf 'sql-smoke: all migrations applied in %d ms\n' $(( ($(date +%s%N) - start_ns) / 1000000 )) >&2

# ---------------------------------------------------------------------------
# 2. contracts, in one transaction (one now(): no midnight races)
# ---------------------------------------------------------------------------
PGOPTIONS='-c client_min_messages=notice' psql_on --single-transaction -d "$SCRATCH_URL" <<'SQL'
\set QUIET on
\o /dev/null
SET TimeZone = 'Etc/UTC';

-- ---- check helpers ---------------------------------------------------------
CREATE TEMP TABLE smoke_passed (label text);
CREATE FUNCTION pg_temp.expect(label text, got anyelement, want anyelement) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF got IS DISTINCT FROM want THEN
        RAISE EXCEPTION 'FAILED %: got %, want %', label, coalesce(got::text, 'NULL'), coalesce(want::text, 'NULL');
    END IF;
    INSERT INTO smoke_passed VALUES (label);
END
$$;
-- Calls fn_inc_dashboard with the given SQL argument list and expects SQLSTATE 22023.
CREATE FUNCTION pg_temp.expect_bad_args(label text, args text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    msg text;
BEGIN
    BEGIN
        EXECUTE 'SELECT reporting.fn_inc_dashboard(' || args || ')';
    EXCEPTION WHEN invalid_parameter_value THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
        RAISE NOTICE 'ok (22023) %: %', label, msg;
        INSERT INTO smoke_passed VALUES (label);
        RETURN;
    END;
    RAISE EXCEPTION 'FAILED %: fn_inc_dashboard(%) did not raise 22023', label, args;
END
$$;
-- EAT wall-clock text (as the feed writes it) for an instant.
CREATE FUNCTION pg_temp.eat(ts timestamptz) RETURNS text
LANGUAGE sql AS $$ SELECT to_char(ts AT TIME ZONE 'Africa/Nairobi', 'YYYY-MM-DD HH24:MI:SS') $$;
-- EAT wall-clock text for a time on the EAT day `days_ago` days before today.
CREATE FUNCTION pg_temp.eat_day(days_ago integer, hhmmss text) RETURNS text
LANGUAGE sql AS $$
    SELECT to_char((now() AT TIME ZONE 'Africa/Nairobi')::date - days_ago, 'YYYY-MM-DD') || ' ' || hhmmss
$$;
-- A raw record as the ingest stores it: every kept column, "" when missing.
CREATE FUNCTION pg_temp.ticket(id text, fields jsonb) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT jsonb_build_object(
        'ticket_id', id, 'service_type', 'inc', 'raw_status', 'OPEN', 'normalized_status', 'open',
        'bucket', 'pending', 'is_actionable', 'true', 'is_alarm', 'false', 'is_auto_created', 'false',
        'is_auto_closed', 'false', 'cluster', '', 'region', '', 'location_name', '', 'latitude', '',
        'longitude', '', 'assigned_team', '', 'owner', '', 'sla_status', 'Compliant', 'mttr', '',
        'created_at_service', '', 'scheduled_at', '', 'closed_at', '', 'first_seen_at', '',
        'last_seen_at', '', 'source_created_at', '', 'source_updated_at', '') || fields
$$;
CREATE FUNCTION pg_temp.closed(id text, closed_at text, fields jsonb DEFAULT '{}') RETURNS jsonb
LANGUAGE sql AS $$
    SELECT pg_temp.ticket(id, jsonb_build_object(
        'raw_status', 'CLOSED', 'normalized_status', 'closed', 'bucket', 'closed', 'is_actionable', 'false',
        'cluster', 'KASARANI', 'region', 'nairobi', 'location_name', 'NW_KASARANI_MWIKI_FDT12',
        'assigned_team', 'Team North', 'owner', 'jdoe', 'mttr', '5.25', 'sla_status', 'Compliant',
        'created_at_service', pg_temp.eat(now() - interval '60 days'), 'closed_at', closed_at) || fields)
$$;

-- ---- eat_ts: every shape, under two session time zones ---------------------
CREATE TEMP TABLE eat_cases (input text, want_utc text);
INSERT INTO eat_cases VALUES
    ('2026-06-15 17:00:00',         '2026-06-15 14:00:00'),
    ('2026-06-15T17:00:00',         '2026-06-15 14:00:00'),
    ('2026-06-15T17:00',            '2026-06-15 14:00:00'),
    ('2026-06-15 17:00',            '2026-06-15 14:00:00'),
    ('2026-06-15 17:00:00.123',     '2026-06-15 14:00:00.123'),
    ('2026-06-15 17:00:00,5',       '2026-06-15 14:00:00.5'),
    ('2026-06-15 17:00:00.1234567', '2026-06-15 14:00:00.123456'),
    ('2026-06-15T17:00:00Z',        '2026-06-15 17:00:00'),
    ('2026-06-15t17:00:00z',        '2026-06-15 17:00:00'),
    ('2026-06-15 17:00:00+01:00',   '2026-06-15 16:00:00'),
    ('2026-06-15 17:00:00+0100',    '2026-06-15 16:00:00'),
    ('2026-06-15 17:00:00+01',      '2026-06-15 16:00:00'),
    ('2026-06-15 17:00:00-05:00',   '2026-06-15 22:00:00'),
    ('2026-06-15 17:00:00 +03:00',  '2026-06-15 14:00:00'),
    ('2026-06-15 17:00+03:00',      '2026-06-15 14:00:00'),
    ('2026-06-15 02:00:00',         '2026-06-14 23:00:00'),
    ('  2026-06-15 17:00:00  ',     '2026-06-15 14:00:00'),
    ('2026-06-15',                  '2026-06-14 21:00:00'),
    ('',                            NULL),
    ('   ',                         NULL),
    (NULL,                          NULL),
    ('garbage',                     NULL),
    ('2026-02-30 10:00:00',         NULL),
    ('2026-13-01 10:00:00',         NULL),
    ('2026-06-15 17:75:00',         NULL),
    ('2026-06-15 17:00:00.',        NULL),
    ('2026-06-15 17:00:00+3',       NULL),
    ('2026-06-15 17:00:00+16:00',   NULL),
    ('2026-06-15 17:00:00 EAT',     NULL),
    ('15/06/2026 17:00',            NULL),
    ('now',                         NULL),
    ('infinity',                    NULL);

SELECT pg_temp.expect('eat_ts(' || coalesce(quote_literal(input), 'NULL') || ') @UTC',
                      to_char(tickets.eat_ts(input) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'),
                      to_char(want_utc::timestamp, 'YYYY-MM-DD HH24:MI:SS.US'))
  FROM eat_cases;
SET LOCAL TimeZone = 'America/New_York';
SELECT pg_temp.expect('eat_ts(' || coalesce(quote_literal(input), 'NULL') || ') @New_York',
                      to_char(tickets.eat_ts(input) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'),
                      to_char(want_utc::timestamp, 'YYYY-MM-DD HH24:MI:SS.US'))
  FROM eat_cases;
SELECT pg_temp.expect('eat_ts instant @New_York', tickets.eat_ts('2026-06-15 17:00:00'), '2026-06-15 14:00:00+00'::timestamptz);
SET LOCAL TimeZone = 'Etc/UTC';

-- ---- to_bool / to_num --------------------------------------------------------
SELECT pg_temp.expect('to_bool(' || coalesce(quote_literal(v), 'NULL') || ')', tickets.to_bool(v), want)
  FROM (VALUES ('true', true), ('TRUE', true), ('True', true), ('t', true), ('1', true), ('yes', true),
               ('Y', true), ('false', false), ('FALSE', false), ('f', false), ('0', false), ('no', false),
               ('N', false), ('', NULL), ('  ', NULL), ('maybe', NULL), (NULL, NULL)) AS c(v, want);
SELECT pg_temp.expect('to_num(' || coalesce(quote_literal(v), 'NULL') || ')', tickets.to_num(v), want)
  FROM (VALUES ('1.5', 1.5::numeric), (' 2 ', 2), ('.5', 0.5), ('-3', -3), ('+4.', 4), ('', NULL), ('abc', NULL),
               ('1,5', NULL), ('1e3', NULL), ('NaN', NULL), ('-', NULL), ('1-2', NULL), (NULL, NULL))
       AS c(v, want);

-- ---- gazetteers ------------------------------------------------------------------
-- clusters given as latitude/longitude: geom is derived
INSERT INTO tickets.geo_clusters (cluster, latitude, longitude, provider, query)
VALUES ('KASARANI', -1.2219, 36.8986, 'gazetteer', 'Kasarani, Nairobi'),
       ('ROYSAMBU', -1.2176, 36.8844, 'gazetteer', 'Roysambu, Nairobi'),
       ('NOPOINT', NULL, NULL, 'gazetteer', 'nowhere');
SELECT pg_temp.expect('geo_clusters geom from lat/lng',
                      (SELECT round(ST_X(geom)::numeric, 4) || ',' || round(ST_Y(geom)::numeric, 4)
                         FROM tickets.geo_clusters WHERE cluster = 'KASARANI'), '36.8986,-1.2219');
-- locations: one hit (given as geom), one miss, one rejected
INSERT INTO tickets.geo_locations (location_name, cluster, query, status, geom, distance_km, provider)
VALUES ('NW_KASARANI_MWIKI_FDT12', 'KASARANI', 'Mwiki', 'hit',
        ST_SetSRID(ST_MakePoint(36.9367, -1.2150), 4326), 4.3, 'gazetteer');
INSERT INTO tickets.geo_locations (location_name, cluster, query, status, provider)
VALUES ('NW_ROYSAMBU_NOWHERE_SDUS', 'ROYSAMBU', 'Nowhere', 'miss', 'gazetteer');
INSERT INTO tickets.geo_locations (location_name, cluster, query, status, latitude, longitude, distance_km, provider)
VALUES ('ADR_MNT_ROYSAMBU_MOMBASA', 'ROYSAMBU', 'Mombasa', 'rejected', -4.0435, 39.6682, 440.1, 'gazetteer');
SELECT pg_temp.expect('geo_locations lat/lng from geom',
                      (SELECT latitude || ',' || longitude FROM tickets.geo_locations
                        WHERE location_name = 'NW_KASARANI_MWIKI_FDT12'), '-1.215,36.9367');

-- ---- tickets: inc ----------------------------------------------------------------
INSERT INTO tickets.inc (ticket_id, raw) VALUES
    -- open, breached (created 50 h ago), placed by location
    ('WOT0000001', pg_temp.ticket('WOT0000001', jsonb_build_object(
        'raw_status', 'IN PROGRESS', 'normalized_status', 'in_progress', 'cluster', 'KASARANI', 'region', 'nairobi',
        'location_name', 'NW_KASARANI_MWIKI_FDT12', 'assigned_team', 'Team North', 'owner', 'jdoe',
        'created_at_service', pg_temp.eat(now() - interval '50 hours'),
        'first_seen_at', pg_temp.eat(now() - interval '49 hours')))),
    -- open, at risk (no created_at_service; first seen 40 h ago), placed by cluster
    ('WOT0000002', pg_temp.ticket('WOT0000002', jsonb_build_object(
        'cluster', 'KASARANI', 'region', 'nairobi', 'location_name', 'NW_KASARANI_UNKNOWN_FDT3',
        'assigned_team', 'Team North', 'owner', 'asmith',
        'first_seen_at', pg_temp.eat(now() - interval '40 hours')))),
    -- open, within (2 h), feed coordinates win over everything
    ('WOT0000003', pg_temp.ticket('WOT0000003', jsonb_build_object(
        'cluster', 'ROYSAMBU', 'region', 'nairobi', 'location_name', 'NW_ROYSAMBU_NOWHERE_SDUS',
        'latitude', '-1.2000', 'longitude', '36.9000', 'assigned_team', 'Team East', 'owner', 'bkim',
        'created_at_service', pg_temp.eat(now() - interval '2 hours')))),
    -- open, no clock at all, miss location -> cluster
    ('WOT0000004', pg_temp.ticket('WOT0000004', jsonb_build_object(
        'cluster', 'ROYSAMBU', 'location_name', 'NW_ROYSAMBU_NOWHERE_SDUS', 'assigned_team', 'Team East'))),
    -- open, unplaced: unknown cluster, rejected location, out-of-range feed latitude
    ('WOT0000005', pg_temp.ticket('WOT0000005', jsonb_build_object(
        'cluster', 'NOPOINT', 'location_name', 'ADR_MNT_ROYSAMBU_MOMBASA', 'latitude', '95', 'longitude', '36.9',
        'created_at_service', pg_temp.eat(now() - interval '1 hour')))),
    -- closed today / yesterday / 5, 20, 40 days ago; boundary cases with explicit offsets
    ('WOT0000011', pg_temp.closed('WOT0000011', pg_temp.eat_day(0, '00:00:01'))),
    ('WOT0000012', pg_temp.closed('WOT0000012', pg_temp.eat_day(1, '12:00:00'), '{"sla_status": "Breached", "mttr": "50"}')),
    ('WOT0000013', pg_temp.closed('WOT0000013', pg_temp.eat_day(5, '12:00:00'), '{"cluster": "ROYSAMBU", "location_name": ""}')),
    ('WOT0000014', pg_temp.closed('WOT0000014', pg_temp.eat_day(20, '12:00:00'))),
    ('WOT0000015', pg_temp.closed('WOT0000015', pg_temp.eat_day(40, '12:00:00'))),
    ('WOT0000016', pg_temp.closed('WOT0000016', pg_temp.eat_day(0, '00:00:00') || '+03:00')),   -- first instant of today
    ('WOT0000017', pg_temp.closed('WOT0000017',                                                  -- last second of yesterday
        to_char((now() AT TIME ZONE 'Africa/Nairobi')::date - 1, 'YYYY-MM-DD') || 'T20:59:59Z')),
    -- closed today but unplaced (unknown cluster)
    ('WOT0000018', pg_temp.closed('WOT0000018', pg_temp.eat_day(0, '00:00:02'), '{"cluster": "ELSEWHERE", "location_name": ""}')),
    -- reopened: has closed_at today but is actionable again -> open, not closed
    ('WOT0000019', pg_temp.closed('WOT0000019', pg_temp.eat_day(0, '00:00:03'),
        jsonb_build_object('is_actionable', 'TRUE', 'normalized_status', 'open', 'mttr', '',
                           'created_at_service', pg_temp.eat(now() - interval '3 hours'))));

-- ---- tickets: crq ----------------------------------------------------------------
INSERT INTO tickets.crq (ticket_id, raw) VALUES
    ('CRQ0000001', pg_temp.ticket('CRQ0000001', jsonb_build_object(
        'service_type', 'crq', 'cluster', 'ROYSAMBU', 'region', 'nairobi', 'location_name', 'NW_ROYSAMBU_NEW_FDT1',
        'assigned_team', 'Installs', 'owner', 'ckim', 'created_at_service', pg_temp.eat(now() - interval '5 hours')))),
    ('CRQ0000002', pg_temp.closed('CRQ0000002', pg_temp.eat_day(0, '00:10:00'), '{"service_type": "crq"}'));

-- ---- typed columns -------------------------------------------------------------
SELECT pg_temp.expect('inc typed columns WOT0000001',
    (SELECT jsonb_build_object('status', normalized_status, 'raw_status', raw_status, 'actionable', is_actionable,
                               'cluster', cluster, 'region', region, 'team', assigned_team, 'owner', owner,
                               'mttr', mttr, 'closed_at', closed_at, 'geo_source', geo_source,
                               'lat', latitude, 'lng', longitude, 'has_geog', geog IS NOT NULL,
                               'scheduled_at', scheduled_at)
       FROM tickets.inc WHERE ticket_id = 'WOT0000001'),
    jsonb_build_object('status', 'in_progress', 'raw_status', 'IN PROGRESS', 'actionable', true,
                       'cluster', 'KASARANI', 'region', 'nairobi', 'team', 'Team North', 'owner', 'jdoe',
                       'mttr', NULL, 'closed_at', NULL, 'geo_source', 'location',
                       'lat', -1.215, 'lng', 36.9367, 'has_geog', true, 'scheduled_at', NULL));
SELECT pg_temp.expect('inc mttr minutes (5.25 h)', (SELECT mttr FROM tickets.inc WHERE ticket_id = 'WOT0000011'), 315);
SELECT pg_temp.expect('inc closed_at EAT->UTC', (SELECT closed_at FROM tickets.inc WHERE ticket_id = 'WOT0000016'),
                      tickets.eat_day_start(tickets.eat_today()));
SELECT pg_temp.expect('crq mttr minutes', (SELECT mttr FROM tickets.crq WHERE ticket_id = 'CRQ0000002'), 315);
SELECT pg_temp.expect('dropped columns are gone',
    (SELECT count(*) FROM information_schema.columns
      WHERE table_schema = 'tickets' AND table_name IN ('inc', 'crq')
        AND column_name IN ('is_alarm', 'is_auto_created', 'is_auto_closed', 'service_type')), 0::bigint);
SELECT pg_temp.expect('inc and crq columns line up',
    (SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position)
       FROM information_schema.columns WHERE table_schema = 'tickets' AND table_name = 'crq'),
    (SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position)
       FROM information_schema.columns WHERE table_schema = 'tickets' AND table_name = 'inc'));

-- ---- geometry resolution -------------------------------------------------------
SELECT pg_temp.expect('geo_source ' || ticket_id, geo_source, want)
  FROM tickets.inc
  JOIN (VALUES ('WOT0000001', 'location'), ('WOT0000002', 'cluster'), ('WOT0000003', 'feed'),
               ('WOT0000004', 'cluster'), ('WOT0000005', 'none'), ('WOT0000013', 'cluster'),
               ('WOT0000018', 'none')) AS w(id, want) ON w.id = ticket_id;
SELECT pg_temp.expect('feed point', (SELECT latitude || ',' || longitude FROM tickets.inc WHERE ticket_id = 'WOT0000003'),
                      '-1.2,36.9');
SELECT pg_temp.expect('trigger and resolve_ticket_geoms agree', tickets.resolve_ticket_geoms(), 0);
-- a new hit for WOT0000002's location moves it from cluster to location
INSERT INTO tickets.geo_locations (location_name, cluster, query, status, latitude, longitude, distance_km, provider)
VALUES ('NW_KASARANI_UNKNOWN_FDT3', 'KASARANI', 'Unknown', 'hit', -1.2300, 36.9100, 1.5, 'gazetteer');
-- a centroid for ELSEWHERE places WOT0000018
INSERT INTO tickets.geo_clusters (cluster, latitude, longitude) VALUES ('ELSEWHERE', -1.30, 36.80);
SELECT pg_temp.expect('resolve_ticket_geoms changed rows', tickets.resolve_ticket_geoms(), 2);
SELECT pg_temp.expect('resolve_ticket_geoms rerun is a no-op', tickets.resolve_ticket_geoms(), 0);
SELECT pg_temp.expect('WOT0000002 now by location',
    (SELECT geo_source || ' ' || latitude || ',' || longitude FROM tickets.inc WHERE ticket_id = 'WOT0000002'),
    'location -1.23,36.91');
-- updating raw re-resolves through the trigger; identical placement stays
UPDATE tickets.inc SET raw = raw || '{"cluster": "ROYSAMBU", "location_name": ""}' WHERE ticket_id = 'WOT0000018';
SELECT pg_temp.expect('raw update re-resolves', (SELECT geo_source FROM tickets.inc WHERE ticket_id = 'WOT0000018'), 'cluster');
UPDATE tickets.inc SET raw = raw || '{"cluster": "ELSEWHERE"}' WHERE ticket_id = 'WOT0000018';

-- ---- import_meta + map ----------------------------------------------------------
INSERT INTO tickets.import_meta (dataset, metadata, updated_at) VALUES
    ('inc', '{"source_max_key": "automations/inc/changes/2026-06-15T17-00-00.csv",
              "last_file": "automations/inc/changes/2026-06-15T17-00-00.csv",
              "last_file_exported_at": "2026-06-15T14:00:00Z", "last_applied_at": "2026-06-15T14:01:00Z",
              "rows_read": 14, "inserted": 14, "updated": 0, "unchanged": 0}', '2026-06-15 14:01:00+00'),
    ('crq', '{"source_max_key": "automations/crq/changes/2026-06-15T17-00-00.csv", "rows_read": 2}',
     '2026-06-15 14:02:00+00');

SELECT pg_temp.expect('map open: summary',
    (reporting.fn_tickets_for_map() -> 'summary') - 'freshness',
    '{"open_only": true, "total": 6, "unplaced": 1, "by_dataset": {"inc": 5, "crq": 1},
      "by_geo_source": {"feed": 1, "location": 3, "cluster": 2}}'::jsonb);
SELECT pg_temp.expect('map all: summary',
    (reporting.fn_tickets_for_map(p_open_only := false) -> 'summary') - 'freshness',
    '{"open_only": false, "total": 15, "unplaced": 1, "by_dataset": {"inc": 13, "crq": 2},
      "by_geo_source": {"feed": 1, "location": 10, "cluster": 4}}'::jsonb);
SELECT pg_temp.expect('map freshness',
    reporting.fn_tickets_for_map() #> '{summary,freshness,inc}',
    '{"source_max_key": "automations/inc/changes/2026-06-15T17-00-00.csv",
      "last_file": "automations/inc/changes/2026-06-15T17-00-00.csv",
      "last_file_exported_at": "2026-06-15T14:00:00Z", "last_applied_at": "2026-06-15T14:01:00Z",
      "rows_read": 14, "inserted": 14, "updated": 0, "unchanged": 0,
      "updated_at": "2026-06-15T14:01:00+00:00"}'::jsonb);
SELECT pg_temp.expect('map feature shape',
    (SELECT f FROM jsonb_array_elements(reporting.fn_tickets_for_map() -> 'features') f
      WHERE f #>> '{properties,ticket_id}' = 'WOT0000003'),
    jsonb_build_object('type', 'Feature',
        'geometry', '{"type": "Point", "coordinates": [36.9, -1.2]}'::jsonb,
        'properties', jsonb_build_object('dataset', 'inc', 'ticket_id', 'WOT0000003', 'normalized_status', 'open',
            'raw_status', 'OPEN', 'bucket', 'pending', 'is_actionable', true, 'cluster', 'ROYSAMBU',
            'region', 'nairobi', 'location_name', 'NW_ROYSAMBU_NOWHERE_SDUS', 'assigned_team', 'Team East',
            'owner', 'bkim', 'sla_status', 'Compliant',
            'created_at_service', tickets.json_ts(tickets.eat_ts(pg_temp.eat(now() - interval '2 hours'))),
            'closed_at', NULL, 'mttr_minutes', NULL, 'geo_source', 'feed')));
SELECT pg_temp.expect('map crq feature', jsonb_path_query_array(reporting.fn_tickets_for_map(),
    '$.features[*].properties ? (@.dataset == "crq").ticket_id'), '["CRQ0000001"]'::jsonb);

-- ---- SLA view -------------------------------------------------------------------
SELECT pg_temp.expect('inc_open_sla ' || ticket_id, sla_clock_source || ' ' || sla_state, want)
  FROM tickets.inc_open_sla
  JOIN (VALUES ('WOT0000001', 'created_at_service breached'), ('WOT0000002', 'first_seen_at at_risk'),
               ('WOT0000003', 'created_at_service within'), ('WOT0000004', 'none unknown'),
               ('WOT0000005', 'created_at_service within'), ('WOT0000019', 'created_at_service within'))
       AS w(id, want) ON w.id = ticket_id;
SELECT pg_temp.expect('inc_open_sla rows', (SELECT count(*) FROM tickets.inc_open_sla), 6::bigint);
SELECT pg_temp.expect('hours_open / hours_left',
    (SELECT hours_open || ' ' || sla_hours_left FROM tickets.inc_open_sla WHERE ticket_id = 'WOT0000001'), '50.0 -2.0');

-- ---- dashboard --------------------------------------------------------------------
CREATE TEMP TABLE dash AS SELECT reporting.fn_inc_dashboard() AS d;
SELECT pg_temp.expect('dashboard keys', (SELECT array_agg(k ORDER BY k) FROM dash, jsonb_object_keys(d) k),
                      ARRAY['closed', 'filters', 'freshness', 'generated_at', 'metrics', 'open', 'window']);
SELECT pg_temp.expect('dashboard window today',
    (SELECT d -> 'window' FROM dash),
    jsonb_build_object('name', 'today', 'from', tickets.eat_today(), 'to', tickets.eat_today(),
                       'from_ts', tickets.json_ts(tickets.eat_day_start(tickets.eat_today())),
                       'to_ts', tickets.json_ts(tickets.eat_day_start(tickets.eat_today() + 1)),
                       'timezone', 'Africa/Nairobi'));
SELECT pg_temp.expect('window from_ts is 21:00 UTC the day before',
    (SELECT d #>> '{window,from_ts}' FROM dash),
    to_char((now() AT TIME ZONE 'Africa/Nairobi')::date - 1, 'YYYY-MM-DD') || 'T21:00:00+00:00');
SELECT pg_temp.expect('dashboard today metrics',
    (SELECT (d -> 'metrics') - 'by_cluster' FROM dash),
    '{"open_total": 6, "open_breached": 1, "open_at_risk": 1, "open_within": 3, "open_unknown_clock": 1,
      "open_unplaced": 1, "closed_in_window": 3, "closed_unplaced": 0, "mttr_avg_minutes": 315.0,
      "mttr_median_minutes": 315.0, "sla_compliant": 3, "sla_breached": 0, "sla_compliance_pct": 100.0}'::jsonb);
SELECT pg_temp.expect('dashboard open features', (SELECT jsonb_array_length(d #> '{open,features}') FROM dash), 5);
SELECT pg_temp.expect('dashboard open first = oldest',
    (SELECT d #>> '{open,features,0,properties,ticket_id}' FROM dash), 'WOT0000001');
SELECT pg_temp.expect('dashboard open feature SLA props',
    (SELECT (d #> '{open,features,0,properties}') - 'created_at_service' - 'first_seen_at' - 'sla_clock_start'
       FROM dash),
    '{"dataset": "inc", "ticket_id": "WOT0000001", "normalized_status": "in_progress", "raw_status": "IN PROGRESS",
      "cluster": "KASARANI", "region": "nairobi", "location_name": "NW_KASARANI_MWIKI_FDT12",
      "assigned_team": "Team North", "owner": "jdoe", "sla_clock_source": "created_at_service",
      "hours_open": 50.0, "sla_state": "breached", "sla_hours_left": -2.0, "latitude": -1.215,
      "longitude": 36.9367, "geo_source": "location"}'::jsonb);
SELECT pg_temp.expect('dashboard closed today',
    (SELECT jsonb_path_query_array(d, '$.closed.features[*].properties.ticket_id') FROM dash),
    '["WOT0000018", "WOT0000011", "WOT0000016"]'::jsonb);
SELECT pg_temp.expect('dashboard by_cluster',
    (SELECT d #> '{metrics,by_cluster}' FROM dash),
    '[{"cluster": "KASARANI", "open_total": 3, "open_breached": 1, "open_at_risk": 1, "open_unplaced": 0,
       "closed_in_window": 2, "mttr_avg_minutes": 315.0},
      {"cluster": "ROYSAMBU", "open_total": 2, "open_breached": 0, "open_at_risk": 0, "open_unplaced": 0,
       "closed_in_window": 0, "mttr_avg_minutes": null},
      {"cluster": "NOPOINT", "open_total": 1, "open_breached": 0, "open_at_risk": 0, "open_unplaced": 1,
       "closed_in_window": 0, "mttr_avg_minutes": null},
      {"cluster": "ELSEWHERE", "open_total": 0, "open_breached": 0, "open_at_risk": 0, "open_unplaced": 0,
       "closed_in_window": 1, "mttr_avg_minutes": 315.0}]'::jsonb);
SELECT pg_temp.expect('dashboard freshness',
    (SELECT d -> 'freshness' FROM dash) ->> 'source_max_key', 'automations/inc/changes/2026-06-15T17-00-00.csv');

-- every window: closed ticket ids
SELECT pg_temp.expect('window ' || w.name || ' closed',
    (SELECT jsonb_agg(x ORDER BY x) FROM jsonb_array_elements_text(jsonb_path_query_array(
        reporting.fn_inc_dashboard(p_window => w.name, p_from => w.f, p_to => w.t),
        '$.closed.features[*].properties.ticket_id')) x),
    w.want)
  FROM (VALUES
    ('today', NULL::date, NULL::date, '["WOT0000011", "WOT0000016", "WOT0000018"]'::jsonb),
    ('yesterday', NULL, NULL, '["WOT0000012", "WOT0000017"]'),
    ('last_7_days', NULL, NULL, '["WOT0000011", "WOT0000012", "WOT0000013", "WOT0000016", "WOT0000017", "WOT0000018"]'),
    ('last_30_days', NULL, NULL,
        '["WOT0000011", "WOT0000012", "WOT0000013", "WOT0000014", "WOT0000016", "WOT0000017", "WOT0000018"]'),
    ('custom', tickets.eat_today() - 40, tickets.eat_today() - 20, '["WOT0000014", "WOT0000015"]'),
    ('custom', tickets.eat_today(), tickets.eat_today(), '["WOT0000011", "WOT0000016", "WOT0000018"]'),
    ('custom', tickets.eat_today() - 100, tickets.eat_today() - 90, NULL)) AS w(name, f, t, want);
-- this_month: whatever of those days fall in the current EAT month
SELECT pg_temp.expect('window this_month closed',
    (reporting.fn_inc_dashboard(p_window => 'this_month') #>> '{metrics,closed_in_window}')::integer,
    (SELECT count(*)::integer
       FROM (VALUES (0), (0), (0), (1), (1), (5), (20), (40)) AS d(days_ago)
      WHERE extract(day FROM (now() AT TIME ZONE 'Africa/Nairobi'))::integer - 1 >= d.days_ago));
SELECT pg_temp.expect('window last_7_days range',
    reporting.fn_inc_dashboard(p_window => 'LAST_7_DAYS') -> 'window' ->> 'from',
    to_char((now() AT TIME ZONE 'Africa/Nairobi')::date - 6, 'YYYY-MM-DD'));
SELECT pg_temp.expect('window yesterday metrics',
    (reporting.fn_inc_dashboard(p_window => 'yesterday') -> 'metrics') - 'by_cluster'
        - 'open_total' - 'open_breached' - 'open_at_risk' - 'open_within' - 'open_unknown_clock' - 'open_unplaced',
    '{"closed_in_window": 2, "closed_unplaced": 0, "mttr_avg_minutes": 1657.5, "mttr_median_minutes": 1657.5,
      "sla_compliant": 1, "sla_breached": 1, "sla_compliance_pct": 50.0}'::jsonb);

-- filters combine with AND, case-insensitive cluster
SELECT pg_temp.expect('filter cluster',
    reporting.fn_inc_dashboard(p_cluster => 'kasarani', p_window => 'last_30_days') #> '{metrics,open_total}',
    '3'::jsonb);
SELECT pg_temp.expect('filter cluster + status',
    (SELECT jsonb_build_object('open', jsonb_path_query_array(x, '$.open.features[*].properties.ticket_id'),
                               'closed', x #> '{metrics,closed_in_window}',
                               'clusters', jsonb_path_query_array(x, '$.metrics.by_cluster[*].cluster'),
                               'filters', x -> 'filters')
       FROM reporting.fn_inc_dashboard(' Kasarani ', 'IN_PROGRESS', 'last_30_days') x),
    '{"open": ["WOT0000001"], "closed": 0, "clusters": ["KASARANI"],
      "filters": {"cluster": "Kasarani", "status": "IN_PROGRESS"}}'::jsonb);
SELECT pg_temp.expect('filter status closed',
    reporting.fn_inc_dashboard(p_status => 'closed', p_window => 'last_7_days') #> '{metrics,open_total}', '0'::jsonb);
SELECT pg_temp.expect('blank filters mean none',
    reporting.fn_inc_dashboard('', '  ', NULL) -> 'metrics', (SELECT d -> 'metrics' FROM dash));

-- bad arguments: SQLSTATE 22023
SELECT pg_temp.expect_bad_args('unknown window', $$p_window => 'fortnight'$$);
SELECT pg_temp.expect_bad_args('custom without dates', $$p_window => 'custom'$$);
SELECT pg_temp.expect_bad_args('custom without p_to', $$p_window => 'custom', p_from => '2026-06-01'$$);
SELECT pg_temp.expect_bad_args('custom from > to', $$p_window => 'custom', p_from => '2026-06-15', p_to => '2026-06-01'$$);
SELECT pg_temp.expect_bad_args('dates with today', $$p_window => 'today', p_from => '2026-06-01', p_to => '2026-06-15'$$);
SELECT pg_temp.expect_bad_args('p_to with default window', $$p_to => '2026-06-15'$$);

-- ---- nothing depends on the session TimeZone / DateStyle ---------------------------
CREATE TEMP TABLE tz_utc AS
    SELECT reporting.fn_inc_dashboard(p_window => 'last_30_days') AS dash_out, reporting.fn_tickets_for_map(false) AS map_out,
           reporting.fn_crq_dashboard(p_window => 'last_30_days') AS crq_out,
           reporting.fn_trends('inc', tickets.eat_today() - 30, tickets.eat_today(), 'week', 'cluster') AS trends_out,
           reporting.fn_team_closures('inc', tickets.eat_today() - 30, tickets.eat_today(), true) AS teams_out;
SET LOCAL TimeZone = 'America/New_York';
SET LOCAL DateStyle = 'SQL, DMY';
SELECT pg_temp.expect('dashboard identical under America/New_York + DateStyle SQL,DMY',
    reporting.fn_inc_dashboard(p_window => 'last_30_days'), (SELECT dash_out FROM tz_utc));
SELECT pg_temp.expect('map identical under America/New_York',
    reporting.fn_tickets_for_map(false), (SELECT map_out FROM tz_utc));
SELECT pg_temp.expect('crq dashboard identical under America/New_York',
    reporting.fn_crq_dashboard(p_window => 'last_30_days'), (SELECT crq_out FROM tz_utc));
SELECT pg_temp.expect('trends identical under America/New_York',
    reporting.fn_trends('inc', tickets.eat_today() - 30, tickets.eat_today(), 'week', 'cluster'), (SELECT trends_out FROM tz_utc));
SELECT pg_temp.expect('team closures identical under America/New_York',
    reporting.fn_team_closures('inc', tickets.eat_today() - 30, tickets.eat_today(), true), (SELECT teams_out FROM tz_utc));
SET LOCAL TimeZone = 'Pacific/Kiritimati';   -- UTC+14: another calendar day than EAT most of the time
SELECT pg_temp.expect('dashboard identical under Pacific/Kiritimati',
    reporting.fn_inc_dashboard(p_window => 'last_30_days'), (SELECT dash_out FROM tz_utc));
SELECT pg_temp.expect('eat_today under Pacific/Kiritimati', tickets.eat_today(),
                      (now() AT TIME ZONE 'Africa/Nairobi')::date);
SET LOCAL TimeZone = 'Etc/UTC';
SET LOCAL DateStyle = 'ISO, MDY';

-- ---- nothing depends on PostGIS being on the search_path ----------------------------
SET LOCAL search_path = pg_catalog;
SELECT pg_temp.expect('crq dashboard without public on search_path',
    reporting.fn_crq_dashboard(p_window => 'last_30_days'), (SELECT crq_out FROM tz_utc));
SELECT pg_temp.expect('trends without public on search_path',
    reporting.fn_trends('inc', tickets.eat_today() - 30, tickets.eat_today(), 'week', 'cluster'), (SELECT trends_out FROM tz_utc));
INSERT INTO tickets.geo_clusters (cluster, latitude, longitude) VALUES ('SP_CLUSTER', -1.1, 36.7);
INSERT INTO tickets.crq (ticket_id, raw) VALUES ('CRQ_SP', pg_temp.ticket('CRQ_SP', '{"cluster": "SP_CLUSTER"}'));
SELECT pg_temp.expect('trigger without public on search_path',
    (SELECT geo_source || ' ' || latitude || ',' || longitude FROM tickets.crq WHERE ticket_id = 'CRQ_SP'),
    'cluster -1.1,36.7');
SELECT pg_temp.expect('resolve_ticket_geoms without public on search_path', tickets.resolve_ticket_geoms(), 0);
SELECT pg_temp.expect('map without public on search_path',
    (reporting.fn_tickets_for_map() #>> '{summary,by_dataset,crq}')::integer, 2);
SELECT pg_temp.expect('dashboard without public on search_path',
    reporting.fn_inc_dashboard(p_window => 'last_30_days'), (SELECT dash_out FROM tz_utc));
DELETE FROM tickets.crq WHERE ticket_id = 'CRQ_SP';
DELETE FROM tickets.geo_clusters WHERE cluster = 'SP_CLUSTER';
RESET search_path;

-- ---- history capture -----------------------------------------------------------------
SELECT pg_temp.expect('capture_history first',
    tickets.capture_history() - 'snapshot_date',
    '{"new_closures": 8, "open_total": 6, "open_breached": 1, "open_at_risk": 1,
      "opened_today": 0, "closed_today": 3, "captures": 1}'::jsonb
      || jsonb_build_object('opened_today', (SELECT count(*) FROM tickets.inc
                                              WHERE tickets.eat_date(coalesce(created_at_service, first_seen_at))
                                                    = tickets.eat_today())::integer));
-- a ticket closes between captures; the second capture records it and refreshes the day
UPDATE tickets.inc SET raw = raw || jsonb_build_object('is_actionable', 'false', 'normalized_status', 'closed',
                                                       'closed_at', pg_temp.eat(now()), 'mttr', '2')
 WHERE ticket_id = 'WOT0000003';
SELECT pg_temp.expect('capture_history second',
    tickets.capture_history() - 'snapshot_date' - 'opened_today' - 'open_breached' - 'open_at_risk',
    '{"new_closures": 1, "open_total": 5, "closed_today": 4, "captures": 2}'::jsonb);
SELECT pg_temp.expect('capture_history third is a no-op for closures',
    tickets.capture_history() ->> 'new_closures', '0');
SELECT pg_temp.expect('one snapshot row per EAT day',
    (SELECT count(*) || ' ' || max(captures) || ' ' || max(snapshot_date) FROM tickets.inc_daily_snapshot),
    '1 3 ' || tickets.eat_today());
SELECT pg_temp.expect('closure_events',
    (SELECT count(*) || ' ' || count(DISTINCT ticket_id) FROM tickets.closure_events), '9 9');
SELECT pg_temp.expect('closure_event fields',
    (SELECT jsonb_build_object('mttr', mttr_minutes, 'sla', sla_status, 'cluster', cluster, 'team', assigned_team)
       FROM tickets.closure_events WHERE ticket_id = 'WOT0000012'),
    '{"mttr": 3000, "sla": "Breached", "cluster": "KASARANI", "team": "Team North"}'::jsonb);

-- ---- ingest ledger ---------------------------------------------------------------------
INSERT INTO tickets.ingest_ledger (dataset, key, etag, bytes, exported_at, rows_read, rows_dropped, inserted, updated, unchanged)
VALUES ('inc', 'automations/inc/changes/2026-06-15T17-00-00.csv', '"abc"', 1234, '2026-06-15 14:00:00+00', 16,
        '{"alarm": 1, "sentinel": 1}', 14, 0, 0);
INSERT INTO tickets.ingest_ledger AS l (dataset, key, rows_read, inserted, updated, unchanged)
VALUES ('inc', 'automations/inc/changes/2026-06-15T17-00-00.csv', 16, 0, 0, 14)
ON CONFLICT (dataset, key) DO UPDATE
   SET applications = l.applications + 1, applied_at = now(), rows_read = EXCLUDED.rows_read,
       inserted = EXCLUDED.inserted, updated = EXCLUDED.updated, unchanged = EXCLUDED.unchanged;
SELECT pg_temp.expect('ingest_ledger upsert',
    (SELECT applications || ' ' || unchanged || ' ' || rows_dropped::text FROM tickets.ingest_ledger),
    '2 14 {"alarm": 1, "sentinel": 1}');

-- ---- report ----------------------------------------------------------------------------
\o
SELECT format('sql-smoke: %s passed, 0 failed', count(*)) AS result FROM smoke_passed \gset
\echo :result
SQL
