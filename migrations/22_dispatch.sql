-- 22_dispatch.sql
-- Dispatch: the nearest open, actionable tickets of both datasets to a GPS fix, in metres on
-- the WGS84 spheroid, found through the geog GiST indexes (KNN), optionally within a radius,
-- ranked by distance or by SLA urgency. The dashboard calls reporting.fn_dispatch_nearest;
-- the SDK's PostgresDispatchReader calls the same function, so the two cannot disagree.
--
-- PostGIS is called only from SQL-standard bodies (BEGIN ATOMIC, resolved here once), so the
-- reporting function works whatever search_path a session has (see docs/read-schema.md).
-- SLA comes from tickets.open_sla (migration 20), the view every SLA figure is judged by.

-- Open tickets are a small, moving share of tables that grow with every closure. Partial
-- GiST indexes over the open rows keep the nearest-neighbour walk on open tickets only, so
-- dispatch latency does not grow with closed history (and the planner always prefers KNN
-- to "every open ticket, then sort").
CREATE INDEX IF NOT EXISTS inc_geog_open_gist ON tickets.inc USING gist (geog) WHERE is_actionable;
CREATE INDEX IF NOT EXISTS crq_geog_open_gist ON tickets.crq USING gist (geog) WHERE is_actionable;

-- The point of a GPS fix as geography (SRID 4326).
CREATE FUNCTION tickets.dispatch_point(p_lat double precision, p_lng double precision)
RETURNS geography
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT ST_SetSRID(ST_MakePoint(p_lng, p_lat), 4326)::geography;
END;

-- The p_k open, placed tickets of inc and crq nearest to the fix, by spheroid distance
-- (metres, ST_Distance on geography), exactly: ties by dataset, ticket_id. p_k is at most
-- 1000 (larger values give at most the 1000 nearest of each table).
-- Step 1 walks each table's GiST index in KNN order (geog <-> point, sphere distance) for
-- p_k rows. Sphere and spheroid order can differ by up to ~0.5 %, so step 2 takes the p_k-th
-- smallest spheroid distance d among those rows (p_k tickets lie within d, hence so do the
-- true p_k nearest) and gathers every open ticket within d (+1 cm for rounding) through the
-- same indexes (ST_DWithin), then sorts by spheroid distance. With fewer than p_k open placed
-- tickets in all, step 1 already holds them all.
CREATE FUNCTION tickets.dispatch_knn(p_lat double precision, p_lng double precision, p_k integer)
RETURNS TABLE (dataset text, ticket_id text, distance_m double precision)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    -- The fix is written out as an expression of the arguments (not joined from a CTE): the
    -- KNN index scan needs its ORDER BY operand to be a constant for the scan.
    WITH sphere AS (
        -- The constant inner LIMIT (the largest k served) tells the planner the walk is short
        -- even when p_k is a parameter (a generic plan assumes a tenth of the table and would
        -- sort it instead); the outer LIMIT stops the walk at p_k.
        (SELECT * FROM (SELECT 'inc'::text AS dataset, i.ticket_id, ST_Distance(i.geog, tickets.dispatch_point(p_lat, p_lng)) AS d
                          FROM tickets.inc i
                         WHERE i.is_actionable AND i.geog IS NOT NULL
                         ORDER BY i.geog <-> tickets.dispatch_point(p_lat, p_lng)
                         LIMIT 1000) n
          LIMIT p_k)
        UNION ALL
        (SELECT * FROM (SELECT 'crq'::text AS dataset, c.ticket_id, ST_Distance(c.geog, tickets.dispatch_point(p_lat, p_lng)) AS d
                          FROM tickets.crq c
                         WHERE c.is_actionable AND c.geog IS NOT NULL
                         ORDER BY c.geog <-> tickets.dispatch_point(p_lat, p_lng)
                         LIMIT 1000) n
          LIMIT p_k)
    ),
    bound AS (
        SELECT s.d + 0.01 AS d FROM sphere s ORDER BY s.d OFFSET p_k - 1 LIMIT 1
    ),
    pool AS (
        SELECT s.dataset, s.ticket_id, s.d FROM sphere s WHERE NOT EXISTS (SELECT 1 FROM bound)
        UNION ALL
        SELECT 'inc'::text, i.ticket_id, ST_Distance(i.geog, tickets.dispatch_point(p_lat, p_lng))
          FROM bound b, tickets.inc i
         WHERE i.is_actionable AND ST_DWithin(i.geog, tickets.dispatch_point(p_lat, p_lng), b.d)
        UNION ALL
        SELECT 'crq'::text, c.ticket_id, ST_Distance(c.geog, tickets.dispatch_point(p_lat, p_lng))
          FROM bound b, tickets.crq c
         WHERE c.is_actionable AND ST_DWithin(c.geog, tickets.dispatch_point(p_lat, p_lng), b.d)
    )
    SELECT p.dataset, p.ticket_id, p.d FROM pool p ORDER BY p.d, p.dataset COLLATE "C", p.ticket_id COLLATE "C" LIMIT p_k;
END;
COMMENT ON FUNCTION tickets.dispatch_knn(double precision, double precision, integer) IS
    'the p_k open placed inc/crq tickets nearest to (lat, lng), spheroid metres, via the geog GiST indexes';

-- Every open, placed ticket of inc and crq within p_within_m metres (spheroid) of the fix,
-- found through the GiST indexes (ST_DWithin); unordered.
CREATE FUNCTION tickets.dispatch_within(p_lat double precision, p_lng double precision, p_within_m double precision)
RETURNS TABLE (dataset text, ticket_id text, distance_m double precision)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH near AS (
        SELECT 'inc'::text AS dataset, i.ticket_id, ST_Distance(i.geog, tickets.dispatch_point(p_lat, p_lng)) AS d
          FROM tickets.inc i
         WHERE i.is_actionable AND ST_DWithin(i.geog, tickets.dispatch_point(p_lat, p_lng), p_within_m)
        UNION ALL
        SELECT 'crq'::text, c.ticket_id, ST_Distance(c.geog, tickets.dispatch_point(p_lat, p_lng))
          FROM tickets.crq c
         WHERE c.is_actionable AND ST_DWithin(c.geog, tickets.dispatch_point(p_lat, p_lng), p_within_m)
    )
    -- ST_DWithin and ST_Distance may round differently at the very edge: the distance decides.
    SELECT n.dataset, n.ticket_id, n.d FROM near n WHERE n.d <= p_within_m;
END;
COMMENT ON FUNCTION tickets.dispatch_within(double precision, double precision, double precision) IS
    'every open placed inc/crq ticket within p_within_m spheroid metres of (lat, lng), via the geog GiST indexes';

-- The dashboard's dispatch call. See docs/read-schema.md for the contract and the urgency order.
CREATE FUNCTION reporting.fn_dispatch_nearest(
    p_lat double precision,
    p_lng double precision,
    p_limit integer DEFAULT 10,
    p_within_km double precision DEFAULT NULL,
    p_rank text DEFAULT 'distance'
) RETURNS jsonb
LANGUAGE plpgsql STABLE
-- One plan per statement serves every call: the plans never depend on the arguments (KNN and
-- radius searches on the GiST indexes, primary-key lookups), and planning them afresh on each
-- call cost several times their execution.
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_rank text := lower(btrim(coalesce(p_rank, 'distance')));
    v_limit integer := coalesce(p_limit, 10);
    v_datasets text[];
    v_ids text[];
    v_metres double precision[];
    v_result jsonb;
BEGIN
    IF p_lat IS NULL OR p_lng IS NULL THEN
        RAISE EXCEPTION 'fn_dispatch_nearest: p_lat and p_lng are required (got %, %)',
                        coalesce(p_lat::text, 'NULL'), coalesce(p_lng::text, 'NULL')
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'pass the vehicle''s GPS fix in decimal degrees, e.g. reporting.fn_dispatch_nearest(-1.2921, 36.8219)';
    END IF;
    IF NOT (p_lat BETWEEN -90 AND 90) THEN
        RAISE EXCEPTION 'fn_dispatch_nearest: latitude % is out of range [-90, 90]', p_lat
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'latitude comes first: reporting.fn_dispatch_nearest(p_lat => -1.2921, p_lng => 36.8219)';
    END IF;
    IF NOT (p_lng BETWEEN -180 AND 180) THEN
        RAISE EXCEPTION 'fn_dispatch_nearest: longitude % is out of range [-180, 180]', p_lng
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'longitude is in decimal degrees east, e.g. 36.8219 for Nairobi';
    END IF;
    IF v_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'fn_dispatch_nearest: limit % is out of range [1, 1000]', v_limit
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'ask for between 1 and 1000 tickets (default 10)';
    END IF;
    IF p_within_km IS NOT NULL AND NOT (p_within_km > 0 AND p_within_km <= 20040) THEN
        RAISE EXCEPTION 'fn_dispatch_nearest: radius % km is out of range (0, 20040]', p_within_km
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'pass a positive radius in kilometres, or NULL for no radius';
    END IF;
    IF v_rank NOT IN ('distance', 'urgency') THEN
        RAISE EXCEPTION 'fn_dispatch_nearest: unknown rank ''%''; valid ranks: distance, urgency', p_rank
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'rank by ''distance'' (nearest first) or ''urgency'' (SLA: breached, at_risk, within, unknown)';
    END IF;

    -- Two statements: the candidate search (one of two, each with a plan of its own), then
    -- the SLA lookup and the answer.
    IF v_rank = 'urgency' AND p_within_km IS NOT NULL THEN
        -- urgency with a radius: every open ticket in the radius competes.
        SELECT array_agg(w.dataset), array_agg(w.ticket_id), array_agg(w.distance_m)
          INTO v_datasets, v_ids, v_metres
          FROM tickets.dispatch_within(p_lat, p_lng, p_within_km * 1000) w;
    ELSE
        -- the k nearest; with a radius, those inside it (a prefix of the k nearest overall).
        SELECT array_agg(k.dataset), array_agg(k.ticket_id), array_agg(k.distance_m)
          INTO v_datasets, v_ids, v_metres
          FROM tickets.dispatch_knn(p_lat, p_lng, v_limit) k
         WHERE p_within_km IS NULL OR k.distance_m <= p_within_km * 1000;
    END IF;

    WITH candidates AS (
        SELECT c.dataset, c.ticket_id, c.distance_m
          FROM unnest(v_datasets, v_ids, v_metres) AS c(dataset, ticket_id, distance_m)
    ),
    -- SLA as everywhere else: tickets.open_sla (migration 20) judges each open ticket against
    -- tickets.sla_targets (hours from created_at_service, else first_seen_at, to now()).
    ranked AS (
        SELECT c.distance_m, s.*,
               s.sla_clock_start + s.sla_target_hours * interval '1 hour' AS sla_deadline
          FROM candidates c
          JOIN tickets.open_sla s ON s.dataset = c.dataset AND s.ticket_id = c.ticket_id
    ),
    ordered AS (
        SELECT r.*,
               row_number() OVER (ORDER BY
                   CASE WHEN v_rank = 'urgency' THEN
                       CASE r.sla_state WHEN 'breached' THEN 0 WHEN 'at_risk' THEN 1 WHEN 'within' THEN 2 ELSE 3 END
                   END,
                   CASE WHEN v_rank = 'urgency' THEN r.sla_deadline END,
                   r.distance_m, r.dataset COLLATE "C", r.ticket_id COLLATE "C") AS position
          FROM ranked r
    )
    SELECT jsonb_build_object(
        'query', jsonb_build_object('lat', p_lat, 'lng', p_lng, 'limit', v_limit,
                                    'within_km', p_within_km, 'rank', v_rank),
        'generated_at', tickets.json_ts(now()),
        'tickets', coalesce(jsonb_agg(jsonb_build_object(
            'rank', o.position,
            'dataset', o.dataset,
            'ticket_id', o.ticket_id,
            'distance_m', round(o.distance_m::numeric, 2),
            'hours_open', o.hours_open,
            'sla_state', o.sla_state,
            'sla_target_hours', o.sla_target_hours,
            'sla_hours_left', o.sla_hours_left,
            'sla_clock_start', tickets.json_ts(o.sla_clock_start),
            'sla_clock_source', o.sla_clock_source,
            'sla_deadline', tickets.json_ts(o.sla_deadline),
            'normalized_status', o.normalized_status,
            'cluster', o.cluster,
            'region', o.region,
            'location_name', o.location_name,
            'assigned_team', o.assigned_team,
            'owner', o.owner,
            'latitude', o.latitude,
            'longitude', o.longitude,
            'geo_source', o.geo_source) ORDER BY o.position) FILTER (WHERE o.position <= v_limit), '[]'::jsonb))
      INTO v_result
      FROM ordered o;
    RETURN v_result;
END
$$;
COMMENT ON FUNCTION reporting.fn_dispatch_nearest(double precision, double precision, integer, double precision, text) IS
    'nearest open actionable inc/crq tickets to a GPS fix (spheroid metres, KNN on geog), optionally within a radius, ranked by distance or SLA urgency';
