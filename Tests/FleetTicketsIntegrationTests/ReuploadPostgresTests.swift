import FleetTicketsCore
import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

/// Re-uploads on PostgreSQL, from a folder: the ledger's etag and bytes columns are the
/// fingerprints, `tickets.ingest_runs.reuploaded` (migration 32) names them.
@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct ReuploadPostgresTests {
    @Test func fromAFolderTheReuploadIsNamedKeptAndReappliedOnRequest() async throws {
        let store = try PostgresTicketStore(url: try Integration.freshDatabase(), logger: Integration.logger)
        defer { store.close() }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ft-reupload-pg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let scenario = ReuploadScenario(source: LocalFolderChangeSource(root: root), store: store) { key, bytes in
            let url = root.appendingPathComponent(key)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        let wrong = try await scenario.run()
        #expect(wrong == [])
    }
}
