-- 34_first_capture_into_an_empty_log.sql
-- tickets.capture_history(dataset, now): the same answers as in 28, and a full pass that
-- holds nothing a writer needs.
--   - The first capture of a dataset whose closures are not logged yet (a takeover from a tool
--     that kept no history, a new database) writes them in one INSERT … SELECT from the ticket
--     table. 28 found them first (an array of every closed ticket), then wrote them by looking
--     each one up again by primary key, with ON CONFLICT: at a million closures the lookups
--     and the speculative insertion were more than half of the capture's time.
--   - Captures take turns on an advisory lock instead of the tickets.history_state row, and a
--     full pass claims no pending tickets: a full pass over a million tickets takes seconds,
--     and a writer that does not queue (its statement trigger updates that row) or an ingest
--     queueing a ticket that was pending would have waited for it. The flag is cleared only if
--     no such writer came meanwhile (the row's version is compared).
-- Every other step is 28's. Only the function changes: no table is touched.
-- docs/read-schema.md ("Cost follows the work") has the figures.

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
    v_state     xid;
    v_pending   text[];
    v_new       integer;
    v_reopened  integer;
    v_ids       text[];
    v_closed    timestamptz[];
    snap        tickets.inc_daily_snapshot%ROWTYPE;
BEGIN
    -- Captures of a dataset take turns: a transaction-level advisory lock (the two-key form,
    -- apart from the ingest's one-key locks), which no writer takes.
    PERFORM pg_advisory_xact_lock(hashtext('tickets.capture_history'), hashtext(v_dataset));
    -- Read without a row lock; the version read tells, at the end, whether a writer asked for
    -- another full pass meanwhile.
    SELECT s.full_pass_due, s.xmin INTO v_full, v_state FROM tickets.history_state s WHERE s.dataset = v_dataset;
    v_full := coalesce(v_full, true);
    -- A full pass reads every ticket, so it claims nothing: the pending tickets stay for the next
    -- capture, which finds them logged already, and a writer queueing one of them again never
    -- waits for the pass (a claimed row stays locked until the capture commits).
    v_pending := '{}';
    IF NOT v_full THEN
        WITH claimed AS (
            DELETE FROM tickets.history_pending p WHERE p.dataset = v_dataset RETURNING p.ticket_id
        )
        SELECT coalesce(array_agg(c.ticket_id), '{}') INTO v_pending FROM claimed c;
    END IF;

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

    IF v_full AND NOT EXISTS (SELECT 1 FROM tickets.closure_events e WHERE e.dataset = v_dataset) THEN
        -- Nothing of this dataset is logged yet (a takeover, or the first capture ever): every
        -- closed ticket is a new closure, written straight from the table in one pass. No
        -- ON CONFLICT: no row can conflict, since the log holds none of this dataset and
        -- captures of a dataset take turns (the history_state row lock above); speculative
        -- insertion cost more than the insert itself at a million closures.
        INSERT INTO tickets.closure_events
               (dataset, ticket_id, closed_at, observed_at, normalized_status, cluster, assigned_team, owner,
                mttr_minutes, sla_status, sla_clock_start)
        SELECT v_dataset, a.ticket_id, a.closed_at, v_now, a.normalized_status, a.cluster, a.assigned_team, a.owner,
               a.mttr, a.sla_status, coalesce(a.created_at_service, a.first_seen_at)
          FROM tickets.all_tickets a
         WHERE a.dataset = v_dataset
           AND a.is_actionable IS NOT TRUE
           AND a.closed_at IS NOT NULL;
        GET DIAGNOSTICS v_new = ROW_COUNT;
    ELSE
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
    END IF;

    -- A large first capture leaves the planner believing the log is nearly empty until
    -- autovacuum comes by (see 20).
    IF v_new > 10000 THEN
        ANALYZE tickets.closure_events;
    END IF;
    IF v_full THEN
        -- Cleared only if the row is the version read above: a writer that does not queue
        -- updates it (see 28), so a write during the pass, seen by it or not, leaves the next
        -- pass due. A writer still open holds the row; the update waits for it and then finds
        -- a newer version (or, after a rollback, the one read).
        UPDATE tickets.history_state s SET full_pass_due = false WHERE s.dataset = v_dataset AND s.xmin = v_state;
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
