import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

/// The quality figures on PostgreSQL: the known dataset of `QualityScenario` through the real
/// ingest gives the same answers as in memory, and the query reads the day and the open set
/// through indexes (migration 35), not the history.
@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct QualityPostgresTests {
    @Test func theKnownDatasetGivesTheKnownFiguresAndThresholdsJudgeThem() async throws {
        let store = try PostgresTicketStore(url: try Integration.freshDatabase(), logger: Integration.logger)
        defer { store.close() }
        let wrong = try await QualityScenario(store: store).run()
        #expect(wrong == [])
    }

    @Test func bothStoresAgreeOnCRQ() async throws {
        let store = try PostgresTicketStore(url: try Integration.freshDatabase(), logger: Integration.logger)
        defer { store.close() }
        let memory = InMemoryTicketStore()
        try await QualityScenario(store: store, dataset: .crq).load()
        try await QualityScenario(store: memory, dataset: .crq).load()
        let database = try await QualityScenario(store: store, dataset: .crq).read().datasets.first?.quality
        let inMemory = try await QualityScenario(store: memory, dataset: .crq).read().datasets.first?.quality
        #expect(database == inMemory && database == QualityScenario.expected)
    }

    /// The day's files come from the ledger by export time and their rows by change_key; the
    /// open set by is_actionable. With sequential scans priced out, the plan names the indexes,
    /// so the query never has to read the whole table.
    @Test func theQueryReadsTheDayAndTheOpenSetThroughIndexes() async throws {
        let url = try Integration.freshDatabase()
        let store = try PostgresTicketStore(url: url, logger: Integration.logger)
        defer { store.close() }
        try await QualityScenario(store: store).load()
        let db = try PostgresConnection(url: url, logger: Integration.logger)
        defer { db.close() }
        try db.execute("SET enable_seqscan = off", purpose: "price out sequential scans")
        let plan = try db.execute("EXPLAIN " + DatasetQualityQuery.sql(for: .inc), ["inc"], purpose: "explain the quality query")
        let text = (0..<plan.rowCount).compactMap { plan[$0, 0] }.joined(separator: "\n")
        for index in ["ingest_ledger_dataset_exported_at_idx", "inc_change_key_idx"] {
            #expect(text.contains(index), "the plan uses \(index):\n\(text)")
        }
        #expect(!text.contains("Seq Scan on inc"), "no sequential scan of the table:\n\(text)")
    }
}
