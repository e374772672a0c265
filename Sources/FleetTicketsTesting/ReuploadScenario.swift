import FleetTicketsCore
import Foundation

/// The re-upload story, run against any store and source, so the hermetic suites and the live
/// ones (PostgreSQL from a folder, from a bucket) check the same outcomes:
///
/// 1. `A` (09:00) and `B` (10:00) are applied and archived.
/// 2. `A` comes back with other bytes, `C` (11:00) is new: `A` is named (both fingerprints)
///    in the report, the run record and `status`, neither applied nor archived, `C` drains,
///    and `status --check` fails with a `reuploaded` problem.
/// 3. `B` comes back with the same bytes (a retried archive): moved quietly.
/// 4. `ingest --reapply A --apply`: `A` applied under the version guard (its row for a ticket
///    `B` wrote is stale), archived, its new fingerprint in the ledger; `status` is healthy.
///
/// `run()` returns what went against that story, one sentence each: empty when all held.
/// Not safe to share between tasks: it drives one dataset of one store step by step.
public struct ReuploadScenario {
    /// Writes (or overwrites) one object of the source.
    public typealias Put = @Sendable (_ key: String, _ bytes: [UInt8]) async throws -> Void

    /// Where the files are listed, read and moved.
    public let source: any ChangeSource
    /// The store under test: ledger, run log and status.
    public let store: any TicketStore & TicketStoreStatus & IngestRunLog
    /// How the story writes a file into `source`.
    public let put: Put
    /// The dataset the story drains.
    public let dataset: Dataset

    /// A scenario on `dataset` (whose `changes/` and ledger must start empty).
    public init(source: any ChangeSource, store: any TicketStore & TicketStoreStatus & IngestRunLog, dataset: Dataset = .inc,
                put: @escaping Put) {
        self.source = source
        self.store = store
        self.dataset = dataset
        self.put = put
    }

    /// The file that is re-uploaded (09:00).
    public var keyA: String { Fixtures.key(dataset, hour: 9) }
    /// The file whose archive is retried with its own bytes (10:00).
    public var keyB: String { Fixtures.key(dataset, hour: 10) }
    /// The file that arrives with the re-upload and drains as usual (11:00).
    public var keyC: String { Fixtures.key(dataset, hour: 11) }

    var bytesA: [UInt8] { file([Fixtures.row("R1")]) }
    var bytesB: [UInt8] { file([Fixtures.row("R2")]) }
    var bytesC: [UInt8] { file([Fixtures.row("R4")]) }
    /// `A` rewritten: R1 closed, R2 changed (B wrote R2 later: stale), R3 new; longer than `A`.
    var bytesA2: [UInt8] {
        file([Fixtures.row("R1", status: "closed", actionable: false, closedAt: "2026-06-15 08:30:00"),
              Fixtures.row("R2", cluster: "Embakasi"), Fixtures.row("R3")])
    }

    func file(_ rows: [[String: String]]) -> [UInt8] { Array(Fixtures.csv(rows).utf8) }

    /// Runs the story; returns what did not hold.
    public func run() async throws -> [String] {
        var wrong: [String] = []
        func check(_ ok: Bool, _ what: @autoclosure () -> String) { if !ok { wrong.append(what()) } }
        let engine = IngestEngine(source: source, store: store)
        var recording = engine
        recording.recorder = RunRecorder(mode: .cli, log: store)

        try await put(keyA, bytesA)
        try await put(keyB, bytesB)
        let first = await engine.run(dataset, options: IngestOptions(apply: true))
        check(first.failure == nil && first.files.map(\.key) == [keyA, keyB], "the first run applies A and B: \(summary(first))")

        // 2. Other bytes under A's key, and a new file.
        try await put(keyA, bytesA2)
        try await put(keyC, bytesC)
        let second = await recording.run(dataset, options: IngestOptions(apply: true))
        check(second.failure == nil, "the re-upload run does not fail: \(summary(second))")
        check(second.files.map(\.key) == [keyC], "the re-upload run applies C alone: \(summary(second))")
        let expected = Reupload(key: keyA, applied: FileFingerprint(bytes: Int64(bytesA.count)),
                                now: FileFingerprint(bytes: Int64(bytesA2.count)))
        check(second.reuploaded.map(\.key) == [keyA], "the report names A as re-uploaded: \(summary(second))")
        if let named = second.reuploaded.first {
            check(named.applied.bytes == expected.applied.bytes && named.now.bytes == expected.now.bytes,
                  "the report gives both sizes of A (\(expected.summary)): \(named.summary)")
            check(named.applied.etag == nil || named.now.etag == nil || named.applied.etag != named.now.etag,
                  "two ETags, when the source has them, differ: \(named.summary)")
        }
        check(second.archiveRetried.isEmpty, "A is not archived as a retried move: \(summary(second))")
        let changes = try await keys(dataset.changesPrefix)
        check(changes == [keyA], "A stays in changes/, C is archived: \(changes)")
        let run = try await store.recentRuns(of: dataset, limit: 1).first
        check(run?.reuploaded.map(\.key) == [keyA], "the run record names A: \(String(describing: run?.reuploaded))")
        check(run?.reuploaded.first?.now.bytes == expected.now.bytes, "the run record keeps A's new size")
        let unhealthy = try await status()
        check(unhealthy.problems.map(\.kind) == [.reuploaded] && unhealthy.exitCode == 4,
              "status --check fails with a reuploaded problem (exit 4): \(unhealthy.problems) exit \(unhealthy.exitCode)")
        check(unhealthy.datasets.first?.reuploaded?.map(\.key) == [keyA], "status names A")
        check(unhealthy.problems.first.map { $0.message.contains(keyA) && $0.message.contains("--reapply") } ?? false,
              "the problem names A and says how to act: \(unhealthy.problems)")

        // 3. B again with its bytes: a retried archive, quiet.
        try await put(keyB, bytesB)
        let third = await engine.run(dataset, options: IngestOptions(apply: true))
        check(third.archiveRetried == [keyB] && third.files.isEmpty && third.reuploaded.map(\.key) == [keyA],
              "the same bytes are moved quietly, A still named: \(summary(third))")
        check(try await keys(dataset.changesPrefix) == [keyA], "B moved again")

        // 4. The operator reapplies A.
        let fourth = await recording.run(dataset, options: IngestOptions(apply: true, reapply: keyA))
        check(fourth.failure == nil && fourth.files.map(\.key) == [keyA] && fourth.reuploaded.isEmpty,
              "--reapply applies A alone: \(summary(fourth))")
        if let a = fourth.files.first {
            check(a.reapplied && a.archived, "A is marked reapplied and archived: reapplied \(a.reapplied) archived \(a.archived)")
            check(a.counts == ApplyCounts(inserted: 1, updated: 1, stale: 1),
                  "R3 inserted, R1 updated, R2 stale (B, newer, wrote it): \(a.counts)")
        }
        check(try await keys(dataset.changesPrefix).isEmpty, "changes/ is empty after the reapply")
        check(try await keys(dataset.processedPrefix) == [keyA, keyB, keyC].map(dataset.processedKey(for:)), "processed/ holds A, B and C")
        check(try await store.watermark(of: dataset) == keyC, "the watermark stays at C")
        let ledger = try await store.appliedFingerprints(of: dataset, among: [keyA])
        check(ledger[keyA]?.bytes == Int64(bytesA2.count), "the ledger holds A's new size: \(String(describing: ledger[keyA]))")
        let healthy = try await status()
        check(healthy.problems.isEmpty && healthy.exitCode == 0, "status is healthy again: \(healthy.problems)")

        // The same bytes once more (a failed move of the reapplied file): quiet.
        try await put(keyA, bytesA2)
        let fifth = await engine.run(dataset, options: IngestOptions(apply: true))
        check(fifth.reuploaded.isEmpty && fifth.archiveRetried == [keyA], "A's new bytes are now the applied ones: \(summary(fifth))")
        return wrong
    }

    /// `status --check` at 11:30 EAT on the fixtures' day, 45 minutes allowed.
    func status() async throws -> HealthReport {
        let now = EAT.date(year: 2026, month: 6, day: 15, hour: 11, minute: 30)
        return try await StatusReader(store: store, runs: store, source: .listing(source), check: HealthCheck(maxAge: 45 * 60),
                                      clock: WallClock { now }).read([dataset])
    }

    func keys(_ prefix: String) async throws -> [String] {
        try await source.list(prefix: prefix).map(\.key).sorted()
    }

    func summary(_ r: IngestReport) -> String {
        "files \(r.files.map(\.key)), reuploaded \(r.reuploaded.map(\.summary)), retried \(r.archiveRetried), "
            + "failure \(r.failure?.message ?? "none")"
    }
}
