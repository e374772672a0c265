import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

/// The read functions redefined from migration 27 on give the answers of the definitions they
/// replace, on the same data: a database migrated up to 26 gets a generated history (both
/// datasets, weeks of days, reopenings, tickets without a service clock or a position),
/// captured by the old capture; the old definitions are copied from its catalog into the
/// scratch schema `ft_old`; then migrations 27+ run and every function and window is
/// compared, old against new, in one statement each (one `now()`). Captures, which write,
/// are compared in one transaction: the old one runs and its history is read, the savepoint
/// is rolled back, the new one runs on the same state and its history must be the same.
/// docs/read-schema.md ("Cost follows the work") says why the new definitions exist.
@Suite(.enabled(if: Integration.hasDatabase, "needs FLEETTICKETS_TEST_DATABASE_URL (scripts/test.sh)"))
struct ReadSideDifferentialTests {
    /// Functions migrations 27+ redefine, and the wrappers that call them by name.
    static let replaced = ["fn_tickets_for_map", "_dashboard", "fn_inc_dashboard", "fn_crq_dashboard", "fn_trends",
                           "fn_report_snapshot", "fn_team_closures", "capture_history", "capture_crq_history"]

    @Test func everyReadFunctionAndCaptureAnswersAsBeforeMigration27() async throws {
        let url = try Integration.freshDatabase(migrated: false)
        _ = try MigrationRunner(url: url, migrations: Migration.embedded.filter { $0.name < "27" },
                                logger: Integration.logger).run()
        let sql = try PostgresConnection(url: url, logger: Integration.logger)
        defer { sql.close() }
        try sql.simpleQuery(Self.generator, purpose: "install the history generator")

        // Before the upgrade: the old capture records the history of both datasets, every
        // second day; the last changes stay uncaptured (the upgrade's full pass must find them).
        for day in stride(from: 40, through: 6, by: -2) {
            try sql.simpleQuery("SELECT ft_gen.state_at(ft_gen.evening(\(day)));"
                                + "SELECT tickets.capture_history('inc', ft_gen.evening(\(day)));"
                                + "SELECT tickets.capture_history('crq', ft_gen.evening(\(day)))",
                                purpose: "capture day -\(day) with the old definitions")
        }
        try sql.simpleQuery("SELECT ft_gen.state_at(ft_gen.evening(5))", purpose: "change tickets without capturing")
        try copyOldDefinitions(sql)

        _ = try MigrationRunner(url: url, logger: Integration.logger).run()
        try compareReads(sql, "after the upgrade")

        // After the upgrade: a takeover's first captures (rolled back), the first capture (full
        // pass over the log the old captures kept), then captures over changed days.
        try compareCapturesIntoAnEmptyLog(sql, at: "ft_gen.evening(5)")
        try compareCaptures(sql, at: "ft_gen.evening(5)", "the first capture after the upgrade")
        for day in [4, 3, 2] {
            try sql.simpleQuery("SELECT ft_gen.state_at(ft_gen.evening(\(day)))", purpose: "change tickets for day -\(day)")
            try compareCaptures(sql, at: "ft_gen.evening(\(day))", "day -\(day)")
        }
        // The ingest's own writes are queued too: close, reopen and add tickets through the store.
        try await ingestThroughTheStore(url: url)
        try compareCaptures(sql, at: "ft_gen.evening(1)", "after an ingest")
        try compareCaptures(sql, at: "ft_gen.evening(1) + interval '1 hour'", "a capture with nothing new")
        try sql.simpleQuery("SELECT ft_gen.state_at(now())", purpose: "bring the tickets to now")
        try compareCaptures(sql, at: "NULL", "today, at now()")
        try compareReads(sql, "after captures by the new definitions")
    }

    // MARK: - Old definitions

    /// Copies the current definitions of `replaced` into `ft_old`, each reference between them
    /// pointing at the copy (the old wrappers call the old bodies).
    private func copyOldDefinitions(_ sql: PostgresConnection) throws {
        let names = "(" + Self.replaced.joined(separator: "|") + ")"
        let definitions = try sql.rows("""
            SELECT regexp_replace(pg_get_functiondef(p.oid), '(reporting|tickets)\\.\(names)\\(', 'ft_old.\\2(', 'g')
              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname IN ('reporting', 'tickets') AND p.proname = ANY ($1::text[])
            """, ["{" + Self.replaced.joined(separator: ",") + "}"])
        #expect(definitions.count >= Self.replaced.count, "every replaced function exists at migration 26")
        try sql.simpleQuery("CREATE SCHEMA ft_old", purpose: "create the scratch schema")
        // Bodies before the wrappers that call them (SQL-standard bodies are checked when created).
        let ordered = definitions.compactMap { $0[0] }.sorted { $0.components(separatedBy: "ft_old.").count < $1.components(separatedBy: "ft_old.").count }
        for definition in ordered {
            try sql.simpleQuery(definition, purpose: "copy an old definition into ft_old")
        }
    }

    // MARK: - Comparisons

    /// Every read function, every window and split, old against new in one statement.
    private func compareReads(_ sql: PostgresConnection, _ stage: String) throws {
        var calls: [String] = ["fn_tickets_for_map(true)", "fn_tickets_for_map(false)", "fn_tickets_for_map(NULL)"]
        for ds in ["inc", "crq"] {
            for window in ["today", "yesterday", "last_7_days", "last_30_days", "this_month"] {
                calls.append("fn_\(ds)_dashboard(NULL, NULL, '\(window)')")
            }
            calls.append("fn_\(ds)_dashboard('C1', NULL, 'last_30_days')")
            calls.append("fn_\(ds)_dashboard(NULL, 'closed', 'last_7_days')")
            calls.append("fn_\(ds)_dashboard(NULL, NULL, 'custom', tickets.eat_today() - 45, tickets.eat_today() - 3)")
            for (from, to) in [(0, 0), (6, 0), (45, 0), (20, 8), (400, 1)] {
                let range = "tickets.eat_today() - \(from), tickets.eat_today() - \(to)"
                for grain in ["day", "week"] {
                    for split in ["none", "region", "cluster", "team"] {
                        calls.append("fn_trends('\(ds)', \(range), '\(grain)', '\(split)')")
                    }
                }
                calls.append("fn_team_closures('\(ds)', \(range), false)")
                calls.append("fn_team_closures('\(ds)', \(range), true)")
            }
        }
        for ds in ["inc", "crq", "all"] {
            calls.append("fn_report_snapshot('\(ds)')")
            calls.append("fn_report_snapshot('\(ds)', tickets.eat_today() - 45, tickets.eat_today() - 2)")
        }
        for call in calls {
            let same = try sql.scalar("SELECT ft_old.\(call) = reporting.\(call)", purpose: "compare \(call)")
            if same != "t" {
                let both = try sql.rows("SELECT left(ft_old.\(call)::text, 600), left(reporting.\(call)::text, 600)")
                Issue.record("\(stage): \(call) differs\n old: \(both[0][0] ?? "NULL")\n new: \(both[0][1] ?? "NULL")")
            }
        }
        #expect(calls.count > 100)
    }

    /// Both datasets' captures at `at` (an SQL expression), old then new on the same state.
    private func compareCaptures(_ sql: PostgresConnection, at: String, _ stage: String) throws {
        try sql.simpleQuery("BEGIN", purpose: "open the comparison")
        try compareCapturesInTransaction(sql, at: at, stage)
        try sql.simpleQuery("COMMIT", purpose: "keep the new captures")
        let pending = try sql.scalar("SELECT count(*) FROM tickets.history_pending", purpose: "count pending tickets")
        #expect(pending == "0", "\(stage): every written ticket was claimed")
    }

    /// A takeover by a tool that kept no history: the log emptied and a full pass due, then both
    /// datasets' first captures (INC into an empty log, CRQ into one holding INC's closures);
    /// rolled back afterwards, so the later stages see the history as it was.
    private func compareCapturesIntoAnEmptyLog(_ sql: PostgresConnection, at: String) throws {
        try sql.simpleQuery("BEGIN; DELETE FROM tickets.closure_events; UPDATE tickets.history_state SET full_pass_due = true",
                            purpose: "empty the closure log")
        try compareCapturesInTransaction(sql, at: at, "the first capture into an empty log")
        let logged = try sql.scalar("SELECT count(DISTINCT dataset) FROM tickets.closure_events", purpose: "count logged datasets")
        #expect(logged == "2", "the first captures logged the closures of both datasets")
        try sql.simpleQuery("ROLLBACK", purpose: "restore the closure log")
    }

    /// Inside an open transaction: each dataset's capture, old then new on the same state (a
    /// savepoint undoes the old one); the new one stays.
    private func compareCapturesInTransaction(_ sql: PostgresConnection, at: String, _ stage: String) throws {
        for (ds, wrapper) in [("inc", "capture_history()"), ("crq", "capture_crq_history()")] {
            let capture = at == "NULL" ? wrapper : "capture_history('\(ds)', \(at))"
            try sql.simpleQuery("SAVEPOINT before_capture", purpose: "mark the state before the capture")
            // The history is read by a statement of its own: one statement sees one snapshot.
            let old = try sql.scalar("SELECT ft_old.\(capture)::text", purpose: "capture with the old definition")
            let oldHistory = try sql.scalar("SELECT ft_gen.history()::text", purpose: "read the history")
            try sql.simpleQuery("ROLLBACK TO SAVEPOINT before_capture", purpose: "undo the old capture")
            let new = try sql.scalar("SELECT tickets.\(capture)::text", purpose: "capture with the new definition")
            let newHistory = try sql.scalar("SELECT ft_gen.history()::text", purpose: "read the history")
            #expect(new == old, "\(stage): \(ds) capture summary\n old: \(old ?? "")\n new: \(new ?? "")")
            let sameHistory = newHistory == oldHistory   // not in #expect: it would print both histories
            #expect(sameHistory, "\(stage): \(ds) history after the capture differs")
            #expect(newHistory?.contains("\"ticket_id\"") == true, "\(stage): the history is not empty")
        }
    }

    /// One INC change file through the product's ingest (its hook not run): two open tickets
    /// closed, a closed one reopened, a new one opened and closed the same day.
    private func ingestThroughTheStore(url: String) async throws {
        let store = try PostgresTicketStore(url: url, logger: Integration.logger)
        let bucket = InMemoryChangeSource()
        let inc = Dataset.standard("inc")
        let sql = try PostgresConnection(url: url, logger: Integration.logger)
        defer { sql.close() }
        // Yesterday (EAT) plus `hours`, as the feed writes times.
        let at = { (hours: Int) throws -> String in
            try sql.scalar("SELECT ft_gen.eat(tickets.eat_day_start(tickets.eat_today() - 1) + $1::integer * interval '1 hour')",
                           [String(hours)], purpose: "an EAT time") ?? ""
        }
        let opened = try sql.rows("SELECT ticket_id FROM tickets.inc WHERE is_actionable ORDER BY ticket_id LIMIT 2").map { $0[0] ?? "" }
        let closed = try sql.scalar("SELECT ticket_id FROM tickets.inc WHERE NOT is_actionable ORDER BY ticket_id DESC LIMIT 1",
                                    purpose: "pick a closed ticket") ?? ""
        var rows = try opened.map { Fixtures.row($0, status: "closed", actionable: false, cluster: "C1", createdAt: try at(-30),
                                                 closedAt: try at(15), extra: ["assigned_team": "team2"]) }
        rows.append(Fixtures.row(closed, cluster: "C2", createdAt: try at(-60), extra: ["assigned_team": "team0"]))
        rows.append(Fixtures.row("INC-NEW-1", status: "closed", actionable: false, cluster: "C0", createdAt: try at(9),
                                 closedAt: try at(11), extra: ["assigned_team": "team1"]))
        bucket.put(Fixtures.key(inc, hour: 9), text: Fixtures.csv(rows))
        let report = await IngestEngine(source: bucket, store: store, logger: Integration.logger).run(inc, options: .init(apply: true))
        #expect(report.failure == nil, "ingest failed: \(report.failure?.message ?? "")")
        #expect(report.files.count == 1)
    }

    // MARK: - The generated history

    /// `ft_gen.state_at(t)` writes both ticket tables as they stand at instant t (plain SQL
    /// writes of raw: the row triggers fill the typed columns and the position):
    ///   INC i (1..400) opens every 2.3 h from 40 days ago, CRQ i (1..150) every 6.5 h;
    ///   closes after 1–80 h (CRQ 1–200 h); every 5th stays open; every 11th is reopened 30 h
    ///   after closing and closed again 50 h later (half keep their old closed_at while open),
    ///   moving to another team; every 7th has no created_at_service (first_seen_at is its
    ///   clock); every 9th has no feed position (cluster centroid, or none for every 13th).
    /// `ft_gen.evening(d)` is 22:00 EAT d days ago; `ft_gen.history()` the history tables as JSON.
    static let generator = """
        CREATE SCHEMA ft_gen;
        INSERT INTO tickets.geo_clusters (cluster, geom, latitude, longitude, provider, verified)
        SELECT 'C' || c, tickets.make_point(-1.2 - c * 0.05, 36.8 + c * 0.05), -1.2 - c * 0.05, 36.8 + c * 0.05, 'test', true
          FROM generate_series(0, 2) c;
        CREATE FUNCTION ft_gen.evening(p_days integer) RETURNS timestamptz LANGUAGE sql STABLE
        RETURN tickets.eat_day_start(tickets.eat_today() - p_days) + interval '22 hours';
        CREATE FUNCTION ft_gen.eat(p_ts timestamptz) RETURNS text LANGUAGE sql STABLE
        RETURN coalesce(to_char(p_ts AT TIME ZONE 'Africa/Nairobi', 'YYYY-MM-DD HH24:MI:SS'), '');
        CREATE FUNCTION ft_gen.rows_at(p_now timestamptz, p_dataset text, p_n integer, p_every interval, p_max_hours integer)
        RETURNS TABLE (ticket_id text, raw jsonb) LANGUAGE sql STABLE AS $$
            WITH t AS (
                SELECT i, upper(p_dataset) || '-' || lpad(i::text, 4, '0') AS id,
                       tickets.eat_day_start(tickets.eat_today() - 40) + (i - 1) * p_every AS created,
                       (i * 37 % p_max_hours) + 1 AS hours
                  FROM generate_series(1, p_n) i
            ),
            s AS (
                SELECT t.*, t.created + t.hours * interval '1 hour' AS c1,
                       t.created + (t.hours + 30) * interval '1 hour' AS r,
                       t.created + (t.hours + 80) * interval '1 hour' AS c2
                  FROM t WHERE t.created <= p_now
            ),
            k AS (
                SELECT s.*,
                       CASE WHEN s.i % 5 = 0 OR p_now < s.c1 THEN 'open'
                            WHEN s.i % 11 <> 0 OR p_now < s.r THEN 'closed1'
                            WHEN p_now < s.c2 THEN 'reopened'
                            ELSE 'closed2' END AS state
                  FROM s
            )
            SELECT k.id, jsonb_strip_nulls(jsonb_build_object(
                       'ticket_id', k.id,
                       'is_actionable', CASE WHEN k.state IN ('open', 'reopened') THEN 'true' ELSE 'false' END,
                       'normalized_status', CASE WHEN k.state IN ('open', 'reopened') THEN 'open' ELSE 'closed' END,
                       'raw_status', CASE WHEN k.state IN ('open', 'reopened') THEN 'Assigned' ELSE 'Resolved' END,
                       'cluster', CASE WHEN k.i % 13 = 0 THEN '' ELSE 'C' || (k.i % 3) END,
                       'region', 'R' || (k.i % 4),
                       'assigned_team', 'team' || ((k.i + CASE WHEN k.state IN ('reopened', 'closed2') THEN 1 ELSE 0 END) % 3),
                       'owner', 'o' || (k.i % 6),
                       'sla_status', CASE WHEN k.state IN ('closed1', 'closed2') THEN
                                          CASE WHEN k.hours <= 48 THEN 'Compliant' ELSE 'Breached' END ELSE '' END,
                       'created_at_service', CASE WHEN k.i % 7 = 0 THEN '' ELSE ft_gen.eat(k.created) END,
                       'first_seen_at', ft_gen.eat(k.created + interval '1 hour'),
                       'closed_at', CASE k.state WHEN 'closed1' THEN ft_gen.eat(k.c1) WHEN 'closed2' THEN ft_gen.eat(k.c2)
                                                 WHEN 'reopened' THEN CASE WHEN k.i % 2 = 0 THEN ft_gen.eat(k.c1) ELSE '' END
                                                 ELSE '' END,
                       'mttr', CASE WHEN k.state IN ('closed1', 'closed2') THEN (k.hours)::text ELSE '' END,
                       'latitude', CASE WHEN k.i % 9 = 0 THEN NULL ELSE (-1.3 + (k.i % 17) * 0.01)::text END,
                       'longitude', CASE WHEN k.i % 9 = 0 THEN NULL ELSE (36.7 + (k.i % 19) * 0.01)::text END))
              FROM k
        $$;
        CREATE FUNCTION ft_gen.state_at(p_now timestamptz) RETURNS void LANGUAGE sql AS $$
            INSERT INTO tickets.inc AS x (ticket_id, raw)
            SELECT r.ticket_id, r.raw FROM ft_gen.rows_at(p_now, 'inc', 400, interval '2.3 hours', 80) r
            ON CONFLICT (ticket_id) DO UPDATE SET raw = excluded.raw WHERE x.raw IS DISTINCT FROM excluded.raw;
            INSERT INTO tickets.crq AS x (ticket_id, raw)
            SELECT r.ticket_id, r.raw FROM ft_gen.rows_at(p_now, 'crq', 150, interval '6.5 hours', 200) r
            ON CONFLICT (ticket_id) DO UPDATE SET raw = excluded.raw WHERE x.raw IS DISTINCT FROM excluded.raw;
        $$;
        CREATE FUNCTION ft_gen.history() RETURNS jsonb LANGUAGE sql STABLE AS $$
            SELECT jsonb_build_object(
                'closure_events', (SELECT jsonb_agg(to_jsonb(e) - 'id' ORDER BY e.dataset, e.ticket_id, e.closed_at)
                                     FROM tickets.closure_events e),
                'daily_backlog', (SELECT jsonb_agg(to_jsonb(b) ORDER BY b.dataset, b.snapshot_date, b.split, b.grp)
                                    FROM tickets.daily_backlog b),
                'inc_daily_snapshot', (SELECT jsonb_agg(to_jsonb(s) ORDER BY s.snapshot_date) FROM tickets.inc_daily_snapshot s),
                'crq_daily_snapshot', (SELECT jsonb_agg(to_jsonb(s) ORDER BY s.snapshot_date) FROM tickets.crq_daily_snapshot s))
        $$;
        """
}
