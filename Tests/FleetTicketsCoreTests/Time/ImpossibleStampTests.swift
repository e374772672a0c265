import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Testing

/// A key whose stamp names a moment the calendar does not have (`2026-02-30T10-00-00.csv`) is
/// not a change file: the drain names it with the stray keys, applies the files around it in
/// order, and never applies, archives or moves it.
@Suite struct ImpossibleStampTests {
    static let impossible = "automations/inc/changes/2026-02-30T10-00-00.csv"
    static let before = Fixtures.key(.inc, day: 28, hour: 9, month: 2)
    static let after = Fixtures.key(.inc, day: 2, hour: 9, month: 3)
    /// What each key would write: the impossible file's ticket must never reach the store.
    static let files: [(key: String, csv: String)] = [
        (before, Fixtures.csv([Fixtures.row("WOTFEB")])),
        (impossible, Fixtures.csv([Fixtures.row("WOTNEVER"), Fixtures.row("WOTFEB", status: "closed", actionable: false)])),
        (after, Fixtures.csv([Fixtures.row("WOTMAR")])),
    ]

    func drain(_ source: any ChangeSource, _ store: InMemoryTicketStore) async -> IngestReport {
        await IngestEngine(source: source, store: store).run(.inc, options: IngestOptions(apply: true))
    }

    func expectNamedAndNotApplied(_ report: IngestReport, _ store: InMemoryTicketStore, left: [String],
                                  sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(report.failure == nil, "\(report.failure?.message ?? "")", sourceLocation: sourceLocation)
        #expect(report.stray == [Self.impossible], sourceLocation: sourceLocation)
        #expect(report.files.map(\.key) == [Self.before, Self.after], sourceLocation: sourceLocation)
        #expect(report.files.allSatisfy { $0.archived }, sourceLocation: sourceLocation)
        #expect(store.tickets(of: .inc)["WOTNEVER"] == nil, sourceLocation: sourceLocation)
        #expect(store.tickets(of: .inc)["WOTFEB"]?["normalized_status"] == "open", sourceLocation: sourceLocation)
        #expect(store.tickets(of: .inc)["WOTMAR"] != nil, sourceLocation: sourceLocation)
        #expect(try await store.watermark(of: .inc) == Self.after, sourceLocation: sourceLocation)
        #expect(left == [Self.impossible], "only the impossible key is left in changes/", sourceLocation: sourceLocation)
    }

    @Test func fromTheInMemorySource() async throws {
        let bucket = InMemoryChangeSource()
        for file in Self.files { bucket.put(file.key, text: file.csv) }
        let store = InMemoryTicketStore()
        let report = await drain(bucket, store)
        try await expectNamedAndNotApplied(report, store, left: bucket.keys.filter { $0.hasPrefix(Dataset.inc.changesPrefix) })
        #expect(bucket.object(Dataset.inc.processedKey(for: Self.impossible)) == nil, "never archived")
        #expect(bucket.object(Self.impossible) != nil)

        // And it stays a stray on the next run, which applies nothing.
        let again = await drain(bucket, store)
        #expect(again.stray == [Self.impossible] && again.files.isEmpty)
    }

    @Test func fromAFolder() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ft-impossible-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for file in Self.files {
            let url = root.appendingPathComponent(file.key)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.csv.utf8).write(to: url)
        }
        let folder = LocalFolderChangeSource(root: root)
        let store = InMemoryTicketStore()
        let report = await drain(folder, store)
        let left = try await folder.list(prefix: Dataset.inc.changesPrefix).map(\.key)
        try await expectNamedAndNotApplied(report, store, left: left)
        let archived = try await folder.list(prefix: Dataset.inc.processedPrefix).map(\.key).sorted()
        #expect(archived == [Self.before, Self.after].map { Dataset.inc.processedKey(for: $0) })
    }

    @Test func theDrainPlanListsItWithTheStrays() {
        let listing = Self.files.map { SourceObject(key: $0.key, size: 10) }
        let plan = DrainPlan.make(listing, dataset: .inc, watermark: nil, applied: [], reseed: false, includeLate: false)
        #expect(plan.stray == [Self.impossible])
        #expect(plan.toApply.map(\.object.key) == [Self.before, Self.after])
        // With a watermark past it, it is still a stray, never a late file.
        let later = DrainPlan.make(listing, dataset: .inc, watermark: Self.after, applied: [Self.before, Self.after],
                                   reseed: false, includeLate: true)
        #expect(later.stray == [Self.impossible] && later.late.isEmpty && later.toApply.isEmpty)
    }
}
