import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// The worker in a `ServiceGroup` against PostgreSQL, on one pool shared with its store: a
/// graceful shutdown in the middle of a large file commits and archives that file and leaves
/// the next; a cancellation rolls the file back in the database. Either way the dataset lock
/// is released and every connection back in the pool.
@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct WorkerServicePostgresTests {
    static let rows = 20_000
    static let chunkSize = 16 * 1024
    let bucket = InMemoryChangeSource(chunkSize: chunkSize)
    let large = Fixtures.key(.inc, hour: 9)
    let next = Fixtures.key(.inc, hour: 10)
    let largeChunks: Int

    init() {
        let text = Fixtures.csv((1...Self.rows).map { Fixtures.row("WOT\($0)") })
        bucket.put(large, text: text)
        bucket.put(next, text: Fixtures.csv([Fixtures.row("WOTNEXT")]))
        largeChunks = (text.utf8.count + Self.chunkSize - 1) / Self.chunkSize
    }

    func group(_ source: any ChangeSource, pool: PostgresConnectionPool) -> ServiceGroup {
        let worker = IngestWorker(source: source, connect: {
            let store = PostgresTicketStore(pool: pool, logger: Integration.logger)
            return WorkerServices(store: store, runs: store, gazetteer: store, close: { store.close() })
        }, settings: WorkerSettings(datasets: [.inc]), sleepClock: VirtualClock(), logger: Integration.logger)
        return ServiceGroup(services: [worker], gracefulShutdownSignals: [], cancellationSignals: [], logger: Integration.logger)
    }

    func count(_ url: String, _ sql: String, _ params: [String?] = []) throws -> Int {
        let db = try PostgresConnection(url: url, logger: Integration.logger)
        defer { db.close() }
        return Int(try db.scalar(sql, params, purpose: "count") ?? "") ?? -1
    }

    /// Advisory locks held in this database (other tests' databases run beside it).
    func advisoryLocks(_ url: String) throws -> Int {
        try count(url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
    }

    var changes: [String] { bucket.keys.filter { $0.hasPrefix(Dataset.inc.changesPrefix) } }

    @Test func aGracefulShutdownInTheMiddleOfALargeFileCommitsAndArchivesItAndLeavesTheNext() async throws {
        let url = try Integration.freshDatabase()
        let pool = try await PostgresConnectionPool.connect(url: url, logger: Integration.logger)
        defer { pool.close() }
        let holder = Mutex<ServiceGroup?>(nil)
        let source = InterruptingChangeSource(wrapping: bucket, key: large, atChunk: largeChunks / 2) {
            await holder.withLock { $0 }?.triggerGracefulShutdown()
            await waitUntil { Task.isShuttingDownGracefully }
        }
        let group = group(source, pool: pool)
        holder.withLock { $0 = group }
        try await group.run()

        #expect(try count(url, "SELECT count(*) FROM tickets.inc") == Self.rows, "all of the file in flight, not part of it")
        #expect(try count(url, "SELECT count(*) FROM tickets.inc WHERE ticket_id = 'WOTNEXT'") == 0, "the next file untouched")
        #expect(try count(url, "SELECT count(*) FROM tickets.ingest_ledger WHERE key = $1", [large]) == 1)
        #expect(try count(url, "SELECT count(*) FROM tickets.ingest_ledger") == 1)
        #expect(changes == [next], "the file in flight archived, the next left in changes/")
        #expect(try count(url, "SELECT count(*) FROM tickets.ingest_runs WHERE outcome = 'ok' AND files_applied = 1") == 1)
        #expect(try advisoryLocks(url) == 0, "the lock is released")
        #expect(pool.statistics.inUse == 0, "every connection back in the pool: \(pool.statistics)")
    }

    @Test func aCancellationInTheMiddleOfALargeFileRollsItBackInTheDatabase() async throws {
        let url = try Integration.freshDatabase()
        let pool = try await PostgresConnectionPool.connect(url: url, logger: Integration.logger)
        defer { pool.close() }
        let holder = Mutex<Task<Void, any Error>?>(nil)
        let source = InterruptingChangeSource(wrapping: bucket, key: large, atChunk: largeChunks / 2) {
            await waitUntil { holder.withLock { $0 } != nil }
            holder.withLock { $0 }?.cancel()
        }
        let group = group(source, pool: pool)
        let running = Task { try await group.run() }
        holder.withLock { $0 = running }
        _ = await running.result

        #expect(source.chunksServed < largeChunks, "the rest of the file was never read: \(source.chunksServed) of \(largeChunks)")
        #expect(try count(url, "SELECT count(*) FROM tickets.inc") == 0, "nothing of the file in flight")
        #expect(try count(url, "SELECT count(*) FROM tickets.ingest_ledger") == 0)
        #expect(try count(url, "SELECT count(*) FROM tickets.import_meta WHERE metadata ? 'source_max_key'") == 0, "no watermark")
        #expect(changes == [large, next], "nothing archived")
        #expect(try count(url, "SELECT count(*) FROM tickets.ingest_runs WHERE outcome = 'dependency_error' AND error LIKE '%cancelled while applying%'") == 1)
        #expect(try advisoryLocks(url) == 0, "the lock is released")
        #expect(try count(url, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'") == 0,
                "no transaction left open")
        #expect(pool.statistics.inUse == 0, "every connection back in the pool: \(pool.statistics)")
    }
}
