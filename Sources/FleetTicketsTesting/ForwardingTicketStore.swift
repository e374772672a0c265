import FleetTicketsCore

/// A test double over a real store: conform, keep the store as `base`, and write only the
/// calls the double changes; every other call goes to `base` (a rehearsal too, so a dry run
/// through the double rehearses on the real store).
public protocol ForwardingTicketStore: TicketStore {
    var base: any TicketStore { get }
}

extension ForwardingTicketStore {
    public func watermark(of dataset: Dataset) async throws -> String? { try await base.watermark(of: dataset) }

    public func appliedKeys(of dataset: Dataset, among keys: [String]) async throws -> Set<String> {
        try await base.appliedKeys(of: dataset, among: keys)
    }

    public func appliedFingerprints(of dataset: Dataset, among keys: [String]) async throws -> [String: FileFingerprint] {
        try await base.appliedFingerprints(of: dataset, among: keys)
    }

    public func apply(_ file: ChangeFile, rows: RowBatches) async throws -> ApplyCounts { try await base.apply(file, rows: rows) }

    public func runHook(_ hook: PostApplyHook, for dataset: Dataset) async throws { try await base.runHook(hook, for: dataset) }

    public func pendingHooks(of dataset: Dataset) async throws -> [PostApplyHook] { try await base.pendingHooks(of: dataset) }

    public func setPendingHooks(_ hooks: [PostApplyHook], of dataset: Dataset) async throws {
        try await base.setPendingHooks(hooks, of: dataset)
    }

    public func withExclusiveAccess<T: Sendable>(to dataset: Dataset, _ body: () async throws -> T) async throws -> T? {
        try await base.withExclusiveAccess(to: dataset, body)
    }

    public func rehearse<T: Sendable>(_ body: (any TicketStore) async throws -> T) async throws -> T {
        try await base.rehearse(body)
    }
}
