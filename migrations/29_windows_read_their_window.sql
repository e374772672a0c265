-- 29_windows_read_their_window.sql
-- reporting.fn_trends (21) and reporting.fn_report_snapshot (23): the same signatures, JSON and
-- answers, at a cost that follows the window instead of the history. Both gathered every
-- ticket of the dataset into one CTE (tickets.all_tickets, no range) that two parts then
-- filtered by range: a CTE read twice is materialised, so each call copied the whole history
-- before looking at the window. Here each part reads its own range through an index:
--   opened  tickets.opened_between (28): SLA clock start in range, through the
--           created_at_service index and the small first_seen_at index of 28
--   closed  closed_at in range, through the closed_at index
-- Both run without JIT: their estimates grew with the history past the JIT threshold, and
-- compiling cost more than the windowed reads it would speed up.
-- The bodies are 21's and 23's but for those parts (docs/read-schema.md, "Cost follows the work").

CREATE OR REPLACE FUNCTION reporting.fn_trends(
    p_dataset text,
    p_from    date,
    p_to      date,
    p_grain   text DEFAULT 'day',
    p_split   text DEFAULT 'none'
) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET jit = off
AS $$
DECLARE
    v_dataset text := tickets.checked_dataset('fn_trends', p_dataset);
    v_grain   text := coalesce(lower(tickets.nz(p_grain)), 'day');
    v_split   text := coalesce(lower(tickets.nz(p_split)), 'none');
    v_today   date := tickets.eat_today();
    v_target  numeric := tickets.sla_target_hours(p_dataset);
    v_from_ts timestamptz;
    v_to_ts   timestamptz;
    result    jsonb;
BEGIN
    PERFORM tickets.check_days('fn_trends', p_from, p_to);
    IF v_grain NOT IN ('day', 'week') THEN
        RAISE EXCEPTION 'fn_trends: unknown grain ''%''; valid grains: day, week', p_grain
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'pass p_grain => ''day'' (EAT calendar days) or ''week'' (ISO weeks, Monday first)';
    END IF;
    IF v_split NOT IN ('none', 'region', 'cluster', 'team') THEN
        RAISE EXCEPTION 'fn_trends: unknown split ''%''; valid splits: none, region, cluster, team', p_split
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'pass p_split => ''none'' for one series, or ''region'', ''cluster'' or ''team'' for one per group';
    END IF;
    v_from_ts := tickets.eat_day_start(p_from);
    v_to_ts := tickets.eat_day_start(p_to + 1);

    WITH periods AS (
        -- Each period's days clipped to the range: last_day is the day whose end its backlog describes.
        SELECT tickets.period_start(d.day, v_grain) AS period, min(d.day) AS first_day, max(d.day) AS last_day
          FROM (SELECT g::date AS day
                  FROM generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') g) d
         GROUP BY 1
    ),
    opened AS (
        SELECT tickets.period_start(tickets.eat_date(o.clock_start), v_grain) AS period,
               CASE v_split
                   WHEN 'region' THEN coalesce(o.region, '(none)')
                   WHEN 'cluster' THEN coalesce(o.cluster, '(none)')
                   WHEN 'team' THEN coalesce(o.assigned_team, '(none)')
               END AS grp,
               count(*) AS n
          FROM tickets.opened_between(v_dataset, v_from_ts, v_to_ts) o
         GROUP BY 1, 2
    ),
    closed AS (
        SELECT c.period, c.grp, count(*) AS n,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY c.hours) AS median_h,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY c.hours) AS p90_h,
               count(c.hours) AS timed,
               count(*) FILTER (WHERE c.hours <= v_target) AS within
          FROM (SELECT tickets.period_start(tickets.eat_date(a.closed_at), v_grain) AS period,
                       CASE v_split
                           WHEN 'region' THEN coalesce(a.region, '(none)')
                           WHEN 'cluster' THEN coalesce(a.cluster, '(none)')
                           WHEN 'team' THEN coalesce(a.assigned_team, '(none)')
                       END AS grp,
                       (extract(epoch FROM a.closed_at - coalesce(a.created_at_service, a.first_seen_at)) / 3600.0)::double precision AS hours
                  FROM tickets.all_tickets a
                 WHERE a.dataset = v_dataset
                   AND a.is_actionable IS NOT TRUE
                   AND a.closed_at >= v_from_ts AND a.closed_at < v_to_ts) c
         GROUP BY 1, 2
    ),
    backlog_all AS (
        -- Past periods: the history of their last day.
        SELECT p.period, b.split, b.grp, b.open_total, true AS aged,
               b.under_24h, b.h24_to_48, b.h48_to_7d, b.over_7d
          FROM periods p
          JOIN tickets.daily_backlog b
            ON b.dataset = v_dataset AND b.snapshot_date = p.last_day AND b.split IN ('none', v_split)
         WHERE p.last_day < v_today
        UNION ALL
        -- Days captured before daily_backlog existed: the whole dataset's total, no ages.
        SELECT p.period, 'none', '', s.open_total, false, NULL, NULL, NULL, NULL
          FROM periods p
          JOIN (SELECT 'inc' AS dataset, i.snapshot_date, i.open_total FROM tickets.inc_daily_snapshot i
                UNION ALL
                SELECT 'crq', c.snapshot_date, c.open_total FROM tickets.crq_daily_snapshot c) s
            ON s.dataset = v_dataset AND s.snapshot_date = p.last_day
         WHERE p.last_day < v_today
           AND NOT EXISTS (SELECT 1 FROM tickets.daily_backlog b
                            WHERE b.dataset = v_dataset AND b.snapshot_date = p.last_day AND b.split = 'none')
        UNION ALL
        -- The period holding today: the tickets as they are now.
        SELECT p.period, l.split, l.grp, l.open_total, true,
               l.under_24h, l.h24_to_48, l.h48_to_7d, l.over_7d
          FROM periods p
         CROSS JOIN tickets.backlog_at(v_dataset, now()) l
         WHERE v_today BETWEEN p.first_day AND p.last_day
           AND l.split IN ('none', v_split)
    ),
    known AS (
        SELECT b.period, b.aged FROM backlog_all b WHERE b.split = 'none'
    ),
    backlog AS (
        SELECT b.period, CASE WHEN v_split = 'none' THEN NULL ELSE b.grp END AS grp, b.open_total,
               b.under_24h, b.h24_to_48, b.h48_to_7d, b.over_7d
          FROM backlog_all b
         WHERE b.split = v_split
    ),
    keys AS (
        -- One point per period for the whole dataset; per group, the groups with something to say.
        SELECT p.period, NULL::text AS grp FROM periods p WHERE v_split = 'none'
        UNION
        SELECT o.period, o.grp FROM opened o WHERE v_split <> 'none'
        UNION
        SELECT c.period, c.grp FROM closed c WHERE v_split <> 'none'
        UNION
        SELECT b.period, b.grp FROM backlog b WHERE v_split <> 'none'
    ),
    points AS (
        SELECT k.period, k.grp,
               jsonb_build_object(
                   'period', k.period,
                   'group', k.grp,
                   'opened', coalesce(o.n, 0),
                   'closed', coalesce(c.n, 0),
                   'closure_rate', round(coalesce(c.n, 0)::numeric / nullif(o.n, 0), 4),
                   'backlog_at_end', CASE WHEN kn.period IS NOT NULL THEN coalesce(b.open_total, 0) END,
                   'mttr_median_hours', round(c.median_h::numeric, 2),
                   'mttr_p90_hours', round(c.p90_h::numeric, 2),
                   'within_sla_share', round(c.within::numeric / nullif(c.timed, 0), 4),
                   'backlog_age', CASE WHEN kn.aged THEN jsonb_build_object(
                       'under_24h', coalesce(b.under_24h, 0),
                       'h24_to_48', coalesce(b.h24_to_48, 0),
                       'h48_to_7d', coalesce(b.h48_to_7d, 0),
                       'over_7d', coalesce(b.over_7d, 0)) END) AS point
          FROM keys k
          LEFT JOIN opened o ON o.period = k.period AND o.grp IS NOT DISTINCT FROM k.grp
          LEFT JOIN closed c ON c.period = k.period AND c.grp IS NOT DISTINCT FROM k.grp
          LEFT JOIN backlog b ON b.period = k.period AND b.grp IS NOT DISTINCT FROM k.grp
          LEFT JOIN known kn ON kn.period = k.period
    )
    SELECT jsonb_build_object(
               'query', jsonb_build_object('dataset', v_dataset, 'from', p_from, 'to', p_to,
                                           'grain', v_grain, 'split', v_split),
               'sla_hours', v_target,
               'points', coalesce((SELECT jsonb_agg(p.point ORDER BY p.period, p.grp) FROM points p), '[]'::jsonb))
      INTO result;
    RETURN result;
END
$$;
COMMENT ON FUNCTION reporting.fn_trends(text, date, date, text, text) IS
    'trend points {query, sla_hours, points[]} per EAT day or ISO week (and region/cluster/team); bad arguments raise 22023';

CREATE OR REPLACE FUNCTION reporting.fn_report_snapshot(
    p_dataset text DEFAULT 'all',
    p_from    date DEFAULT NULL,
    p_to      date DEFAULT NULL
) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET jit = off
AS $$
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

    WITH
    -- Open tickets with their SLA state now: the shared view (20_crq_parity), so the report,
    -- the dashboards and dispatch judge a ticket alike.
    open_s AS (
        SELECT o.dataset, o.ticket_id, o.cluster, o.assigned_team, o.sla_state, o.hours_open, o.geom
          FROM tickets.open_sla o
         WHERE v_dataset IN (o.dataset, 'all')
    ),
    closed_t AS (
        SELECT a.dataset,
               (extract(epoch FROM a.closed_at - coalesce(a.created_at_service, a.first_seen_at)) / 3600.0)::double precision AS hours
          FROM tickets.all_tickets a
         WHERE v_dataset IN (a.dataset, 'all')
           AND a.is_actionable IS NOT TRUE
           AND a.closed_at >= v_from_ts AND a.closed_at < v_to_ts
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
              SELECT count(*) AS n FROM tickets.opened_between(ds.dataset, v_from_ts, v_to_ts)) op
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
