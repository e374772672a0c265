-- The floor of building the open features' JSON as rows, for scripts/bench-read-side.sh: the
-- features of its "floor" query (the map's properties of every open, placed ticket of both
-- datasets, from the typed columns alone, built as json and cast to jsonb), built instead as
-- one row per feature in a composite type whose field names are the keys, and turned into
-- jsonb by one to_jsonb of the whole array (the way migration 33 builds the dashboards).
-- The benchmark checks that both give the same jsonb. The fields are in jsonb's key order
-- (shorter keys first), so jsonb's per-object key sort finds them sorted.
CREATE TYPE public.bench_floor_properties AS (
    owner              text,
    bucket             text,
    region             text,
    cluster            text,
    dataset            text,
    closed_at          timestamptz,
    ticket_id          text,
    geo_source         text,
    raw_status         text,
    sla_status         text,
    mttr_minutes       integer,
    assigned_team      text,
    is_actionable      boolean,
    location_name      text,
    normalized_status  text,
    created_at_service timestamptz
);
CREATE TYPE public.bench_floor_feature AS (type text, geometry jsonb, properties public.bench_floor_properties);

CREATE FUNCTION public.bench_floor_rows() RETURNS jsonb LANGUAGE sql STABLE SET jit = off AS $$
    SELECT to_jsonb(coalesce(array_agg(ROW('Feature', ST_AsGeoJSON(a.geom)::jsonb,
             ROW(a.owner, a.bucket, a.region, a.cluster, a.dataset, a.closed_at, a.ticket_id, a.geo_source, a.raw_status,
                 a.sla_status, a.mttr, a.assigned_team, a.is_actionable, a.location_name, a.normalized_status,
                 a.created_at_service)::public.bench_floor_properties)::public.bench_floor_feature
             ORDER BY a.dataset, a.ticket_id), '{}'))
      FROM (SELECT 'inc' AS dataset, * FROM tickets.inc WHERE is_actionable AND geom IS NOT NULL
            UNION ALL SELECT 'crq', * FROM tickets.crq WHERE is_actionable AND geom IS NOT NULL) a
$$;
