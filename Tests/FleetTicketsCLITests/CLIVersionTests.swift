import Foundation
import Testing

/// `fleettickets --version`: the release, the commit built from, the migrations carried.
@Suite struct CLIVersionTests {
    /// The package root (this file is Tests/FleetTicketsCLITests/CLIVersionTests.swift).
    private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func versionNamesTheReleaseTheCommitAndTheMigrations() async throws {
        let r = try await CLI.run(["--version"])
        #expect(r.status == 0)
        #expect(r.stderr.isEmpty)
        let version = try String(contentsOf: root.appending(path: "VERSION"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let migrations = try FileManager.default.contentsOfDirectory(atPath: root.appending(path: "migrations").path)
            .filter { $0.hasSuffix(".sql") }.count
        let line = r.stdout.trimmingCharacters(in: .newlines)
        #expect(line.hasPrefix("fleettickets \(version) (commit "), "\(line)")
        #expect(line.hasSuffix(", \(migrations) migrations)"), "\(line)")
        let commit = try #require(line.split(separator: "(commit ").last?.split(separator: ",").first.map(String.init))
        #expect(commit == "unknown" || commit.allSatisfy(\.isHexDigit) && commit.count == 12, "\(commit)")
    }
}
