-- 10_inc_history_capture.sql
-- History that the current-state table cannot give: observed closures and one open-backlog
-- snapshot per EAT day, both written by tickets.capture_history() after each INC ingest.
-- The series starts at the first capture; the past cannot be reconstructed.

-- Append-only log of closures as the ingest observed them: one row per (ticket, closed_at).
-- A ticket re-closed later with a different closed_at gets a second row.
CREATE TABLE tickets.closure_events (
    id                bigserial PRIMARY KEY,
    ticket_id         text NOT NULL,
    closed_at         timestamptz,
    observed_at       timestamptz NOT NULL DEFAULT now(),
    normalized_status text,
    cluster           text,
    assigned_team     text,
    owner             text,
    mttr_minutes      integer,
    sla_status        text,
    CONSTRAINT closure_events_ticket_id_closed_at_key UNIQUE (ticket_id, closed_at)
);
CREATE INDEX closure_events_closed_at_idx ON tickets.closure_events (closed_at);
COMMENT ON TABLE tickets.closure_events IS
    'append-only observed INC closures (one row per ticket_id + closed_at), written by capture_history()';

-- One row per EAT day: the open backlog as last captured that day, and the day's flow.
CREATE TABLE tickets.inc_daily_snapshot (
    snapshot_date date PRIMARY KEY,
    open_total    integer,
    open_breached integer,
    open_at_risk  integer,
    opened_today  integer,
    closed_today  integer,
    captured_at   timestamptz NOT NULL DEFAULT now(),
    captures      integer NOT NULL DEFAULT 1
);
COMMENT ON TABLE tickets.inc_daily_snapshot IS
    'per EAT day: open backlog (last capture of the day) and opened/closed counts; captures = times refreshed';
COMMENT ON COLUMN tickets.inc_daily_snapshot.snapshot_date IS 'the EAT calendar day';
COMMENT ON COLUMN tickets.inc_daily_snapshot.opened_today IS
    'tickets whose SLA clock (created_at_service, else first_seen_at) starts that EAT day';
COMMENT ON COLUMN tickets.inc_daily_snapshot.closed_today IS 'closed tickets whose closed_at falls on that EAT day';

-- Records closures not seen before and upserts today's (EAT) snapshot. Safe to run any
-- number of times a day: still one snapshot row, values refreshed, captures + 1.
-- Returns {"snapshot_date", "new_closures", "open_total", "open_breached", "open_at_risk",
--          "opened_today", "closed_today", "captures"}.
CREATE FUNCTION tickets.capture_history() RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_today     date := tickets.eat_today();
    v_day_start timestamptz := tickets.eat_day_start(tickets.eat_today());
    v_day_end   timestamptz := tickets.eat_day_start(tickets.eat_today() + 1);
    v_new       integer;
    snap        tickets.inc_daily_snapshot%ROWTYPE;
BEGIN
    INSERT INTO tickets.closure_events
           (ticket_id, closed_at, normalized_status, cluster, assigned_team, owner, mttr_minutes, sla_status)
    SELECT i.ticket_id, i.closed_at, i.normalized_status, i.cluster, i.assigned_team, i.owner, i.mttr, i.sla_status
      FROM tickets.inc i
     WHERE i.is_actionable IS NOT TRUE
       AND i.closed_at IS NOT NULL
       AND NOT EXISTS (SELECT 1
                         FROM tickets.closure_events e
                        WHERE e.ticket_id = i.ticket_id
                          AND e.closed_at = i.closed_at)
    ON CONFLICT (ticket_id, closed_at) DO NOTHING;
    GET DIAGNOSTICS v_new = ROW_COUNT;

    INSERT INTO tickets.inc_daily_snapshot AS s
           (snapshot_date, open_total, open_breached, open_at_risk, opened_today, closed_today, captured_at, captures)
    SELECT v_today,
           o.total, o.breached, o.at_risk,
           (SELECT count(*)
              FROM tickets.inc i
             WHERE coalesce(i.created_at_service, i.first_seen_at) >= v_day_start
               AND coalesce(i.created_at_service, i.first_seen_at) < v_day_end),
           (SELECT count(*)
              FROM tickets.inc i
             WHERE i.closed_at >= v_day_start
               AND i.closed_at < v_day_end
               AND i.is_actionable IS NOT TRUE),
           now(),
           1
      FROM (SELECT count(*) AS total,
                   count(*) FILTER (WHERE v.sla_state = 'breached') AS breached,
                   count(*) FILTER (WHERE v.sla_state = 'at_risk') AS at_risk
              FROM tickets.inc_open_sla v) o
    ON CONFLICT (snapshot_date) DO UPDATE
       SET open_total    = EXCLUDED.open_total,
           open_breached = EXCLUDED.open_breached,
           open_at_risk  = EXCLUDED.open_at_risk,
           opened_today  = EXCLUDED.opened_today,
           closed_today  = EXCLUDED.closed_today,
           captured_at   = EXCLUDED.captured_at,
           captures      = s.captures + 1
    RETURNING s.* INTO snap;

    RETURN jsonb_build_object(
        'snapshot_date', snap.snapshot_date,
        'new_closures', v_new,
        'open_total', snap.open_total,
        'open_breached', snap.open_breached,
        'open_at_risk', snap.open_at_risk,
        'opened_today', snap.opened_today,
        'closed_today', snap.closed_today,
        'captures', snap.captures);
END
$$;
COMMENT ON FUNCTION tickets.capture_history() IS
    'record new INC closures in closure_events and upsert today''s (EAT) inc_daily_snapshot; returns a summary';
