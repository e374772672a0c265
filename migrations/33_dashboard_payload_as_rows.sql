-- 33_dashboard_payload_as_rows.sql
-- reporting._dashboard (the body of fn_inc_dashboard and fn_crq_dashboard): the same
-- arguments, JSON and answers as in 30, built in one pass.
-- 30 built the payload as json text and cast it to jsonb: at a million tickets the day's
-- ~2,900 features made 1.7 MB of text, and parsing it back (lexing, numbers, key sorting)
-- cost as much as building it. Here the payload is a tree of rows whose composite types
-- below name the JSON keys, and one to_jsonb turns the whole tree into jsonb: no text in
-- between, no feature array copied by an enclosing jsonb_build_object. to_jsonb converts each
-- field as jsonb_build_object does (text to string, numbers to numbers, jsonb as is, NULL to
-- null), and jsonb orders an object's keys itself, so the value is the one 30 returned.
-- The types are the JSON shape of the payload: a key added to the JSON is a field added here.
-- Their fields are declared in jsonb's key order (shorter keys first, then bytewise): jsonb
-- sorts each object's keys as it builds it, and finds them sorted in one pass.
-- The open and closed sets are read in the features' order, so the aggregates' own sorts
-- find their input sorted.
-- Only types and a function change: no table is touched.

CREATE TYPE reporting.dashboard_open_properties AS (
    owner              text,
    region             text,
    cluster            text,
    dataset            text,
    latitude           double precision,
    longitude          double precision,
    sla_state          text,
    ticket_id          text,
    geo_source         text,
    hours_open         numeric,
    raw_status         text,
    assigned_team      text,
    first_seen_at      text,
    location_name      text,
    sla_hours_left     numeric,
    sla_clock_start    text,
    sla_clock_source   text,
    normalized_status  text,
    created_at_service text
);
COMMENT ON TYPE reporting.dashboard_open_properties IS
    'the properties of an open feature of reporting._dashboard (field names are the JSON keys; times are json_ts text)';

CREATE TYPE reporting.dashboard_open_feature AS (
    type       text,
    geometry   jsonb,
    properties reporting.dashboard_open_properties
);
COMMENT ON TYPE reporting.dashboard_open_feature IS 'a GeoJSON Feature of an open ticket in reporting._dashboard';

CREATE TYPE reporting.dashboard_open_features AS (
    type     text,
    features reporting.dashboard_open_feature[]
);
COMMENT ON TYPE reporting.dashboard_open_features IS 'the "open" FeatureCollection of reporting._dashboard';

CREATE TYPE reporting.dashboard_closed_properties AS (
    owner              text,
    region             text,
    cluster            text,
    dataset            text,
    latitude           double precision,
    closed_at          text,
    longitude          double precision,
    ticket_id          text,
    geo_source         text,
    raw_status         text,
    sla_status         text,
    mttr_minutes       integer,
    assigned_team      text,
    location_name      text,
    normalized_status  text,
    created_at_service text
);
COMMENT ON TYPE reporting.dashboard_closed_properties IS
    'the properties of a closed feature of reporting._dashboard (field names are the JSON keys; times are json_ts text)';

CREATE TYPE reporting.dashboard_closed_feature AS (
    type       text,
    geometry   jsonb,
    properties reporting.dashboard_closed_properties
);
COMMENT ON TYPE reporting.dashboard_closed_feature IS 'a GeoJSON Feature of a ticket closed in the window of reporting._dashboard';

CREATE TYPE reporting.dashboard_closed_features AS (
    type     text,
    features reporting.dashboard_closed_feature[]
);
COMMENT ON TYPE reporting.dashboard_closed_features IS 'the "closed" FeatureCollection of reporting._dashboard';

CREATE TYPE reporting.dashboard_payload AS (
    open         reporting.dashboard_open_features,
    closed       reporting.dashboard_closed_features,
    "window"     jsonb,
    filters      jsonb,
    metrics      jsonb,
    freshness    jsonb,
    generated_at text
);
COMMENT ON TYPE reporting.dashboard_payload IS
    'the JSON of fn_inc_dashboard / fn_crq_dashboard as a row: to_jsonb of it is the answer';

CREATE OR REPLACE FUNCTION reporting._dashboard(
    p_dataset text,
    p_cluster text,
    p_status  text,
    p_window  text,
    p_from    date,
    p_to      date
) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET jit = off
AS $$
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
         -- the features' order: the aggregates below keep their own, and find their input sorted
         ORDER BY s.hours_open DESC NULLS LAST, s.ticket_id
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
         ORDER BY a.closed_at DESC, a.ticket_id
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
    -- The fields in the order of the types above (jsonb key order, see the header).
    SELECT to_jsonb(ROW(
        ROW('FeatureCollection', coalesce((
            SELECT array_agg(ROW('Feature', tickets.geom_json(o.geom),
                       ROW(o.owner, o.region, o.cluster, v_dataset, o.latitude, o.longitude, o.sla_state,
                           o.ticket_id, o.geo_source, o.hours_open, o.raw_status, o.assigned_team,
                           tickets.json_ts(o.first_seen_at), o.location_name, o.sla_hours_left,
                           tickets.json_ts(o.sla_clock_start), o.sla_clock_source, o.normalized_status,
                           tickets.json_ts(o.created_at_service)
                       )::reporting.dashboard_open_properties)::reporting.dashboard_open_feature
                       ORDER BY o.hours_open DESC NULLS LAST, o.ticket_id)
              FROM open_t o
             WHERE o.geom IS NOT NULL), '{}'))::reporting.dashboard_open_features,
        ROW('FeatureCollection', coalesce((
            SELECT array_agg(ROW('Feature', tickets.geom_json(c.geom),
                       ROW(c.owner, c.region, c.cluster, v_dataset, c.latitude, tickets.json_ts(c.closed_at),
                           c.longitude, c.ticket_id, c.geo_source, c.raw_status, c.sla_status, c.mttr,
                           c.assigned_team, c.location_name, c.normalized_status,
                           tickets.json_ts(c.created_at_service)
                       )::reporting.dashboard_closed_properties)::reporting.dashboard_closed_feature
                       ORDER BY c.closed_at DESC, c.ticket_id)
              FROM closed_t c
             WHERE c.geom IS NOT NULL), '{}'))::reporting.dashboard_closed_features,
        jsonb_build_object(
            'name', v_window,
            'from', v_from,           -- jsonb renders dates as ISO YYYY-MM-DD
            'to', v_to,
            'from_ts', tickets.json_ts(v_from_ts),
            'to_ts', tickets.json_ts(v_to_ts),
            'timezone', 'Africa/Nairobi'),
        jsonb_build_object('cluster', v_cluster, 'status', v_status),
        (
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
        (SELECT m.metadata || jsonb_build_object('dataset', m.dataset,
                                                 'updated_at', tickets.json_ts(m.updated_at))
           FROM tickets.import_meta m
          WHERE m.dataset = v_dataset),
        tickets.json_ts(now())
        )::reporting.dashboard_payload)
      INTO result;

    RETURN result;
END
$$;
