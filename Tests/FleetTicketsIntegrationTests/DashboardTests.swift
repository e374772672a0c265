import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

// MARK: - SLA view

@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct OpenSLAViewTests {
    @Test func clockFallsBackAndStatesAreJudgedAgainst48Hours() async throws {
        let world = try ReadSchemaWorld()
        let now = Date()
        let ago = { (h: Double) in EATText.hoursAgo(h, now: now) }
        await world.ingest(.inc, [
            openTicket("S1", created: ago(50), firstSeen: ago(49)),        // created_at_service wins
            openTicket("S2", firstSeen: ago(40)),                           // fallback: first_seen_at
            openTicket("S3", created: ago(2)),
            openTicket("S4"),                                               // no clock at all
            openTicket("S5", created: "not a date", firstSeen: ago(37)),   // unparseable → fallback
            openTicket("S6", created: ago(47.5)),
            openTicket("S7", created: ago(35.5)),
            openTicket("S8", created: ago(48.5)),
            closedTicket("C1", closedAt: ago(1)),                           // closed: not in the view
            Fixtures.row("N1", createdAt: ago(60), extra: ["is_actionable": ""]),  // unknown flag: not open
        ])
        let got = try world.sql.keyed("""
            SELECT ticket_id, sla_clock_source, sla_state, hours_open::text, sla_hours_left::text,
                   sla_clock_start = coalesce(created_at_service, first_seen_at)
              FROM tickets.inc_open_sla
            """)
        #expect(got.keys.sorted() == ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8"])
        #expect(got["S1"] == ["created_at_service", "breached", "50.0", "-2.0", "t"])
        #expect(got["S2"] == ["first_seen_at", "at_risk", "40.0", "8.0", "t"])
        #expect(got["S3"] == ["created_at_service", "within", "2.0", "46.0", "t"])
        #expect(got["S4"] == ["none", "unknown", nil, nil, nil])
        #expect(got["S5"] == ["first_seen_at", "at_risk", "37.0", "11.0", "t"])
        #expect(got["S6"] == ["created_at_service", "at_risk", "47.5", "0.5", "t"])
        #expect(got["S7"] == ["created_at_service", "within", "35.5", "12.5", "t"])
        #expect(got["S8"] == ["created_at_service", "breached", "48.5", "-0.5", "t"])
        // The view carries the placement too.
        #expect(try world.sql.rows("SELECT geo_source, latitude::text, geog IS NOT NULL FROM tickets.inc_open_sla WHERE ticket_id = 'S1'")
            == [["feed", "-1.2219", "t"]])
    }
}

// MARK: - Dashboard

/// A dashboard window and the EAT days (as days before today, inclusive) it must cover.
struct DashboardWindow: Sendable, CustomTestStringConvertible {
    var argument: String?
    var name: String
    /// Days before today of the first and last day; nil `from` = the 1st of the month.
    var from: Int?
    var to: Int
    var custom = false
    var testDescription: String { "\(argument.map { "'\($0)'" } ?? "NULL") \(custom ? "\(from!)…\(to) days ago" : "")" }

    var fromDays: Int { from ?? EATText.dayOfMonth - 1 }
    func covers(_ daysAgo: Int) -> Bool { daysAgo <= fromDays && daysAgo >= to }

    static let all: [DashboardWindow] = [
        .init(argument: "today", name: "today", from: 0, to: 0),
        .init(argument: nil, name: "today", from: 0, to: 0),
        .init(argument: "  ", name: "today", from: 0, to: 0),
        .init(argument: "yesterday", name: "yesterday", from: 1, to: 1),
        .init(argument: "last_7_days", name: "last_7_days", from: 6, to: 0),
        .init(argument: "Last_7_Days", name: "last_7_days", from: 6, to: 0),
        .init(argument: "last_30_days", name: "last_30_days", from: 29, to: 0),
        .init(argument: "this_month", name: "this_month", from: nil, to: 0),
        .init(argument: "custom", name: "custom", from: 40, to: 20, custom: true),
        .init(argument: "custom", name: "custom", from: 0, to: 0, custom: true),
        .init(argument: "CUSTOM", name: "custom", from: 100, to: 90, custom: true),
    ]
}

/// One closure of the window test: when (EAT day and time) and what it reports.
private struct Closure {
    var id: String
    var daysAgo: Int
    /// Appended to the EAT date: the time, with an explicit offset for the boundary cases.
    var suffix: String
    /// Seconds into its EAT day, to order "newest first".
    var second: Int
    var mttr: Int?
    var sla: String
    var placed = true

    var row: [String: String] {
        closedTicket(id, closedAt: EATText.day(daysAgo) + suffix, cluster: placed ? "Kasarani" : "Atlantis",
                     mttr: mttr.map { String(Double($0) / 60) } ?? "", sla: sla, extra: placed ? feedPosition : [:])
    }
}

@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct DashboardTests {
    private static let closures: [Closure] = [
        .init(id: "D00a", daysAgo: 0, suffix: " 00:00:01", second: 1, mttr: 315, sla: "Compliant"),
        .init(id: "D00b", daysAgo: 0, suffix: " 00:00:00+03:00", second: 0, mttr: 60, sla: "Compliant"),  // first instant of today
        .init(id: "U00", daysAgo: 0, suffix: " 00:00:02", second: 2, mttr: 315, sla: "Compliant", placed: false),
        .init(id: "D01a", daysAgo: 1, suffix: " 12:00:00", second: 43_200, mttr: 3000, sla: "Breached"),
        .init(id: "D01b", daysAgo: 1, suffix: "T20:59:59Z", second: 86_399, mttr: 315, sla: "Compliant"),  // last second of yesterday
        .init(id: "D06", daysAgo: 6, suffix: " 00:00:00", second: 0, mttr: 150, sla: "compliant"),
        .init(id: "D07", daysAgo: 7, suffix: " 23:59:59", second: 86_399, mttr: 30, sla: "Breached"),
        .init(id: "D20", daysAgo: 20, suffix: " 12:00:00", second: 43_200, mttr: 315, sla: "Compliant"),
        .init(id: "D29", daysAgo: 29, suffix: " 00:00:00", second: 0, mttr: 180, sla: "BREACHED"),
        .init(id: "D30", daysAgo: 30, suffix: " 23:59:59", second: 86_399, mttr: 240, sla: "Compliant"),
        .init(id: "D40", daysAgo: 40, suffix: "T09:00:00Z", second: 43_200, mttr: nil, sla: "Compliant"),
    ]

    /// Closed tickets on chosen EAT days around each window's edges: exactly those of the
    /// window's days are in `closed` (newest first) and in the closure metrics; open work is
    /// not windowed; a reopened ticket is open, not closed.
    @Test(arguments: DashboardWindow.all)
    func closedTicketsFallInTheirWindow(window: DashboardWindow) async throws {
        try await EATText.awayFromMidnight()
        let world = try ReadSchemaWorld()
        var rows = Self.closures.map(\.row)
        rows.append(openTicket("O1", created: EATText.hoursAgo(50)))
        var reopened = closedTicket("R00", closedAt: EATText.day(0) + " 00:00:03")
        reopened.merge(["is_actionable": "TRUE", "normalized_status": "open", "mttr": "",
                        "created_at_service": EATText.hoursAgo(3)]) { $1 }
        rows.append(reopened)
        await world.ingest(.inc, rows)

        let d = try world.sql.json("SELECT reporting.fn_inc_dashboard(p_window => $1, p_from => $2::date, p_to => $3::date)",
                                   [window.argument, window.custom ? EATText.day(window.fromDays) : nil,
                                    window.custom ? EATText.day(window.to) : nil])

        // The window: inclusive EAT dates; [from_ts, to_ts) from 21:00 UTC the day before.
        #expect(d["window"] == .object([
            "name": .string(window.name), "from": .string(EATText.day(window.fromDays)), "to": .string(EATText.day(window.to)),
            "from_ts": .string(EATText.day(window.fromDays + 1) + "T21:00:00+00:00"),
            "to_ts": .string(EATText.day(window.to) + "T21:00:00+00:00"), "timezone": .string("Africa/Nairobi"),
        ]))

        let inWindow = Self.closures.filter { window.covers($0.daysAgo) }
        let newestFirst = inWindow.filter(\.placed).sorted { ($0.daysAgo, -$0.second) < ($1.daysAgo, -$1.second) }
        #expect(d["closed"]?.featureProperty("ticket_id") == newestFirst.map(\.id))
        #expect(!(d["closed"]?.featureProperty("ticket_id").contains("R00") ?? true))
        #expect(d["open"]?.featureProperty("ticket_id") == ["O1", "R00"], "open work is live, oldest clock first")

        let m = try #require(d["metrics"])
        let minutes = inWindow.compactMap(\.mttr).map(Double.init).sorted()
        let compliant = inWindow.filter { $0.sla.lowercased() == "compliant" }.count
        let breached = inWindow.filter { $0.sla.lowercased() == "breached" }.count
        #expect(m["closed_in_window"]?.number == Double(inWindow.count))
        #expect(m["closed_unplaced"]?.number == Double(inWindow.filter { !$0.placed }.count))
        #expect(m["sla_compliant"]?.number == Double(compliant))
        #expect(m["sla_breached"]?.number == Double(breached))
        expectRounded(m["sla_compliance_pct"], compliant + breached == 0 ? nil : 100 * Double(compliant) / Double(compliant + breached))
        expectRounded(m["mttr_avg_minutes"], minutes.isEmpty ? nil : minutes.reduce(0, +) / Double(minutes.count))
        expectRounded(m["mttr_median_minutes"], minutes.isEmpty ? nil
            : minutes.count % 2 == 1 ? minutes[minutes.count / 2] : (minutes[minutes.count / 2 - 1] + minutes[minutes.count / 2]) / 2)
        #expect(m["open_total"]?.number == 2)
        #expect(m["open_breached"]?.number == 1)
        #expect(m["open_within"]?.number == 1)
    }

    /// A one-decimal metric: NULL when there is nothing to measure.
    private func expectRounded(_ value: JSONValue?, _ want: Double?, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let want else {
            #expect(value == .null, sourceLocation: sourceLocation)
            return
        }
        let got = value?.number ?? .nan
        #expect(abs(got - want) <= 0.05 + 1e-9, "got \(value?.description ?? "missing"), want ≈ \(want)", sourceLocation: sourceLocation)
    }

    @Test func todaysPayloadDescribesOpenWorkClosuresAndFreshness() async throws {
        try await EATText.awayFromMidnight()
        let world = try ReadSchemaWorld()
        let now = Date()
        let created = now.addingTimeInterval(-50 * 3600)
        let report = await world.ingest(.inc, [
            openTicket("O1", status: "in_progress", created: EATText.text(created), firstSeen: EATText.hoursAgo(49, now: now)),
            openTicket("O2", cluster: "Roysambu", firstSeen: EATText.hoursAgo(40, now: now)),
            openTicket("O3", created: EATText.hoursAgo(2, now: now)),
            openTicket("O4", cluster: "Atlantis", extra: [:]),              // no clock, no position
            closedTicket("C1", closedAt: EATText.day(0) + " 00:30:00"),
        ])
        let d = try world.sql.json("SELECT reporting.fn_inc_dashboard()")
        #expect(d.object.keys.sorted() == ["closed", "filters", "freshness", "generated_at", "metrics", "open", "window"])
        #expect(d["window"]?["name"] == .string("today"))
        #expect(d["filters"] == .object(["cluster": .null, "status": .null]))
        #expect(d["generated_at"]?.string?.hasSuffix("+00:00") == true)
        #expect(d["open"]?["type"] == .string("FeatureCollection"))
        #expect(d["open"]?.featureProperty("ticket_id") == ["O1", "O2", "O3"], "placed open tickets, oldest clock first")
        let o1 = try #require(d["open"]?["features"]?[0])
        #expect(o1["geometry"] == .object(["type": .string("Point"), "coordinates": .array([.number(36.8986), .number(-1.2219)])]))
        #expect(o1["properties"] == .object([
            "dataset": .string("inc"), "ticket_id": .string("O1"), "normalized_status": .string("in_progress"),
            "raw_status": .string("ASSIGNED"), "cluster": .string("Kasarani"), "region": .string("nairobi"),
            "location_name": .string("NW_KASARANI_MWIKI_FDT12"), "assigned_team": .string("FieldOps North"),
            "owner": .string("J. Otieno"), "created_at_service": .string(EATText.json(created)),
            "first_seen_at": .string(EATText.json(now.addingTimeInterval(-49 * 3600))),
            "sla_clock_start": .string(EATText.json(created)), "sla_clock_source": .string("created_at_service"),
            "hours_open": .number(50), "sla_state": .string("breached"), "sla_hours_left": .number(-2),
            "latitude": .number(-1.2219), "longitude": .number(36.8986), "geo_source": .string("feed"),
        ]))
        let c1 = try #require(d["closed"]?["features"]?[0]?["properties"])
        #expect(c1["ticket_id"] == .string("C1"))
        #expect(c1["closed_at"] == .string(EATText.day(1) + "T21:30:00+00:00"))
        #expect(c1["mttr_minutes"] == .number(315))
        #expect(c1["sla_status"] == .string("Compliant"))
        #expect(d["metrics"]?.object.filter { $0.key != "by_cluster" } == [
            "open_total": .number(4), "open_breached": .number(1), "open_at_risk": .number(1), "open_within": .number(1),
            "open_unknown_clock": .number(1), "open_unplaced": .number(1), "closed_in_window": .number(1),
            "closed_unplaced": .number(0), "mttr_avg_minutes": .number(315), "mttr_median_minutes": .number(315),
            "sla_compliant": .number(1), "sla_breached": .number(0), "sla_compliance_pct": .number(100),
        ])
        let byCluster = d["metrics"]?["by_cluster"]?.array ?? []
        #expect(byCluster.map { $0["cluster"]?.string } == ["Kasarani", "Atlantis", "Roysambu"])
        #expect(byCluster.first == .object([
            "cluster": .string("Kasarani"), "open_total": .number(2), "open_breached": .number(1), "open_at_risk": .number(0),
            "open_unplaced": .number(0), "closed_in_window": .number(1), "mttr_avg_minutes": .number(315),
        ]))
        #expect(byCluster[safe: 1]?["open_unplaced"] == .number(1))
        let key = try #require(report.files.first?.key)
        #expect(d["freshness"]?["dataset"] == .string("inc"))
        #expect(d["freshness"]?["source_max_key"] == .string(key))
        #expect(d["freshness"]?["last_file"] == .string(key))
        #expect(d["freshness"]?["rows_read"] == .number(5))
        #expect(d["freshness"]?["updated_at"]?.string?.hasSuffix("+00:00") == true)
    }

    @Test func freshnessIsNullBeforeTheFirstIngest() throws {
        let world = try ReadSchemaWorld()
        let d = try world.sql.json("SELECT reporting.fn_inc_dashboard()")
        #expect(d["freshness"] == .null)
        #expect(d["open"]?["features"] == .array([]))
        #expect(d["metrics"]?["mttr_avg_minutes"] == .null)
    }

    /// Cluster (case-insensitive, trimmed) and status filters combine with AND over open,
    /// closed and every metric; blank filters are none.
    @Test func filtersCombineWithAnd() async throws {
        try await EATText.awayFromMidnight()
        let world = try ReadSchemaWorld()
        await world.ingest(.inc, [
            openTicket("K-PROG", status: "in_progress", created: EATText.hoursAgo(50)),
            openTicket("K-OPEN", created: EATText.hoursAgo(5)),
            openTicket("R-PROG", cluster: "Roysambu", status: "in_progress", created: EATText.hoursAgo(4)),
            openTicket("R-OPEN", cluster: "Roysambu", created: EATText.hoursAgo(3)),
            closedTicket("K-DONE", closedAt: EATText.day(0) + " 00:10:00"),
            closedTicket("R-DONE", closedAt: EATText.day(0) + " 00:20:00", cluster: "Roysambu", mttr: "1"),
        ])
        func call(_ cluster: String?, _ status: String?) throws -> JSONValue {
            try world.sql.json("SELECT reporting.fn_inc_dashboard(p_cluster => $1, p_status => $2, p_window => 'today')",
                               [cluster, status])
        }
        func ids(_ d: JSONValue, _ part: String) -> [String] { d[part]?.featureProperty("ticket_id").sorted() ?? [] }

        let none = try call(nil, nil)
        #expect(ids(none, "open") == ["K-OPEN", "K-PROG", "R-OPEN", "R-PROG"])
        #expect(ids(none, "closed") == ["K-DONE", "R-DONE"])

        let cluster = try call(" kasarani ", nil)
        #expect(ids(cluster, "open") == ["K-OPEN", "K-PROG"])
        #expect(ids(cluster, "closed") == ["K-DONE"])
        #expect(cluster["filters"] == .object(["cluster": .string("kasarani"), "status": .null]))
        #expect(cluster["metrics"]?["by_cluster"]?.array.map { $0["cluster"]?.string } == ["Kasarani"])

        let status = try call(nil, "IN_PROGRESS")
        #expect(ids(status, "open") == ["K-PROG", "R-PROG"])
        #expect(ids(status, "closed") == [])
        #expect(status["metrics"]?["open_total"] == .number(2))

        let both = try call("KASARANI", "in_progress")
        #expect(ids(both, "open") == ["K-PROG"])
        #expect(both["metrics"]?["open_total"] == .number(1))
        #expect(both["metrics"]?["open_breached"] == .number(1))
        #expect(both["metrics"]?["closed_in_window"] == .number(0))
        #expect(both["filters"] == .object(["cluster": .string("KASARANI"), "status": .string("in_progress")]))

        let closedRoysambu = try call("Roysambu", "Closed")
        #expect(ids(closedRoysambu, "open") == [])
        #expect(ids(closedRoysambu, "closed") == ["R-DONE"])
        #expect(closedRoysambu["metrics"]?["mttr_avg_minutes"] == .number(60))

        let nobody = try call("Kasarani", "no_such_status")
        #expect(nobody["metrics"]?["open_total"] == .number(0))
        #expect(nobody["metrics"]?["by_cluster"] == .array([]))

        let blank = try call("", "  ")
        #expect(blank["metrics"] == none["metrics"])
        #expect(blank["filters"] == .object(["cluster": .null, "status": .null]))
    }

    struct BadCall: Sendable, CustomTestStringConvertible {
        var window: String?
        var from: String?
        var to: String?
        var message: String
        var testDescription: String { "window \(window ?? "NULL"), from \(from ?? "NULL"), to \(to ?? "NULL")" }
    }

    static let badCalls: [BadCall] = [
        .init(window: "fortnight", message: "fn_inc_dashboard: unknown window 'fortnight'; valid windows: today, yesterday, last_7_days, last_30_days, this_month, custom"),
        .init(window: "custom", message: "fn_inc_dashboard: window 'custom' needs both p_from and p_to (EAT dates, inclusive)"),
        .init(window: "custom", from: "2026-06-01", message: "fn_inc_dashboard: window 'custom' needs both p_from and p_to (EAT dates, inclusive)"),
        .init(window: "custom", to: "2026-06-01", message: "fn_inc_dashboard: window 'custom' needs both p_from and p_to (EAT dates, inclusive)"),
        .init(window: "custom", from: "2026-06-15", to: "2026-06-01", message: "fn_inc_dashboard: p_from (2026-06-15) is after p_to (2026-06-01)"),
        .init(window: "today", from: "2026-06-01", to: "2026-06-15",
              message: "fn_inc_dashboard: p_from/p_to are only accepted with window 'custom' (window is 'today')"),
        .init(window: nil, to: "2026-06-15", message: "fn_inc_dashboard: p_from/p_to are only accepted with window 'custom' (window is 'today')"),
        .init(window: "Yesterday", from: "2026-06-15",
              message: "fn_inc_dashboard: p_from/p_to are only accepted with window 'custom' (window is 'yesterday')"),
    ]

    @Test(arguments: badCalls)
    func badArgumentsRaise22023WithAClearMessage(call: BadCall) throws {
        let world = try ReadSchemaWorld()
        let error = #expect(throws: PostgresError.self) {
            try world.sql.execute("SELECT reporting.fn_inc_dashboard(p_window => $1, p_from => $2::date, p_to => $3::date)",
                                  [call.window, call.from, call.to], purpose: "call the dashboard with bad arguments")
        }
        #expect(error?.sqlState == "22023")
        #expect(error?.message == call.message)
        #expect(error?.hint != nil, "a HINT says what to pass instead")
        #expect(try world.sql.scalar("SELECT 1", purpose: "use the connection after the error") == "1")
    }

    /// "Nothing depends on the session" (docs/read-schema.md): the p_from > p_to message
    /// renders its dates as ISO text whatever the session's DateStyle.
    @Test func theFromAfterToMessageDoesNotDependOnDateStyle() throws {
        let world = try ReadSchemaWorld()
        try world.session(timeZone: "America/New_York", dateStyle: "SQL, DMY")
        let error = #expect(throws: PostgresError.self) {
            try world.sql.execute("SELECT reporting.fn_inc_dashboard(p_window => 'custom', p_from => '2026-06-15', p_to => '2026-06-01')",
                                  purpose: "call the dashboard with p_from after p_to")
        }
        #expect(error?.sqlState == "22023")
        #expect(error?.message == "fn_inc_dashboard: p_from (2026-06-15) is after p_to (2026-06-01)")
    }

    /// The same payloads under any TimeZone and DateStyle (one transaction: one now()).
    @Test func payloadsDoNotDependOnTheSessionZoneOrDateStyle() async throws {
        try await EATText.awayFromMidnight()
        let world = try ReadSchemaWorld()
        await world.ingest(.inc, [
            openTicket("O1", created: EATText.hoursAgo(50)), openTicket("O2", firstSeen: EATText.hoursAgo(40)),
            closedTicket("C1", closedAt: EATText.day(3) + " 23:30:00"), closedTicket("C2", closedAt: EATText.day(0) + " 00:00:01"),
        ])
        await world.ingest(.crq, [openTicket("Q1", created: EATText.hoursAgo(5))])
        let query = "SELECT reporting.fn_inc_dashboard(p_window => 'last_7_days')::text, reporting.fn_tickets_for_map(false)::text"
        try world.sql.begin()
        var answers: [[[String?]]] = []
        for (zone, style) in [("UTC", "ISO, MDY"), ("America/New_York", "SQL, DMY"), ("Pacific/Kiritimati", "German")] {
            try world.sql.execute("SELECT set_config('TimeZone', $1, true), set_config('DateStyle', $2, true)", [zone, style],
                                  purpose: "change the session zone")
            answers.append(try world.sql.rows(query))
        }
        try world.sql.commit()
        #expect(answers[1] == answers[0])
        #expect(answers[2] == answers[0])
        let d = try JSONValue.parse(try #require(answers[0].first?[0] ?? nil))
        #expect(d["closed"]?.featureProperty("ticket_id") == ["C2", "C1"], "the answers are not empty")
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
