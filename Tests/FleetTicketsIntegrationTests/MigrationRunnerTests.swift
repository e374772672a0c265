import FleetTicketsCore
@testable import FleetTicketsPostgres
import Foundation
import Testing

@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct MigrationRunnerTests {
    @Test func migratingTwiceIsANoOp() throws {
        let url = try Integration.freshDatabase(migrated: false)
        let first = try MigrationRunner(url: url, logger: Integration.logger).run()
        #expect(first.map(\.action) == Array(repeating: .applied, count: Migration.embedded.count))
        let second = try MigrationRunner(url: url, logger: Integration.logger).run()
        #expect(second.allSatisfy { $0.action == .alreadyApplied })
        let dry = try MigrationRunner(url: url, logger: Integration.logger).run(dryRun: true)
        #expect(dry.allSatisfy { $0.action == .alreadyApplied })
    }

    @Test func aDryRunListsWhatWouldRunAndChangesNothing() throws {
        let url = try Integration.freshDatabase(migrated: false)
        let dry = try MigrationRunner(url: url, logger: Integration.logger).run(dryRun: true)
        #expect(dry.allSatisfy { $0.action == .pending } && dry.count == Migration.embedded.count)
        let db = try PostgresConnection(url: url, logger: Integration.logger)
        #expect(try db.scalar("SELECT to_regclass('tickets.schema_migrations') IS NULL", purpose: "check") == "t")
    }

    @Test func aChangedAppliedMigrationIsRefusedByName() throws {
        let url = try Integration.freshDatabase()
        var edited = Migration.embedded
        edited[2].sql += "\n-- an edit after the fact\n"
        let error = #expect(throws: PostgresError.self) { try MigrationRunner(url: url, migrations: edited, logger: Integration.logger).run() }
        #expect(error?.code == .migrationRefused)
        #expect(error?.migration == edited[2].name)
        #expect(error?.description.contains(edited[2].name) == true)
    }

    @Test func aPythonLedgerWithoutChecksumsIsAdopted() throws {
        let url = try Integration.freshDatabase()
        let db = try PostgresConnection(url: url, logger: Integration.logger)
        try db.execute("ALTER TABLE tickets.schema_migrations DROP COLUMN sha256", purpose: "mimic the Python ledger")
        let outcomes = try MigrationRunner(url: url, logger: Integration.logger).run()
        #expect(outcomes.allSatisfy { $0.action == .adopted })
        #expect(try MigrationRunner(url: url, logger: Integration.logger).run().allSatisfy { $0.action == .alreadyApplied })
    }

    @Test func concurrentRunnersApplyEachMigrationOnce() async throws {
        let url = try Integration.freshDatabase(migrated: false)
        async let a = Task.detached { try MigrationRunner(url: url, logger: Integration.logger).run() }.value
        async let b = Task.detached { try MigrationRunner(url: url, logger: Integration.logger).run() }.value
        let (ra, rb) = try await (a, b)
        let applied = (ra + rb).filter { $0.action == .applied }.map(\.name)
        #expect(applied.sorted() == Migration.embedded.map(\.name).sorted())
    }

    @Test func theEmbeddedMigrationsMatchTheFiles() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../migrations").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files == Migration.embedded.map(\.name))
        for m in Migration.embedded {
            let text = try String(contentsOf: folder.appendingPathComponent(m.name), encoding: .utf8)
            #expect(text == m.sql, "\(m.name) is built into the binary exactly as written")
        }
    }
}
