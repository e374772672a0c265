-- 13_crq_columns.sql
-- tickets.crq gets the typed columns tickets.inc ends with after 03-07, in the same order
-- (so the two tables line up column for column): no is_alarm / is_auto_* / service_type,
-- mttr in whole minutes, latitude/longitude from the resolved position, geog + GiST, and
-- the same indexes. The map function then reads typed columns for both datasets.

ALTER TABLE tickets.crq
    ADD COLUMN normalized_status  text GENERATED ALWAYS AS (tickets.nz(raw ->> 'normalized_status')) STORED,
    ADD COLUMN raw_status         text GENERATED ALWAYS AS (tickets.nz(raw ->> 'raw_status')) STORED,
    ADD COLUMN bucket             text GENERATED ALWAYS AS (tickets.nz(raw ->> 'bucket')) STORED,
    ADD COLUMN is_actionable      boolean GENERATED ALWAYS AS (tickets.to_bool(raw ->> 'is_actionable')) STORED,
    ADD COLUMN cluster            text GENERATED ALWAYS AS (tickets.nz(raw ->> 'cluster')) STORED,
    ADD COLUMN region             text GENERATED ALWAYS AS (tickets.nz(raw ->> 'region')) STORED,
    ADD COLUMN location_name      text GENERATED ALWAYS AS (tickets.nz(raw ->> 'location_name')) STORED,
    ADD COLUMN assigned_team      text GENERATED ALWAYS AS (tickets.nz(raw ->> 'assigned_team')) STORED,
    ADD COLUMN owner              text GENERATED ALWAYS AS (tickets.nz(raw ->> 'owner')) STORED,
    ADD COLUMN sla_status         text GENERATED ALWAYS AS (tickets.nz(raw ->> 'sla_status')) STORED,
    ADD COLUMN created_at_service timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'created_at_service')) STORED,
    ADD COLUMN scheduled_at       timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'scheduled_at')) STORED,
    ADD COLUMN closed_at          timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'closed_at')) STORED,
    ADD COLUMN first_seen_at      timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'first_seen_at')) STORED,
    ADD COLUMN last_seen_at       timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'last_seen_at')) STORED,
    ADD COLUMN source_created_at  timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'source_created_at')) STORED,
    ADD COLUMN source_updated_at  timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'source_updated_at')) STORED,
    ADD COLUMN latitude           double precision
        GENERATED ALWAYS AS (coalesce(tickets.point_lat(tickets.feed_point(raw)), tickets.point_lat(geom))) STORED,
    ADD COLUMN longitude          double precision
        GENERATED ALWAYS AS (coalesce(tickets.point_lng(tickets.feed_point(raw)), tickets.point_lng(geom))) STORED,
    ADD COLUMN geog               geography(Point, 4326) GENERATED ALWAYS AS (geom::geography) STORED,
    ADD COLUMN mttr               integer GENERATED ALWAYS AS (tickets.hours_to_minutes(raw ->> 'mttr')) STORED;

COMMENT ON COLUMN tickets.crq.mttr IS 'mean time to repair in whole minutes (source: decimal hours); NULL until closed';
COMMENT ON COLUMN tickets.crq.latitude IS 'coalesce(feed latitude, ST_Y(geom)); precision per geo_source';
COMMENT ON COLUMN tickets.crq.longitude IS 'coalesce(feed longitude, ST_X(geom)); precision per geo_source';
COMMENT ON COLUMN tickets.crq.geog IS 'geom as geography (metres); GiST-indexed for KNN / radius search';

CREATE INDEX crq_normalized_status_idx  ON tickets.crq (normalized_status);
CREATE INDEX crq_cluster_idx            ON tickets.crq (cluster);
CREATE INDEX crq_is_actionable_idx      ON tickets.crq (is_actionable);
CREATE INDEX crq_closed_at_idx          ON tickets.crq (closed_at);
CREATE INDEX crq_created_at_service_idx ON tickets.crq (created_at_service);
CREATE INDEX crq_assigned_team_idx      ON tickets.crq (assigned_team);
CREATE INDEX crq_geog_gist              ON tickets.crq USING gist (geog);

-- The map function, now on typed columns (same signature and shape; more properties).
CREATE OR REPLACE FUNCTION reporting.fn_tickets_for_map(p_open_only boolean DEFAULT true) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH t AS (
        SELECT 'inc' AS dataset, i.ticket_id, i.normalized_status, i.raw_status, i.bucket, i.is_actionable,
               i.cluster, i.region, i.location_name, i.assigned_team, i.owner, i.sla_status,
               i.created_at_service, i.closed_at, i.mttr, i.geom, i.geo_source
          FROM tickets.inc i
        UNION ALL
        SELECT 'crq', c.ticket_id, c.normalized_status, c.raw_status, c.bucket, c.is_actionable,
               c.cluster, c.region, c.location_name, c.assigned_team, c.owner, c.sla_status,
               c.created_at_service, c.closed_at, c.mttr, c.geom, c.geo_source
          FROM tickets.crq c
    ),
    picked AS (
        SELECT t.*
          FROM t
         WHERE NOT coalesce(p_open_only, true)
            OR t.is_actionable
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
