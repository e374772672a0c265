-- 28_history_capture_follows_changes.sql
-- tickets.capture_history(dataset, now) gives the same answers as in 20_crq_parity, at a cost
-- that follows what changed since the last capture instead of the whole history: 20 compared
-- every closed ticket ever ingested with the closure log on every capture, that is after every
-- applying run.
--
-- How: the ingest records the tickets it writes in tickets.history_pending (any other writer
-- turns the next capture into a full pass; see "Who queues" below). A capture claims
-- the pending tickets of its dataset (deletes and reads them in one statement: a writer that
-- commits meanwhile leaves its rows for the next capture) and looks for new closures and
-- reopenings among them only. That is the same answer as 20's full comparison because a
-- ticket's closure can only be new, and a logged closure can only be reopened, after a write
-- to that ticket, and every write since the previous capture is pending or made a full pass due. It relies on
-- captures of a dataset running with increasing p_now (now() does).
-- The day's figures (opened / closed today, the open backlog) read the day's and the open
-- tickets through indexes (tickets.opened_between below for the day's openings).
--
-- tickets.history_state.full_pass_due makes the next capture of a dataset do 20's full
-- comparison once: set here for both datasets, since tickets written before this migration
-- were never queued.

CREATE TABLE IF NOT EXISTS tickets.history_pending (
    dataset   text NOT NULL,
    ticket_id text NOT NULL,
    PRIMARY KEY (dataset, ticket_id)
);
COMMENT ON TABLE tickets.history_pending IS
    'tickets written since the last capture_history of their dataset (filled by statement triggers, claimed by the capture)';

CREATE TABLE IF NOT EXISTS tickets.history_state (
    dataset       text PRIMARY KEY CHECK (dataset IN ('inc', 'crq')),
    full_pass_due boolean NOT NULL
);
COMMENT ON TABLE tickets.history_state IS
    'per dataset: whether the next capture_history compares every ticket with the log (after an upgrade) instead of the pending ones';
INSERT INTO tickets.history_state (dataset, full_pass_due) VALUES ('inc', true), ('crq', true)
ON CONFLICT (dataset) DO UPDATE SET full_pass_due = true;

-- Who queues. The ingest queues the tickets it writes itself, in its merge statements (one
-- INSERT … SELECT over what they return, no per-row call), and says so for its transaction:
-- fleettickets.history_queued_by_writer = on (set_config, local). Any other writer (ad-hoc SQL, a takeover, the
-- Python tool during a switch-over) is not asked to queue: a statement of theirs marks the
-- dataset's next capture as a full pass, which compares every ticket as 20 did. A
-- statement-level trigger with no transition table does that, so no writer pays per row:
-- a transition table would copy every written row (raw included) for every statement, which
-- cost the ingest an eighth of its time on a large file.
CREATE FUNCTION tickets.note_write_for_history() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('fleettickets.history_queued_by_writer', true) IS DISTINCT FROM 'on' THEN
        -- Always an UPDATE, also when the flag is already set: the writer then holds the row
        -- until it commits, so a full pass running meanwhile waits for it and leaves the flag
        -- set for the next one instead of clearing it before this write is visible.
        UPDATE tickets.history_state SET full_pass_due = true WHERE dataset = TG_ARGV[0];
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION tickets.note_write_for_history() IS
    'statement trigger: a write by a session that does not queue its tickets makes the next capture_history of dataset TG_ARGV[0] a full pass';

-- UPDATE OF: only a statement that sets what history reads (raw, or the columns it derives
-- from it) counts; re-placing geometries (tickets.resolve_ticket_geoms) does not.
CREATE TRIGGER inc_note_write_for_history AFTER INSERT OR UPDATE OF raw, is_actionable, closed_at ON tickets.inc
    FOR EACH STATEMENT EXECUTE FUNCTION tickets.note_write_for_history('inc');
CREATE TRIGGER crq_note_write_for_history AFTER INSERT OR UPDATE OF raw, is_actionable, closed_at ON tickets.crq
    FOR EACH STATEMENT EXECUTE FUNCTION tickets.note_write_for_history('crq');

-- The day's "opened" count reads created_at_service through its index, and first_seen_at
-- for the tickets without one through this (small) index.
CREATE INDEX IF NOT EXISTS inc_first_seen_no_created_idx ON tickets.inc (first_seen_at) WHERE created_at_service IS NULL;
CREATE INDEX IF NOT EXISTS crq_first_seen_no_created_idx ON tickets.crq (first_seen_at) WHERE created_at_service IS NULL;

-- The tickets of a dataset whose SLA clock (created_at_service, else first_seen_at) starts in
-- [p_from, p_to): the same set as "coalesce(created_at_service, first_seen_at) in range",
-- written so that each table's two indexes answer it.
CREATE FUNCTION tickets.opened_between(p_dataset text, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (ticket_id text, clock_start timestamptz, region text, cluster text, assigned_team text)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT i.ticket_id, coalesce(i.created_at_service, i.first_seen_at), i.region, i.cluster, i.assigned_team
      FROM tickets.inc i
     WHERE p_dataset = 'inc' AND i.created_at_service >= p_from AND i.created_at_service < p_to
    UNION ALL
    SELECT i.ticket_id, i.first_seen_at, i.region, i.cluster, i.assigned_team
      FROM tickets.inc i
     WHERE p_dataset = 'inc' AND i.created_at_service IS NULL AND i.first_seen_at >= p_from AND i.first_seen_at < p_to
    UNION ALL
    SELECT c.ticket_id, coalesce(c.created_at_service, c.first_seen_at), c.region, c.cluster, c.assigned_team
      FROM tickets.crq c
     WHERE p_dataset = 'crq' AND c.created_at_service >= p_from AND c.created_at_service < p_to
    UNION ALL
    SELECT c.ticket_id, c.first_seen_at, c.region, c.cluster, c.assigned_team
      FROM tickets.crq c
     WHERE p_dataset = 'crq' AND c.created_at_service IS NULL AND c.first_seen_at >= p_from AND c.first_seen_at < p_to;
END;
COMMENT ON FUNCTION tickets.opened_between(text, timestamptz, timestamptz) IS
    'tickets of a dataset whose SLA clock (created_at_service, else first_seen_at) starts in [p_from, p_to), read through indexes';

-- One capture of a dataset's history, as of p_now (default now()); the steps and the summary
-- of 20_crq_parity, over the pending tickets (or every ticket when a full pass is due).
CREATE OR REPLACE FUNCTION tickets.capture_history(p_dataset text, p_now timestamptz DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql
SET jit = off
AS $$
DECLARE
    v_dataset   text := tickets.checked_dataset('tickets.capture_history', p_dataset);
    v_now       timestamptz := coalesce(p_now, now());
    v_today     date := tickets.eat_date(v_now);
    v_day_start timestamptz := tickets.eat_day_start(v_today);
    v_day_end   timestamptz := tickets.eat_day_start(v_today + 1);
    v_full      boolean;
    v_pending   text[];
    v_new       integer;
    v_reopened  integer;
    v_ids       text[];
    v_closed    timestamptz[];
    snap        tickets.inc_daily_snapshot%ROWTYPE;
BEGIN
    -- Row lock: two captures of one dataset at once take turns.
    SELECT s.full_pass_due INTO v_full FROM tickets.history_state s WHERE s.dataset = v_dataset FOR UPDATE;
    v_full := coalesce(v_full, true);
    WITH claimed AS (
        DELETE FROM tickets.history_pending p WHERE p.dataset = v_dataset RETURNING p.ticket_id
    )
    SELECT coalesce(array_agg(c.ticket_id), '{}') INTO v_pending FROM claimed c;

    -- Reopenings first: the closures logged below are observed now, so they cannot be reopened yet.
    UPDATE tickets.closure_events e
       SET reopened_at = v_now
      FROM tickets.all_tickets a
     WHERE a.dataset = v_dataset
       AND a.is_actionable
       AND (v_full OR a.ticket_id = ANY (v_pending))
       AND e.dataset = v_dataset
       AND e.ticket_id = a.ticket_id
       AND e.reopened_at IS NULL
       AND e.observed_at < v_now;
    GET DIAGNOSTICS v_reopened = ROW_COUNT;

    -- New closures are found first and written second (see 20: one statement reading and
    -- writing the log could rescan its own new rows).
    IF v_full THEN
        SELECT coalesce(array_agg(a.ticket_id), '{}'), coalesce(array_agg(a.closed_at), '{}')
          INTO v_ids, v_closed
          FROM tickets.all_tickets a
         WHERE a.dataset = v_dataset
           AND a.is_actionable IS NOT TRUE
           AND a.closed_at IS NOT NULL
           AND NOT EXISTS (SELECT 1
                             FROM tickets.closure_events e
                            WHERE e.dataset = v_dataset
                              AND e.ticket_id = a.ticket_id
                              AND e.closed_at = a.closed_at);
    ELSE
        -- "= ANY (array)" rather than a join to unnest(array): the planner then knows how
        -- many tickets there are and probes the log's index for each, where it otherwise
        -- hashed the whole log.
        SELECT coalesce(array_agg(a.ticket_id), '{}'), coalesce(array_agg(a.closed_at), '{}')
          INTO v_ids, v_closed
          FROM tickets.all_tickets a
         WHERE a.dataset = v_dataset
           AND a.ticket_id = ANY (v_pending)
           AND a.is_actionable IS NOT TRUE
           AND a.closed_at IS NOT NULL
           AND NOT EXISTS (SELECT 1
                             FROM tickets.closure_events e
                            WHERE e.dataset = v_dataset
                              AND e.ticket_id = a.ticket_id
                              AND e.closed_at = a.closed_at);
    END IF;
    INSERT INTO tickets.closure_events
           (dataset, ticket_id, closed_at, observed_at, normalized_status, cluster, assigned_team, owner,
            mttr_minutes, sla_status, sla_clock_start)
    SELECT v_dataset, a.ticket_id, a.closed_at, v_now, a.normalized_status, a.cluster, a.assigned_team, a.owner,
           a.mttr, a.sla_status, coalesce(a.created_at_service, a.first_seen_at)
      FROM unnest(v_ids, v_closed) AS k(ticket_id, closed_at)
      JOIN tickets.all_tickets a ON a.dataset = v_dataset AND a.ticket_id = k.ticket_id
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS v_new = ROW_COUNT;

    -- A large first capture leaves the planner believing the log is nearly empty until
    -- autovacuum comes by (see 20).
    IF v_new > 10000 THEN
        ANALYZE tickets.closure_events;
    END IF;
    IF v_full THEN
        UPDATE tickets.history_state s SET full_pass_due = false WHERE s.dataset = v_dataset;
    END IF;

    DELETE FROM tickets.daily_backlog d WHERE d.dataset = v_dataset AND d.snapshot_date = v_today;
    INSERT INTO tickets.daily_backlog
           (dataset, snapshot_date, split, grp, open_total, open_breached, open_at_risk,
            under_24h, h24_to_48, h48_to_7d, over_7d, captured_at)
    SELECT v_dataset, v_today, b.split, b.grp, b.open_total, b.open_breached, b.open_at_risk,
           b.under_24h, b.h24_to_48, b.h48_to_7d, b.over_7d, v_now
      FROM tickets.backlog_at(v_dataset, v_now) b;

    SELECT v_today, b.open_total, b.open_breached, b.open_at_risk,
           (SELECT count(*) FROM tickets.opened_between(v_dataset, v_day_start, v_day_end)),
           (SELECT count(*)
              FROM tickets.all_tickets a
             WHERE a.dataset = v_dataset
               AND a.closed_at >= v_day_start
               AND a.closed_at < v_day_end
               AND a.is_actionable IS NOT TRUE),
           v_now, 1
      INTO snap
      FROM tickets.daily_backlog b
     WHERE b.dataset = v_dataset AND b.snapshot_date = v_today AND b.split = 'none';

    EXECUTE format($q$
        INSERT INTO tickets.%I AS s
               (snapshot_date, open_total, open_breached, open_at_risk, opened_today, closed_today, captured_at, captures)
        VALUES ($1, $2, $3, $4, $5, $6, $7, 1)
        ON CONFLICT (snapshot_date) DO UPDATE
           SET open_total    = EXCLUDED.open_total,
               open_breached = EXCLUDED.open_breached,
               open_at_risk  = EXCLUDED.open_at_risk,
               opened_today  = EXCLUDED.opened_today,
               closed_today  = EXCLUDED.closed_today,
               captured_at   = EXCLUDED.captured_at,
               captures      = s.captures + 1
        RETURNING s.*
        $q$, v_dataset || '_daily_snapshot')
      INTO snap
      USING snap.snapshot_date, snap.open_total, snap.open_breached, snap.open_at_risk,
            snap.opened_today, snap.closed_today, snap.captured_at;

    RETURN jsonb_build_object(
        'dataset', v_dataset,
        'snapshot_date', snap.snapshot_date,
        'new_closures', v_new,
        'new_reopened', v_reopened,
        'open_total', snap.open_total,
        'open_breached', snap.open_breached,
        'open_at_risk', snap.open_at_risk,
        'opened_today', snap.opened_today,
        'closed_today', snap.closed_today,
        'captures', snap.captures);
END
$$;
COMMENT ON FUNCTION tickets.capture_history(text, timestamptz) IS
    'one history capture of a dataset as of p_now (default now()): closures, reopenings, daily snapshot, daily_backlog; reads the tickets written since the last capture';
