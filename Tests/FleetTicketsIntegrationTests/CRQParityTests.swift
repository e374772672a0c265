import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct CRQParityTests {
    /// Open CRQ tickets 130 h, 100 h and 10 h old (breached, at risk, within against 120 h; the
    /// 100 h one would be breached against INC's 48 h) and closures on chosen EAT days.
    private static func crqRows(now: Date) -> [[String: String]] {
        let ago = { (h: Double) in EATText.hoursAgo(h, now: now) }
        return [
            openTicket("Q1", created: ago(130)),
            openTicket("Q2", cluster: "Roysambu", created: ago(100)),
            openTicket("Q3", created: ago(10)),
            closedTicket("Q4", closedAt: "2026-06-01 12:00:00", mttr: "2", sla: "Compliant"),
            closedTicket("Q5", closedAt: "2026-06-02 00:30:00", mttr: "4", sla: "Breached"),     // 2026-06-01 21:30 UTC
            closedTicket("Q6", closedAt: "2026-05-31 23:59:59", mttr: "1", sla: "Compliant"),    // the day before the window
        ]
    }

    @Test func theCRQDashboardHasTheINCShapeAndCRQFigures() async throws {
        try await EATText.awayFromMidnight()
        let world = try ReadSchemaWorld()
        let report = await world.ingest(.crq, Self.crqRows(now: Date()))
        #expect(report.hooks == ["capture_crq_history"])

        let d = try world.sql.json(
            "SELECT reporting.fn_crq_dashboard(p_window => 'custom', p_from => '2026-06-01', p_to => '2026-06-03')")
        let inc = try world.sql.json(
            "SELECT reporting.fn_inc_dashboard(p_window => 'custom', p_from => '2026-06-01', p_to => '2026-06-03')")
        #expect(d.object.keys.sorted() == inc.object.keys.sorted())
        #expect(d["window"] == inc["window"])
        #expect(d["open"]?.featureProperty("ticket_id") == ["Q1", "Q2", "Q3"], "oldest clock first")
        #expect(d["open"]?.featureProperty("sla_state") == ["breached", "at_risk", "within"])
        #expect(Set(d["open"]?.featureProperty("dataset") ?? []) == ["crq"])
        #expect(d["open"]?["features"]?[2]?["properties"]?["sla_hours_left"] == .number(110))
        #expect(d["open"]?["features"]?[0]?["properties"]?.object.keys.sorted() == [
            "assigned_team", "cluster", "created_at_service", "dataset", "first_seen_at", "geo_source", "hours_open", "latitude",
            "location_name", "longitude", "normalized_status", "owner", "raw_status", "region", "sla_clock_source",
            "sla_clock_start", "sla_hours_left", "sla_state", "ticket_id",
        ], "the properties of fn_inc_dashboard's open features")
        #expect(d["closed"]?.featureProperty("ticket_id") == ["Q5", "Q4"], "the EAT days of the window, newest first")
        #expect(d["metrics"]?.object.filter { $0.key != "by_cluster" } == [
            "open_total": .number(3), "open_breached": .number(1), "open_at_risk": .number(1), "open_within": .number(1),
            "open_unknown_clock": .number(0), "open_unplaced": .number(0), "closed_in_window": .number(2),
            "closed_unplaced": .number(0), "mttr_avg_minutes": .number(180), "mttr_median_minutes": .number(180),
            "sla_compliant": .number(1), "sla_breached": .number(1), "sla_compliance_pct": .number(50),
        ])
        #expect(d["metrics"]?["by_cluster"]?.array.map { $0["cluster"]?.string } == ["Kasarani", "Roysambu"])
        #expect(d["freshness"]?["dataset"] == .string("crq"))
        #expect(d["freshness"]?["source_max_key"] == .string(try #require(report.files.first?.key)))
        #expect(inc["metrics"]?["open_total"] == .number(0) && inc["freshness"] == .null, "CRQ tickets are not INC's")

        // The views apply the rule of tickets.sla_state (19) on every row, both datasets.
        await world.ingest(.inc, [openTicket("I1", created: EATText.hoursAgo(40)), openTicket("I2"), openTicket("I3", created: EATText.hoursAgo(100))])
        let agree = """
            SELECT count(*), count(*) FILTER (WHERE s.sla_state IS DISTINCT FROM tickets.sla_state(s.dataset,
                       extract(epoch FROM now() - s.sla_clock_start) / 3600.0))
              FROM tickets.open_sla s
            """
        #expect(try world.sql.rows(agree) == [["6", "0"]])

        // The target lives in a table: operators move it, the view and the dashboard follow.
        try world.sql.execute("UPDATE tickets.sla_targets SET target_hours = 72, at_risk_hours = 60 WHERE dataset = 'crq'",
                              purpose: "shorten the CRQ target")
        #expect(try world.sql.keyed("SELECT ticket_id, sla_state, sla_target_hours::text FROM tickets.crq_open_sla")
            == ["Q1": ["breached", "72"], "Q2": ["breached", "72"], "Q3": ["within", "72"]])
        #expect(try world.sql.rows(agree) == [["6", "0"]])
        #expect(try world.sql.json("SELECT reporting.fn_crq_dashboard()")["metrics"]?["open_breached"] == .number(2))
    }

    /// The hook captured CRQ history: today's snapshot, the closures under dataset crq.
    @Test func theCRQHookCapturesCRQHistory() async throws {
        try await EATText.awayFromMidnight()
        let world = try ReadSchemaWorld()
        await world.ingest(.crq, Self.crqRows(now: Date()))
        #expect(try world.sql.rows("SELECT snapshot_date::text, open_total, open_breached, open_at_risk, captures FROM tickets.crq_daily_snapshot")
            == [[EATText.day(0), "3", "1", "1", "1"]])
        #expect(try world.sql.rows("SELECT dataset, ticket_id FROM tickets.closure_events ORDER BY ticket_id")
            == [["crq", "Q4"], ["crq", "Q5"], ["crq", "Q6"]])
        #expect(try world.sql.rows("SELECT split, grp, open_total, under_24h, h48_to_7d FROM tickets.daily_backlog WHERE split IN ('none', 'cluster') ORDER BY split, grp")
            == [["cluster", "Kasarani", "2", "1", "1"], ["cluster", "Roysambu", "1", "0", "1"], ["none", "", "3", "1", "2"]])
        #expect(try world.sql.scalar("SELECT count(*) FROM tickets.inc_daily_snapshot", purpose: "count") == "0")

        // The same ticket id in both datasets closing at the same instant is two closures.
        await world.ingest(.inc, [closedTicket("Q4", closedAt: "2026-06-01 12:00:00")])
        #expect(try world.sql.rows("SELECT dataset FROM tickets.closure_events WHERE ticket_id = 'Q4' ORDER BY 1") == [["crq"], ["inc"]])
    }

    @Test func crqOpenSLAHasTheColumnsOfINCOpenSLA() throws {
        let world = try ReadSchemaWorld()
        let columns = { (view: String) in
            try world.sql.rows("""
                SELECT column_name, data_type FROM information_schema.columns
                 WHERE table_schema = 'tickets' AND table_name = $1 ORDER BY ordinal_position
                """, [view])
        }
        let inc = try columns("inc_open_sla")
        #expect(inc.count == 21)
        #expect(inc.prefix(3) == [["ticket_id", "text"], ["normalized_status", "text"], ["raw_status", "text"]])
        #expect(try columns("crq_open_sla") == inc)
    }

    /// A database migrated before 20 (as the Python tool's would be, with its own parameter
    /// names and INC history) keeps both: 20 renames nothing and labels the old closures INC.
    @Test func upgradingKeepsTheDashboardsParameterNamesAndTheINCHistory() throws {
        let url = try Integration.freshDatabase(migrated: false)
        _ = try MigrationRunner(url: url, migrations: Migration.embedded.filter { $0.name < "20" }, logger: Integration.logger).run()
        let db = try PostgresConnection(url: url, logger: Integration.logger)
        try db.simpleQuery("""
            DROP FUNCTION reporting.fn_inc_dashboard(text, text, text, date, date);
            CREATE FUNCTION reporting.fn_inc_dashboard(cluster_name text DEFAULT NULL, status_name text DEFAULT NULL,
                window_name text DEFAULT 'today', date_from date DEFAULT NULL, date_to date DEFAULT NULL)
            RETURNS jsonb LANGUAGE sql AS 'SELECT ''{}''::jsonb';
            INSERT INTO tickets.inc (ticket_id, raw) VALUES ('OLD1', '{"is_actionable": "false", "closed_at": "2026-06-02 10:00:00",
                "created_at_service": "2026-06-01 10:00:00", "assigned_team": "North"}');
            SELECT tickets.capture_history();
            """, purpose: "mimic a database built before migration 20")
        _ = try MigrationRunner(url: url, logger: Integration.logger).run()
        #expect(try db.scalar("SELECT reporting.fn_inc_dashboard(window_name => 'yesterday') #>> '{window,name}'", purpose: "call by the old names")
            == "yesterday", "the new body answers under the old parameter names")
        #expect(try db.rows("SELECT dataset, ticket_id, assigned_team, sla_clock_start = tickets.eat_ts('2026-06-01 10:00:00') FROM tickets.closure_events")
            == [["inc", "OLD1", "North", "t"]])
        let teams = try db.json("SELECT reporting.fn_team_closures('inc', '2026-06-02', '2026-06-02')")
        #expect(teams["rows"]?[0]?["median_hours_to_close"] == .number(24))
    }

    struct BadCall: Sendable, CustomTestStringConvertible {
        var sql: String
        var message: String
        var testDescription: String { sql }
    }

    static let badCalls: [BadCall] = [
        .init(sql: "SELECT reporting.fn_crq_dashboard(p_window => 'fortnight')",
              message: "fn_crq_dashboard: unknown window 'fortnight'; valid windows: today, yesterday, last_7_days, last_30_days, this_month, custom"),
        .init(sql: "SELECT reporting.fn_crq_dashboard(p_window => 'custom', p_from => '2026-06-15', p_to => '2026-06-01')",
              message: "fn_crq_dashboard: p_from (2026-06-15) is after p_to (2026-06-01)"),
        .init(sql: "SELECT reporting.fn_trends('tickets', '2026-06-01', '2026-06-03')",
              message: "fn_trends: unknown dataset 'tickets'; valid datasets: inc, crq"),
        .init(sql: "SELECT reporting.fn_trends(NULL, '2026-06-01', '2026-06-03')",
              message: "fn_trends: p_dataset is required; valid datasets: inc, crq"),
        .init(sql: "SELECT reporting.fn_trends('inc', NULL, '2026-06-03')",
              message: "fn_trends: p_from and p_to are both required (EAT dates, inclusive)"),
        .init(sql: "SELECT reporting.fn_trends('inc', '2026-06-03', '2026-06-01')",
              message: "fn_trends: p_from (2026-06-03) is after p_to (2026-06-01)"),
        .init(sql: "SELECT reporting.fn_trends('inc', '2026-06-01', '2026-06-03', 'month')",
              message: "fn_trends: unknown grain 'month'; valid grains: day, week"),
        .init(sql: "SELECT reporting.fn_trends('inc', '2026-06-01', '2026-06-03', 'day', 'owner')",
              message: "fn_trends: unknown split 'owner'; valid splits: none, region, cluster, team"),
        .init(sql: "SELECT reporting.fn_team_closures('crq', '2026-06-01', NULL)",
              message: "fn_team_closures: p_from and p_to are both required (EAT dates, inclusive)"),
        .init(sql: "SELECT reporting.fn_team_closures('CRQs', '2026-06-01', '2026-06-02')",
              message: "fn_team_closures: unknown dataset 'CRQs'; valid datasets: inc, crq"),
        .init(sql: "SELECT tickets.capture_history('all')",
              message: "tickets.capture_history: unknown dataset 'all'; valid datasets: inc, crq"),
    ]

    @Test(arguments: badCalls)
    func badArgumentsRaise22023WithAHint(call: BadCall) throws {
        let world = try ReadSchemaWorld()
        try world.session(timeZone: "America/New_York", dateStyle: "SQL, DMY")
        let error = #expect(throws: PostgresError.self) {
            try world.sql.execute(call.sql, purpose: "call a read function with bad arguments")
        }
        #expect(error?.sqlState == "22023")
        #expect(error?.message == call.message)
        #expect(error?.hint?.isEmpty == false, "a HINT says what to pass instead")
    }
}
