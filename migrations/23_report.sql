-- 23_report.sql
-- reporting.fn_report_snapshot(dataset, from, to): what the one-page report (fleettickets
-- report) shows besides the trend series and the team table, in one consistent read:
--   datasets : per dataset, the state now (open, breached, at risk, clock unknown, unplaced)
--              and the flow over the EAT days from..to (opened, closed, closure rate, MTTR
--              median / p90 in hours, share closed within SLA), the SLA target, and freshness
--   marks    : every open ticket that has a position, with its SLA state now
--   clusters : one label per cluster with marks: its gazetteer centroid
--              (tickets.geo_clusters), else the mean position of its marks
-- The range figures use the definitions of reporting.fn_trends (21_trends_and_attribution),
-- over the whole range instead of per period, so the headline and the charts agree:
--   SLA clock  = created_at_service, else first_seen_at
--   opened     = SLA clock starts in the range
--   closed     = not actionable, closed_at in the range
--   hours      = closed_at - SLA clock (hours); within SLA when <= tickets.sla_target_hours
-- "Now" is the transaction's start. Bad arguments raise SQLSTATE 22023. Reads the shared
-- views tickets.all_tickets and tickets.open_sla (20_crq_parity).

CREATE FUNCTION reporting.fn_report_snapshot(
    p_dataset text DEFAULT 'all',
    p_from    date DEFAULT NULL,
    p_to      date DEFAULT NULL
) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_dataset text := coalesce(lower(tickets.nz(p_dataset)), 'all');
    v_to      date := coalesce(p_to, tickets.eat_today());
    v_from    date := coalesce(p_from, coalesce(p_to, tickets.eat_today()) - 29);
    v_from_ts timestamptz;
    v_to_ts   timestamptz;
    result    jsonb;
BEGIN
    IF v_dataset NOT IN ('inc', 'crq', 'all') THEN
        RAISE EXCEPTION 'fn_report_snapshot: unknown dataset ''%''; valid datasets: inc, crq, all', p_dataset
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM tickets.check_days('fn_report_snapshot', v_from, v_to);
    v_from_ts := tickets.eat_day_start(v_from);
    v_to_ts := tickets.eat_day_start(v_to + 1);

    WITH t AS (
        SELECT a.dataset, a.is_actionable, a.closed_at, coalesce(a.created_at_service, a.first_seen_at) AS clock_start
          FROM tickets.all_tickets a
         WHERE v_dataset IN (a.dataset, 'all')
    ),
    -- Open tickets with their SLA state now: the shared view (20_crq_parity), so the report,
    -- the dashboards and dispatch judge a ticket alike.
    open_s AS (
        SELECT o.dataset, o.ticket_id, o.cluster, o.assigned_team, o.sla_state, o.hours_open, o.geom
          FROM tickets.open_sla o
         WHERE v_dataset IN (o.dataset, 'all')
    ),
    closed_t AS (
        SELECT t.dataset, (extract(epoch FROM t.closed_at - t.clock_start) / 3600.0)::double precision AS hours
          FROM t
         WHERE t.is_actionable IS NOT TRUE
           AND t.closed_at >= v_from_ts AND t.closed_at < v_to_ts
    ),
    ds AS (
        -- The target once per dataset, not once per closed ticket.
        SELECT d.dataset, tickets.sla_target_hours(d.dataset) AS target
          FROM (VALUES ('inc'), ('crq')) d(dataset)
         WHERE v_dataset IN (d.dataset, 'all')
    ),
    per_dataset AS (
        SELECT ds.dataset,
               ds.target AS sla_hours,
               o.total, o.breached, o.at_risk, o.unknown, o.unplaced,
               op.n AS opened,
               c.n AS closed, c.median_h, c.p90_h, c.timed, c.within,
               m.metadata, m.updated_at
          FROM ds
          CROSS JOIN LATERAL (
              SELECT count(*) AS total,
                     count(*) FILTER (WHERE s.sla_state = 'breached') AS breached,
                     count(*) FILTER (WHERE s.sla_state = 'at_risk') AS at_risk,
                     count(*) FILTER (WHERE s.sla_state = 'unknown') AS unknown,
                     count(*) FILTER (WHERE s.geom IS NULL) AS unplaced
                FROM open_s s WHERE s.dataset = ds.dataset) o
          CROSS JOIN LATERAL (
              SELECT count(*) AS n FROM t
               WHERE t.dataset = ds.dataset AND t.clock_start >= v_from_ts AND t.clock_start < v_to_ts) op
          CROSS JOIN LATERAL (
              SELECT count(*) AS n,
                     percentile_cont(0.5) WITHIN GROUP (ORDER BY x.hours) AS median_h,
                     percentile_cont(0.9) WITHIN GROUP (ORDER BY x.hours) AS p90_h,
                     count(x.hours) AS timed,
                     count(*) FILTER (WHERE x.hours <= ds.target) AS within
                FROM closed_t x WHERE x.dataset = ds.dataset) c
          LEFT JOIN tickets.import_meta m ON m.dataset = ds.dataset
    ),
    marks AS (
        SELECT s.dataset, s.ticket_id, s.cluster, s.assigned_team, s.sla_state, s.hours_open,
               ST_Y(s.geom) AS latitude, ST_X(s.geom) AS longitude
          FROM open_s s
         WHERE s.geom IS NOT NULL
    ),
    cluster_marks AS (
        SELECT m.cluster, count(*) AS n, avg(m.latitude) AS lat, avg(m.longitude) AS lng
          FROM marks m
         WHERE m.cluster IS NOT NULL
         GROUP BY m.cluster
    )
    SELECT jsonb_build_object(
        'from', v_from::text,
        'to', v_to::text,
        'generated_at', tickets.json_ts(now()),
        'datasets', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'dataset', p.dataset,
                       'sla_hours', p.sla_hours,
                       'open_now', p.total,
                       'breached_now', p.breached,
                       'at_risk_now', p.at_risk,
                       'unknown_now', p.unknown,
                       'unplaced_now', p.unplaced,
                       'opened_in_range', p.opened,
                       'closed_in_range', p.closed,
                       'closure_rate', round(p.closed::numeric / nullif(p.opened, 0), 4),
                       'mttr_median_hours', round(p.median_h::numeric, 2),
                       'mttr_p90_hours', round(p.p90_h::numeric, 2),
                       'within_sla_share', round(p.within::numeric / nullif(p.timed, 0), 4),
                       'last_exported_at', tickets.json_ts(tickets.eat_ts(p.metadata ->> 'last_file_exported_at')),
                       'last_applied_at', tickets.json_ts(coalesce(tickets.eat_ts(p.metadata ->> 'last_applied_at'), p.updated_at)))
                   ORDER BY p.dataset DESC)   -- inc first, then crq
              FROM per_dataset p), '[]'::jsonb),
        'marks', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'dataset', m.dataset,
                       'ticket_id', m.ticket_id,
                       'latitude', m.latitude,
                       'longitude', m.longitude,
                       'sla_state', m.sla_state,
                       'hours_open', m.hours_open,
                       'cluster', m.cluster,
                       'assigned_team', m.assigned_team)
                   ORDER BY m.dataset DESC, m.ticket_id)
              FROM marks m), '[]'::jsonb),
        'clusters', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'cluster', cm.cluster,
                       'latitude', coalesce(ST_Y(g.geom), cm.lat),
                       'longitude', coalesce(ST_X(g.geom), cm.lng),
                       'open', cm.n,
                       'centroid_source', CASE WHEN g.geom IS NOT NULL THEN 'gazetteer' ELSE 'tickets' END)
                   ORDER BY cm.n DESC, cm.cluster)
              FROM cluster_marks cm
              LEFT JOIN tickets.geo_clusters g ON g.cluster = cm.cluster), '[]'::jsonb))
      INTO result;
    RETURN result;
END;
$$;

COMMENT ON FUNCTION reporting.fn_report_snapshot(text, date, date) IS
    'the report''s headline figures per dataset (now and over EAT days from..to), open tickets with a position and their SLA state, cluster labels';
