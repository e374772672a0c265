import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

/// A hand-built INC history over three EAT days, captured at chosen instants (22:00 EAT each
/// day), whose trend, attribution and history figures are worked out by hand below.
///
/// | ticket | team (owner) | opened (EAT) | closed (EAT) | hours | notes |
/// |---|---|---|---|---|---|
/// | A | North (Achieng) | Mon 09:00 | Mon 21:00 | 12 | |
/// | M | South (Chebet) | Mon 23:30 | Tue 00:30 | 1 | closes across EAT midnight (Mon 21:30 UTC) |
/// | R | North (Baraka) | Mon 08:00 | Tue 08:00 | 24 | reopened Wed, reassigned to South |
/// | C | North → South (Chebet) | Mon 09:00 | Wed 13:00 | 52 | first seen Tuesday; breaches 48 h; North while open, South when closed |
/// | O | North (Achieng) | Mon 12:00 | — | | open throughout |
struct HandBuiltHistory {
    static let mon = "2026-06-01", tue = "2026-06-02", wed = "2026-06-03", thu = "2026-06-04"
    /// Writes rows without running the INC hook, so captures happen only when the test says.
    static let incWithoutHook = Dataset.standard("inc")

    static func ticket(_ id: String, team: String, owner: String, opened: String, closed: String? = nil,
                       cluster: String = "Kasarani") -> [String: String] {
        Fixtures.row(id, status: closed == nil ? "open" : "closed", actionable: closed == nil, cluster: cluster,
                     createdAt: opened, closedAt: closed ?? "",
                     extra: ["assigned_team": team, "owner": owner, "first_seen_at": opened])
    }

    let world: ReadSchemaWorld
    /// The capture summaries, one per day.
    var captures: [JSONValue] = []

    static func build() async throws -> HandBuiltHistory {
        var h = HandBuiltHistory(world: try ReadSchemaWorld())
        let a = ticket("A", team: "North", owner: "Achieng", opened: "\(mon) 09:00:00", closed: "\(mon) 21:00:00")
        let o = ticket("O", team: "North", owner: "Achieng", opened: "\(mon) 12:00:00")
        // Monday 22:00: A closed, R and O open.
        await h.world.ingest(incWithoutHook, [a, o, ticket("R", team: "North", owner: "Baraka", opened: "\(mon) 08:00:00")])
        try h.capture("\(mon) 22:00:00+03")
        // Tuesday 22:00: M (across midnight) and R closed; C (opened Monday) first seen, North's.
        await h.world.ingest(incWithoutHook, [
            ticket("M", team: "South", owner: "Chebet", opened: "\(mon) 23:30:00", closed: "\(tue) 00:30:00"),
            ticket("R", team: "North", owner: "Baraka", opened: "\(mon) 08:00:00", closed: "\(tue) 08:00:00"),
            ticket("C", team: "North", owner: "Chebet", opened: "\(mon) 09:00:00"),
        ])
        try h.capture("\(tue) 22:00:00+03")
        // Wednesday 22:00: C closed by South; R open again (its closed_at kept), now South's.
        var reopened = ticket("R", team: "South", owner: "Baraka", opened: "\(mon) 08:00:00")
        reopened["closed_at"] = "\(tue) 08:00:00"
        await h.world.ingest(incWithoutHook, [
            ticket("C", team: "South", owner: "Chebet", opened: "\(mon) 09:00:00", closed: "\(wed) 13:00:00"), reopened,
        ])
        try h.capture("\(wed) 22:00:00+03")
        return h
    }

    private mutating func capture(_ at: String) throws {
        captures.append(try world.sql.json("SELECT tickets.capture_history('inc', $1::timestamptz)", [at]))
    }
}

@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct AnalyticsTests {
    @Test func capturesAtChosenInstantsRecordClosuresReopeningsAndTheBacklog() async throws {
        let h = try await HandBuiltHistory.build()
        let summary = { (i: Int) in h.captures[i].object.mapValues { $0.description } }
        #expect(summary(0) == ["dataset": "\"inc\"", "snapshot_date": "\"2026-06-01\"", "new_closures": "1.0", "new_reopened": "0.0",
                               "open_total": "2.0", "open_breached": "0.0", "open_at_risk": "0.0", "opened_today": "3.0",
                               "closed_today": "1.0", "captures": "1.0"])
        #expect(summary(2) == ["dataset": "\"inc\"", "snapshot_date": "\"2026-06-03\"", "new_closures": "1.0", "new_reopened": "1.0",
                               "open_total": "2.0", "open_breached": "2.0", "open_at_risk": "0.0", "opened_today": "0.0",
                               "closed_today": "1.0", "captures": "1.0"])
        #expect(try h.world.sql.rows("""
            SELECT ticket_id, assigned_team, owner, tickets.eat_date(observed_at)::text, tickets.eat_date(reopened_at)::text
              FROM tickets.closure_events WHERE dataset = 'inc' ORDER BY ticket_id
            """) == [["A", "North", "Achieng", "2026-06-01", nil], ["C", "South", "Chebet", "2026-06-03", nil],
                     ["M", "South", "Chebet", "2026-06-02", nil], ["R", "North", "Baraka", "2026-06-02", "2026-06-03"]])
        #expect(try h.world.sql.rows("SELECT snapshot_date::text, open_total, open_breached FROM tickets.inc_daily_snapshot ORDER BY 1")
            == [["2026-06-01", "2", "0"], ["2026-06-02", "2", "0"], ["2026-06-03", "2", "2"]])
        #expect(try h.world.sql.scalar("SELECT count(*) FROM tickets.crq_daily_snapshot", purpose: "count") == "0", "INC captures only INC")
    }

    @Test func dailyTrendsHaveTheWorkedOutFigures() async throws {
        let h = try await HandBuiltHistory.build()
        let reader = PostgresAnalyticsReader(url: h.world.url)
        defer { reader.close() }
        let query = TrendQuery(dataset: "inc", from: HandBuiltHistory.mon, to: HandBuiltHistory.thu)
        let report = try await reader.trends(query)
        #expect(report.query == query)
        #expect(report.slaHours == 48)
        #expect(report.points == [
            TrendPoint(period: "2026-06-01", opened: 5, closed: 1, closureRate: 0.2, backlogAtEnd: 2, mttrMedianHours: 12,
                       mttrP90Hours: 12, withinSLAShare: 1, backlogAge: .init(under24h: 2)),
            // M closed at 00:30 EAT Tuesday (Monday in UTC): Tuesday's closure. C is 37 h old, O 34 h.
            TrendPoint(period: "2026-06-02", opened: 0, closed: 1, closureRate: nil, backlogAtEnd: 2, mttrMedianHours: 1,
                       mttrP90Hours: 1, withinSLAShare: 1, backlogAge: .init(from24hTo48h: 2)),
            // R is open again, so only C closed (52 h: breached); R and O are 62 and 58 hours old.
            TrendPoint(period: "2026-06-03", opened: 0, closed: 1, closureRate: nil, backlogAtEnd: 2, mttrMedianHours: 52,
                       mttrP90Hours: 52, withinSLAShare: 0, backlogAge: .init(from48hTo7d: 2)),
            // No capture on Thursday: its backlog cannot be known.
            TrendPoint(period: "2026-06-04", opened: 0, closed: 0, closureRate: nil, backlogAtEnd: nil, mttrMedianHours: nil,
                       mttrP90Hours: nil, withinSLAShare: nil, backlogAge: nil),
        ])
    }

    @Test func weeklyAndPerTeamTrendsHaveTheWorkedOutFigures() async throws {
        let h = try await HandBuiltHistory.build()
        let reader = PostgresAnalyticsReader(url: h.world.url)
        defer { reader.close() }
        let week = try await reader.trends(.init(dataset: "inc", from: HandBuiltHistory.mon, to: HandBuiltHistory.wed, grain: .week))
        // Hours to close 1, 12, 52: median 12, p90 = 12 + 0.8 × 40 = 44; within 48 h: 2 of 3.
        #expect(week.points == [
            TrendPoint(period: "2026-06-01", opened: 5, closed: 3, closureRate: 0.6, backlogAtEnd: 2, mttrMedianHours: 12,
                       mttrP90Hours: 44, withinSLAShare: 0.6667, backlogAge: .init(from48hTo7d: 2)),
        ])

        // Opened and closed by the team the ticket has now; backlog by the team it had at each capture.
        let teams = try await reader.trends(.init(dataset: "inc", from: HandBuiltHistory.mon, to: HandBuiltHistory.wed, split: .team))
        #expect(teams.points == [
            TrendPoint(period: "2026-06-01", group: "North", opened: 2, closed: 1, closureRate: 0.5, backlogAtEnd: 2,
                       mttrMedianHours: 12, mttrP90Hours: 12, withinSLAShare: 1, backlogAge: .init(under24h: 2)),
            TrendPoint(period: "2026-06-01", group: "South", opened: 3, closed: 0, closureRate: 0, backlogAtEnd: 0,
                       mttrMedianHours: nil, mttrP90Hours: nil, withinSLAShare: nil, backlogAge: .init()),
            TrendPoint(period: "2026-06-02", group: "North", opened: 0, closed: 0, closureRate: nil, backlogAtEnd: 2,
                       mttrMedianHours: nil, mttrP90Hours: nil, withinSLAShare: nil, backlogAge: .init(from24hTo48h: 2)),
            TrendPoint(period: "2026-06-02", group: "South", opened: 0, closed: 1, closureRate: nil, backlogAtEnd: 0,
                       mttrMedianHours: 1, mttrP90Hours: 1, withinSLAShare: 1, backlogAge: .init()),
            TrendPoint(period: "2026-06-03", group: "North", opened: 0, closed: 0, closureRate: nil, backlogAtEnd: 1,
                       mttrMedianHours: nil, mttrP90Hours: nil, withinSLAShare: nil, backlogAge: .init(from48hTo7d: 1)),
            TrendPoint(period: "2026-06-03", group: "South", opened: 0, closed: 1, closureRate: nil, backlogAtEnd: 1,
                       mttrMedianHours: 52, mttrP90Hours: 52, withinSLAShare: 0, backlogAge: .init(from48hTo7d: 1)),
        ])
    }

    @Test func closuresAreAttributedToTheTeamAssignedWhenObservedClosed() async throws {
        let h = try await HandBuiltHistory.build()
        let reader = PostgresAnalyticsReader(url: h.world.url)
        defer { reader.close() }
        let (mon, tue, wed) = (HandBuiltHistory.mon, HandBuiltHistory.tue, HandBuiltHistory.wed)

        let all = try await reader.teamClosures(.init(dataset: "inc", from: mon, to: wed))
        #expect(all.slaHours == 48)
        #expect(all.query == TeamClosureQuery(dataset: "inc", from: mon, to: wed))
        // North: A (12 h) and R (24 h, reopened later). South: M (1 h) and C (52 h, North while it was open).
        #expect(all.rows == [
            TeamClosureRow(team: "North", closed: 2, medianHoursToClose: 18, withinSLAShare: 1, reopened: 1),
            TeamClosureRow(team: "South", closed: 2, medianHoursToClose: 26.5, withinSLAShare: 0.5, reopened: 0),
        ])

        let owners = try await reader.teamClosures(.init(dataset: "inc", from: mon, to: wed, byOwner: true))
        #expect(owners.rows == [
            TeamClosureRow(team: "South", owner: "Chebet", closed: 2, medianHoursToClose: 26.5, withinSLAShare: 0.5, reopened: 0),
            TeamClosureRow(team: "North", owner: "Achieng", closed: 1, medianHoursToClose: 12, withinSLAShare: 1, reopened: 0),
            TeamClosureRow(team: "North", owner: "Baraka", closed: 1, medianHoursToClose: 24, withinSLAShare: 1, reopened: 1),
        ])

        // EAT days: M closed at 00:30 EAT Tuesday belongs to Tuesday, not Monday.
        let monday = try await reader.teamClosures(.init(dataset: "inc", from: mon, to: mon))
        #expect(monday.rows == [TeamClosureRow(team: "North", closed: 1, medianHoursToClose: 12, withinSLAShare: 1, reopened: 0)])
        let later = try await reader.teamClosures(.init(dataset: "inc", from: tue, to: wed))
        #expect(later.rows == [
            TeamClosureRow(team: "South", closed: 2, medianHoursToClose: 26.5, withinSLAShare: 0.5, reopened: 0),
            TeamClosureRow(team: "North", closed: 1, medianHoursToClose: 24, withinSLAShare: 1, reopened: 1),
        ])
        let crq = try await reader.teamClosures(.init(dataset: "crq", from: mon, to: wed))
        #expect(crq.rows == [] && crq.slaHours == 120, "INC closures are not CRQ's")
    }

    /// The JSON keys are exactly the typed values' CodingKeys (what the dashboard reads).
    @Test func theJSONKeysAreTheTypedValuesKeys() async throws {
        let h = try await HandBuiltHistory.build()
        let trends = try h.world.sql.json("SELECT reporting.fn_trends('INC', '2026-06-01', '2026-06-01', 'Day', 'region')")
        #expect(trends.object.keys.sorted() == ["points", "query", "sla_hours"])
        #expect(trends["query"]?.object.keys.sorted() == ["dataset", "from", "grain", "split", "to"])
        #expect(trends["query"]?["split"] == .string("region"))
        let point = try #require(trends["points"]?[0])
        #expect(point.object.keys.sorted() == ["backlog_age", "backlog_at_end", "closed", "closure_rate", "group", "mttr_median_hours",
                                               "mttr_p90_hours", "opened", "period", "within_sla_share"])
        #expect(point["backlog_age"]?.object.keys.sorted() == ["h24_to_48", "h48_to_7d", "over_7d", "under_24h"])
        #expect(point["group"] == .string("nairobi"))
        let teams = try h.world.sql.json("SELECT reporting.fn_team_closures('inc', '2026-06-01', '2026-06-03')")
        #expect(teams.object.keys.sorted() == ["query", "rows", "sla_hours"])
        #expect(teams["query"]?.object.keys.sorted() == ["by_owner", "dataset", "from", "to"])
        #expect(teams["rows"]?[0]?.object.keys.sorted() == ["closed", "median_hours_to_close", "owner", "reopened", "team",
                                                            "within_sla_share"])
        #expect(teams["rows"]?[0]?["owner"] == .null, "no owner unless split by owner")
    }

    /// Many tasks share one reader: every answer is the same.
    @Test func oneReaderServesManyTasksAtOnce() async throws {
        let h = try await HandBuiltHistory.build()
        let reader = PostgresAnalyticsReader(url: h.world.url, maxConnections: 3)
        defer { reader.close() }
        let query = TrendQuery(dataset: "inc", from: HandBuiltHistory.mon, to: HandBuiltHistory.wed, split: .cluster)
        let expected = try await reader.trends(query)
        #expect(!expected.points.isEmpty)
        let answers = try await withThrowingTaskGroup(of: TrendReport.self) { group in
            for _ in 0..<12 { group.addTask { try await reader.trends(query) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.count == 12 && answers.allSatisfy { $0 == expected })
    }

    @Test func aBadQueryThroughTheReaderIsTheFunctionsError() async throws {
        let world = try ReadSchemaWorld()
        let reader = PostgresAnalyticsReader(url: world.url)
        defer { reader.close() }
        let error = await #expect(throws: PostgresError.self) {
            try await reader.trends(.init(dataset: "incidents", from: "2026-06-01", to: "2026-06-03"))
        }
        #expect(error?.sqlState == "22023")
        #expect(error?.message == "fn_trends: unknown dataset 'incidents'; valid datasets: inc, crq")
    }
}
