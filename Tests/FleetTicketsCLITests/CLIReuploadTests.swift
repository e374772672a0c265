import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Testing

/// The operator's view of a re-upload: the report, `status` and `status --check` name it,
/// `--reapply` settles it, a `--reapply` typo is a usage error.
@Suite(.enabled(if: Services.databaseEnabled, "needs PostGIS: run scripts/test.sh"), .serialized)
struct CLIReuploadTests {
    @Test func aReuploadIsNamedFailsTheCheckAndReapplyClearsIt() async throws {
        let url = try await Services.freshDatabase()
        let root = try CLI.scratchFolder()
        let key = Dataset.inc.changesPrefix + ChangeKey.stamp(for: Date().addingTimeInterval(-10 * 60)) + ".csv"
        let file = root.appendingPathComponent(key)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let first = Fixtures.csv([Fixtures.row("WOT1")])
        try first.write(to: file, atomically: true, encoding: .utf8)
        let base = ["--dir", root.path, "--database-url", url]
        #expect(try await CLI.run(["ingest", "inc", "--apply"] + base).status == 0)

        let second = Fixtures.csv([Fixtures.row("WOT1", status: "closed", actionable: false), Fixtures.row("WOT2")])
        try second.write(to: file, atomically: true, encoding: .utf8)
        let run = try await CLI.run(["ingest", "inc", "--apply"] + base)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("RE-UPLOADED: 1 applied file back in changes/"), "\(run.stdout)")
        #expect(run.stdout.contains("\(key) (applied: \(first.utf8.count) bytes; now: \(second.utf8.count) bytes)"), "\(run.stdout)")
        let check = try await CLI.run(["status", "--check", "--max-age", "45m", "--datasets", "inc"] + base)
        #expect(check.status == 4, "\(check.stdout) \(check.stderr)")
        #expect(check.stdout.hasPrefix("inc: REUPLOADED: 1 applied file is back in changes/ with other bytes"), "\(check.stdout)")
        let json = try await CLI.run(["status", "--json", "--datasets", "inc"] + base)
        let statuses = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let named = try #require((statuses.first?["reuploaded"] as? [[String: Any]])?.first)
        #expect((named["applied"] as? [String: Any])?["bytes"] as? Int == first.utf8.count)
        #expect((named["now"] as? [String: Any])?["bytes"] as? Int == second.utf8.count)
        #expect(try SQL.scalar(url, "SELECT reuploaded->0->>'key' FROM tickets.ingest_runs ORDER BY id DESC LIMIT 1") == key)

        let typo = try await CLI.run(["ingest", "inc", "--reapply", "2020-01-01T00-00-00.csv", "--apply"] + base)
        #expect(typo.status == 2, "\(typo.stdout) \(typo.stderr)")
        #expect(typo.stderr.contains("nothing was reapplied"), "\(typo.stderr)")
        let name = String(key.split(separator: "/").last!)
        let reapplied = try await CLI.run(["ingest", "inc", "--reapply", name, "--apply"] + base)
        #expect(reapplied.status == 0, "\(reapplied.stderr)")
        #expect(reapplied.stdout.contains("(reapplied)"), "\(reapplied.stdout)")
        #expect(try SQL.scalar(url, "SELECT bytes || ' ' || applications FROM tickets.ingest_ledger WHERE key = $1", [key])
                == "\(second.utf8.count) 2")
        let healthy = try await CLI.run(["status", "--check", "--max-age", "45m", "--datasets", "inc"] + base)
        #expect(healthy.status == 0 && healthy.stdout.isEmpty, "\(healthy.stdout) \(healthy.stderr)")
    }
}
