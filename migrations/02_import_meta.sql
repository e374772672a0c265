-- 02_import_meta.sql
-- Per-dataset ingest metadata (watermark + freshness), surfaced by the map function as
-- summary.freshness.
--
-- The ingest writes, per dataset, metadata =
--   {"source_max_key": "<newest applied key>", "last_file": "<key>",
--    "last_file_exported_at": "<ISO 8601 UTC>", "last_applied_at": "<ISO 8601 UTC>",
--    "rows_read": n, "inserted": n, "updated": n, "unchanged": n}

CREATE TABLE tickets.import_meta (
    dataset    text PRIMARY KEY,
    metadata   jsonb NOT NULL DEFAULT '{}'::jsonb,
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE tickets.import_meta IS 'per-dataset ingest watermark (metadata.source_max_key) and freshness';

-- {"inc": {...metadata, "updated_at": "..."}, "crq": {...}} for every dataset recorded.
CREATE FUNCTION tickets.freshness() RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT coalesce(
        jsonb_object_agg(m.dataset,
                         m.metadata || jsonb_build_object('updated_at', tickets.json_ts(m.updated_at))
                         ORDER BY m.dataset),
        '{}'::jsonb)
      FROM tickets.import_meta m;
END;

CREATE OR REPLACE FUNCTION reporting.fn_tickets_for_map(p_open_only boolean DEFAULT true) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH t AS (
        SELECT 'inc' AS dataset, i.ticket_id, i.raw, i.geom, i.geo_source FROM tickets.inc i
        UNION ALL
        SELECT 'crq', c.ticket_id, c.raw, c.geom, c.geo_source FROM tickets.crq c
    ),
    picked AS (
        SELECT t.*
          FROM t
         WHERE NOT coalesce(p_open_only, true)
            OR lower(btrim(t.raw ->> 'is_actionable')) IN ('true', 't', '1', 'yes', 'y')
    ),
    placed AS (
        SELECT * FROM picked WHERE geom IS NOT NULL
    )
    SELECT jsonb_build_object(
        'type', 'FeatureCollection',
        'features', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'type', 'Feature',
                       'geometry', tickets.geom_json(p.geom),
                       'properties', jsonb_build_object(
                           'dataset', p.dataset,
                           'ticket_id', p.ticket_id,
                           'normalized_status', nullif(btrim(p.raw ->> 'normalized_status'), ''),
                           'raw_status', nullif(btrim(p.raw ->> 'raw_status'), ''),
                           'bucket', nullif(btrim(p.raw ->> 'bucket'), ''),
                           'cluster', nullif(btrim(p.raw ->> 'cluster'), ''),
                           'region', nullif(btrim(p.raw ->> 'region'), ''),
                           'location_name', nullif(btrim(p.raw ->> 'location_name'), ''),
                           'assigned_team', nullif(btrim(p.raw ->> 'assigned_team'), ''),
                           'owner', nullif(btrim(p.raw ->> 'owner'), ''),
                           'sla_status', nullif(btrim(p.raw ->> 'sla_status'), ''),
                           'geo_source', p.geo_source))
                   ORDER BY p.dataset, p.ticket_id)
              FROM placed p), '[]'::jsonb),
        'summary', jsonb_build_object(
            'open_only', coalesce(p_open_only, true),
            'total', (SELECT count(*) FROM placed),
            'unplaced', (SELECT count(*) FROM picked WHERE geom IS NULL),
            'by_dataset', jsonb_build_object(
                'inc', (SELECT count(*) FROM placed WHERE dataset = 'inc'),
                'crq', (SELECT count(*) FROM placed WHERE dataset = 'crq')),
            'by_geo_source', jsonb_build_object(
                'feed', (SELECT count(*) FROM placed WHERE geo_source = 'feed'),
                'location', (SELECT count(*) FROM placed WHERE geo_source = 'location'),
                'cluster', (SELECT count(*) FROM placed WHERE geo_source = 'cluster')),
            'freshness', tickets.freshness()));
END;
