import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Testing

/// Newer state always wins (docs/contract.md §3, per-ticket version guard): however an older file arrives,
/// it never rolls a ticket back; a reseed replays in order and may.
@Suite struct VersionGuardTests {
    let bucket = InMemoryChangeSource()
    let store = InMemoryTicketStore()

    func key(_ hour: Int) -> String { Fixtures.key(.inc, hour: hour) }

    func run(includeLate: Bool = false, reseed: Bool = false, loose: [String]? = nil) async -> IngestReport {
        await IngestEngine(source: bucket, store: store)
            .run(.inc, options: IngestOptions(apply: true, reseed: reseed, includeLate: includeLate, looseFiles: loose))
    }

    func status(_ id: String) -> String? { store.tickets(of: .inc)[id]?["normalized_status"] }

    @Test func aLateFileLeavesTicketsANewerFileWroteAndInsertsItsNewOnes() async throws {
        bucket.put(key(9), text: Fixtures.csv([Fixtures.row("WOT1"), Fixtures.row("WOT2")]))
        bucket.put(key(11), text: Fixtures.csv([Fixtures.row("WOT1", status: "closed", actionable: false)]))
        _ = await run()
        // 10:00 arrives after 11:00 was applied: WOT1 in it is older than what 11:00 wrote.
        bucket.put(key(10), text: Fixtures.csv([
            Fixtures.row("WOT1", status: "in_progress"),  // a newer file wrote it: stale
            Fixtures.row("WOT2", status: "in_progress"),  // only 09:00 wrote it: the late file is newer
            Fixtures.row("WOT3"),                         // new: inserted
        ]))
        let report = await run(includeLate: true)
        #expect(report.failure == nil)
        #expect(report.files.map(\.key) == [key(10)])
        #expect(report.files.first?.counts == ApplyCounts(inserted: 1, updated: 1, stale: 1))
        #expect(status("WOT1") == "closed", "not rolled back to in_progress")
        #expect(status("WOT2") == "in_progress")
        #expect(status("WOT3") == "open")
        let stored = store.storedTickets(of: .inc)
        #expect(stored["WOT1"]?.changeKey == key(11))
        #expect(stored["WOT2"]?.changeKey == key(10))
        #expect(stored["WOT1"]?.writes == 2, "the stale row was not written")
        #expect(store.ledger(of: .inc)[key(10)]?.counts.stale == 1)
    }

    @Test func anIdenticalOlderRowIsUnchangedNotStale() async throws {
        let row = Fixtures.row("WOT1")
        bucket.put(key(11), text: Fixtures.csv([row]))
        _ = await run()
        bucket.put(key(10), text: Fixtures.csv([row]))
        let report = await run(includeLate: true)
        #expect(report.files.first?.counts == ApplyCounts(unchanged: 1))
    }

    @Test func reapplyingTheSameFileMayWriteItsOwnRows() async throws {
        bucket.put(key(10), text: Fixtures.csv([Fixtures.row("WOT1", status: "in_progress")]))
        _ = await run()
        // The same export applied again as a loose copy: equal stamps are the same version.
        let copy = "elsewhere/2026-06-15T10-00-00.csv"
        bucket.put(copy, text: Fixtures.csv([Fixtures.row("WOT1", status: "pending")]))
        let report = await run(loose: [copy])
        #expect(report.files.first?.counts == ApplyCounts(updated: 1))
        #expect(status("WOT1") == "pending")
    }

    @Test func aLooseFileOlderThanTheStoredRowDoesNotRollItBack() async throws {
        bucket.put(key(11), text: Fixtures.csv([Fixtures.row("WOT1", status: "closed", actionable: false)]))
        _ = await run()
        let older = "downloads/2026-06-15T10-00-00.csv"
        bucket.put(older, text: Fixtures.csv([Fixtures.row("WOT1"), Fixtures.row("WOT9")]))
        let report = await run(loose: [older])
        #expect(report.files.first?.counts == ApplyCounts(inserted: 1, stale: 1))
        #expect(status("WOT1") == "closed")
    }

    @Test func aLooseFileWithoutAStampIsTheOldestVersion() async throws {
        bucket.put(key(9), text: Fixtures.csv([Fixtures.row("WOT1")]))
        _ = await run()
        let unstamped = "downloads/fix.csv", later = "downloads/fix-again.csv"
        bucket.put(unstamped, text: Fixtures.csv([Fixtures.row("WOT1", status: "pending"), Fixtures.row("WOT2")]))
        let first = await run(loose: [unstamped])
        #expect(first.files.first?.counts == ApplyCounts(inserted: 1, stale: 1), "never replaces a stamped row")
        #expect(status("WOT1") == "open")
        // Rows an unstamped file wrote are themselves the oldest version: anything may replace them.
        bucket.put(later, text: Fixtures.csv([Fixtures.row("WOT2", status: "pending")]))
        let second = await run(loose: [later])
        #expect(second.files.first?.counts == ApplyCounts(updated: 1))
        bucket.put(key(8), text: Fixtures.csv([Fixtures.row("WOT2", status: "in_progress")]))
        let late = await run(includeLate: true)
        #expect(late.files.first?.counts == ApplyCounts(updated: 1), "a stamped file is newer than an unstamped one")
    }

    @Test func aReseedReplaysInOrderAndMayRewrite() async throws {
        bucket.put(key(9), text: Fixtures.csv([Fixtures.row("WOT1")]))
        bucket.put(key(10), text: Fixtures.csv([Fixtures.row("WOT1", status: "closed", actionable: false)]))
        _ = await run()
        // A cutover bucket holding only the older file: the reseed puts WOT1 back as 09:00 had it.
        for k in bucket.keys { try await bucket.move(k, to: "gone/" + k) }
        bucket.put(key(9), text: Fixtures.csv([Fixtures.row("WOT1")]))
        let report = await run(reseed: true)
        #expect(report.files.first?.counts == ApplyCounts(updated: 1))
        #expect(status("WOT1") == "open")
        #expect(store.storedTickets(of: .inc)["WOT1"]?.changeKey == key(9))
    }

    @Test func theSwiftRuleMatchesItsDocumentedCases() {
        func file(_ key: String) -> ChangeFile { ChangeFile(dataset: .inc, key: key, exportedAt: nil, bytes: 0) }
        #expect(file(key(10)).isOlder(thanRowWrittenBy: key(11)))
        #expect(!file(key(11)).isOlder(thanRowWrittenBy: key(10)))
        #expect(!file(key(10)).isOlder(thanRowWrittenBy: key(10)), "equal stamps: the same version")
        #expect(!file(key(10)).isOlder(thanRowWrittenBy: nil), "rows from before the guard stay replaceable")
        #expect(!file(key(10)).isOlder(thanRowWrittenBy: "loose/notes.csv"))
        #expect(file("loose/notes.csv").isOlder(thanRowWrittenBy: key(1)))
        #expect(!file("loose/notes.csv").isOlder(thanRowWrittenBy: "loose/other.csv"))
        #expect(!file(key(10)).isOlder(thanRowWrittenBy: "x/2026-13-01T00-00-00.csv"), "an impossible stamp is no stamp")
    }
}
