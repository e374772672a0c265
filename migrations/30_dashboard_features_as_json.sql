-- 30_dashboard_features_as_json.sql
-- reporting._dashboard (20_crq_parity), the body of fn_inc_dashboard and fn_crq_dashboard:
-- the same arguments, JSON and answers, cheaper per feature and flat in the history.
--   - the payload is built as json and cast to jsonb once at the end: a jsonb object per
--     feature cost about twice as much, and each jsonb_build_object around the feature
--     arrays copied them whole again (the open and closed collections, then the payload);
--     the cast gives the same jsonb value;
--   - no JIT: the estimates of its window reads grow with the history and crossed the JIT
--     threshold, where compiling cost more than the reads.
-- Its reads were already indexed: the open set through is_actionable, the window's closures
-- through closed_at. The body is 20's but for those lines (docs/read-schema.md, "Cost follows
-- the work").

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
    SELECT json_build_object(
        'window', jsonb_build_object(
            'name', v_window,
            'from', v_from,           -- jsonb renders dates as ISO YYYY-MM-DD
            'to', v_to,
            'from_ts', tickets.json_ts(v_from_ts),
            'to_ts', tickets.json_ts(v_to_ts),
            'timezone', 'Africa/Nairobi'),
        'filters', jsonb_build_object('cluster', v_cluster, 'status', v_status),
        'generated_at', tickets.json_ts(now()),
        'open', json_build_object(
            'type', 'FeatureCollection',
            'features', coalesce((
                SELECT json_agg(json_build_object(
                           'type', 'Feature',
                           'geometry', tickets.geom_json(o.geom),
                           'properties', json_build_object(
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
                 WHERE o.geom IS NOT NULL), '[]'::json)),
        'closed', json_build_object(
            'type', 'FeatureCollection',
            'features', coalesce((
                SELECT json_agg(json_build_object(
                           'type', 'Feature',
                           'geometry', tickets.geom_json(c.geom),
                           'properties', json_build_object(
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
                 WHERE c.geom IS NOT NULL), '[]'::json)),
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
                       WHERE m.dataset = v_dataset))::jsonb
      INTO result;

    RETURN result;
END
$$;
