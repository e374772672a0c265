import Foundation
import Testing

/// `trends`, `dispatch` and `report` are thin: what they print is what the database's reporting
/// functions answer, for a simulated stream drained and geocoded through the CLI itself.
@Suite(.enabled(if: Services.databaseEnabled, "needs PostGIS: run scripts/test.sh"), .serialized)
struct CLIReadSideTests {
    /// The repository's offline gazetteer (the tests run from a scratch folder).
    static let gazetteer = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("data/gazetteer-kenya.csv").path

    /// A fresh database holding a small simulated stream of both datasets, geocoded.
    func drained() async throws -> String {
        let url = try await Services.freshDatabase()
        let dir = try CLI.scratchFolder()
        let sim = try await CLI.run(["simulate", "--out", dir.path, "--tickets", "120", "--days", "2", "--seed", "7"])
        #expect(sim.status == 0, "\(sim.stderr)")
        for dataset in ["inc", "crq"] {
            let r = try await CLI.run(["ingest", dataset, "--dir", dir.path, "--apply", "--database-url", url])
            #expect(r.status == 0, "\(r.stderr)")
        }
        for what in ["clusters", "locations"] {
            let r = try await CLI.run(["geocode", what, "--apply", "--provider", "gazetteer", "--gazetteer", Self.gazetteer,
                                       "--database-url", url])
            #expect(r.status == 0, "\(r.stderr)")
        }
        return url
    }

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "JSON object: \(text.prefix(200))")
    }

    @Test func trendsDispatchAndReportAnswerWhatTheDatabaseAnswers() async throws {
        let url = try await drained()
        let (from, to) = try (#require(try SQL.scalar(url, "SELECT min(d)::date FROM (SELECT (first_seen_at AT TIME ZONE 'Africa/Nairobi') d FROM tickets.inc) t")),
                              #require(try SQL.scalar(url, "SELECT max(d)::date FROM (SELECT (first_seen_at AT TIME ZONE 'Africa/Nairobi') d FROM tickets.inc) t")))

        let trends = try await CLI.run(["trends", "--dataset", "inc", "--from", from, "--to", to, "--json", "--database-url", url])
        #expect(trends.status == 0, "\(trends.stderr)")
        let points = try #require(try object(trends.stdout)["points"] as? [[String: Any]])
        let sql = try object(try #require(try SQL.scalar(url, "SELECT reporting.fn_trends('inc', '\(from)', '\(to)')::text")))
        let sqlPoints = try #require(sql["points"] as? [[String: Any]])
        #expect(points.count == sqlPoints.count && !points.isEmpty)
        let sum = { (p: [[String: Any]], key: String) in p.reduce(0) { $0 + (($1[key] as? Int) ?? 0) } }
        #expect(sum(points, "opened") == sum(sqlPoints, "opened") && sum(points, "opened") > 0)
        #expect(sum(points, "closed") == sum(sqlPoints, "closed"))

        let dispatch = try await CLI.run(["dispatch", "--near", "-1.2921,36.8219", "--limit", "5", "--json", "--database-url", url])
        #expect(dispatch.status == 0, "\(dispatch.stderr)")
        let tickets = try #require(try object(dispatch.stdout)["tickets"] as? [[String: Any]])
        #expect(tickets.count == 5, "the simulated stream has more than 5 placed open tickets")
        let distances = tickets.compactMap { $0["distance_m"] as? Double }
        #expect(distances.count == 5 && distances == distances.sorted(), "nearest first: \(distances)")
        let nearest = try #require(try SQL.scalar(url, """
            SELECT round(min(ST_Distance(geog, ST_SetSRID(ST_MakePoint(36.8219, -1.2921), 4326)::geography))::numeric, 1)
            FROM tickets.open_sla WHERE geog IS NOT NULL
            """).flatMap(Double.init))
        #expect(abs(distances[0] - nearest) < 1, "the first answer is the nearest open ticket (\(distances[0]) m vs \(nearest) m)")

        let page = try CLI.scratchFolder().appendingPathComponent("report.html")
        let report = try await CLI.run(["report", "--out", page.path, "--from", from, "--to", to, "--database-url", url])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.split(separator: "\n").last.map(String.init) == page.path, "the path is the last line")
        let html = try String(contentsOf: page, encoding: .utf8)
        let open = try #require(try SQL.scalar(url, "SELECT count(*) FROM tickets.open_sla WHERE geog IS NOT NULL").flatMap(Int.init))
        #expect(open > 0 && html.components(separatedBy: "class=\"map-mark").count - 1 == open, "one mark per placed open ticket (\(open))")
        #expect(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"), "self-contained")
    }
}
