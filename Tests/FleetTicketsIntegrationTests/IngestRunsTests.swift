import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

/// `tickets.ingest_runs` (migration 18) and the lock holder, on PostgreSQL.
@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct IngestRunsTests {
    func at(_ hour: Int, _ minute: Int = 0) -> Date { EAT.date(year: 2026, month: 6, day: 15, hour: hour, minute: minute) }

    @Test func runsRoundTripNewestFirstWithTheLastFailure() async throws {
        let store = try PostgresTicketStore(url: try Integration.freshDatabase(), logger: Integration.logger)
        defer { store.close() }
        let failed = IngestRun(dataset: "inc", startedAt: at(9, 20), finishedAt: at(9, 21), mode: .worker, applied: true, outcome: .dataError,
                               filesApplied: 1, rowsRead: 12, counts: ApplyCounts(inserted: 3, updated: 2, unchanged: 7, stale: 1),
                               newestExport: at(9), error: "The inc file x cannot be decoded at line 3: an unterminated quote.",
                               errorKey: Fixtures.key(.inc, hour: 9, minute: 20), errorLine: 3, host: "box", pid: 42)
        try await store.record(IngestRun(dataset: "inc", startedAt: at(9), finishedAt: at(9, 1), mode: .cli, applied: true, outcome: .ok, host: "box", pid: 41))
        try await store.record(failed)
        try await store.record(IngestRun(dataset: "inc", startedAt: at(9, 40), finishedAt: at(9, 40), mode: .worker, applied: true, outcome: .busy, host: "box", pid: 43))
        try await store.record(IngestRun(dataset: "crq", startedAt: at(10), finishedAt: at(10), mode: .worker, applied: true, outcome: .ok, host: "box", pid: 44))
        let recent = try await store.recentRuns(of: .inc, limit: 10)
        #expect(recent.map(\.outcome) == [.busy, .dataError, .ok])
        #expect(recent[1] == failed, "every field survives the round trip")
        #expect(try await store.lastFailedRun(of: .inc) == failed)
        #expect(try await store.lastFailedRun(of: .crq) == nil)
        var status = try await store.status(of: .inc)
        try await status.readRuns(from: store, dataset: .inc)
        #expect(status.stoppedBy == failed)
    }

    @Test func theLockHolderIsNamedWithItsApplicationAndClient() async throws {
        let url = try Integration.freshDatabase()
        let holder = try PostgresTicketStore(url: url, applicationName: "fleettickets run test:1", logger: Integration.logger)
        let observer = try PostgresTicketStore(url: url, logger: Integration.logger)
        defer { holder.close(); observer.close() }
        #expect(try await observer.lockHolder(of: .inc) == nil)
        let seen = try await holder.withExclusiveAccess(to: .inc) {
            (try await observer.lockHolder(of: .inc), try await observer.lockHolder(of: .crq))
        }
        let (inc, crq) = try #require(seen)
        #expect(inc?.applicationName == "fleettickets run test:1")
        #expect(inc?.client?.hasPrefix("127.0.0.1:") == true)
        #expect(inc?.since.map { abs($0.timeIntervalSinceNow) < 300 } == true)
        #expect(crq == nil, "the other dataset's lock is free")
        #expect(try await observer.lockHolder(of: .inc) == nil, "released after the run")
    }
}
