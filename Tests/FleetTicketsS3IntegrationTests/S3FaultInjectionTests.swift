import FleetTicketsCore
import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing
@testable import FleetTicketsS3

/// Drains from the local S3 through a fault-injecting proxy into PostGIS: throttling and
/// resets are retried, a failed archive is retried without re-applying, and a dependency that
/// stays down stops the run at a file boundary with nothing lost.
@Suite("Bucket to PostGIS through a fault-injecting proxy",
       .enabled(if: LiveDatabase.bothServicesEnabled, LiveDatabase.skipReason))
struct S3FaultInjectionTests {
    /// A fresh bucket holding `files`, a proxy in front of the S3 server, a source reading
    /// through the proxy (quick retries), and a fresh database.
    struct Rig {
        var direct: S3Client
        var proxy: FaultProxy
        var source: S3ChangeSource
        var databaseURL: String
        var store: PostgresTicketStore
    }

    func rig(_ label: String, files: [(key: String, bytes: [UInt8])], maxRetries: Int = 3) async throws -> Rig {
        let direct = try await LiveS3.freshBucket(label)
        try await Drain.upload(files, to: direct)
        let proxy = try FaultProxy(upstream: try #require(LiveS3.endpoint))
        let client = try Drain.quickClient(bucket: direct.configuration.bucket, endpoint: proxy.url, maxRetries: maxRetries)
        let databaseURL = try LiveDatabase.freshDatabase()
        return Rig(direct: direct, proxy: proxy, source: S3ChangeSource(client: client, logger: LiveS3.logger),
                   databaseURL: databaseURL, store: try PostgresTicketStore(url: databaseURL, logger: LiveS3.logger))
    }

    @Test func throttlingAndResetsOnFirstTriesAreRetriedAndTheRunSucceeds() async throws {
        let dataset = Dataset.crq
        let files = Drain.fixtureFiles(dataset, count: 6)
        let rig = try await rig("faults-retry", files: files)
        defer { rig.proxy.stop(); rig.store.close() }
        let name = { (key: String) in String(key.split(separator: "/").last!) }
        rig.proxy.add(.init("GET", "list-type=2", fault: .slowDown, times: 2))
        rig.proxy.add(.init("GET", "changes/" + name(files[1].key), fault: .reset, times: 2))
        rig.proxy.add(.init("GET", "changes/" + name(files[3].key), fault: .slowDown, times: 1))
        rig.proxy.add(.init("GET", "changes/" + name(files[3].key), fault: .reset, times: 1))
        // The archive's write to processed/ (a PutObject of the bytes read ahead).
        rig.proxy.add(.init("PUT", "processed/" + name(files[2].key), fault: .slowDown, times: 2))
        // The originals go in one DeleteObjects request, whose first try is reset.
        rig.proxy.add(.init("POST", "?delete", fault: .reset, times: 1))

        let report = await Drain.run(rig.source, into: rig.store, dataset)
        #expect(report.failure == nil, "\(report.failure?.message ?? "")")
        #expect(report.files.map(\.key) == files.map(\.key))
        #expect(report.archiveFailed.isEmpty)
        #expect(rig.proxy.injected.count == 9, "every scripted fault was met: \(rig.proxy.injected)")
        #expect(Set(rig.proxy.injected.map(\.fault)) == [.slowDown, .reset])
        #expect(try await rig.store.watermark(of: dataset) == files.last!.key)
        #expect(try await rig.store.tickets(of: dataset).count == files.count)
        #expect(try await Drain.keys(rig.direct, dataset.changesPrefix).isEmpty)
        #expect(try await Drain.keys(rig.direct, dataset.processedPrefix) == files.map { dataset.processedKey(for: $0.key) })
        for file in files { #expect(try Drain.ledger(rig.databaseURL, dataset, key: file.key) == (1, 1)) }
    }

    @Test func aPersistentServerErrorOnAGetStopsTheRunAtTheFileBeforeWithNothingLost() async throws {
        let dataset = Dataset.crq
        let files = Drain.fixtureFiles(dataset, count: 6)
        let k = 3
        let rig = try await rig("faults-get500", files: files, maxRetries: 2)
        defer { rig.proxy.stop(); rig.store.close() }
        rig.proxy.add(.init("GET", "changes/" + String(files[k].key.split(separator: "/").last!), fault: .internalError))

        let report = await Drain.run(rig.source, into: rig.store, dataset)
        #expect(report.failure?.kind == .dependency, "the CLI exits 1 for a dependency failure")
        #expect(report.failure?.key == files[k].key)
        #expect(report.failure?.message.contains("500") == true, "\(report.failure?.message ?? "")")
        #expect(report.files.map(\.key) == files[..<k].map(\.key))
        #expect(report.watermarkAfter == files[k - 1].key)
        #expect(try await rig.store.watermark(of: dataset) == files[k - 1].key)
        // Read-ahead tried it (1 + 2 retries), then the direct read did (1 + 2 retries).
        #expect(rig.proxy.injected.count == 6, "\(rig.proxy.injected)")
        // Nothing lost: file k and later are still in changes/, the ones before are archived.
        #expect(try await Drain.keys(rig.direct, dataset.changesPrefix) == files[k...].map(\.key))
        #expect(try await Drain.keys(rig.direct, dataset.processedPrefix) == files[..<k].map { dataset.processedKey(for: $0.key) })
        #expect(try Drain.ledger(rig.databaseURL, dataset, key: files[k].key).rows == 0)

        // Once the server is healthy again the next run picks up at file k.
        rig.proxy.heal()
        let rerun = await Drain.run(rig.source, into: rig.store, dataset)
        #expect(rerun.failure == nil, "\(rerun.failure?.message ?? "")")
        #expect(rerun.files.map(\.key) == files[k...].map(\.key))
        #expect(try await rig.store.watermark(of: dataset) == files.last!.key)
        #expect(try await rig.store.tickets(of: dataset).count == files.count)
        #expect(try await Drain.keys(rig.direct, dataset.changesPrefix).isEmpty)
    }

    @Test func aMoveThatFailsAfterTheCommitIsRetriedNextRunWithoutReapplying() async throws {
        let dataset = Dataset.crq
        let files = Drain.fixtureFiles(dataset, count: 5)
        let victim = files[2].key
        let rig = try await rig("faults-move", files: files, maxRetries: 2)
        defer { rig.proxy.stop(); rig.store.close() }
        // The first run writes the bytes it read to processed/; the next one, which does not
        // read the file, has the server copy it.
        rig.proxy.add(.init("PUT", dataset.processedKey(for: victim), fault: .internalError))

        let first = await Drain.run(rig.source, into: rig.store, dataset)
        #expect(first.failure == nil, "a failed archive does not fail the run: \(first.failure?.message ?? "")")
        #expect(first.files.map(\.key) == files.map(\.key), "every file applied")
        #expect(first.archiveFailed.map(\.key) == [victim])
        #expect(first.files.first { $0.key == victim }?.archived == false)
        #expect(rig.proxy.injected.count == 3, "the write was tried 1 + 2 times: \(rig.proxy.injected)")
        #expect(try Drain.ledger(rig.databaseURL, dataset, key: victim) == (1, 1), "in the ledger once")
        #expect(try await rig.store.watermark(of: dataset) == files.last!.key)
        #expect(try await Drain.keys(rig.direct, dataset.changesPrefix) == [victim], "the write failed, so nothing was deleted")
        let ticketsAfterFirst = try await rig.store.tickets(of: dataset)

        rig.proxy.heal()
        // The retry is a CopyObject (this run holds no bytes of the file): its first try is throttled.
        rig.proxy.add(.init("PUT", dataset.processedKey(for: victim), header: "x-amz-copy-source", fault: .slowDown, times: 1))
        let second = await Drain.run(rig.source, into: rig.store, dataset)
        #expect(second.failure == nil, "\(second.failure?.message ?? "")")
        #expect(rig.proxy.injected.count == 4 && rig.proxy.injected.last?.fault == .slowDown,
                "the server was asked to copy: \(rig.proxy.injected)")
        #expect(second.archiveRetried == [victim])
        #expect(second.archiveFailed.isEmpty)
        #expect(second.files.isEmpty, "never re-applied")
        #expect(second.late.isEmpty, "an applied file is not late")
        #expect(try Drain.ledger(rig.databaseURL, dataset, key: victim) == (1, 1), "applications still 1")
        #expect(try await Drain.keys(rig.direct, dataset.changesPrefix).isEmpty)
        #expect(try await Drain.keys(rig.direct, dataset.processedPrefix) == files.map { dataset.processedKey(for: $0.key) })
        #expect(try await rig.store.tickets(of: dataset) == ticketsAfterFirst)

        let third = await Drain.run(rig.source, into: rig.store, dataset)
        #expect(third.isNoOp)
    }

    @Test func theDrainDeletesTheArchivedOriginalsInOneRequestPerBatch() async throws {
        let dataset = Dataset.inc
        let files = Drain.fixtureFiles(dataset, count: 5)
        let rig = try await rig("faults-batch-delete", files: files, maxRetries: 1)
        defer { rig.proxy.stop(); rig.store.close() }
        // A DeleteObject of a change file would fail: the batch never sends one. Nor a
        // CopyObject: every file was read ahead, so each is archived by writing the bytes read.
        rig.proxy.add(.init("DELETE", "/changes/", fault: .internalError))
        rig.proxy.add(.init("PUT", "/processed/", header: "x-amz-copy-source", fault: .internalError))

        let report = await Drain.run(rig.source, into: rig.store, dataset, IngestOptions(apply: true, archiveBatchSize: 3))
        #expect(report.failure == nil, "\(report.failure?.message ?? "")")
        #expect(report.archiveFailed.isEmpty, "\(report.archiveFailed)")
        #expect(rig.proxy.injected.isEmpty, "no DeleteObject or CopyObject was sent: \(rig.proxy.injected)")
        #expect(rig.proxy.forwarded.filter { $0.hasPrefix("POST ") && $0.contains("?delete") }.count == 2, "batches of 3 and 2")
        #expect(try await Drain.keys(rig.direct, dataset.changesPrefix).isEmpty)
        #expect(try await Drain.keys(rig.direct, dataset.processedPrefix) == files.map { dataset.processedKey(for: $0.key) })
    }

    @Test func aRefusedDeleteObjectsFallsBackToOneDeletePerFile() async throws {
        let dataset = Dataset.inc
        let files = Drain.fixtureFiles(dataset, count: 4)
        let victim = files[1].key
        let rig = try await rig("faults-delete-fallback", files: files, maxRetries: 1)
        defer { rig.proxy.stop(); rig.store.close() }
        rig.proxy.add(.init("POST", "?delete", fault: .internalError))
        rig.proxy.add(.init("DELETE", victim.split(separator: "/").last.map(String.init)!, fault: .internalError))

        let first = await Drain.run(rig.source, into: rig.store, dataset)
        #expect(first.failure == nil, "\(first.failure?.message ?? "")")
        #expect(first.archiveFailed.map(\.key) == [victim], "only the file whose own delete failed")
        #expect(try await Drain.keys(rig.direct, dataset.changesPrefix) == [victim], "its copy is in processed/, the original stays")
        #expect(try await Drain.keys(rig.direct, dataset.processedPrefix) == files.map { dataset.processedKey(for: $0.key) })

        rig.proxy.heal()
        let second = await Drain.run(rig.source, into: rig.store, dataset)
        #expect(second.archiveRetried == [victim])
        #expect(second.archiveFailed.isEmpty)
        #expect(second.files.isEmpty, "never re-applied")
        #expect(try await Drain.keys(rig.direct, dataset.changesPrefix).isEmpty)
    }
}
