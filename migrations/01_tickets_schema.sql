-- 01_tickets_schema.sql
-- The tickets schema: raw-first ticket tables for both datasets, the two geocoding
-- gazetteers, the geometry-resolution trigger, and the map read function.
--
-- Applied by the migration runner in one transaction (no BEGIN/COMMIT here).
-- Helper functions use SQL-standard bodies (BEGIN ATOMIC): they are parsed once, here,
-- so they keep working whatever search_path a later session has.

CREATE EXTENSION IF NOT EXISTS postgis;

CREATE SCHEMA IF NOT EXISTS tickets;
CREATE SCHEMA IF NOT EXISTS reporting;

COMMENT ON SCHEMA tickets IS 'fleettickets: field-ops tickets (inc, crq), gazetteers, history';
COMMENT ON SCHEMA reporting IS 'fleettickets: read functions served to dashboards';

-- ---------------------------------------------------------------------------
-- Ticket tables: one row per ticket_id, raw = the cleaned source record.
-- ---------------------------------------------------------------------------
CREATE TABLE tickets.inc (
    ticket_id   text PRIMARY KEY,
    raw         jsonb NOT NULL,
    geom        geometry(Point, 4326),
    geo_source  text NOT NULL DEFAULT 'none'
                CONSTRAINT inc_geo_source_check CHECK (geo_source IN ('feed', 'location', 'cluster', 'none')),
    ingested_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE tickets.inc IS 'INC tickets (incidents / customer faults); raw is the source of truth';
COMMENT ON COLUMN tickets.inc.raw IS 'cleaned source record: lowercased column names -> field text as received';
COMMENT ON COLUMN tickets.inc.geom IS 'resolved position: feed lat/lng, else geocoded location_name, else cluster centroid';
COMMENT ON COLUMN tickets.inc.geo_source IS 'which source placed geom: feed / location / cluster / none';
COMMENT ON COLUMN tickets.inc.ingested_at IS 'when raw was last written';

CREATE TABLE tickets.crq (LIKE tickets.inc INCLUDING ALL);
COMMENT ON TABLE tickets.crq IS 'CRQ tickets (new-installation requests); same shape as tickets.inc';

-- ---------------------------------------------------------------------------
-- Gazetteers
-- ---------------------------------------------------------------------------
CREATE TABLE tickets.geo_clusters (
    cluster         text PRIMARY KEY,
    geom            geometry(Point, 4326),
    latitude        double precision,
    longitude       double precision,
    provider        text,
    query           text,
    verified        boolean NOT NULL DEFAULT false,
    attempts        integer NOT NULL DEFAULT 0,
    last_attempt_at timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE tickets.geo_clusters IS 'one centroid per network cluster (raw cluster text as in the feed)';

CREATE TABLE tickets.geo_locations (
    location_name   text PRIMARY KEY,
    cluster         text,
    query           text,
    status          text NOT NULL
                    CONSTRAINT geo_locations_status_check CHECK (status IN ('hit', 'miss', 'rejected')),
    geom            geometry(Point, 4326),
    latitude        double precision,
    longitude       double precision,
    distance_km     double precision,
    provider        text,
    verified        boolean NOT NULL DEFAULT false,
    attempts        integer NOT NULL DEFAULT 1,
    last_attempt_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT geo_locations_hit_has_point CHECK (status <> 'hit' OR geom IS NOT NULL)
);
COMMENT ON TABLE tickets.geo_locations IS 'geocoding cache per raw location_name; only status = hit rows place tickets';
COMMENT ON COLUMN tickets.geo_locations.location_name IS 'the raw location_name exactly as in the feed';
COMMENT ON COLUMN tickets.geo_locations.query IS 'the cleaned place name that was sent to the geocoder';
COMMENT ON COLUMN tickets.geo_locations.distance_km IS 'distance of the result from the cluster centroid';

-- ---------------------------------------------------------------------------
-- Point helpers (parsed once; independent of search_path)
-- ---------------------------------------------------------------------------
-- A WGS84 point from latitude/longitude, or NULL when either is missing or out of range.
-- (0, 0) counts as missing: it is what empty coordinates become in spreadsheets.
CREATE FUNCTION tickets.make_point(p_lat double precision, p_lng double precision)
RETURNS geometry(Point, 4326)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE
        WHEN p_lat BETWEEN -90 AND 90 AND p_lng BETWEEN -180 AND 180
             AND NOT (p_lat = 0 AND p_lng = 0)
        THEN ST_SetSRID(ST_MakePoint(p_lng, p_lat), 4326)
    END;
END;

CREATE FUNCTION tickets.point_lat(p_geom geometry) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT ST_Y(p_geom);
END;

CREATE FUNCTION tickets.point_lng(p_geom geometry) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT ST_X(p_geom);
END;

-- The GeoJSON geometry object of a point, as jsonb.
CREATE FUNCTION tickets.geom_json(p_geom geometry) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT ST_AsGeoJSON(p_geom)::jsonb;
END;

-- A coordinate from feed text: a plain decimal ('-1.2921', '36.8219', '+.5'), else NULL.
-- Never raises (no regex: this runs for every ticket row written).
CREATE FUNCTION tickets.coord(p_text text) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE
        WHEN length(btrim(p_text, E' \t\r\n')) BETWEEN 1 AND 32
         AND translate(ltrim(btrim(p_text, E' \t\r\n'), '+-'), '0123456789', '') IN ('', '.')
         AND length(btrim(p_text, E' \t\r\n')) - length(ltrim(btrim(p_text, E' \t\r\n'), '+-')) <= 1
         AND translate(btrim(p_text, E' \t\r\n'), '+-.', '') <> ''
        THEN btrim(p_text, E' \t\r\n')::double precision
    END;
END;

-- The feed's own coordinates (raw latitude/longitude) when both are plain decimal numbers
-- in range; NULL otherwise (they are empty in practice).
CREATE FUNCTION tickets.feed_point(p_raw jsonb) RETURNS geometry(Point, 4326)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT tickets.make_point(tickets.coord(p_raw ->> 'latitude'), tickets.coord(p_raw ->> 'longitude'));
END;

-- A gazetteer writer may give either geom or latitude/longitude; the other is derived.
-- When both change, geom wins.
CREATE FUNCTION tickets.gazetteer_sync_point() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    point_changed boolean;
    latlng_changed boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        point_changed := NEW.geom IS NOT NULL;
        latlng_changed := NOT point_changed;
    ELSE
        point_changed := NEW.geom::text IS DISTINCT FROM OLD.geom::text;  -- hex EWKB: exact
        latlng_changed := NEW.latitude IS DISTINCT FROM OLD.latitude
                       OR NEW.longitude IS DISTINCT FROM OLD.longitude;
    END IF;
    IF point_changed OR (NOT latlng_changed AND NEW.geom IS NOT NULL) THEN
        NEW.latitude := tickets.point_lat(NEW.geom);
        NEW.longitude := tickets.point_lng(NEW.geom);
    ELSIF latlng_changed THEN
        NEW.geom := tickets.make_point(NEW.latitude, NEW.longitude);
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER geo_clusters_sync_point
    BEFORE INSERT OR UPDATE ON tickets.geo_clusters
    FOR EACH ROW EXECUTE FUNCTION tickets.gazetteer_sync_point();
CREATE TRIGGER geo_locations_sync_point
    BEFORE INSERT OR UPDATE ON tickets.geo_locations
    FOR EACH ROW EXECUTE FUNCTION tickets.gazetteer_sync_point();

-- ---------------------------------------------------------------------------
-- Geometry resolution: feed -> location -> cluster -> none
-- ---------------------------------------------------------------------------
-- Where a ticket with this raw record is placed, and by which source. Exactly one row.
-- Gazetteer keys match the raw text exactly (the geocoder stores them as read).
CREATE FUNCTION tickets.resolve_geo(p_raw jsonb)
RETURNS TABLE (geom geometry(Point, 4326), geo_source text)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT c.geom, c.geo_source
      FROM (
            SELECT tickets.feed_point(p_raw) AS geom, 'feed' AS geo_source, 1 AS rank
            UNION ALL
            SELECT l.geom, 'location', 2
              FROM tickets.geo_locations l
             WHERE l.location_name = p_raw ->> 'location_name'
               AND l.status = 'hit'
            UNION ALL
            SELECT k.geom, 'cluster', 3
              FROM tickets.geo_clusters k
             WHERE k.cluster = p_raw ->> 'cluster'
            UNION ALL
            SELECT NULL, 'none', 4
           ) c
     WHERE c.geom IS NOT NULL OR c.geo_source = 'none'
     ORDER BY c.rank
     LIMIT 1;
END;

-- The row trigger: same order as tickets.resolve_geo, written as direct lookups because it
-- runs for every row the ingest writes (about half the cost of calling resolve_geo).
-- resolve_ticket_geoms() returning 0 right after an ingest shows the two agree.
CREATE FUNCTION tickets.resolve_ticket_geom() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.geom := tickets.feed_point(NEW.raw);
    NEW.geo_source := 'feed';
    IF NEW.geom IS NULL THEN
        SELECT l.geom INTO NEW.geom
          FROM tickets.geo_locations l
         WHERE l.location_name = NEW.raw ->> 'location_name'
           AND l.status = 'hit';
        NEW.geo_source := 'location';
    END IF;
    IF NEW.geom IS NULL THEN
        SELECT k.geom INTO NEW.geom
          FROM tickets.geo_clusters k
         WHERE k.cluster = NEW.raw ->> 'cluster';
        NEW.geo_source := 'cluster';
    END IF;
    IF NEW.geom IS NULL THEN
        NEW.geo_source := 'none';
    END IF;
    -- A writer that replaces raw without touching ingested_at still gets it stamped.
    IF TG_OP = 'UPDATE' AND NEW.raw IS DISTINCT FROM OLD.raw
       AND NEW.ingested_at IS NOT DISTINCT FROM OLD.ingested_at THEN
        NEW.ingested_at := now();
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER inc_resolve_geom
    BEFORE INSERT OR UPDATE OF raw ON tickets.inc
    FOR EACH ROW EXECUTE FUNCTION tickets.resolve_ticket_geom();
CREATE TRIGGER crq_resolve_geom
    BEFORE INSERT OR UPDATE OF raw ON tickets.crq
    FOR EACH ROW EXECUTE FUNCTION tickets.resolve_ticket_geom();

-- Re-resolves geom/geo_source of every ticket of both datasets against the current
-- gazetteers (run after geocoding). Only rows whose placement changes are written.
-- Returns how many rows changed.
CREATE FUNCTION tickets.resolve_ticket_geoms() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    n_inc integer;
    n_crq integer;
BEGIN
    UPDATE tickets.inc t
       SET geom = r.geom, geo_source = r.geo_source
      FROM tickets.inc s
     CROSS JOIN LATERAL tickets.resolve_geo(s.raw) r
     WHERE t.ticket_id = s.ticket_id
       AND (t.geom::text IS DISTINCT FROM r.geom::text  -- hex EWKB: exact comparison
            OR t.geo_source IS DISTINCT FROM r.geo_source);
    GET DIAGNOSTICS n_inc = ROW_COUNT;

    UPDATE tickets.crq t
       SET geom = r.geom, geo_source = r.geo_source
      FROM tickets.crq s
     CROSS JOIN LATERAL tickets.resolve_geo(s.raw) r
     WHERE t.ticket_id = s.ticket_id
       AND (t.geom::text IS DISTINCT FROM r.geom::text  -- hex EWKB: exact comparison
            OR t.geo_source IS DISTINCT FROM r.geo_source);
    GET DIAGNOSTICS n_crq = ROW_COUNT;

    RETURN n_inc + n_crq;
END
$$;
COMMENT ON FUNCTION tickets.resolve_ticket_geoms() IS
    're-resolve geom/geo_source of inc and crq against the gazetteers; returns rows changed';

-- ---------------------------------------------------------------------------
-- JSON helpers
-- ---------------------------------------------------------------------------
-- A timestamptz as ISO 8601 text in UTC, "2026-06-15T14:00:00+00:00" (fractional
-- seconds only when present), whatever the session TimeZone.
CREATE FUNCTION tickets.json_ts(p_ts timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT (to_jsonb(p_ts AT TIME ZONE 'UTC') #>> '{}') || '+00:00';
END;

-- ---------------------------------------------------------------------------
-- Map read function (first version: reads raw)
-- ---------------------------------------------------------------------------
CREATE FUNCTION reporting.fn_tickets_for_map(p_open_only boolean DEFAULT true) RETURNS jsonb
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
                'cluster', (SELECT count(*) FROM placed WHERE geo_source = 'cluster'))));
END;
COMMENT ON FUNCTION reporting.fn_tickets_for_map(boolean) IS
    'GeoJSON FeatureCollection of placed tickets of inc and crq (open only by default) plus summary counts';
