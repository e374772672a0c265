import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

/// An owed post-apply hook is remembered in PostgreSQL (import_meta.metadata.pending_hooks),
/// seen by the next run in another connection, and retried by a run with nothing new.
@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct PendingHooksPostgresTests {
    @Test func anOwedHookSurvivesTheProcessAndIsRetriedByARunWithNothingNew() async throws {
        let url = try Integration.freshDatabase()
        let bucket = InMemoryChangeSource()
        bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv([Fixtures.row("WOT1")]))
        do {
            let store = try PostgresTicketStore(url: url, logger: Integration.logger)
            defer { store.close() }
            let failing = FailingTicketStore(wrapping: store, failOn: [], failingHooks: 1)
            let first = await IngestEngine(source: bucket, store: failing).run(.inc, options: IngestOptions(apply: true))
            #expect(first.failure?.message.contains("capture_history") == true)
            #expect(first.files.count == 1)
        }
        // Another connection (the next scheduled run) sees what is owed, and the watermark.
        let store = try PostgresTicketStore(url: url, logger: Integration.logger)
        defer { store.close() }
        #expect(try await store.pendingHooks(of: .inc) == [.captureHistory])
        #expect(try await store.watermark(of: .inc) == Fixtures.key(.inc, hour: 9), "merged beside the watermark")

        let dry = await IngestEngine(source: bucket, store: store).run(.inc, options: IngestOptions())
        #expect(dry.hooks == ["capture_history"])
        #expect(try await store.pendingHooks(of: .inc) == [.captureHistory], "a dry run clears nothing")

        let second = await IngestEngine(source: bucket, store: store).run(.inc, options: IngestOptions(apply: true))
        #expect(second.failure == nil && second.files.isEmpty)
        #expect(second.hooks == ["capture_history"] && second.pendingHooksRetried == ["capture_history"])
        #expect(try await store.pendingHooks(of: .inc).isEmpty)
        let db = try PostgresConnection(url: url, logger: Integration.logger)
        defer { db.close() }
        #expect(try db.scalar("SELECT count(*) FROM tickets.inc_daily_snapshot", purpose: "read") != "0", "the retried hook really ran")
    }
}
