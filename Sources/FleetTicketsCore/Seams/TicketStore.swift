import Foundation

/// What the store records about one change file when it is applied.
public struct ChangeFile: Sendable, Hashable {
    /// The dataset the file belongs to.
    public var dataset: Dataset
    /// The full key (or, for loose files, the path) of the file.
    public var key: String
    /// The export time from the key's name, when the name carries one.
    public var exportedAt: Date?
    /// Size in bytes as listed.
    public var bytes: Int64
    /// The backend's ETag, when it has one.
    public var etag: String?
    /// Whether applying the file advances the dataset's watermark (false for loose `--csv` files).
    public var advancesWatermark: Bool
    /// Whether the file's rows may replace rows a newer file wrote (`--reseed`, which replays
    /// the stream in order). False everywhere else: the per-ticket version guard holds.
    public var rewritesNewer: Bool

    public init(dataset: Dataset, key: String, exportedAt: Date?, bytes: Int64, etag: String? = nil,
                advancesWatermark: Bool = true, rewritesNewer: Bool = false) {
        self.dataset = dataset
        self.key = key
        self.exportedAt = exportedAt
        self.bytes = bytes
        self.etag = etag
        self.advancesWatermark = advancesWatermark
        self.rewritesNewer = rewritesNewer
    }

    /// The file's version for the per-ticket guard: the export stamp its name carries
    /// (`YYYY-MM-DDTHH-MM-SS`), or nil for a loose file named without one (the oldest version).
    public var versionStamp: String? { ChangeKey(key)?.stamp }

    /// Whether a ticket last written by the file `storedKey` is newer than this file, so this
    /// file must not replace it (unless it `rewritesNewer`). A stored key without a stamp (none
    /// recorded, or a loose file named without one) is the oldest version; equal stamps are the
    /// same export. The SQL twin is `tickets.change_key_is_newer` (migrations 16 and 27).
    public func isOlder(thanRowWrittenBy storedKey: String?) -> Bool {
        guard let stored = storedKey.flatMap(ChangeKey.init)?.stamp else { return false }
        guard let mine = versionStamp else { return true }
        return stored > mine
    }
}

/// How one file's rows changed the table. Counted per distinct `ticket_id` in the file.
public struct ApplyCounts: Sendable, Hashable, Codable {
    /// Tickets the table did not have.
    public var inserted: Int
    /// Tickets whose `raw` differed and was replaced.
    public var updated: Int
    /// Tickets whose `raw` was identical, left untouched (full-state re-emissions).
    public var unchanged: Int
    /// Tickets whose stored row a newer file wrote: this file's different row was refused
    /// (the per-ticket version guard), so applying files out of order never rolls a ticket back.
    public var stale: Int

    public init(inserted: Int = 0, updated: Int = 0, unchanged: Int = 0, stale: Int = 0) {
        self.inserted = inserted
        self.updated = updated
        self.unchanged = unchanged
        self.stale = stale
    }

    /// Distinct tickets the file carried.
    public var distinct: Int { inserted + updated + unchanged + stale }

    public static func + (a: ApplyCounts, b: ApplyCounts) -> ApplyCounts {
        ApplyCounts(inserted: a.inserted + b.inserted, updated: a.updated + b.updated, unchanged: a.unchanged + b.unchanged,
                    stale: a.stale + b.stale)
    }

    private enum CodingKeys: String, CodingKey { case inserted, updated, unchanged, stale }

    /// Reads reports written before `stale` existed (it defaults to 0).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inserted = try c.decode(Int.self, forKey: .inserted)
        updated = try c.decode(Int.self, forKey: .updated)
        unchanged = try c.decode(Int.self, forKey: .unchanged)
        stale = try c.decodeIfPresent(Int.self, forKey: .stale) ?? 0
    }
}

/// Where tickets live: PostgreSQL in production, memory in tests and embedders' tests.
///
/// Guarantees an implementation must give:
/// - `apply` is **atomic**: the file's upserts, its ledger entry, the watermark advance (when
///   `file.advancesWatermark`) and the freshness metadata all become visible together, or —
///   if it throws, including when `rows` throws — none of them does.
/// - Upsert semantics: keyed on `ticket_id`; the last row for a ticket in the file wins; `raw`
///   is replaced, not merged; a row whose `raw` equals the stored one is not rewritten and
///   counts as unchanged; rows are never deleted.
/// - Per-ticket version guard: each stored ticket remembers the key of the file that last
///   wrote it; a different row from a file older than that (`ChangeFile.isOlder(thanRowWrittenBy:)`)
///   is not written and counts as stale, unless the file `rewritesNewer` (a reseed).
/// - The watermark never moves backwards: it becomes the greater of the stored one and the
///   file's key (compared by `ChangeKey` order).
/// - `withExclusiveAccess` admits one holder per dataset across every process sharing the
///   store; it returns nil at once when another holder has it.
/// - `rehearse` runs `body` against a store in which everything it does is visible to the
///   body and discarded afterwards (the dry run), and leaves `self` untouched.
public protocol TicketStore: Sendable {
    /// The newest applied key of the dataset's stream, or nil before the first apply.
    func watermark(of dataset: Dataset) async throws -> String?
    /// Which of `keys` the file ledger records as applied for the dataset.
    func appliedKeys(of dataset: Dataset, among keys: [String]) async throws -> Set<String>
    /// The fingerprints the ledger recorded for those of `keys` it records as applied (an
    /// applied key without one maps to an unknown fingerprint, which is trusted).
    func appliedFingerprints(of dataset: Dataset, among keys: [String]) async throws -> [String: FileFingerprint]
    /// Applies one file's cleaned rows atomically (see the protocol's guarantees).
    /// After `rows` is exhausted, `rows.tally.snapshot` holds what the decoder read and dropped,
    /// for the ledger entry and the freshness metadata.
    func apply(_ file: ChangeFile, rows: RowBatches) async throws -> ApplyCounts
    /// Runs a post-apply hook for the dataset.
    func runHook(_ hook: PostApplyHook, for dataset: Dataset) async throws
    /// The post-apply hooks the dataset still owes: marked before they run, cleared once they
    /// succeed, so one that failed (or whose run was killed) is retried by the next applying
    /// run even when that run has no new file.
    func pendingHooks(of dataset: Dataset) async throws -> [PostApplyHook]
    /// Replaces the dataset's owed hooks (an empty list clears them). Durable: the next run,
    /// in another process, sees it.
    func setPendingHooks(_ hooks: [PostApplyHook], of dataset: Dataset) async throws
    /// Runs `body` holding the dataset's single-writer lock; nil (without running it) when busy.
    func withExclusiveAccess<T: Sendable>(to dataset: Dataset, _ body: () async throws -> T) async throws -> T?
    /// Runs `body` against a scratch view of the store whose changes are discarded.
    func rehearse<T: Sendable>(_ body: (any TicketStore) async throws -> T) async throws -> T
}

extension TicketStore {
    /// For stores whose ledger keeps no fingerprints: every applied key is trusted.
    public func appliedFingerprints(of dataset: Dataset, among keys: [String]) async throws -> [String: FileFingerprint] {
        let applied = try await appliedKeys(of: dataset, among: keys)
        return Dictionary(uniqueKeysWithValues: applied.map { ($0, FileFingerprint()) })
    }
}
