-- 21_trends_and_attribution.sql
-- The analyst's and the manager's read functions, for either dataset:
--   reporting.fn_trends(dataset, from, to, grain, split)  opened, closed, closure rate,
--       backlog at the period's end, MTTR median / p90, share within SLA, backlog age
--   reporting.fn_team_closures(dataset, from, to, by_owner)  closures per assigned team (and
--       owner) as observed, with the median time to close, the share within SLA, reopenings
-- Their JSON keys are the CodingKeys of FleetTicketsCore's TrendReport and TeamClosureReport.
-- Where each figure comes from (docs/read-schema.md):
--   opened, closed, hours to close: the tickets' typed columns (they hold every ticket ever
--       ingested, also from before history capture started);
--   backlog and its age on a past day: tickets.daily_backlog (else, for the whole dataset, the
--       <dataset>_daily_snapshot total): only history knows a past backlog;
--   backlog of the current period: the tickets now (tickets.backlog_at(dataset, now()));
--   team attribution and reopenings: tickets.closure_events (the team when the closure was
--       observed; a ticket seen open again after it).
-- SLA is judged against tickets.sla_targets: a closure is within SLA when closed_at minus its
-- SLA clock start (created_at_service, else first_seen_at) is at most the target.

-- The first EAT day of the period (day, or ISO week starting Monday) holding p_day.
CREATE FUNCTION tickets.period_start(p_day date, p_grain text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE WHEN p_grain = 'week' THEN p_day - (extract(isodow FROM p_day)::integer - 1) ELSE p_day END;
END;

CREATE FUNCTION reporting.fn_trends(
    p_dataset text,
    p_from    date,
    p_to      date,
    p_grain   text DEFAULT 'day',
    p_split   text DEFAULT 'none'
) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
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
    t AS (
        SELECT CASE v_split
                   WHEN 'region' THEN coalesce(a.region, '(none)')
                   WHEN 'cluster' THEN coalesce(a.cluster, '(none)')
                   WHEN 'team' THEN coalesce(a.assigned_team, '(none)')
               END AS grp,
               coalesce(a.created_at_service, a.first_seen_at) AS clock_start,
               a.closed_at,
               a.is_actionable
          FROM tickets.all_tickets a
         WHERE a.dataset = v_dataset
    ),
    opened AS (
        SELECT tickets.period_start(tickets.eat_date(t.clock_start), v_grain) AS period, t.grp, count(*) AS n
          FROM t
         WHERE t.clock_start >= v_from_ts AND t.clock_start < v_to_ts
         GROUP BY 1, 2
    ),
    closed AS (
        SELECT c.period, c.grp, count(*) AS n,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY c.hours) AS median_h,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY c.hours) AS p90_h,
               count(c.hours) AS timed,
               count(*) FILTER (WHERE c.hours <= v_target) AS within
          FROM (SELECT tickets.period_start(tickets.eat_date(t.closed_at), v_grain) AS period, t.grp,
                       (extract(epoch FROM t.closed_at - t.clock_start) / 3600.0)::double precision AS hours
                  FROM t
                 WHERE t.is_actionable IS NOT TRUE
                   AND t.closed_at >= v_from_ts AND t.closed_at < v_to_ts) c
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

CREATE FUNCTION reporting.fn_team_closures(
    p_dataset  text,
    p_from     date,
    p_to       date,
    p_by_owner boolean DEFAULT false
) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_dataset  text := tickets.checked_dataset('fn_team_closures', p_dataset);
    v_by_owner boolean := coalesce(p_by_owner, false);
    v_target   numeric := tickets.sla_target_hours(p_dataset);
    result     jsonb;
BEGIN
    PERFORM tickets.check_days('fn_team_closures', p_from, p_to);

    SELECT jsonb_build_object(
               'query', jsonb_build_object('dataset', v_dataset, 'from', p_from, 'to', p_to, 'by_owner', v_by_owner),
               'sla_hours', v_target,
               'rows', coalesce(jsonb_agg(jsonb_build_object(
                           'team', g.team,
                           'owner', g.owner,
                           'closed', g.closed,
                           'median_hours_to_close', round(g.median_h::numeric, 2),
                           'within_sla_share', round(g.within::numeric / nullif(g.timed, 0), 4),
                           'reopened', g.reopened)
                       ORDER BY g.closed DESC, g.team, g.owner), '[]'::jsonb))
      INTO result
      FROM (SELECT coalesce(e.assigned_team, '(none)') AS team,
                   CASE WHEN v_by_owner THEN coalesce(e.owner, '(none)') END AS owner,
                   count(*) AS closed,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY e.hours) AS median_h,
                   count(e.hours) AS timed,
                   count(*) FILTER (WHERE e.hours <= v_target) AS within,
                   count(DISTINCT e.ticket_id) FILTER (WHERE e.reopened_at IS NOT NULL) AS reopened
              FROM (SELECT x.*, (extract(epoch FROM x.closed_at - x.sla_clock_start) / 3600.0)::double precision AS hours
                      FROM tickets.closure_events x
                     WHERE x.dataset = v_dataset
                       AND x.closed_at >= tickets.eat_day_start(p_from)
                       AND x.closed_at < tickets.eat_day_start(p_to + 1)) e
             GROUP BY 1, 2) g;
    RETURN result;
END
$$;
COMMENT ON FUNCTION reporting.fn_team_closures(text, date, date, boolean) IS
    'observed closures per assigned team (and owner) {query, sla_hours, rows[]}; bad arguments raise 22023';
