import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

/// The same engine, two stores: PostgreSQL must end where memory ends.
@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct PostgresTicketStoreTests {
    func drain(_ source: any ChangeSource, _ store: any TicketStore, _ dataset: Dataset, apply: Bool = true) async -> IngestReport {
        await IngestEngine(source: source, store: store, logger: Integration.logger).run(dataset, options: .init(apply: apply))
    }

    @Test func aSimulatedStreamEndsInTheInMemoryState() async throws {
        let simulator = StreamSimulator(.init(tickets: 250, days: 1, seed: 21))
        let memoryBucket = InMemoryChangeSource(), pgBucket = InMemoryChangeSource()
        simulator.load(into: memoryBucket)
        simulator.load(into: pgBucket)
        let memory = InMemoryTicketStore()
        let postgres = try PostgresTicketStore(url: try Integration.freshDatabase(), logger: Integration.logger)
        for dataset in Dataset.all {
            let expected = await drain(memoryBucket, memory, dataset)
            let actual = await drain(pgBucket, postgres, dataset)
            #expect(actual.failure == nil, "\(actual.failure?.message ?? "")")
            #expect(actual.files.map(\.counts) == expected.files.map(\.counts), "per-file counts agree")
            #expect(actual.files.map(\.dropped) == expected.files.map(\.dropped))
            let pgTickets = try await postgres.tickets(of: dataset)
            let memTickets = memory.tickets(of: dataset)
            #expect(pgTickets.count == memTickets.count)
            for (id, raw) in memTickets where pgTickets[id] != raw {
                Issue.record("\(dataset) \(id) differs: \(pgTickets[id]?.jsonText ?? "missing") vs \(raw.jsonText)")
            }
            #expect(try await postgres.watermark(of: dataset) == memory.watermark(of: dataset))
            let status = try await postgres.status(of: dataset)
            #expect(status.ledgerFiles == simulator.files(for: dataset).count)
        }
    }

    @Test func aDryRunCountsExactlyAndWritesNothing() async throws {
        let bucket = InMemoryChangeSource()
        StreamSimulator(.init(tickets: 80, days: 1, seed: 5)).load(into: bucket, datasets: [.inc])
        let store = try PostgresTicketStore(url: try Integration.freshDatabase(), logger: Integration.logger)
        let dry = await drain(bucket, store, .inc, apply: false)
        #expect(dry.failure == nil)
        #expect(try await store.watermark(of: .inc) == nil)
        #expect(try await store.status(of: .inc).tickets == 0)
        #expect(try await store.status(of: .inc).ledgerFiles == 0)
        let real = await drain(bucket, store, .inc)
        #expect(dry.files.map(\.counts) == real.files.map(\.counts))
        #expect(dry.files.count == real.files.count && !real.files.isEmpty)
    }

    @Test func aBadFileCommitsNothingOfItself() async throws {
        let bucket = InMemoryChangeSource(chunkSize: 64)
        bucket.put(Fixtures.key(.crq, hour: 9), text: Fixtures.csv([Fixtures.row("CRQ1")]))
        bucket.put(Fixtures.key(.crq, hour: 10), text: Fixtures.csv((2...500).map { Fixtures.row("CRQ\($0)") }) + "CRQX,\"open\n")
        let store = try PostgresTicketStore(url: try Integration.freshDatabase(), logger: Integration.logger)
        let report = await drain(bucket, store, .crq)
        #expect(report.failure?.kind == .data)
        #expect(report.failure?.line == 501)  // header, 499 rows, then the bad record
        #expect(try await store.tickets(of: .crq).keys.sorted() == ["CRQ1"])
        #expect(try await store.watermark(of: .crq) == Fixtures.key(.crq, hour: 9))
    }

    @Test func twoConcurrentRunsOfADatasetDrainOnce() async throws {
        let url = try Integration.freshDatabase()
        let bucket = InMemoryChangeSource()
        bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv([Fixtures.row("WOT1")]))
        let holder = try PostgresTicketStore(url: url, logger: Integration.logger)
        let other = try PostgresTicketStore(url: url, logger: Integration.logger)
        let (busy, free) = try await holder.withExclusiveAccess(to: .inc) {
            // Another process (connection) tries while the first holds the dataset.
            (await drain(bucket, other, .inc), await drain(bucket, other, .crq))
        } ?? (nil, nil)
        #expect(busy?.busy == true && busy?.failure == nil)
        #expect(free?.busy == false, "the lock is per dataset")
        #expect(try await other.status(of: .inc).tickets == 0)
        let after = await drain(bucket, other, .inc)
        #expect(after.busy == false && after.files.count == 1, "released when the holder finishes")
    }

    @Test func aKilledConnectionLeavesTheLastFileBoundaryAndARerunConverges() async throws {
        let url = try Integration.freshDatabase()
        let simulator = StreamSimulator(.init(tickets: 120, days: 1, seed: 8))
        let reference = InMemoryTicketStore()
        let referenceBucket = InMemoryChangeSource()
        simulator.load(into: referenceBucket, datasets: [.inc])
        _ = await drain(referenceBucket, reference, .inc)

        let bucket = InMemoryChangeSource()
        simulator.load(into: bucket, datasets: [.inc])
        let keys = simulator.files(for: .inc).map(\.key)
        let victim = try PostgresTicketStore(url: url, logger: Integration.logger)
        let pid = try #require(victim.db.backendPID)
        // Kill the store's backend while it is in the middle of file 6.
        let killer = KillingSource(base: bucket, key: keys[5], adminURL: url, pid: pid)
        let crashed = await drain(killer, victim, .inc)
        #expect(crashed.failure?.kind == .dependency)
        #expect(crashed.failure?.key == keys[5])

        let fresh = try PostgresTicketStore(url: url, logger: Integration.logger)
        #expect(try await fresh.watermark(of: .inc) == keys[4], "at the previous file boundary")
        let ledger = try await fresh.appliedKeys(of: .inc, among: keys)
        #expect(ledger == Set(keys[0..<5]))
        let rerun = await drain(bucket, fresh, .inc)
        #expect(rerun.failure == nil)
        #expect(rerun.files.first?.key == keys[5])
        #expect(try await fresh.tickets(of: .inc) == reference.tickets(of: .inc))
    }
}

/// Streams a file normally, but after its first chunk terminates the store's backend.
final class KillingSource: ChangeSource, @unchecked Sendable {
    let base: InMemoryChangeSource
    let key: String
    let adminURL: String
    let pid: Int

    init(base: InMemoryChangeSource, key: String, adminURL: String, pid: Int) {
        self.base = base
        self.key = key
        self.adminURL = adminURL
        self.pid = pid
    }

    var location: String { base.location }
    func list(prefix: String) async throws -> [SourceObject] { try await base.list(prefix: prefix) }
    func move(_ key: String, to destination: String) async throws { try await base.move(key, to: destination) }

    func read(_ key: String) async throws -> ByteChunks {
        let bytes = try await base.readAll(key)
        guard key == self.key else { return try await base.read(key) }
        let (admin, pid) = (adminURL, pid)
        let half = bytes.count / 2
        return ByteChunks { continuation in
            continuation.yield(Array(bytes[..<half]))
            do {
                let conn = try PostgresConnection(url: admin, logger: Integration.logger)
                _ = try conn.execute("SELECT pg_terminate_backend($1::int)", [String(pid)], purpose: "kill the store's backend")
                conn.close()
            } catch {
                continuation.finish(throwing: error)
                return
            }
            continuation.yield(Array(bytes[half...]))
            continuation.finish()
        }
    }
}
