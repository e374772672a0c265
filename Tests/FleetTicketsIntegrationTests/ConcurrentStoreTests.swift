import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

/// Safe to embed: one `PostgresTicketStore` shared by many tasks, and the pool under it.
@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct ConcurrentStoreTests {
    /// 32 tasks on one store at once: drains and dry runs of both datasets, files applied
    /// directly under the dataset lock, and reads of every kind. Nothing crashes or fails, and
    /// the tables end exactly where an in-memory drain of the same stream ends.
    @Test func oneStoreHammeredFromManyTasksEndsInTheExactState() async throws {
        let simulator = StreamSimulator(.init(tickets: 150, days: 1, seed: 77))
        let reference = InMemoryTicketStore()
        let referenceBucket = InMemoryChangeSource()
        simulator.load(into: referenceBucket)
        for dataset in Dataset.all {
            #expect(await IngestEngine(source: referenceBucket, store: reference).run(dataset, options: .init(apply: true)).failure == nil)
        }
        let bucket = InMemoryChangeSource(), untouched = InMemoryChangeSource()
        simulator.load(into: bucket)
        simulator.load(into: untouched)
        let store = try PostgresTicketStore(url: try Integration.freshDatabase(), maxConnections: 4, logger: Integration.logger)
        defer { store.close() }
        let keys = Dictionary(uniqueKeysWithValues: Dataset.all.map { ($0, simulator.files(for: $0).map(\.key)) })

        let problems = try await withThrowingTaskGroup(of: [String].self) { group in
            for task in 0..<32 {
                let dataset = Dataset.all[task % 2]
                let mine = keys[dataset]!
                group.addTask {
                    var problems: [String] = []
                    for round in 0..<3 {
                        switch task % 8 {
                        case 0, 1:
                            // Retried while another task holds the dataset, so every drain task drains once.
                            var report = await IngestEngine(source: bucket, store: store).run(dataset, options: .init(apply: true))
                            while report.busy {
                                try await Task.sleep(for: .milliseconds(5))
                                report = await IngestEngine(source: bucket, store: store).run(dataset, options: .init(apply: true))
                            }
                            if let failure = report.failure { problems.append("drain \(task): \(failure.message)") }
                        case 2, 3:
                            let report = await IngestEngine(source: bucket, store: store).run(dataset, options: .init(apply: false))
                            if let failure = report.failure { problems.append("dry run \(task): \(failure.message)") }
                        case 4:
                            // A file applied directly, out of order, under the dataset lock (retried while busy);
                            // it leaves the watermark alone, so the drains still take every file.
                            let key = mine[(task + round * 5) % mine.count]
                            while true {
                                let file = ChangeFile(dataset: dataset, key: key, exportedAt: nil, bytes: 0, advancesWatermark: false)
                                let applied = try await store.withExclusiveAccess(to: dataset) {
                                    try await store.apply(file, rows: RowBatches(csv: try await untouched.read(key), key: key))
                                }
                                if applied != nil { break }
                                try await Task.sleep(for: .milliseconds(5))
                            }
                        case 5:
                            if let mark = try await store.watermark(of: dataset), !mine.contains(mark) {
                                problems.append("watermark \(mark) is no key of \(dataset)")
                            }
                            let applied = try await store.appliedKeys(of: dataset, among: mine)
                            if !applied.isSubset(of: Set(mine)) { problems.append("appliedKeys outside the asked keys") }
                        case 6:
                            let status = try await store.status(of: dataset)
                            if status.tickets > 150 || status.open + status.closed != status.tickets {
                                problems.append("status adds up wrong: \(status)")
                            }
                        default:
                            _ = try await store.clustersNeedingCoordinates(retryBefore: .distantPast)
                            _ = try await store.placesNeedingGeocode(retryBefore: Date())
                            let placed = try await store.placement()
                            if placed.values.reduce(0, +) > 300 { problems.append("more placements than tickets: \(placed)") }
                        }
                    }
                    return problems
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(problems.isEmpty, "\(problems)")

        for dataset in Dataset.all {
            // Whatever ran first, one more drain finds nothing left and the state is exact.
            let last = await IngestEngine(source: bucket, store: store).run(dataset, options: .init(apply: true))
            #expect(last.failure == nil && last.files.isEmpty)
            #expect(try await store.tickets(of: dataset) == reference.tickets(of: dataset), "\(dataset) exact")
            #expect(try await store.watermark(of: dataset) == reference.watermark(of: dataset))
            #expect(try await store.appliedKeys(of: dataset, among: keys[dataset]!) == Set(keys[dataset]!))
        }
    }

    /// More tasks than connections: every result right, never more connections than allowed,
    /// and connections the server killed are replaced.
    @Test func thePoolSharesFewConnectionsAndReplacesKilledOnes() async throws {
        let url = try Integration.freshDatabase(migrated: false)
        let pool = PostgresConnectionPool(url: url, maxConnections: 3, logger: Integration.logger)
        defer { pool.close() }
        let answers = try await withThrowingTaskGroup(of: (Int, Int, Int).self) { group in
            for i in 0..<40 {
                group.addTask {
                    try await pool.withConnection { db in
                        let doubled = Int(try db.scalar("SELECT $1::int * 2 FROM pg_sleep(0.01)", [String(i)], purpose: "double") ?? "") ?? -1
                        return (i, doubled, db.backendPID ?? -1)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.count == 40)
        #expect(answers.allSatisfy { $0.1 == $0.0 * 2 }, "each task got its own answer")
        let pids = Set(answers.map(\.2))
        #expect(pids.count <= 3, "at most maxConnections sessions: \(pids)")

        let admin = try PostgresConnection(url: url, logger: Integration.logger)
        defer { admin.close() }
        for pid in pids {
            _ = try admin.execute("SELECT pg_terminate_backend($1::int, 5000)", [String(pid)], purpose: "kill a pooled backend")
        }
        // A killed connection fails the one call that finds it dead, then is replaced.
        var failures = 0, fresh: Set<Int> = []
        for _ in 0..<10 {
            do {
                fresh.insert(try await pool.withConnection { Int(try $0.scalar("SELECT pg_backend_pid()", purpose: "ask the pid") ?? "") ?? -1 })
            } catch let error as PostgresError where error.isConnectionFailure {
                failures += 1
            }
        }
        #expect(failures <= pids.count)
        #expect(!fresh.isEmpty && fresh.isDisjoint(with: pids), "new sessions replaced the killed ones")
    }
}
