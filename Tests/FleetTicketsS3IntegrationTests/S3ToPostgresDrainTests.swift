import FleetTicketsCore
import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing
@testable import FleetTicketsS3

/// The production path end to end: a simulated export in a bucket, drained by `S3ChangeSource`
/// into PostGIS, must end exactly where the same stream drained from a folder ends.
@Suite("Bucket to PostGIS: the same state as a folder drain",
       .enabled(if: LiveDatabase.bothServicesEnabled, LiveDatabase.skipReason))
struct S3ToPostgresDrainTests {
    @Test func aBucketDrainEndsInTheFolderDrainsStateAndReseedConverges() async throws {
        let simulator = StreamSimulator(.init(tickets: 120, days: 1, seed: 33))
        let stream = Dictionary(uniqueKeysWithValues: Dataset.all.map { ($0.name, Drain.files(of: simulator, $0)) })

        // Reference: the stream in a folder, drained into a database of its own.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ft-s3-reference-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try simulator.write(to: folder)
        let reference = try PostgresTicketStore(url: try LiveDatabase.freshDatabase(), logger: LiveS3.logger)
        defer { reference.close() }
        let local = LocalFolderChangeSource(root: folder)
        for dataset in Dataset.all {
            let report = await Drain.run(local, into: reference, dataset)
            #expect(report.failure == nil, "\(report.failure?.message ?? "")")
            #expect(report.files.count == stream[dataset.name]!.count)
        }

        // The bucket: the same files, uploaded concurrently, plus a stray key.
        let client = try await LiveS3.freshBucket("drain")
        let stray = "automations/inc/changes/notes.txt"
        let started = ContinuousClock.now
        try await Drain.upload(Dataset.all.flatMap { stream[$0.name]! } + [(stray, Array("not a change file\n".utf8))], to: client)
        print("uploaded \(Dataset.all.map { stream[$0.name]!.count }.reduce(0, +)) files in \(secondsSince(started))")
        let bucket = S3ChangeSource(client: client, logger: LiveS3.logger)
        let databaseURL = try LiveDatabase.freshDatabase()
        let store = try PostgresTicketStore(url: databaseURL, logger: LiveS3.logger)
        defer { store.close() }

        // First drain: every file applied in order and archived; the stray ignored and left.
        for dataset in Dataset.all {
            let files = stream[dataset.name]!
            let report = await Drain.run(bucket, into: store, dataset)
            #expect(report.failure == nil, "\(dataset): \(report.failure?.message ?? "")")
            #expect(report.files.map(\.key) == files.map(\.key), "\(dataset): applied in key order")
            #expect(report.files.allSatisfy { $0.archived }, "\(dataset): every applied file archived")
            #expect(report.archiveFailed.isEmpty && report.late.isEmpty)
            #expect(report.stray == (dataset == .inc ? [stray] : []))
            Drain.expectSameTickets(try await store.tickets(of: dataset), try await reference.tickets(of: dataset), "\(dataset) after the drain")
            #expect(try await store.watermark(of: dataset) == files.last!.key)
            #expect(try await store.watermark(of: dataset) == reference.watermark(of: dataset))
            #expect(try await Drain.keys(client, dataset.processedPrefix) == files.map { dataset.processedKey(for: $0.key) }.sorted())
            #expect(try await Drain.keys(client, dataset.changesPrefix) == (dataset == .inc ? [stray] : []))
        }

        // Second run: nothing new, nothing done.
        for dataset in Dataset.all {
            let report = await Drain.run(bucket, into: store, dataset)
            #expect(report.isNoOp, "\(dataset): \(report.files.map(\.key)) \(report.failure?.message ?? "")")
            #expect(report.hooks.isEmpty, "no hook after a run that applied nothing")
            #expect(try await store.watermark(of: dataset) == stream[dataset.name]!.last!.key)
        }
        #expect(try await store.status(of: .inc).ledgerFiles == stream["inc"]!.count)

        // A late file: a key older than the watermark uploaded after the drain. Reported, left
        // in place, not applied. (Its content is the baseline's, so the reseed below, which
        // applies it too, must still converge on the reference.)
        let late = Fixtures.key(.inc, hour: 5, minute: 40)
        try await client.putObject(late, bytes: stream["inc"]!.first!.bytes)
        let lateRun = await Drain.run(bucket, into: store, .inc)
        #expect(lateRun.failure == nil)
        #expect(lateRun.late == [late])
        #expect(lateRun.files.isEmpty)
        #expect(try await Drain.keys(client, Dataset.inc.changesPrefix) == [late, stray].sorted())
        #expect(try Drain.ledger(databaseURL, .inc, key: late).rows == 0)
        var status = try await store.status(of: .inc)
        await status.inspect(bucket, dataset: .inc, store: store)
        #expect(status.sourceNote == nil)
        #expect(status.late == [late])
        #expect(status.pending == [])
        #expect(!status.isCurrent)

        // --reseed after the files were put back into changes/ (bucket cutover): every file
        // applied again, oldest first, and the same end state.
        try await Drain.upload(Dataset.all.flatMap { stream[$0.name]! }, to: client)
        for dataset in Dataset.all {
            let files = stream[dataset.name]!
            let expectedKeys = (dataset == .inc ? [late] : []) + files.map(\.key)
            let report = await Drain.run(bucket, into: store, dataset, IngestOptions(apply: true, reseed: true))
            #expect(report.failure == nil, "\(dataset): \(report.failure?.message ?? "")")
            #expect(report.reseed)
            #expect(report.files.map(\.key) == expectedKeys)
            #expect(report.late.isEmpty && report.archiveFailed.isEmpty)
            #expect(report.counts.inserted == 0, "\(dataset): a reseed finds every ticket already there")
            Drain.expectSameTickets(try await store.tickets(of: dataset), try await reference.tickets(of: dataset), "\(dataset) after the reseed")
            #expect(try await store.watermark(of: dataset) == reference.watermark(of: dataset))
            #expect(try await Drain.keys(client, dataset.changesPrefix) == (dataset == .inc ? [stray] : []))
            #expect(try await Drain.keys(client, dataset.processedPrefix) == expectedKeys.map { dataset.processedKey(for: $0) }.sorted())
            #expect(try Drain.ledger(databaseURL, dataset, key: files[1].key).applications == 2)
        }
        var after = try await store.status(of: .inc)
        await after.inspect(bucket, dataset: .inc, store: store)
        #expect(after.isCurrent, "late: \(after.late ?? []), pending: \(after.pending ?? [])")
    }
}
