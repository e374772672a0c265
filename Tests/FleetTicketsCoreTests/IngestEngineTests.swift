import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Testing

/// The drain's rules (docs/contract.md §3), end to end through the engine against the in-memory seams.
@Suite struct IngestEngineTests {
    let bucket = InMemoryChangeSource(chunkSize: 97)  // small chunks: records straddle chunks
    let store = InMemoryTicketStore()

    func key(_ hour: Int, _ minute: Int = 0, _ dataset: Dataset = .inc) -> String {
        Fixtures.key(dataset, hour: hour, minute: minute)
    }

    func put(_ hour: Int, _ rows: [[String: String]], minute: Int = 0, dataset: Dataset = .inc) {
        bucket.put(key(hour, minute, dataset), text: Fixtures.csv(rows))
    }

    func run(_ dataset: Dataset = .inc, apply: Bool = true, reseed: Bool = false, includeLate: Bool = false,
             source: (any ChangeSource)? = nil, store: (any TicketStore)? = nil) async -> IngestReport {
        await IngestEngine(source: source ?? bucket, store: store ?? self.store)
            .run(dataset, options: IngestOptions(apply: apply, reseed: reseed, includeLate: includeLate))
    }

    @Test func appliesFilesOldestFirstWhateverTheListingOrder() async throws {
        put(11, [Fixtures.row("WOT1", status: "closed", actionable: false)])
        put(9, [Fixtures.row("WOT1", status: "open")])
        put(10, [Fixtures.row("WOT1", status: "in_progress")])
        let report = await run()
        #expect(report.failure == nil)
        #expect(report.files.map(\.key) == [key(9), key(10), key(11)])
        #expect(store.tickets(of: .inc)["WOT1"]?["normalized_status"] == "closed")
        #expect(try await store.watermark(of: .inc) == key(11))
        #expect(report.watermarkBefore == nil && report.watermarkAfter == key(11))
    }

    @Test func aSecondRunIsAQuietNoOp() async throws {
        put(9, [Fixtures.row("WOT1")])
        _ = await run()
        let again = await run()
        #expect(again.isNoOp)
        #expect(again.hooks.isEmpty)
        #expect(store.commits == 1)
    }

    @Test func archivesEachFileAfterItsCommit() async throws {
        put(9, [Fixtures.row("WOT1")])
        put(10, [Fixtures.row("WOT2")])
        let report = await run()
        #expect(report.files.allSatisfy { $0.archived })
        #expect(bucket.keys == ["automations/inc/processed/2026-06-15T09-00-00.csv", "automations/inc/processed/2026-06-15T10-00-00.csv"])
    }

    @Test func ignoresAndReportsStrayKeys() async throws {
        put(9, [Fixtures.row("WOT1")])
        let stray = ["automations/inc/changes/latest.csv", "automations/inc/changes/2026-06-15T10-00-00.csv.part",
                     "automations/inc/changes/old/2026-06-15T08-00-00.csv"]
        for s in stray { bucket.put(s, text: "junk") }
        let report = await run()
        #expect(report.failure == nil)
        #expect(report.stray == stray.sorted())
        #expect(report.files.count == 1)
        for s in stray { #expect(bucket.object(s) != nil, "stray key left in place") }
    }

    @Test func lateFilesAreReportedLeftInPlaceAndAppliedOnlyOnRequest() async throws {
        put(10, [Fixtures.row("WOT1", status: "in_progress")])
        _ = await run()
        put(9, [Fixtures.row("WOT2")])  // arrives after 10:00 was applied
        let report = await run()
        #expect(report.late == [key(9)])
        #expect(report.files.isEmpty)
        #expect(bucket.object(key(9)) != nil)
        #expect(store.tickets(of: .inc)["WOT2"] == nil)

        let included = await run(includeLate: true)
        #expect(included.files.map(\.key) == [key(9)])
        #expect(included.files.first?.late == true)
        #expect(store.tickets(of: .inc)["WOT2"] != nil)
        #expect(try await store.watermark(of: .inc) == key(10), "the watermark never moves back")
    }

    @Test func aDryRunWritesNothingMovesNothingAndCountsExactly() async throws {
        put(9, [Fixtures.row("WOT1"), Fixtures.row("WOT2")])
        put(10, [Fixtures.row("WOT1", status: "in_progress"), Fixtures.row("WOT3")])
        let before = bucket.keys
        let dry = await run(apply: false)
        #expect(dry.mode == .dryRun)
        #expect(bucket.keys == before)
        #expect(store.commits == 0)
        #expect(try await store.watermark(of: .inc) == nil)
        #expect(store.hookRuns(of: .inc).isEmpty)
        #expect(dry.hooks == ["capture_history"], "reports the hook it would run")

        let real = await run()
        #expect(dry.files.map(\.counts) == real.files.map(\.counts))
        #expect(real.files.map(\.counts) == [ApplyCounts(inserted: 2), ApplyCounts(inserted: 1, updated: 1)])
    }

    @Test func reseedAppliesEveryFileAndConverges() async throws {
        let rows1 = [Fixtures.row("WOT1"), Fixtures.row("WOT2")]
        let rows2 = [Fixtures.row("WOT1", status: "closed", actionable: false)]
        put(9, rows1)
        put(10, rows2)
        _ = await run()
        let expected = store.tickets(of: .inc)

        // Cutover: a new bucket whose stream is older than the stored watermark.
        let newBucket = InMemoryChangeSource()
        newBucket.put(Fixtures.key(.inc, day: 14, hour: 9), text: Fixtures.csv(rows1))
        newBucket.put(Fixtures.key(.inc, day: 14, hour: 10), text: Fixtures.csv(rows2))
        let normal = await run(apply: false, source: newBucket)
        #expect(normal.files.isEmpty && normal.late.count == 2)
        let reseed = await run(reseed: true, source: newBucket)
        #expect(reseed.files.count == 2)
        // Replayed from the start: WOT1 goes back to open, then closes again; WOT2 is unchanged.
        #expect(reseed.counts == ApplyCounts(updated: 2, unchanged: 1))
        #expect(store.tickets(of: .inc) == expected)
        #expect(try await store.watermark(of: .inc) == key(10))
    }

    @Test func aStoreFailureOnFileKKeepsEarlierFilesAndTheWatermarkBeforeK() async throws {
        for h in 9...12 { put(h, [Fixtures.row("WOT\(h)")]) }
        let failing = FailingTicketStore(wrapping: store, failOn: [3])
        let report = await run(store: failing)
        #expect(report.failure?.kind == .dependency)
        #expect(report.failure?.key == key(11))
        #expect(report.failure?.message.contains("injected store failure") == true)
        #expect(Set(store.tickets(of: .inc).keys) == ["WOT9", "WOT10"])
        #expect(try await store.watermark(of: .inc) == key(10))
        #expect(bucket.object(key(11)) != nil && bucket.object(key(12)) != nil)

        let rerun = await run()
        #expect(rerun.files.map(\.key) == [key(11), key(12)])
        #expect(Set(store.tickets(of: .inc).keys) == ["WOT9", "WOT10", "WOT11", "WOT12"])
    }

    @Test func aFailedMoveIsRetriedWithoutReapplying() async throws {
        put(9, [Fixtures.row("WOT1")])
        put(10, [Fixtures.row("WOT2")])
        let faulty = FaultyChangeSource(wrapping: bucket)
        faulty.fail(.move, on: key(9), times: 1)
        let first = await run(source: faulty)
        #expect(first.failure == nil)
        #expect(first.archiveFailed.map(\.key) == [key(9)])
        #expect(first.files.map(\.archived) == [false, true])
        #expect(store.commits == 2)

        let second = await run(source: faulty)
        #expect(second.archiveRetried == [key(9)])
        #expect(second.files.isEmpty && second.late.isEmpty)
        #expect(store.commits == 2, "not applied again")
        #expect(store.ledger(of: .inc)[key(9)]?.applications == 1)
        #expect(bucket.object("automations/inc/processed/2026-06-15T09-00-00.csv") != nil)
        #expect(bucket.object(key(9)) == nil)
    }

    @Test func aBadFileStopsTheDrainNamingKeyAndLine() async throws {
        put(9, [Fixtures.row("WOT1")])
        bucket.put(key(10), text: Fixtures.csv([Fixtures.row("WOT2")]) + "WOT3,\"unclosed\n")
        put(11, [Fixtures.row("WOT4")])
        let report = await run()
        let failure = try #require(report.failure)
        #expect(failure.kind == .data)
        #expect(failure.key == key(10))
        #expect(failure.line == 3)
        #expect(failure.message.contains(key(10)) && failure.message.contains("line 3"))
        #expect(Set(store.tickets(of: .inc).keys) == ["WOT1"], "nothing of the bad file, nothing after it")
        #expect(try await store.watermark(of: .inc) == key(9))
        #expect(bucket.object(key(10)) != nil && bucket.object(key(11)) != nil)
        #expect(store.hookRuns(of: .inc) == [.captureHistory], "what was applied still gets its hook")
    }

    @Test func aReadThatFailsMidwayAppliesNothingOfTheFile() async throws {
        put(9, (1...300).map { Fixtures.row("WOT\($0)") })
        let faulty = FaultyChangeSource(wrapping: bucket)
        faulty.fail(.readMidway, on: key(9), times: 1)
        let report = await run(source: faulty)
        #expect(report.failure?.kind == .dependency)
        #expect(store.tickets(of: .inc).isEmpty)
        #expect(try await store.watermark(of: .inc) == nil)
        let rerun = await run(source: faulty)
        #expect(rerun.failure == nil)
        #expect(store.tickets(of: .inc).count == 300)
    }

    @Test func anIdenticalReemissionIsUnchangedAndNotRewritten() async throws {
        let rows = [Fixtures.row("WOT1"), Fixtures.row("WOT2")]
        put(9, rows)
        put(10, rows)
        let report = await run()
        #expect(report.files.map(\.counts) == [ApplyCounts(inserted: 2), ApplyCounts(unchanged: 2)])
        #expect(store.storedTickets(of: .inc).values.allSatisfy { $0.writes == 1 })
    }

    @Test func aBusyDatasetIsReportedAndLeftAlone() async throws {
        put(9, [Fixtures.row("WOT1")])
        let report = try await store.withExclusiveAccess(to: .inc) { await run() }
        #expect(report?.busy == true)
        #expect(report?.failure == nil)
        #expect(store.commits == 0)
        let other = try await store.withExclusiveAccess(to: .inc) { await run(.crq) }
        #expect(other?.busy == false, "the lock is per dataset")
    }

    @Test func eachDatasetRunsItsOwnHookOncePerApplyingRun() async throws {
        put(9, [Fixtures.row("WOT1")])
        put(10, [Fixtures.row("WOT2")])
        put(9, [Fixtures.row("CRQ1")], dataset: .crq)
        let inc = await run(.inc)
        let crq = await run(.crq)
        _ = await run(.inc)
        #expect(inc.hooks == ["capture_history"])
        #expect(crq.hooks == ["capture_crq_history"])
        #expect(store.hookRuns(of: .inc) == [.captureHistory])
        #expect(store.hookRuns(of: .crq) == [.captureCRQHistory])
        #expect(store.tickets(of: .crq).keys.sorted() == ["CRQ1"])
    }

    @Test func cleaningIsCountedByReason() async throws {
        put(9, [
            Fixtures.row("WOT1"), Fixtures.row("ALM1", alarm: true), Fixtures.row("WOT1", status: "in_progress"),
            Fixtures.row("WOT2"), Fixtures.row(""), Fixtures.row("EXPORT STOPPED (limit)"),
        ])
        let report = await run()
        let file = try #require(report.files.first)
        #expect(file.rowsRead == 6)
        #expect(file.dropped == [.alarm: 1, .sentinel: 1, .missingTicketID: 1, .superseded: 1])
        #expect(file.counts == ApplyCounts(inserted: 2))
        #expect(store.tickets(of: .inc)["WOT1"]?["normalized_status"] == "in_progress", "last row wins")
        #expect(store.tickets(of: .inc)["WOT1"] == RawRecord(Fixtures.cleanedRaw(Fixtures.row("WOT1", status: "in_progress"))))
    }

    @Test func headerDriftIsKeptInRawAndReported() async throws {
        put(9, [Fixtures.row("WOT1", extra: ["escalation_level": "L2"])])
        let report = await run()
        #expect(report.files.first?.extraColumns == ["escalation_level"])
        #expect(store.tickets(of: .inc)["WOT1"]?["escalation_level"] == "L2")
    }

    @Test func looseFilesApplyInNameOrderWithoutWatermarkOrArchive() async throws {
        let a = "x/2026-06-15T10-00-00.csv", b = "y/2026-06-15T09-00-00.csv"
        bucket.put(a, text: Fixtures.csv([Fixtures.row("WOT1", status: "closed", actionable: false)]))
        bucket.put(b, text: Fixtures.csv([Fixtures.row("WOT1")]))
        let report = await IngestEngine(source: bucket, store: store).run(.inc, options: IngestOptions(apply: true, looseFiles: [a, b]))
        #expect(report.files.map(\.key) == [b, a])
        #expect(store.tickets(of: .inc)["WOT1"]?["normalized_status"] == "closed")
        #expect(try await store.watermark(of: .inc) == nil)
        #expect(bucket.keys == [a, b])
    }

    @Test func aLocalFolderDrainsAndArchivesLikeTheBucket() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ft-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try StreamSimulator(.init(tickets: 40, days: 1, seed: 3)).write(to: root, datasets: [.inc])
        let folder = LocalFolderChangeSource(root: root)
        let listed = try await folder.list(prefix: Dataset.inc.changesPrefix).count
        let report = await run(source: folder)
        #expect(report.failure == nil)
        #expect(report.files.count == listed)
        #expect(try await folder.list(prefix: Dataset.inc.changesPrefix).isEmpty)
        #expect(try await folder.list(prefix: Dataset.inc.processedPrefix).count == listed)
        #expect(store.tickets(of: .inc).count == 40)
    }
}
