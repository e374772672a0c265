import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Testing

/// Nothing is skipped silently and a failed hook is never forgotten (docs/contract.md §3).
@Suite struct NothingSilentTests {
    let bucket = InMemoryChangeSource(chunkSize: 97)
    let store = InMemoryTicketStore()

    func run(_ source: (any ChangeSource)? = nil, store: (any TicketStore)? = nil, apply: Bool = true) async -> IngestReport {
        await IngestEngine(source: source ?? bucket, store: store ?? self.store).run(.inc, options: IngestOptions(apply: apply))
    }

    @Test func aFailedHookIsRememberedAndRetriedByARunWithNothingNew() async throws {
        bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv([Fixtures.row("WOT1")]))
        let failing = FailingTicketStore(wrapping: store, failOn: [], failingHooks: 1)
        let first = await run(store: failing)
        #expect(first.failure?.kind == .dependency)
        #expect(first.failure?.message.contains("capture_history") == true)
        #expect(first.files.count == 1, "the file itself committed")
        #expect(try await store.pendingHooks(of: .inc) == [.captureHistory])
        #expect(store.hookRuns(of: .inc).isEmpty)

        let dry = await run(store: failing, apply: false)
        #expect(dry.hooks == ["capture_history"] && dry.pendingHooksRetried == ["capture_history"])
        #expect(store.hookRuns(of: .inc).isEmpty, "a dry run runs nothing")

        let second = await run(store: failing)
        #expect(second.failure == nil)
        #expect(second.files.isEmpty)
        #expect(second.hooks == ["capture_history"] && second.pendingHooksRetried == ["capture_history"])
        #expect(!second.isNoOp, "a run that retried a hook did something")
        #expect(store.hookRuns(of: .inc) == [.captureHistory])
        #expect(try await store.pendingHooks(of: .inc).isEmpty)

        let third = await run(store: failing)
        #expect(third.isNoOp && third.hooks.isEmpty, "once it succeeded nothing is owed")
    }

    @Test func aHookKilledBeforeItRanIsStillOwed() async throws {
        // A run that committed a file marks its hooks as owed before running them: a kill between
        // the commit and the hook (simulated by marking and not running) leaves them owed.
        try await store.setPendingHooks([.captureHistory], of: .inc)
        let report = await run()
        #expect(report.hooks == ["capture_history"])
        #expect(store.hookRuns(of: .inc) == [.captureHistory])
    }

    @Test func aDuplicateHeaderIsNamedInTheFileReport() async throws {
        let text = "ticket_id,region,normalized_status,region\nWOT1,Nairobi,open,Kiambu\n"
        bucket.put(Fixtures.key(.inc, hour: 9), text: text)
        let report = await run()
        #expect(report.failure == nil)
        #expect(report.files.first?.duplicateColumns == ["region"])
        #expect(store.tickets(of: .inc)["WOT1"]?["region"] == "kiambu", "the last is kept")
    }

    @Test func aDirectoryAndALinkLeavingTheRootAreNamedNotSkippedSilently() async throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("ft-silent-\(UUID().uuidString)")
        let outside = fm.temporaryDirectory.appendingPathComponent("ft-outside-\(UUID().uuidString).csv")
        defer { try? fm.removeItem(at: root); try? fm.removeItem(at: outside) }
        let changes = root.appendingPathComponent(Dataset.inc.changesPrefix)
        try fm.createDirectory(at: changes, withIntermediateDirectories: true)
        try Fixtures.csv([Fixtures.row("WOT1")]).write(to: changes.appendingPathComponent("2026-06-15T09-00-00.csv"), atomically: true, encoding: .utf8)
        try Fixtures.csv([Fixtures.row("EVIL")]).write(to: outside, atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(at: changes.appendingPathComponent("2026-06-15T10-00-00.csv"), withDestinationURL: outside)
        try fm.createDirectory(at: changes.appendingPathComponent("2026-06-15T11-00-00.csv"), withIntermediateDirectories: true)
        // A link to a file inside the root is an ordinary file.
        try Fixtures.csv([Fixtures.row("WOT3")]).write(to: root.appendingPathComponent("inside.csv"), atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(at: changes.appendingPathComponent("2026-06-15T12-00-00.csv"), withDestinationURL: root.appendingPathComponent("inside.csv"))

        let report = await run(LocalFolderChangeSource(root: root))
        #expect(report.failure == nil)
        #expect(report.files.map { $0.key.split(separator: "/").last! } == ["2026-06-15T09-00-00.csv", "2026-06-15T12-00-00.csv"])
        #expect(report.skipped.map { $0.key.split(separator: "/").last! } == ["2026-06-15T10-00-00.csv", "2026-06-15T11-00-00.csv"])
        #expect(report.skipped[0].reason.contains("leaves the folder"))
        #expect(report.skipped[1].reason.contains("directory"))
        #expect(store.tickets(of: .inc)["EVIL"] == nil)
        #expect(!report.isNoOp)
    }
}
