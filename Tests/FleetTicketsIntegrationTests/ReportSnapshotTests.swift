import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsReport
import FleetTicketsTesting
import Foundation
import Testing

/// The report from a real PostGIS with a known dataset: `reporting.fn_report_snapshot` through
/// `PostgresReportSource`, and the page rendered from it.
@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct ReportSnapshotTests {
    /// A row of `dataset` at a feed position near (lat, lng) with this SLA clock and closing time.
    func row(_ id: String, created: String, closed: String = "", cluster: String = "Kasarani",
             position: (Double, Double)? = (-1.2219, 36.8986)) -> [String: String] {
        var extra = ["first_seen_at": "", "location_name": "LOC_" + id]
        if let (lat, lng) = position { extra["latitude"] = String(lat); extra["longitude"] = String(lng) }
        return Fixtures.row(id, status: closed.isEmpty ? "open" : "closed", actionable: closed.isEmpty, cluster: cluster,
                            createdAt: created, closedAt: closed, extra: extra)
    }

    /// INC: four open placed (breached, at risk, within, clock unknown), one open unplaced, three
    /// closed in the range (12 h, 48 h, 102 h) and one closed before it. CRQ: two open placed
    /// (breached, at risk against 120 h) and one closed in the range (74 h).
    func knownWorld() async throws -> ReadSchemaWorld {
        try await EATText.awayFromMidnight()
        let world = try ReadSchemaWorld()
        // Roysambu's gazetteer centroid: its label goes there, not to the mean of its tickets.
        try world.sql.execute("""
            INSERT INTO tickets.geo_clusters (cluster, geom, latitude, longitude, provider, query)
            VALUES ('Roysambu', ST_SetSRID(ST_MakePoint(36.8844, -1.2176), 4326), -1.2176, 36.8844, 'test', 'Roysambu')
            """, purpose: "add a cluster centroid")
        await world.ingest(.inc, [
            row("O1", created: EATText.hoursAgo(50)),
            row("O2", created: EATText.hoursAgo(40), position: (-1.2300, 36.9000)),
            row("O3", created: EATText.hoursAgo(2), cluster: "Roysambu", position: (-1.2100, 36.8800)),
            row("O4", created: ""),
            row("O5", created: EATText.hoursAgo(3), position: nil),
            row("C1", created: EATText.day(2) + " 08:00:00", closed: EATText.day(2) + " 20:00:00"),
            row("C2", created: EATText.day(3) + " 08:00:00", closed: EATText.day(1) + " 08:00:00"),
            row("C3", created: EATText.day(5) + " 08:00:00", closed: EATText.day(1) + " 14:00:00"),
            row("C4", created: EATText.day(41) + " 08:00:00", closed: EATText.day(40) + " 08:00:00"),
        ])
        await world.ingest(.crq, [
            row("Q1", created: EATText.hoursAgo(130)),
            row("Q2", created: EATText.hoursAgo(100), cluster: "Roysambu"),
            row("Q3", created: EATText.day(4) + " 08:00:00", closed: EATText.day(1) + " 10:00:00"),
        ])
        return world
    }

    @Test func headlineFiguresMarksAndLabelsHaveTheKnownAnswers() async throws {
        let world = try await knownWorld()
        let source = PostgresReportSource(url: world.url, analytics: PostgresAnalyticsReader(url: world.url))
        defer { source.close() }
        let input = try await source.reportInput(ReportRequest(datasets: .all, from: EATText.day(6), to: EATText.day(0)))

        #expect(input.range == ReportRange(from: EATText.day(6), to: EATText.day(0), grain: .day))
        #expect(input.headlines.map(\.dataset) == ["inc", "crq"])
        let inc = try #require(input.headlines.first)
        #expect([inc.openNow, inc.breachedNow, inc.atRiskNow, inc.unknownNow, inc.unplacedNow] as [Int] == [5, 1, 1, 1, 1])
        #expect([inc.openedInRange, inc.closedInRange] as [Int] == [7, 3], "opened: O1, O2, O3, O5, C1, C2, C3; closed: C1, C2, C3")
        #expect(inc.closureRate == 0.4286)
        #expect(inc.mttrMedianHours == 48 && inc.mttrP90Hours == 91.2, "hours to close 12, 48, 102")
        #expect(inc.withinSLAShare == 0.6667, "12 h and 48 h are within 48 h; 102 h is not")
        #expect(inc.slaHours == 48 && inc.lastExportedAt != nil && inc.lastAppliedAt != nil)
        let crq = try #require(input.headlines.last)
        #expect([crq.openNow, crq.breachedNow, crq.atRiskNow, crq.openedInRange, crq.closedInRange] as [Int] == [2, 1, 1, 3, 1])
        #expect(crq.slaHours == 120 && crq.mttrMedianHours == 74 && crq.withinSLAShare == 1)

        // The map: one mark per placed open ticket, each with its state now.
        let states = Dictionary(uniqueKeysWithValues: input.map.marks.map { ($0.ticketID, $0.slaState) })
        #expect(states == ["O1": .breached, "O2": .atRisk, "O3": .within, "O4": .unknown, "Q1": .breached, "Q2": .atRisk])
        let labels = Dictionary(uniqueKeysWithValues: input.map.clusters.map { ($0.name, $0) })
        #expect(labels["Kasarani"]?.openCount == 4 && labels["Roysambu"]?.openCount == 2)
        #expect(labels["Roysambu"]?.latitude == -1.2176 && labels["Roysambu"]?.longitude == 36.8844, "the gazetteer centroid")
        #expect(abs((labels["Kasarani"]?.latitude ?? 0) - (-1.2219 * 3 - 1.23) / 4) < 1e-9, "the mean of its marks without a centroid")

        // The analytics came along, one per dataset, over the same range.
        #expect(input.trends.map(\.query.dataset) == ["inc", "crq"] && input.teams.map(\.query.dataset) == ["inc", "crq"])
        #expect(input.trends.allSatisfy { $0.query.from == EATText.day(6) && $0.query.to == EATText.day(0) })
        let incTrend = try #require(input.trends.first)
        #expect(incTrend.points.count == 7, "one point per EAT day")
        #expect(incTrend.points.reduce(0) { $0 + $1.opened } == inc.openedInRange, "the headline and the chart agree")
        #expect(incTrend.points.reduce(0) { $0 + $1.closed } == inc.closedInRange)
        #expect(input.teams.first?.rows.reduce(0) { $0 + $1.closed } == 3, "the INC hook observed the three closures in the range")

        // The page drawn from it has exactly those marks.
        let html = ReportPage.html(for: input)
        #expect(html.components(separatedBy: "class=\"map-mark ").count - 1 == 6)
        #expect(html.components(separatedBy: "class=\"map-mark sla-breached\"").count - 1 == 2)
    }

    @Test func oneDatasetOnlyAndTheDefaultRange() async throws {
        let world = try await knownWorld()
        let source = PostgresReportSource(url: world.url)  // one pool for the snapshot and the analytics
        defer { source.close() }
        // A file exported now, so the newest data is today's and the default range stands.
        let slot = EATMoment(ExportSchedule.upstream.latestSlot(atOrBefore: Date()))
        let key = Fixtures.key(.crq, day: slot.day, hour: slot.hour, minute: slot.minute, month: slot.month, year: slot.year)
        world.bucket.put(key, text: Fixtures.csv([row("Q4", created: EATText.hoursAgo(1))]))
        let report = await IngestEngine(source: world.bucket, store: world.store, logger: Integration.logger).run(.crq, options: .init(apply: true))
        #expect(report.failure == nil && report.files.map(\.key) == [key])
        let input = try await source.reportInput(ReportRequest(datasets: .crq))
        #expect(input.headlines.map(\.dataset) == ["crq"])
        #expect(Set(input.map.marks.map(\.ticketID)) == ["Q1", "Q2", "Q4"])
        #expect(input.range.from == EATText.day(29) && input.range.to == EATText.day(0), "30 EAT days up to today")
        #expect(input.notice == nil)
    }

    /// The fixture's files are exported 2026-06-15: a default range moves to that day, a given
    /// range stays and says where the data is.
    @Test func theDefaultRangeFindsDataThatStoppedArriving() async throws {
        let world = try await knownWorld()
        let source = PostgresReportSource(url: world.url)
        defer { source.close() }
        let today = EATDay.today()
        try #require(today.adding(days: -29) > EATDay("2026-06-15")!, "the fixture's export day is older than the default range")
        let moved = try await source.reportInput(ReportRequest(datasets: .all))
        #expect(moved.range.from == "2026-05-17" && moved.range.to == "2026-06-15")
        #expect(moved.notice == .movedToNewestData(days: 30, newest: "2026-06-15"))
        #expect(ReportPage.html(for: moved).contains("showing the 30 days to 2026-06-15, the newest data"))
        #expect(Set(moved.map.marks.map(\.ticketID)) == ["O1", "O2", "O3", "O4", "Q1", "Q2"], "open now, whatever the range")

        let given = try await source.reportInput(ReportRequest(datasets: .inc, from: EATText.day(6), to: EATText.day(0)))
        #expect(given.range.from == EATText.day(6) && given.range.to == EATText.day(0), "a given range is honoured")
        #expect(given.notice == .noDataInRange(newest: "2026-06-15"))
    }

    @Test func badArgumentsRaiseClearErrors() throws {
        let world = try ReadSchemaWorld()
        #expect(throws: PostgresError.self) { try world.sql.execute("SELECT reporting.fn_report_snapshot('xyz')", purpose: "call with a bad dataset") }
        do {
            try world.sql.execute("SELECT reporting.fn_report_snapshot('inc', '2026-11-05', '2026-11-01')", purpose: "call with a reversed range")
            Issue.record("a reversed range must fail")
        } catch {
            #expect("\(error)".contains("fn_report_snapshot: p_from (2026-11-05) is after p_to (2026-11-01)"))
        }
    }
}

