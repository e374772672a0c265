import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Synchronization
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

    /// A ticket repeated within a file: the last row wins in both stores, whether the repeat is
    /// in the same batch or batches apart (the merge de-duplicates only files where a ticket
    /// may repeat: RepeatWatch).
    @Test func aTicketRepeatedInAFileKeepsItsLastRow() async throws {
        var rows = (0..<40).map { Fixtures.row(String(format: "RP%03d", $0)) }
        rows.append(Fixtures.row("RP001", status: "closed", actionable: false, closedAt: "2026-06-15 10:00:00"))
        rows.append(Fixtures.row("RP039", status: "pending"))
        rows.append(Fixtures.row("RP001", status: "resolved", actionable: false, closedAt: "2026-06-15 11:00:00"))
        let memoryBucket = InMemoryChangeSource(), pgBucket = InMemoryChangeSource()
        for bucket in [memoryBucket, pgBucket] {
            bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv(rows))
            bucket.put(Fixtures.key(.inc, hour: 10), text: Fixtures.csv(Array(rows[20..<30])))  // no repeats
        }
        let memory = InMemoryTicketStore()
        let postgres = try PostgresTicketStore(url: try Integration.freshDatabase(), logger: Integration.logger)
        defer { postgres.close() }
        let options = IngestOptions(apply: true, batchSize: 7)
        let expected = await IngestEngine(source: memoryBucket, store: memory, logger: Integration.logger).run(.inc, options: options)
        let actual = await IngestEngine(source: pgBucket, store: postgres, logger: Integration.logger).run(.inc, options: options)
        #expect(actual.failure == nil, "\(actual.failure?.message ?? "")")
        #expect(actual.files.map(\.counts) == expected.files.map(\.counts))
        let pgTickets = try await postgres.tickets(of: .inc)
        #expect(pgTickets.count == 40)
        #expect(pgTickets == memory.tickets(of: .inc))
        #expect(pgTickets["RP001"]?.jsonText.contains("resolved") == true)
    }

    /// The version guard, both stores: files held back and applied late with --include-late
    /// end ticket by ticket (raw and the key that wrote it) where memory ends, with the same
    /// per-file counts, stale rows included.
    @Test func lateFilesEndInTheInMemoryStateTicketByTicket() async throws {
        let simulator = StreamSimulator(.init(tickets: 200, days: 1, seed: 34))
        let url = try Integration.freshDatabase()
        let memory = InMemoryTicketStore()
        let postgres = try PostgresTicketStore(url: url, logger: Integration.logger)
        let all = InMemoryChangeSource()
        simulator.load(into: all)
        var stale = 0
        for dataset in Dataset.all {
            let keys = simulator.files(for: dataset).map(\.key)
            let held = Set(stride(from: 1, to: keys.count - 1, by: 3).map { keys[$0] })
            let memoryBucket = InMemoryChangeSource(), pgBucket = InMemoryChangeSource()
            for key in keys where !held.contains(key) {
                memoryBucket.put(key, all.object(key)!)
                pgBucket.put(key, all.object(key)!)
            }
            _ = await drain(memoryBucket, memory, dataset)
            _ = await drain(pgBucket, postgres, dataset)
            for key in held {
                memoryBucket.put(key, all.object(key)!)
                pgBucket.put(key, all.object(key)!)
            }
            let options = IngestOptions(apply: true, includeLate: true)
            let expected = await IngestEngine(source: memoryBucket, store: memory).run(dataset, options: options)
            let actual = await IngestEngine(source: pgBucket, store: postgres, logger: Integration.logger).run(dataset, options: options)
            #expect(actual.failure == nil, "\(actual.failure?.message ?? "")")
            #expect(Set(actual.files.map(\.key)) == held)
            #expect(actual.files.map(\.counts) == expected.files.map(\.counts), "per-file counts agree, stale included")
            stale += actual.counts.stale
            let pgRows = try PostgresRows(url: url).versions(of: dataset)
            let memRows = memory.storedTickets(of: dataset)
            #expect(pgRows.count == memRows.count)
            for (id, ticket) in memRows where pgRows[id]?.raw != ticket.raw || pgRows[id]?.changeKey != ticket.changeKey {
                Issue.record("\(dataset) \(id) differs: \(pgRows[id].map { "\($0.changeKey ?? "-") \($0.raw.jsonText)" } ?? "missing") vs \(ticket.changeKey ?? "-") \(ticket.raw.jsonText)")
            }
        }
        #expect(stale > 0, "the late files carried rows newer files had written")
    }

    @Test func rowsFromBeforeTheGuardStayReplaceableAndTheLedgerCountsStale() async throws {
        let url = try Integration.freshDatabase()
        let bucket = InMemoryChangeSource()
        bucket.put(Fixtures.key(.inc, hour: 11), text: Fixtures.csv([Fixtures.row("WOT1", status: "closed", actionable: false),
                                                                     Fixtures.row("WOT2", status: "closed", actionable: false)]))
        let store = try PostgresTicketStore(url: url, logger: Integration.logger)
        _ = await drain(bucket, store, .inc)
        let admin = try PostgresConnection(url: url, logger: Integration.logger)
        defer { admin.close() }
        // WOT2 as the Python tool (or this tool before migration 16) left it: no key.
        try admin.execute("UPDATE tickets.inc SET change_key = NULL WHERE ticket_id = 'WOT2'", purpose: "forget WOT2's version")
        bucket.put(Fixtures.key(.inc, hour: 10), text: Fixtures.csv([Fixtures.row("WOT1"), Fixtures.row("WOT2")]))
        let late = await IngestEngine(source: bucket, store: store, logger: Integration.logger)
            .run(.inc, options: IngestOptions(apply: true, includeLate: true))
        #expect(late.files.first?.counts == ApplyCounts(updated: 1, stale: 1))
        let rows = try PostgresRows(url: url).versions(of: .inc)
        #expect(rows["WOT1"]?.raw["normalized_status"] == "closed")
        #expect(rows["WOT2"]?.raw["normalized_status"] == "open")
        #expect(rows["WOT2"]?.changeKey == Fixtures.key(.inc, hour: 10))
        #expect(try admin.scalar("SELECT stale FROM tickets.ingest_ledger WHERE key = $1", [Fixtures.key(.inc, hour: 10)],
                                 purpose: "read the ledger") == "1")
        // The SQL rule and the Swift rule agree on the documented cases.
        for (stored, file) in [(Fixtures.key(.inc, hour: 11), Fixtures.key(.inc, hour: 10)), (Fixtures.key(.inc, hour: 10), Fixtures.key(.inc, hour: 10)),
                               ("loose/a.csv", Fixtures.key(.inc, hour: 1)), (Fixtures.key(.inc, hour: 1), "loose/b.csv"),
                               ("x/2026-02-30T10-00-00.csv", "y/2026-02-30T09-00-00.csv"), ("x/2026-13-01T00-00-00.csv", "y/2026-01-01T00-00-00.csv"),
                               ("x/2024-02-29T10-00-00.csv", "y/2024-02-28T09-00-00.csv"), ("x/2100-02-29T10-00-00.csv", "y/2100-02-28T09-00-00.csv"),
                               ("x/2026-04-31T10-00-00.csv", "y/2026-04-30T09-00-00.csv"), ("x/0000-01-01T10-00-00.csv", "y/0000-01-01T09-00-00.csv")] {
            let change = ChangeFile(dataset: .inc, key: file, exportedAt: nil, bytes: 0)
            let sql = try admin.scalar("SELECT tickets.change_key_is_newer($1, $2)::text", [stored, change.versionStamp], purpose: "compare versions")
            #expect(sql == (change.isOlder(thanRowWrittenBy: stored) ? "true" : "false"), "\(stored) vs \(file)")
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

    @Test func aBadRecordAfterSeveralBatchesDropsTheOpenCopyAndTheStoreCarriesOn() async throws {
        // Batches of 2 rows: the file's COPY is open (three batches sent) when the bad record
        // is decoded.
        let bucket = InMemoryChangeSource()
        let (bad, good) = (Fixtures.key(.inc, hour: 9), Fixtures.key(.inc, hour: 10))
        bucket.put(bad, text: Fixtures.csv((1...7).map { Fixtures.row("WOT\($0)") }) + "WOTX,\"open\n")
        let store = try PostgresTicketStore(url: try Integration.freshDatabase(), maxConnections: 1, logger: Integration.logger)
        let engine = IngestEngine(source: bucket, store: store, logger: Integration.logger)
        let session = try await store.onConnection { $0.backendPID }
        let failed = await engine.run(.inc, options: .init(apply: true, batchSize: 2))
        #expect(failed.failure?.kind == .data && failed.failure?.key == bad)
        #expect(try await store.onConnection { $0.backendPID } == session, "the connection was made ready, not replaced")
        #expect(try await store.tickets(of: .inc).isEmpty, "nothing of the bad file")
        // The same store (its one connection) applies the next files: the COPY was closed.
        bucket.put(bad, text: Fixtures.csv((1...7).map { Fixtures.row("WOT\($0)") }))
        bucket.put(good, text: Fixtures.csv([Fixtures.row("WOT8")]))
        let rerun = await engine.run(.inc, options: .init(apply: true, batchSize: 2))
        #expect(rerun.failure == nil)
        #expect(rerun.files.map(\.counts.inserted) == [7, 1])
        #expect(try await store.tickets(of: .inc).count == 8)
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
        let pid = try #require(try await victim.onConnection { $0.backendPID })
        // Kill the store's backend while it is in the middle of file 6.
        let killer = KillingSource(base: bucket, key: keys[5], adminURL: url, pid: pid)
        // Batches of one row: the engine decodes only the first batch of a file ahead of its
        // turn (while the file before is applied), so the rest is asked for in file 6's.
        let crashed = await IngestEngine(source: killer, store: victim, logger: Integration.logger)
            .run(.inc, options: .init(apply: true, batchSize: 1))
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

/// Streams a file in two parts, the header and first row, then the rest; when the rest is
/// asked for, terminates the store's backend.
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
        let lineEnds = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }
        let cut = lineEnds.count > 1 ? lineEnds[1] + 1 : bytes.count
        let parts = Mutex([Array(bytes[..<cut]), Array(bytes[cut...])])
        return ByteChunks(unfolding: {
            let (next, left) = parts.withLock { parts in (parts.isEmpty ? nil : parts.removeFirst(), parts.count) }
            if next != nil, left == 0 {
                let conn = try PostgresConnection(url: admin, logger: Integration.logger)
                _ = try conn.execute("SELECT pg_terminate_backend($1::int)", [String(pid)], purpose: "kill the store's backend")
                conn.close()
            }
            return next
        })
    }
}

/// Reads tickets with the key that last wrote them, on a connection of its own.
struct PostgresRows {
    let url: String

    func versions(of dataset: Dataset) throws -> [String: (raw: RawRecord, changeKey: String?)] {
        let db = try PostgresConnection(url: url, logger: Integration.logger)
        defer { db.close() }
        let r = try db.execute("SELECT ticket_id, raw::text, change_key FROM \(dataset.table)", purpose: "read \(dataset.table)")
        var out: [String: (raw: RawRecord, changeKey: String?)] = [:]
        for row in 0..<r.rowCount {
            guard let id = r[row, 0], let text = r[row, 1],
                  let object = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8)) else { continue }
            out[id] = (RawRecord(object), r[row, 2])
        }
        return out
    }
}
