import Foundation
import Synchronization

/// A ticket store in memory with a database's transactional semantics: an `apply` that throws
/// leaves no trace, the watermark and ledger move with the rows, the dataset lock is exclusive.
///
/// For tests, the demo's dry runs and embedders' tests. Its read accessors (`tickets(of:)`,
/// `ledger(of:)`, …) let a test compare its state with another store's.
public final class InMemoryTicketStore: TicketStore {
    /// A stored ticket and how often it was written (to prove re-emissions do not churn).
    public struct StoredTicket: Sendable, Hashable {
        public var raw: RawRecord
        public var writes: Int
        public var ingestedAt: Date
        /// The key of the file that last wrote `raw` (the version guard's memory), as the
        /// database's `change_key` column holds it.
        public var changeKey: String?
    }

    /// One ledger entry: a file applied.
    public struct LedgerEntry: Sendable, Hashable {
        public var key: String
        public var etag: String?
        public var bytes: Int64
        public var rowsRead: Int
        public var dropped: [DropReason: Int]
        public var counts: ApplyCounts
        public var applications: Int
        public var appliedAt: Date
    }

    struct State: Sendable {
        var tables: [String: [String: StoredTicket]] = [:]
        var watermarks: [String: String] = [:]
        var metadata: [String: [String: String]] = [:]
        var ledger: [String: [String: LedgerEntry]] = [:]
        var hookRuns: [String: [PostApplyHook]] = [:]
        var pendingHooks: [String: [PostApplyHook]] = [:]
        var applies = 0
        var clusters: [String: ClusterAnswer] = [:]
        /// Clusters the provider did not know, and when that was last asked.
        var clusterMisses: [String: Date] = [:]
        /// The last request sent to each provider, by any run.
        var geocoderRequests: [String: Date] = [:]
        var locations: [String: (answer: LocationAnswer, at: Date, attempts: Int)] = [:]
        /// `geo_source` per dataset and ticket, as the database trigger would keep it.
        var geoSources: [String: [String: String]] = [:]
        /// Runs recorded (`InMemoryTicketStore+Runs.swift`), oldest first.
        var runs: [IngestRun] = []
    }

    let state: Mutex<State>
    let locks: Mutex<Set<String>>
    let clock: WallClock

    /// An empty store.
    public convenience init(clock: WallClock = .system) {
        self.init(state: State(), clock: clock)
    }

    init(state: State, clock: WallClock) {
        self.state = Mutex(state)
        self.locks = Mutex([])
        self.clock = clock
    }

    // MARK: TicketStore

    public func watermark(of dataset: Dataset) async throws -> String? {
        state.withLock { $0.watermarks[dataset.name] }
    }

    public func appliedKeys(of dataset: Dataset, among keys: [String]) async throws -> Set<String> {
        Set(try await appliedFingerprints(of: dataset, among: keys).keys)
    }

    public func appliedFingerprints(of dataset: Dataset, among keys: [String]) async throws -> [String: FileFingerprint] {
        state.withLock { s in
            keys.reduce(into: [:]) { out, key in
                if let entry = s.ledger[dataset.name]?[key] { out[key] = FileFingerprint(etag: entry.etag, bytes: entry.bytes) }
            }
        }
    }

    public func apply(_ file: ChangeFile, rows: RowBatches) async throws -> ApplyCounts {
        // Stage the whole file first (last row wins); commit only once every row has arrived.
        var staged: [String: RawRecord] = [:]
        for try await batch in rows {
            for row in batch { staged[row.ticketID] = row.raw }
        }
        let tally = rows.tally.snapshot
        let now = clock.now
        return state.withLock { s in
            var table = s.tables[file.dataset.name] ?? [:]
            var counts = ApplyCounts()
            for (id, raw) in staged {
                if let existing = table[id] {
                    if existing.raw == raw {
                        counts.unchanged += 1
                    } else if !file.rewritesNewer && file.isOlder(thanRowWrittenBy: existing.changeKey) {
                        counts.stale += 1
                    } else {
                        counts.updated += 1
                        table[id] = StoredTicket(raw: raw, writes: existing.writes + 1, ingestedAt: now, changeKey: file.key)
                    }
                } else {
                    counts.inserted += 1
                    table[id] = StoredTicket(raw: raw, writes: 1, ingestedAt: now, changeKey: file.key)
                }
            }
            s.tables[file.dataset.name] = table
            for id in staged.keys { s.geoSources[file.dataset.name, default: [:]][id] = s.geoSource(of: table[id]!.raw) }
            let previous = s.ledger[file.dataset.name]?[file.key]
            s.ledger[file.dataset.name, default: [:]][file.key] = LedgerEntry(
                key: file.key, etag: file.etag, bytes: tally.bytesRead, rowsRead: tally.rowsRead, dropped: tally.dropped,
                counts: counts, applications: (previous?.applications ?? 0) + 1, appliedAt: now)
            if file.advancesWatermark {
                s.watermarks[file.dataset.name] = ChangeKey.watermark(s.watermarks[file.dataset.name], advancedTo: file.key)
            }
            s.metadata[file.dataset.name] = [
                "source_max_key": s.watermarks[file.dataset.name] ?? "",
                "last_file": file.key,
                "rows_read": "\(tally.rowsRead)",
            ]
            s.applies += 1
            return counts
        }
    }

    public func runHook(_ hook: PostApplyHook, for dataset: Dataset) async throws {
        state.withLock { $0.hookRuns[dataset.name, default: []].append(hook) }
    }

    public func pendingHooks(of dataset: Dataset) async throws -> [PostApplyHook] {
        state.withLock { $0.pendingHooks[dataset.name] ?? [] }
    }

    public func setPendingHooks(_ hooks: [PostApplyHook], of dataset: Dataset) async throws {
        state.withLock { $0.pendingHooks[dataset.name] = hooks.isEmpty ? nil : hooks }
    }

    public func withExclusiveAccess<T: Sendable>(to dataset: Dataset, _ body: () async throws -> T) async throws -> T? {
        guard locks.withLock({ $0.insert(dataset.name).inserted }) else { return nil }
        defer { _ = locks.withLock { $0.remove(dataset.name) } }
        return try await body()
    }

    public func rehearse<T: Sendable>(_ body: (any TicketStore) async throws -> T) async throws -> T {
        let scratch = InMemoryTicketStore(state: state.withLock { $0 }, clock: clock)
        return try await body(scratch)
    }

    // MARK: Reading, for tests and embedders

    /// Every ticket of a dataset: `ticket_id` → `raw`.
    public func tickets(of dataset: Dataset) -> [String: RawRecord] {
        state.withLock { ($0.tables[dataset.name] ?? [:]).mapValues(\.raw) }
    }

    /// Every stored ticket of a dataset with its write count.
    public func storedTickets(of dataset: Dataset) -> [String: StoredTicket] {
        state.withLock { $0.tables[dataset.name] ?? [:] }
    }

    /// The file ledger of a dataset, by key.
    public func ledger(of dataset: Dataset) -> [String: LedgerEntry] {
        state.withLock { $0.ledger[dataset.name] ?? [:] }
    }

    /// Hooks run for a dataset, in order.
    public func hookRuns(of dataset: Dataset) -> [PostApplyHook] {
        state.withLock { $0.hookRuns[dataset.name] ?? [] }
    }

    /// Freshness metadata of a dataset (as `tickets.import_meta.metadata` holds it).
    public func metadata(of dataset: Dataset) -> [String: String] {
        state.withLock { $0.metadata[dataset.name] ?? [:] }
    }

    /// How many applies committed.
    public var commits: Int { state.withLock { $0.applies } }
}

extension InMemoryTicketStore: TicketStoreStatus {
    public func status(of dataset: Dataset) async throws -> DatasetStatus {
        var s = DatasetStatus(dataset: dataset.name)
        s.watermark = try await watermark(of: dataset)
        s.watermarkExportedAt = s.watermark.flatMap(ChangeKey.init)?.exportedAt
        let ledger = ledger(of: dataset).values
        let last = ledger.max { $0.appliedAt < $1.appliedAt }
        s.lastFile = last?.key
        s.lastAppliedAt = last?.appliedAt
        s.ledgerFiles = ledger.count
        s.ledgerRowsRead = ledger.reduce(0) { $0 + $1.rowsRead }
        let tickets = tickets(of: dataset).values
        s.tickets = tickets.count
        s.open = tickets.filter(TicketColumns.isActionable).count
        s.closed = s.tickets - s.open
        let sources = state.withLock { $0.geoSources[dataset.name] ?? [:] }
        s.geoSources = sources.values.reduce(into: [:]) { $0[$1, default: 0] += 1 }
        s.quality = quality(of: dataset)
        return s
    }
}
