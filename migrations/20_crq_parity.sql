-- 20_crq_parity.sql
-- CRQ gets what INC has (an SLA view, a dashboard, history), and both datasets share one
-- implementation of each, parameterised by dataset, instead of a CRQ copy of 08/09/10:
--   tickets.all_tickets        typed columns of both ticket tables, with a dataset column
--   tickets.open_sla           open tickets of both datasets with their SLA state, judged
--                              against tickets.sla_targets (19); inc_open_sla / crq_open_sla
--                              are its two slices (same columns)
--   reporting.dashboard(...)   the body of fn_inc_dashboard for any dataset;
--                              fn_inc_dashboard / fn_crq_dashboard call it
--   tickets.capture_history(dataset, now)
--                              closures, reopenings, the daily snapshot and the per-group
--                              backlog of one dataset; capture_history() (inc) and
--                              capture_crq_history() (the crq post-apply hook) call it
-- History gains what analytics needs (additive): closure_events records the dataset, the SLA
-- clock start and when a closed ticket was seen open again; tickets.daily_backlog keeps the
-- open backlog per region / cluster / team with its age, per EAT day.
-- Everything here calls PostGIS only through the 01 helpers, so no search_path matters.

-- ---------------------------------------------------------------------------
-- Both ticket tables as one relation (they line up column for column since 13)
-- ---------------------------------------------------------------------------
-- A filter on dataset prunes the other table's branch (a constant column of UNION ALL).
CREATE VIEW tickets.all_tickets AS
SELECT 'inc'::text AS dataset, i.ticket_id, i.normalized_status, i.raw_status, i.bucket, i.is_actionable,
       i.cluster, i.region, i.location_name, i.assigned_team, i.owner, i.sla_status,
       i.created_at_service, i.scheduled_at, i.closed_at, i.first_seen_at, i.last_seen_at,
       i.mttr, i.geom, i.geog, i.latitude, i.longitude, i.geo_source, i.ingested_at
  FROM tickets.inc i
UNION ALL
SELECT 'crq'::text, c.ticket_id, c.normalized_status, c.raw_status, c.bucket, c.is_actionable,
       c.cluster, c.region, c.location_name, c.assigned_team, c.owner, c.sla_status,
       c.created_at_service, c.scheduled_at, c.closed_at, c.first_seen_at, c.last_seen_at,
       c.mttr, c.geom, c.geog, c.latitude, c.longitude, c.geo_source, c.ingested_at
  FROM tickets.crq c;
COMMENT ON VIEW tickets.all_tickets IS
    'typed columns of tickets.inc and tickets.crq (no raw), with dataset; filter on dataset to read one';

-- ---------------------------------------------------------------------------
-- Open tickets with their SLA state, both datasets
-- ---------------------------------------------------------------------------
-- The state follows tickets.sla_state (19) exactly; the targets are joined once instead of
-- looked up per row (a function call per open ticket tripled the cost of reading the view).
-- AnalyticsTests checks that the two agree on every row.
CREATE VIEW tickets.open_sla AS
SELECT o.dataset,
       o.ticket_id,
       o.normalized_status,
       o.raw_status,
       o.cluster,
       o.region,
       o.location_name,
       o.assigned_team,
       o.owner,
       o.created_at_service,
       o.first_seen_at,
       o.clock_start AS sla_clock_start,
       CASE
           WHEN o.created_at_service IS NOT NULL THEN 'created_at_service'
           WHEN o.first_seen_at IS NOT NULL THEN 'first_seen_at'
           ELSE 'none'
       END AS sla_clock_source,
       round(o.open_hours, 1) AS hours_open,
       CASE
           WHEN o.open_hours IS NULL THEN 'unknown'
           WHEN o.open_hours > o.target_hours THEN 'breached'
           WHEN o.open_hours >= o.at_risk_hours THEN 'at_risk'
           ELSE 'within'
       END AS sla_state,
       round(o.target_hours - o.open_hours, 1) AS sla_hours_left,
       o.geom,
       o.geog,
       o.latitude,
       o.longitude,
       o.geo_source,
       o.target_hours AS sla_target_hours
  FROM (SELECT a.*,
               coalesce(a.created_at_service, a.first_seen_at) AS clock_start,
               extract(epoch FROM now() - coalesce(a.created_at_service, a.first_seen_at)) / 3600.0 AS open_hours,
               coalesce(t.target_hours, 48) AS target_hours,
               coalesce(t.at_risk_hours, 36) AS at_risk_hours
          FROM tickets.all_tickets a
          LEFT JOIN tickets.sla_targets t ON t.dataset = a.dataset
         WHERE a.is_actionable) o;
COMMENT ON VIEW tickets.open_sla IS
    'open tickets of inc and crq with derived SLA against tickets.sla_targets; clock = created_at_service else first_seen_at';

-- The INC view keeps every column, name, type and order (08); its states now follow
-- tickets.sla_targets, and sla_target_hours is added at the end.
CREATE OR REPLACE VIEW tickets.inc_open_sla AS
SELECT s.ticket_id, s.normalized_status, s.raw_status, s.cluster, s.region, s.location_name,
       s.assigned_team, s.owner, s.created_at_service, s.first_seen_at, s.sla_clock_start,
       s.sla_clock_source, s.hours_open, s.sla_state, s.sla_hours_left,
       s.geom, s.geog, s.latitude, s.longitude, s.geo_source, s.sla_target_hours
  FROM tickets.open_sla s
 WHERE s.dataset = 'inc';
COMMENT ON VIEW tickets.inc_open_sla IS
    'open INC tickets with derived SLA: clock = created_at_service else first_seen_at; target from tickets.sla_targets (48 h)';

CREATE VIEW tickets.crq_open_sla AS
SELECT s.ticket_id, s.normalized_status, s.raw_status, s.cluster, s.region, s.location_name,
       s.assigned_team, s.owner, s.created_at_service, s.first_seen_at, s.sla_clock_start,
       s.sla_clock_source, s.hours_open, s.sla_state, s.sla_hours_left,
       s.geom, s.geog, s.latitude, s.longitude, s.geo_source, s.sla_target_hours
  FROM tickets.open_sla s
 WHERE s.dataset = 'crq';
COMMENT ON VIEW tickets.crq_open_sla IS
    'open CRQ tickets with derived SLA (same columns as inc_open_sla); target from tickets.sla_targets (120 h)';

-- ---------------------------------------------------------------------------
-- Argument checks shared by the reporting functions (SQLSTATE 22023 with a HINT)
-- ---------------------------------------------------------------------------
-- The dataset name, trimmed and lowercased, or an error naming the calling function.
CREATE FUNCTION tickets.checked_dataset(p_function text, p_dataset text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    v text := lower(tickets.nz(p_dataset));
BEGIN
    IF v IS NULL THEN
        RAISE EXCEPTION '%: p_dataset is required; valid datasets: inc, crq', p_function
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'pass p_dataset => ''inc'' (incidents) or ''crq'' (installation requests)';
    END IF;
    IF v NOT IN ('inc', 'crq') THEN
        RAISE EXCEPTION '%: unknown dataset ''%''; valid datasets: inc, crq', p_function, p_dataset
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'pass p_dataset => ''inc'' (incidents) or ''crq'' (installation requests)';
    END IF;
    RETURN v;
END
$$;

-- Checks an inclusive range of EAT days: both given, in order.
CREATE FUNCTION tickets.check_days(p_function text, p_from date, p_to date) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF p_from IS NULL OR p_to IS NULL THEN
        RAISE EXCEPTION '%: p_from and p_to are both required (EAT dates, inclusive)', p_function
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = format('e.g. reporting.%s(''inc'', ''2026-06-01'', ''2026-06-15'')', p_function);
    END IF;
    IF p_from > p_to THEN
        RAISE EXCEPTION '%: p_from (%) is after p_to (%)', p_function,
            to_char(p_from, 'YYYY-MM-DD'), to_char(p_to, 'YYYY-MM-DD')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'p_from and p_to are inclusive EAT dates with p_from <= p_to';
    END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- The dashboard, for either dataset
-- ---------------------------------------------------------------------------
-- The body of 09's fn_inc_dashboard with the dataset as its first argument: the same windows,
-- filters, JSON and errors (named after the dataset's entry point, fn_<dataset>_dashboard).
-- Internal: call reporting.fn_inc_dashboard / reporting.fn_crq_dashboard.
CREATE FUNCTION reporting._dashboard(
    p_dataset text,
    p_cluster text,
    p_status  text,
    p_window  text,
    p_from    date,
    p_to      date
) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    valid_windows constant text := 'today, yesterday, last_7_days, last_30_days, this_month, custom';
    v_dataset text := tickets.checked_dataset('reporting._dashboard', p_dataset);
    v_fn      text := 'fn_' || lower(tickets.nz(p_dataset)) || '_dashboard';
    v_window  text := coalesce(tickets.nz(lower(p_window)), 'today');
    v_cluster text := tickets.nz(p_cluster);
    v_status  text := tickets.nz(p_status);
    v_today   date := tickets.eat_today();
    v_from    date;
    v_to      date;
    v_from_ts timestamptz;
    v_to_ts   timestamptz;
    result    jsonb;
BEGIN
    CASE v_window
        WHEN 'today' THEN
            v_from := v_today;
            v_to := v_today;
        WHEN 'yesterday' THEN
            v_from := v_today - 1;
            v_to := v_today - 1;
        WHEN 'last_7_days' THEN
            v_from := v_today - 6;
            v_to := v_today;
        WHEN 'last_30_days' THEN
            v_from := v_today - 29;
            v_to := v_today;
        WHEN 'this_month' THEN
            v_from := v_today - (extract(day FROM v_today)::integer - 1);
            v_to := v_today;
        WHEN 'custom' THEN
            IF p_from IS NULL OR p_to IS NULL THEN
                RAISE EXCEPTION '%: window ''custom'' needs both p_from and p_to (EAT dates, inclusive)', v_fn
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = format('e.g. reporting.%s(p_window => ''custom'', p_from => ''2026-06-01'', p_to => ''2026-06-15'')', v_fn);
            END IF;
            IF p_from > p_to THEN
                RAISE EXCEPTION '%: p_from (%) is after p_to (%)', v_fn,
                    to_char(p_from, 'YYYY-MM-DD'), to_char(p_to, 'YYYY-MM-DD')
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = 'p_from and p_to are inclusive EAT dates with p_from <= p_to';
            END IF;
            v_from := p_from;
            v_to := p_to;
        ELSE
            RAISE EXCEPTION '%: unknown window ''%''; valid windows: %', v_fn, p_window, valid_windows
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'pass one of the valid windows as p_window, or ''custom'' with p_from and p_to';
    END CASE;

    IF v_window <> 'custom' AND (p_from IS NOT NULL OR p_to IS NOT NULL) THEN
        RAISE EXCEPTION '%: p_from/p_to are only accepted with window ''custom'' (window is ''%'')', v_fn, v_window
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'pass p_window => ''custom'' to choose dates, or leave p_from and p_to NULL';
    END IF;

    v_from_ts := tickets.eat_day_start(v_from);
    v_to_ts := tickets.eat_day_start(v_to + 1);

    WITH open_t AS (
        SELECT s.*
          FROM tickets.open_sla s
         WHERE s.dataset = v_dataset
           AND (v_cluster IS NULL OR lower(s.cluster) = lower(v_cluster))
           AND (v_status IS NULL OR lower(s.normalized_status) = lower(v_status))
    ),
    closed_t AS (
        SELECT a.ticket_id, a.normalized_status, a.raw_status, a.cluster, a.region, a.location_name,
               a.assigned_team, a.owner, a.created_at_service, a.closed_at, a.mttr, a.sla_status,
               a.geom, a.latitude, a.longitude, a.geo_source
          FROM tickets.all_tickets a
         WHERE a.dataset = v_dataset
           AND a.closed_at >= v_from_ts
           AND a.closed_at < v_to_ts
           AND a.is_actionable IS NOT TRUE
           AND (v_cluster IS NULL OR lower(a.cluster) = lower(v_cluster))
           AND (v_status IS NULL OR lower(a.normalized_status) = lower(v_status))
    ),
    per_cluster AS (
        SELECT u.cluster,
               count(*) FILTER (WHERE u.kind = 'open') AS open_total,
               count(*) FILTER (WHERE u.kind = 'open' AND u.sla_state = 'breached') AS open_breached,
               count(*) FILTER (WHERE u.kind = 'open' AND u.sla_state = 'at_risk') AS open_at_risk,
               count(*) FILTER (WHERE u.kind = 'open' AND NOT u.placed) AS open_unplaced,
               count(*) FILTER (WHERE u.kind = 'closed') AS closed_in_window,
               round(avg(u.mttr), 1) AS mttr_avg_minutes
          FROM (
                SELECT o.cluster, 'open' AS kind, o.sla_state, NULL::integer AS mttr, o.geom IS NOT NULL AS placed
                  FROM open_t o
                UNION ALL
                SELECT c.cluster, 'closed', NULL, c.mttr, c.geom IS NOT NULL
                  FROM closed_t c
               ) u
         GROUP BY u.cluster
    )
    SELECT jsonb_build_object(
        'window', jsonb_build_object(
            'name', v_window,
            'from', v_from,           -- jsonb renders dates as ISO YYYY-MM-DD
            'to', v_to,
            'from_ts', tickets.json_ts(v_from_ts),
            'to_ts', tickets.json_ts(v_to_ts),
            'timezone', 'Africa/Nairobi'),
        'filters', jsonb_build_object('cluster', v_cluster, 'status', v_status),
        'generated_at', tickets.json_ts(now()),
        'open', jsonb_build_object(
            'type', 'FeatureCollection',
            'features', coalesce((
                SELECT jsonb_agg(jsonb_build_object(
                           'type', 'Feature',
                           'geometry', tickets.geom_json(o.geom),
                           'properties', jsonb_build_object(
                               'dataset', v_dataset,
                               'ticket_id', o.ticket_id,
                               'normalized_status', o.normalized_status,
                               'raw_status', o.raw_status,
                               'cluster', o.cluster,
                               'region', o.region,
                               'location_name', o.location_name,
                               'assigned_team', o.assigned_team,
                               'owner', o.owner,
                               'created_at_service', tickets.json_ts(o.created_at_service),
                               'first_seen_at', tickets.json_ts(o.first_seen_at),
                               'sla_clock_start', tickets.json_ts(o.sla_clock_start),
                               'sla_clock_source', o.sla_clock_source,
                               'hours_open', o.hours_open,
                               'sla_state', o.sla_state,
                               'sla_hours_left', o.sla_hours_left,
                               'latitude', o.latitude,
                               'longitude', o.longitude,
                               'geo_source', o.geo_source))
                       ORDER BY o.hours_open DESC NULLS LAST, o.ticket_id)
                  FROM open_t o
                 WHERE o.geom IS NOT NULL), '[]'::jsonb)),
        'closed', jsonb_build_object(
            'type', 'FeatureCollection',
            'features', coalesce((
                SELECT jsonb_agg(jsonb_build_object(
                           'type', 'Feature',
                           'geometry', tickets.geom_json(c.geom),
                           'properties', jsonb_build_object(
                               'dataset', v_dataset,
                               'ticket_id', c.ticket_id,
                               'normalized_status', c.normalized_status,
                               'raw_status', c.raw_status,
                               'cluster', c.cluster,
                               'region', c.region,
                               'location_name', c.location_name,
                               'assigned_team', c.assigned_team,
                               'owner', c.owner,
                               'created_at_service', tickets.json_ts(c.created_at_service),
                               'closed_at', tickets.json_ts(c.closed_at),
                               'mttr_minutes', c.mttr,
                               'sla_status', c.sla_status,
                               'latitude', c.latitude,
                               'longitude', c.longitude,
                               'geo_source', c.geo_source))
                       ORDER BY c.closed_at DESC, c.ticket_id)
                  FROM closed_t c
                 WHERE c.geom IS NOT NULL), '[]'::jsonb)),
        'metrics', (
            SELECT jsonb_build_object(
                       'open_total', o.total,
                       'open_breached', o.breached,
                       'open_at_risk', o.at_risk,
                       'open_within', o.within,
                       'open_unknown_clock', o.unknown,
                       'open_unplaced', o.unplaced,
                       'closed_in_window', c.total,
                       'closed_unplaced', c.unplaced,
                       'mttr_avg_minutes', c.mttr_avg,
                       'mttr_median_minutes', c.mttr_median,
                       'sla_compliant', c.compliant,
                       'sla_breached', c.breached,
                       'sla_compliance_pct', round(100.0 * c.compliant / nullif(c.compliant + c.breached, 0), 1),
                       'by_cluster', coalesce((
                           SELECT jsonb_agg(to_jsonb(p) ORDER BY p.open_total DESC, p.closed_in_window DESC,
                                                                 p.cluster NULLS LAST)
                             FROM per_cluster p), '[]'::jsonb))
              FROM (SELECT count(*) AS total,
                           count(*) FILTER (WHERE sla_state = 'breached') AS breached,
                           count(*) FILTER (WHERE sla_state = 'at_risk') AS at_risk,
                           count(*) FILTER (WHERE sla_state = 'within') AS within,
                           count(*) FILTER (WHERE sla_state = 'unknown') AS unknown,
                           count(*) FILTER (WHERE geom IS NULL) AS unplaced
                      FROM open_t) o,
                   (SELECT count(*) AS total,
                           count(*) FILTER (WHERE geom IS NULL) AS unplaced,
                           round(avg(mttr), 1) AS mttr_avg,
                           round((percentile_cont(0.5) WITHIN GROUP (ORDER BY mttr))::numeric, 1) AS mttr_median,
                           count(*) FILTER (WHERE lower(sla_status) = 'compliant') AS compliant,
                           count(*) FILTER (WHERE lower(sla_status) = 'breached') AS breached
                      FROM closed_t) c),
        'freshness', (SELECT m.metadata || jsonb_build_object('dataset', m.dataset,
                                                              'updated_at', tickets.json_ts(m.updated_at))
                        FROM tickets.import_meta m
                       WHERE m.dataset = v_dataset))
      INTO result;

    RETURN result;
END
$$;
COMMENT ON FUNCTION reporting._dashboard(text, text, text, text, date, date) IS
    'internal: the dashboard payload of one dataset; called by fn_inc_dashboard and fn_crq_dashboard';

-- The two entry points. fn_inc_dashboard keeps its signature and the parameter names the
-- database already has: a database taken over from the Python tool may name them
-- differently, and CREATE OR REPLACE may not rename a parameter.
DO $$
DECLARE
    names text[] := (SELECT p.proargnames
                       FROM pg_proc p
                      WHERE p.oid = to_regprocedure('reporting.fn_inc_dashboard(text, text, text, date, date)'));
    ours constant text[] := ARRAY['p_cluster', 'p_status', 'p_window', 'p_from', 'p_to'];
    ds text;
BEGIN
    FOREACH ds IN ARRAY ARRAY['inc', 'crq'] LOOP
        IF ds = 'crq' OR names IS NULL OR cardinality(names) <> 5 THEN
            names := ours;
        END IF;
        EXECUTE format($f$
            CREATE OR REPLACE FUNCTION reporting.%I(
                %I text DEFAULT NULL,
                %I text DEFAULT NULL,
                %I text DEFAULT 'today',
                %I date DEFAULT NULL,
                %I date DEFAULT NULL
            ) RETURNS jsonb
            LANGUAGE sql STABLE
            RETURN reporting._dashboard(%L, $1, $2, $3, $4, $5)
            $f$, 'fn_' || ds || '_dashboard', names[1], names[2], names[3], names[4], names[5], ds);
    END LOOP;
END
$$;
COMMENT ON FUNCTION reporting.fn_crq_dashboard(text, text, text, date, date) IS
    'CRQ dashboard payload {window, filters, generated_at, open, closed, metrics, freshness}; bad arguments raise 22023';

-- ---------------------------------------------------------------------------
-- History for both datasets
-- ---------------------------------------------------------------------------
-- closure_events: one log for both datasets. Rows written before this migration are INC's
-- (the only dataset that had a hook). Uniqueness becomes per dataset; the captures use
-- ON CONFLICT DO NOTHING without a target, so an older constraint under another name (a
-- database taken over from the Python tool) cannot fail them either.
ALTER TABLE tickets.closure_events
    ADD COLUMN IF NOT EXISTS dataset         text NOT NULL DEFAULT 'inc',
    ADD COLUMN IF NOT EXISTS sla_clock_start timestamptz,
    ADD COLUMN IF NOT EXISTS reopened_at     timestamptz;
COMMENT ON COLUMN tickets.closure_events.dataset IS 'inc or crq (rows captured before migration 20 are inc)';
COMMENT ON COLUMN tickets.closure_events.assigned_team IS 'the assigned team when the closure was observed: closures are attributed to it';
COMMENT ON COLUMN tickets.closure_events.owner IS 'the owner when the closure was observed';
COMMENT ON COLUMN tickets.closure_events.sla_clock_start IS
    'the ticket''s SLA clock start (created_at_service, else first_seen_at) when the closure was observed';
COMMENT ON COLUMN tickets.closure_events.reopened_at IS
    'the first capture after this closure that saw the ticket open again; NULL while it stays closed';
CREATE UNIQUE INDEX IF NOT EXISTS closure_events_dataset_ticket_closed_key
    ON tickets.closure_events (dataset, ticket_id, closed_at);
ALTER TABLE tickets.closure_events DROP CONSTRAINT IF EXISTS closure_events_ticket_id_closed_at_key;
COMMENT ON TABLE tickets.closure_events IS
    'append-only observed closures of inc and crq (one row per dataset + ticket_id + closed_at), written by capture_history';

-- Closures recorded before the SLA clock was kept: the ticket's own clock (it does not move).
UPDATE tickets.closure_events e
   SET sla_clock_start = coalesce(i.created_at_service, i.first_seen_at)
  FROM tickets.inc i
 WHERE e.dataset = 'inc'
   AND e.ticket_id = i.ticket_id
   AND e.sla_clock_start IS NULL;

CREATE TABLE IF NOT EXISTS tickets.crq_daily_snapshot (LIKE tickets.inc_daily_snapshot INCLUDING ALL);
COMMENT ON TABLE tickets.crq_daily_snapshot IS
    'per EAT day: CRQ open backlog (last capture of the day) and opened/closed counts; same shape as inc_daily_snapshot';

-- The open backlog per EAT day, whole and per region / cluster / team, by age: what a trend
-- needs for a past day (the tickets only know the present).
CREATE TABLE tickets.daily_backlog (
    dataset       text NOT NULL,
    snapshot_date date NOT NULL,
    split         text NOT NULL CHECK (split IN ('none', 'region', 'cluster', 'team')),
    grp           text NOT NULL,
    open_total    integer NOT NULL,
    open_breached integer NOT NULL,
    open_at_risk  integer NOT NULL,
    under_24h     integer NOT NULL,
    h24_to_48     integer NOT NULL,
    h48_to_7d     integer NOT NULL,
    over_7d       integer NOT NULL,
    captured_at   timestamptz NOT NULL,
    PRIMARY KEY (dataset, snapshot_date, split, grp)
);
COMMENT ON TABLE tickets.daily_backlog IS
    'open backlog per dataset and EAT day (last capture of the day): whole (split none, grp '''') and per region/cluster/team';
COMMENT ON COLUMN tickets.daily_backlog.grp IS 'the region, cluster or team; ''(none)'' when the ticket has none; '''' for split none';
COMMENT ON COLUMN tickets.daily_backlog.under_24h IS
    'open < 24 h at capture; h24_to_48: 24-48 h; h48_to_7d: 48 h-7 d; over_7d: >= 7 d; tickets without a clock are in no bucket';

-- The open backlog of a dataset at p_now, whole and per region / cluster / team, with SLA
-- states (the rule of tickets.sla_state, targets joined once) and ages as of p_now. Tickets
-- are those open now (the table holds only the present).
CREATE FUNCTION tickets.backlog_at(p_dataset text, p_now timestamptz)
RETURNS TABLE (split text, grp text, open_total integer, open_breached integer, open_at_risk integer,
               under_24h integer, h24_to_48 integer, h48_to_7d integer, over_7d integer)
LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT CASE WHEN GROUPING(o.region) = 0 THEN 'region'
                WHEN GROUPING(o.cluster) = 0 THEN 'cluster'
                WHEN GROUPING(o.assigned_team) = 0 THEN 'team'
                ELSE 'none' END,
           CASE WHEN GROUPING(o.region) = 0 THEN coalesce(o.region, '(none)')
                WHEN GROUPING(o.cluster) = 0 THEN coalesce(o.cluster, '(none)')
                WHEN GROUPING(o.assigned_team) = 0 THEN coalesce(o.assigned_team, '(none)')
                ELSE '' END,
           count(*)::integer,
           count(*) FILTER (WHERE o.hours > o.target_hours)::integer,
           count(*) FILTER (WHERE o.hours <= o.target_hours AND o.hours >= o.at_risk_hours)::integer,
           count(*) FILTER (WHERE o.hours < 24)::integer,
           count(*) FILTER (WHERE o.hours >= 24 AND o.hours < 48)::integer,
           count(*) FILTER (WHERE o.hours >= 48 AND o.hours < 168)::integer,
           count(*) FILTER (WHERE o.hours >= 168)::integer
      FROM (SELECT a.region, a.cluster, a.assigned_team,
                   extract(epoch FROM p_now - coalesce(a.created_at_service, a.first_seen_at)) / 3600.0 AS hours,
                   coalesce(t.target_hours, 48) AS target_hours,
                   coalesce(t.at_risk_hours, 36) AS at_risk_hours
              FROM tickets.all_tickets a
              LEFT JOIN tickets.sla_targets t ON t.dataset = a.dataset
             WHERE a.dataset = lower(p_dataset)
               AND a.is_actionable) o
     GROUP BY GROUPING SETS ((), (o.region), (o.cluster), (o.assigned_team));
END;
COMMENT ON FUNCTION tickets.backlog_at(text, timestamptz) IS
    'open backlog of a dataset as of p_now: split none/region/cluster/team, SLA states and age buckets';

-- One capture of a dataset's history, as of p_now (default now(); tests pass a chosen instant):
--   1. closures not seen before are logged with the team, owner and SLA clock they have now;
--   2. logged closures of tickets that are open again get reopened_at = p_now (once);
--   3. the EAT day of p_now gets its <dataset>_daily_snapshot row (upserted, captures + 1)
--      and its daily_backlog rows (replaced).
-- Returns the summary capture_history() returns, plus dataset and new_reopened.
CREATE FUNCTION tickets.capture_history(p_dataset text, p_now timestamptz DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_dataset   text := tickets.checked_dataset('tickets.capture_history', p_dataset);
    v_now       timestamptz := coalesce(p_now, now());
    v_today     date := tickets.eat_date(coalesce(p_now, now()));
    v_day_start timestamptz := tickets.eat_day_start(tickets.eat_date(coalesce(p_now, now())));
    v_day_end   timestamptz := tickets.eat_day_start(tickets.eat_date(coalesce(p_now, now())) + 1);
    v_new       integer;
    v_reopened  integer;
    v_ids       text[];
    v_closed    timestamptz[];
    snap        tickets.inc_daily_snapshot%ROWTYPE;
BEGIN
    -- Reopenings first: the closures logged below are observed now, so they cannot be reopened yet.
    UPDATE tickets.closure_events e
       SET reopened_at = v_now
      FROM tickets.all_tickets a
     WHERE a.dataset = v_dataset
       AND a.is_actionable
       AND e.dataset = v_dataset
       AND e.ticket_id = a.ticket_id
       AND e.reopened_at IS NULL
       AND e.observed_at < v_now;
    GET DIAGNOSTICS v_reopened = ROW_COUNT;

    -- New closures are found first and written second: one statement that both read the log
    -- (NOT EXISTS) and wrote it could rescan its own new rows for every ticket, which made the
    -- first capture of a big table quadratic.
    SELECT coalesce(array_agg(a.ticket_id), '{}'), coalesce(array_agg(a.closed_at), '{}')
      INTO v_ids, v_closed
      FROM tickets.all_tickets a
     WHERE a.dataset = v_dataset
       AND a.is_actionable IS NOT TRUE
       AND a.closed_at IS NOT NULL
       AND NOT EXISTS (SELECT 1
                         FROM tickets.closure_events e
                        WHERE e.dataset = v_dataset
                          AND e.ticket_id = a.ticket_id
                          AND e.closed_at = a.closed_at);
    INSERT INTO tickets.closure_events
           (dataset, ticket_id, closed_at, observed_at, normalized_status, cluster, assigned_team, owner,
            mttr_minutes, sla_status, sla_clock_start)
    SELECT v_dataset, a.ticket_id, a.closed_at, v_now, a.normalized_status, a.cluster, a.assigned_team, a.owner,
           a.mttr, a.sla_status, coalesce(a.created_at_service, a.first_seen_at)
      FROM unnest(v_ids, v_closed) AS k(ticket_id, closed_at)
      JOIN tickets.all_tickets a ON a.dataset = v_dataset AND a.ticket_id = k.ticket_id
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS v_new = ROW_COUNT;

    -- A large first capture (a takeover, a reseed) leaves the planner believing the log is
    -- nearly empty until autovacuum comes by; the next capture would then plan its joins on
    -- that belief and take minutes instead of a second.
    IF v_new > 10000 THEN
        ANALYZE tickets.closure_events;
    END IF;

    DELETE FROM tickets.daily_backlog d WHERE d.dataset = v_dataset AND d.snapshot_date = v_today;
    INSERT INTO tickets.daily_backlog
           (dataset, snapshot_date, split, grp, open_total, open_breached, open_at_risk,
            under_24h, h24_to_48, h48_to_7d, over_7d, captured_at)
    SELECT v_dataset, v_today, b.split, b.grp, b.open_total, b.open_breached, b.open_at_risk,
           b.under_24h, b.h24_to_48, b.h48_to_7d, b.over_7d, v_now
      FROM tickets.backlog_at(v_dataset, v_now) b;

    SELECT v_today, b.open_total, b.open_breached, b.open_at_risk,
           (SELECT count(*)
              FROM tickets.all_tickets a
             WHERE a.dataset = v_dataset
               AND coalesce(a.created_at_service, a.first_seen_at) >= v_day_start
               AND coalesce(a.created_at_service, a.first_seen_at) < v_day_end),
           (SELECT count(*)
              FROM tickets.all_tickets a
             WHERE a.dataset = v_dataset
               AND a.closed_at >= v_day_start
               AND a.closed_at < v_day_end
               AND a.is_actionable IS NOT TRUE),
           v_now, 1
      INTO snap
      FROM tickets.daily_backlog b
     WHERE b.dataset = v_dataset AND b.snapshot_date = v_today AND b.split = 'none';

    EXECUTE format($q$
        INSERT INTO tickets.%I AS s
               (snapshot_date, open_total, open_breached, open_at_risk, opened_today, closed_today, captured_at, captures)
        VALUES ($1, $2, $3, $4, $5, $6, $7, 1)
        ON CONFLICT (snapshot_date) DO UPDATE
           SET open_total    = EXCLUDED.open_total,
               open_breached = EXCLUDED.open_breached,
               open_at_risk  = EXCLUDED.open_at_risk,
               opened_today  = EXCLUDED.opened_today,
               closed_today  = EXCLUDED.closed_today,
               captured_at   = EXCLUDED.captured_at,
               captures      = s.captures + 1
        RETURNING s.*
        $q$, v_dataset || '_daily_snapshot')
      INTO snap
      USING snap.snapshot_date, snap.open_total, snap.open_breached, snap.open_at_risk,
            snap.opened_today, snap.closed_today, snap.captured_at;

    RETURN jsonb_build_object(
        'dataset', v_dataset,
        'snapshot_date', snap.snapshot_date,
        'new_closures', v_new,
        'new_reopened', v_reopened,
        'open_total', snap.open_total,
        'open_breached', snap.open_breached,
        'open_at_risk', snap.open_at_risk,
        'opened_today', snap.opened_today,
        'closed_today', snap.closed_today,
        'captures', snap.captures);
END
$$;
COMMENT ON FUNCTION tickets.capture_history(text, timestamptz) IS
    'one history capture of a dataset as of p_now (default now()): closures, reopenings, daily snapshot, daily_backlog';

-- The INC hook (10's contract: same name, no arguments, the same summary keys).
CREATE OR REPLACE FUNCTION tickets.capture_history() RETURNS jsonb
LANGUAGE sql AS $$
    SELECT tickets.capture_history('inc', now()) - 'dataset' - 'new_reopened'
$$;

-- The CRQ hook.
CREATE FUNCTION tickets.capture_crq_history() RETURNS jsonb
LANGUAGE sql AS $$
    SELECT tickets.capture_history('crq', now()) - 'dataset' - 'new_reopened'
$$;
COMMENT ON FUNCTION tickets.capture_crq_history() IS
    'record new CRQ closures and reopenings and upsert today''s (EAT) crq_daily_snapshot and daily_backlog; returns a summary';
