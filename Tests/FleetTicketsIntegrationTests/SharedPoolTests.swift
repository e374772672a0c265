import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Glibc
import MetricsTestKit
import Testing

/// One `PostgresConnectionPool` for the store and both readers: its budget holds on the server,
/// its counts (and gauges) are right while many tasks use it, and its async construction never
/// blocks a cooperative thread, even against a server that never answers.
@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct SharedPoolTests {
    /// A name of its own, so `pg_stat_activity` shows exactly this pool's connections.
    static func applicationName() -> String { "ft pool test \(UUID().uuidString.prefix(8))" }

    @Test func theStoreAndBothReadersOnOnePoolNeverHoldMoreThanItsBudget() async throws {
        let url = try Integration.freshDatabase()
        let name = Self.applicationName()
        let pool = try await PostgresConnectionPool.connect(url: url, maxConnections: 3, applicationName: name, logger: Integration.logger)
        defer { pool.close() }
        let store = PostgresTicketStore(pool: pool, logger: Integration.logger)
        let analytics = PostgresAnalyticsReader(pool: pool)
        let dispatch = PostgresDispatchReader(pool: pool)
        let bucket = InMemoryChangeSource()
        StreamSimulator(.init(tickets: 200, days: 2, seed: 5)).load(into: bucket)

        // Another pool watches the server's view of this one while the work runs.
        let watcher = PostgresConnectionPool(url: url, maxConnections: 1, logger: Integration.logger)
        defer { watcher.close() }
        let working = StopSignal()
        let watching = Task {
            var most = (server: 0, open: 0, inUse: 0, waiting: 0)
            while !working.isRequested {
                let seen = try await watcher.withConnection { db in
                    Int(try db.scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", [name],
                                      purpose: "count the pool's sessions") ?? "") ?? -1
                }
                let now = pool.statistics
                most = (max(most.server, seen), max(most.open, now.open), max(most.inUse, now.inUse), max(most.waiting, now.waiting))
            }
            return most
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for dataset in Dataset.all {
                    let report = await IngestEngine(source: bucket, store: store).run(dataset, options: .init(apply: true))
                    #expect(report.failure == nil && !report.files.isEmpty, "\(report.failure?.message ?? "no files")")
                }
            }
            for i in 0..<24 {
                group.addTask {
                    switch i % 3 {
                    case 0: _ = try await analytics.trends(TrendQuery(dataset: "inc", from: "2026-06-01", to: "2026-06-30"))
                    case 1: _ = try await dispatch.nearestOpenTickets(try NearbyQuery(near: Coordinate(latitude: -1.2864, longitude: 36.8172), limit: 5))
                    default: _ = try await store.watermark(of: .crq)
                    }
                }
            }
            try await group.waitForAll()
        }
        working.request()
        let most = try await watching.value
        #expect(most.server <= 3 && most.open <= 3 && most.inUse <= 3, "never more than the budget: \(most)")
        #expect(most.inUse == 3 && most.waiting > 0, "the work was concurrent enough to fill the pool: \(most)")
        let after = pool.statistics
        #expect(after.inUse == 0 && after.waiting == 0 && after.open <= 3, "\(after)")
        let sessions = try await watcher.withConnection { db in
            try db.scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", [name], purpose: "count the pool's sessions")
        }
        #expect(Int(sessions ?? "") == after.open, "the server sees the connections the pool says are open")
        // The readers and the store leave a shared pool open; its owner closes it.
        store.close()
        analytics.close()
        dispatch.close()
        #expect(!pool.statistics.isClosed)
        #expect(try await store.watermark(of: .inc) != nil)
    }

    @Test func theCountsAndGaugesFollowConcurrentUse() async throws {
        let url = try Integration.freshDatabase(migrated: false)
        let metrics = TestMetrics()
        let pool = PostgresConnectionPool(url: url, maxConnections: 2, name: "counted", metrics: metrics, logger: Integration.logger)
        defer { pool.close() }
        let gauge = { (label: String) in try metrics.expectGauge(label, [("pool", "counted")]).lastValue }
        #expect(pool.statistics == PostgresPoolStatistics(maxConnections: 2, open: 0, inUse: 0, waiting: 0, isClosed: false))

        // Two callers hold a connection each until released; three more wait for one.
        let release = StopSignal()
        let holders = (0..<2).map { _ in Task { try await pool.withSession { _ in await release.wait() } } }
        #expect(await waitUntil { pool.statistics.inUse == 2 })
        let waiters = (0..<3).map { i in Task { try await pool.withConnection { db in try db.scalar("SELECT $1::int", [String(i)], purpose: "echo") } } }
        #expect(await waitUntil { pool.statistics.waiting == 3 })
        #expect(pool.statistics == PostgresPoolStatistics(maxConnections: 2, open: 2, inUse: 2, waiting: 3, isClosed: false))
        #expect(try gauge("fleettickets_pool_connections_open") == 2)
        #expect(try gauge("fleettickets_pool_connections_in_use") == 2)
        #expect(try gauge("fleettickets_pool_connections_waiting") == 3)

        release.request()
        for holder in holders { try await holder.value }
        #expect(try await waiters.asyncMap { try await $0.value } == ["0", "1", "2"])
        #expect(pool.statistics == PostgresPoolStatistics(maxConnections: 2, open: 2, inUse: 0, waiting: 0, isClosed: false))
        #expect(pool.statistics.idle == 2)
        #expect(try gauge("fleettickets_pool_connections_in_use") == 0)
        #expect(try gauge("fleettickets_pool_connections_waiting") == 0)

        pool.close()
        #expect(pool.statistics == PostgresPoolStatistics(maxConnections: 2, open: 0, inUse: 0, waiting: 0, isClosed: true))
        #expect(try gauge("fleettickets_pool_connections_open") == 0)
        await #expect(throws: PostgresError.self) { try await pool.withConnection { _ in } }
    }
}

/// Async construction against a server that accepts the connection and never answers: every
/// attempt fails after its `connect_timeout`, and meanwhile other async work goes on. The
/// attempts and a ticker share one executor of a single thread, outside libdispatch (so that
/// other tests blocking the process's shared threads cannot disturb the count): had a connect
/// waited on that thread, the ticker would have stood still for the whole two seconds. Needs
/// no database.
@Test func connectingToAServerThatNeverAnswersFailsWithoutBlockingOtherTasks() async throws {
    let silent = try LoopbackListener()
    silent.start(concurrent: true) { connection in
        Thread.sleep(forTimeInterval: 6)  // holds the connection, says nothing
        close(connection)
    }
    defer { silent.stop() }
    let url = "postgres://ft@127.0.0.1:\(silent.port)/ft?connect_timeout=2"
    let executor = OneThreadExecutor()
    defer { executor.stop() }
    let (failures, ticks) = await withTaskExecutorPreference(executor) {
        let done = StopSignal()
        // A millisecond of work, then a turn for the others (no timers: those run on libdispatch).
        async let ticks: Int = {
            var ticks = 0
            while !done.isRequested {
                usleep(1000)
                ticks += 1
                await Task.yield()
            }
            return ticks
        }()
        let failures = await withTaskGroup(of: PostgresError.Code?.self) { group in
            for i in 0..<8 {
                group.addTask {
                    do {
                        if i == 0 {
                            _ = try await PostgresTicketStore.connect(url: url, logger: Integration.logger)
                        } else {
                            _ = try await PostgresConnectionPool.connect(url: url, logger: Integration.logger)
                        }
                        return nil
                    } catch let error as PostgresError {
                        return error.code
                    } catch {
                        return nil
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        done.request()
        return (failures, await ticks)
    }
    #expect(failures == Array(repeating: .connect, count: 8), "each attempt fails as a connection failure")
    // Up to 2,000 ticks in two seconds, fewer on a loaded machine; none had a connect blocked the thread.
    #expect(ticks >= 100, "the ticker ran \(ticks) times while the connects waited")
}

/// A task executor with one thread of its own: whatever blocks it, blocks everything on it.
final class OneThreadExecutor: TaskExecutor, @unchecked Sendable {  // `jobs` and `stopped` are guarded by `condition`
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopped = false

    init() {
        Thread { [self] in
            condition.lock()
            while true {
                while jobs.isEmpty && !stopped { condition.wait() }
                if jobs.isEmpty { break }
                let job = jobs.removeFirst()
                condition.unlock()
                job.runSynchronously(on: asUnownedTaskExecutor())
                condition.lock()
            }
            condition.unlock()
        }.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        condition.lock()
        jobs.append(UnownedJob(job))
        condition.signal()
        condition.unlock()
    }

    /// Ends the thread once its jobs are done.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }
}

extension Array {
    /// `transform` on each element in order, awaiting each.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
