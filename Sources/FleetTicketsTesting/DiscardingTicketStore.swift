import FleetTicketsCore
import Synchronization

/// A store that consumes every row and keeps none: the engine's own cost, measured alone.
/// Every row counts as inserted; the watermark is never set; the lock is always free.
public final class DiscardingTicketStore: TicketStore {
    private let rowsSeen = Mutex(0)

    public init() {}

    /// Rows consumed so far.
    public var rows: Int { rowsSeen.withLock { $0 } }

    public func watermark(of dataset: Dataset) async throws -> String? { nil }
    public func appliedKeys(of dataset: Dataset, among keys: [String]) async throws -> Set<String> { [] }

    public func apply(_ file: ChangeFile, rows: RowBatches) async throws -> ApplyCounts {
        var n = 0
        for try await batch in rows { n += batch.count }
        rowsSeen.withLock { $0 += n }
        return ApplyCounts(inserted: n)
    }

    public func runHook(_ hook: PostApplyHook, for dataset: Dataset) async throws {}
    public func pendingHooks(of dataset: Dataset) async throws -> [PostApplyHook] { [] }
    public func setPendingHooks(_ hooks: [PostApplyHook], of dataset: Dataset) async throws {}

    public func withExclusiveAccess<T: Sendable>(to dataset: Dataset, _ body: () async throws -> T) async throws -> T? {
        try await body()
    }

    public func rehearse<T: Sendable>(_ body: (any TicketStore) async throws -> T) async throws -> T {
        try await body(self)
    }
}
