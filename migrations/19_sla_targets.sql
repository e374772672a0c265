-- 19_sla_targets.sql
-- The SLA target per dataset, in a table operators can change without a migration:
--   UPDATE tickets.sla_targets SET target_hours = 72, at_risk_hours = 54 WHERE dataset = 'crq';
-- Every view and reporting function that judges SLA reads it through tickets.sla_target_hours()
-- and tickets.sla_state(), so one UPDATE moves the map, the dashboards, the trends and dispatch
-- together.
--   inc: 48 h, at risk from 36 h: the contract the Python tool hard-coded (08_inc_open_sla_view).
--   crq: 120 h (5 days), at risk from 90 h: an installation request is planned work (survey,
--        drop cable, CPE) booked days ahead, not a fault; a 48 h clock would show almost every
--        installation as breached and hide the ones that are really late. See docs/read-schema.md.
-- A dataset without a row falls back to 48 h / 36 h.

CREATE TABLE IF NOT EXISTS tickets.sla_targets (
    dataset        text PRIMARY KEY CHECK (dataset = lower(dataset)),
    target_hours   numeric NOT NULL CHECK (target_hours > 0),
    at_risk_hours  numeric NOT NULL CHECK (at_risk_hours > 0),
    note           text,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (at_risk_hours <= target_hours)
);

COMMENT ON TABLE tickets.sla_targets IS
    'SLA target per dataset (hours); at_risk_hours starts the at_risk state. Operators may UPDATE it.';

INSERT INTO tickets.sla_targets (dataset, target_hours, at_risk_hours, note) VALUES
    ('inc', 48, 36, 'incident contract: 48 h to close'),
    ('crq', 120, 90, 'installation request: 5 days from request to installed')
ON CONFLICT (dataset) DO NOTHING;

-- The target in hours for a dataset (48 when the table has no row for it).
CREATE OR REPLACE FUNCTION tickets.sla_target_hours(p_dataset text)
RETURNS numeric
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce((SELECT t.target_hours FROM tickets.sla_targets t WHERE t.dataset = lower(p_dataset)), 48)
$$;

-- The SLA state of an open ticket: 'breached' (> target), 'at_risk' (>= at-risk hours),
-- 'within', or 'unknown' when its clock is unknown (p_hours_open NULL).
CREATE OR REPLACE FUNCTION tickets.sla_state(p_dataset text, p_hours_open numeric)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT CASE
               WHEN p_hours_open IS NULL THEN 'unknown'
               WHEN p_hours_open > coalesce(t.target_hours, 48) THEN 'breached'
               WHEN p_hours_open >= coalesce(t.at_risk_hours, 36) THEN 'at_risk'
               ELSE 'within'
           END
      FROM (SELECT 1) one
      LEFT JOIN tickets.sla_targets t ON t.dataset = lower(p_dataset)
$$;
