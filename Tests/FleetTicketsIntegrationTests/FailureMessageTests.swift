import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

/// Failure messages are for people: one plain sentence first, the cause after it, no source
/// locations (those are in the debug description only) and no doubled periods.
@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct FailureMessageTests {
    @Test func aDatabaseFailureReadsAsASentenceWithoutSourceLocations() async throws {
        let url = try Integration.freshDatabase(migrated: false)  // no schema: every query fails
        let store = try PostgresTicketStore(url: url, logger: Integration.logger)
        defer { store.close() }
        let bucket = InMemoryChangeSource()
        bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv([Fixtures.row("WOT1")]))
        let report = await IngestEngine(source: bucket, store: store).run(.inc, options: IngestOptions(apply: true))
        let message = try #require(report.failure?.message)
        #expect(message.hasPrefix("Could not read the inc watermark from the database; nothing was applied."), "\(message)")
        #expect(message.contains("Cause: "))
        #expect(!message.contains(".swift:"), "no source location: \(message)")
        #expect(!message.contains(".."), "no doubled period: \(message)")

        let db = try PostgresConnection(url: url, logger: Integration.logger)
        defer { db.close() }
        do {
            try db.execute("SELECT * FROM tickets.nowhere", purpose: "read nowhere")
            Issue.record("the query should fail")
        } catch let error as PostgresError {
            #expect(!"\(error)".contains(".swift:"), "\(error)")
            #expect(String(reflecting: error).contains(".swift:"), "the debug description keeps the location for the log")
        }
    }
}
