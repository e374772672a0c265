-- 08_inc_open_sla_view.sql
-- tickets.inc_open_sla: open (is_actionable) INC tickets with a derived SLA state against
-- the contract's 48 hours. The source's own sla_status is only meaningful once a ticket
-- is closed, so open work is judged here:
--   clock            = created_at_service, else first_seen_at (sla_clock_source says which;
--                      'none' when neither is known)
--   hours_open       = now() - clock, in hours (1 decimal)
--   sla_state        = 'breached' (> 48 h) | 'at_risk' (>= 36 h) | 'within' (< 36 h)
--                      | 'unknown' (no clock)
--   sla_hours_left   = 48 - hours open (1 decimal; negative once breached)
-- now() is the transaction's start, so one query sees one consistent clock.

CREATE VIEW tickets.inc_open_sla AS
WITH open_tickets AS (
    SELECT i.ticket_id, i.normalized_status, i.raw_status, i.cluster, i.region, i.location_name,
           i.assigned_team, i.owner, i.created_at_service, i.first_seen_at,
           i.geom, i.geog, i.latitude, i.longitude, i.geo_source,
           coalesce(i.created_at_service, i.first_seen_at) AS clock_start,
           extract(epoch FROM now() - coalesce(i.created_at_service, i.first_seen_at)) / 3600.0 AS open_hours
      FROM tickets.inc i
     WHERE i.is_actionable
)
SELECT o.ticket_id,
       o.normalized_status,
       o.raw_status,
       o.cluster,
       o.region,
       o.location_name,
       o.assigned_team,
       o.owner,
       o.created_at_service,
       o.first_seen_at,
       o.clock_start AS sla_clock_start,
       CASE
           WHEN o.created_at_service IS NOT NULL THEN 'created_at_service'
           WHEN o.first_seen_at IS NOT NULL THEN 'first_seen_at'
           ELSE 'none'
       END AS sla_clock_source,
       round(o.open_hours, 1) AS hours_open,
       CASE
           WHEN o.clock_start IS NULL THEN 'unknown'
           WHEN o.open_hours > 48 THEN 'breached'
           WHEN o.open_hours >= 36 THEN 'at_risk'
           ELSE 'within'
       END AS sla_state,
       round(48 - o.open_hours, 1) AS sla_hours_left,
       o.geom,
       o.geog,
       o.latitude,
       o.longitude,
       o.geo_source
  FROM open_tickets o;

COMMENT ON VIEW tickets.inc_open_sla IS
    'open INC tickets with derived SLA: clock = created_at_service else first_seen_at; breached > 48 h, at_risk >= 36 h';
