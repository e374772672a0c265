-- 27_map_reads_the_open_set.sql
-- reporting.fn_tickets_for_map: the same signature, JSON and answers as in 13_crq_columns,
-- at a cost that follows the tickets it returns instead of every ticket ever ingested.
-- Why it changes:
--   - 13's filter "NOT coalesce(p_open_only, true) OR is_actionable" cannot use an index
--     (the planner does not know the argument), so the live map read the whole history of
--     both tables to find the open set. Here each case is its own branch: "open only" reads
--     the open tickets through the is_actionable index, "everything" reads everything;
--   - the open set is read once (13 reread its CTE for each summary count);
--   - the payload is built as json and cast to jsonb once at the end: a jsonb object per
--     feature cost about twice as much, and a jsonb_build_object around the feature array
--     copied it whole again; the cast gives the same jsonb value;
--   - no JIT: the plan's estimate counts the "everything" branches it never runs for the live
--     map, which grows with the history and crossed the JIT threshold, so each call paid for
--     compiling a query that costs less to run than to compile.
-- docs/read-schema.md ("Cost follows the work") has the figures.

CREATE OR REPLACE FUNCTION reporting.fn_tickets_for_map(p_open_only boolean DEFAULT true) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
SET jit = off
BEGIN ATOMIC
    WITH picked AS MATERIALIZED (
        SELECT 'inc' AS dataset, i.ticket_id, i.normalized_status, i.raw_status, i.bucket, i.is_actionable,
               i.cluster, i.region, i.location_name, i.assigned_team, i.owner, i.sla_status,
               i.created_at_service, i.closed_at, i.mttr, i.geom, i.geo_source
          FROM tickets.inc i
         WHERE coalesce(p_open_only, true) AND i.is_actionable
        UNION ALL
        SELECT 'crq', c.ticket_id, c.normalized_status, c.raw_status, c.bucket, c.is_actionable,
               c.cluster, c.region, c.location_name, c.assigned_team, c.owner, c.sla_status,
               c.created_at_service, c.closed_at, c.mttr, c.geom, c.geo_source
          FROM tickets.crq c
         WHERE coalesce(p_open_only, true) AND c.is_actionable
        UNION ALL
        SELECT 'inc', i.ticket_id, i.normalized_status, i.raw_status, i.bucket, i.is_actionable,
               i.cluster, i.region, i.location_name, i.assigned_team, i.owner, i.sla_status,
               i.created_at_service, i.closed_at, i.mttr, i.geom, i.geo_source
          FROM tickets.inc i
         WHERE NOT coalesce(p_open_only, true)
        UNION ALL
        SELECT 'crq', c.ticket_id, c.normalized_status, c.raw_status, c.bucket, c.is_actionable,
               c.cluster, c.region, c.location_name, c.assigned_team, c.owner, c.sla_status,
               c.created_at_service, c.closed_at, c.mttr, c.geom, c.geo_source
          FROM tickets.crq c
         WHERE NOT coalesce(p_open_only, true)
    ),
    counts AS (
        SELECT count(*) FILTER (WHERE p.geom IS NOT NULL) AS total,
               count(*) FILTER (WHERE p.geom IS NULL) AS unplaced,
               count(*) FILTER (WHERE p.geom IS NOT NULL AND p.dataset = 'inc') AS inc,
               count(*) FILTER (WHERE p.geom IS NOT NULL AND p.dataset = 'crq') AS crq,
               count(*) FILTER (WHERE p.geom IS NOT NULL AND p.geo_source = 'feed') AS feed,
               count(*) FILTER (WHERE p.geom IS NOT NULL AND p.geo_source = 'location') AS location,
               count(*) FILTER (WHERE p.geom IS NOT NULL AND p.geo_source = 'cluster') AS cluster
          FROM picked p
    )
    SELECT json_build_object(
        'type', 'FeatureCollection',
        'features', coalesce((
            SELECT json_agg(json_build_object(
                       'type', 'Feature',
                       'geometry', ST_AsGeoJSON(p.geom)::json,
                       'properties', json_build_object(
                           'dataset', p.dataset,
                           'ticket_id', p.ticket_id,
                           'normalized_status', p.normalized_status,
                           'raw_status', p.raw_status,
                           'bucket', p.bucket,
                           'is_actionable', p.is_actionable,
                           'cluster', p.cluster,
                           'region', p.region,
                           'location_name', p.location_name,
                           'assigned_team', p.assigned_team,
                           'owner', p.owner,
                           'sla_status', p.sla_status,
                           'created_at_service', tickets.json_ts(p.created_at_service),
                           'closed_at', tickets.json_ts(p.closed_at),
                           'mttr_minutes', p.mttr,
                           'geo_source', p.geo_source))
                   ORDER BY p.dataset, p.ticket_id)
              FROM picked p
             WHERE p.geom IS NOT NULL), '[]'::json),
        'summary', (
            SELECT jsonb_build_object(
                       'open_only', coalesce(p_open_only, true),
                       'total', n.total,
                       'unplaced', n.unplaced,
                       'by_dataset', jsonb_build_object('inc', n.inc, 'crq', n.crq),
                       'by_geo_source', jsonb_build_object('feed', n.feed, 'location', n.location, 'cluster', n.cluster),
                       'freshness', tickets.freshness())
              FROM counts n))::jsonb;
END;
COMMENT ON FUNCTION reporting.fn_tickets_for_map(boolean) IS
    'GeoJSON FeatureCollection of placed tickets of inc and crq (open only by default) plus summary counts';
