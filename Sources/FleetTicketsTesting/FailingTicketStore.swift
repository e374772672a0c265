import FleetTicketsCore
import Synchronization

/// A store that fails on the Nth apply (counting from 1), wrapping a real one. The failure
/// happens after every row has been consumed and before the commit — the worst moment —
/// so the wrapped store must show no trace of the file.
public final class FailingTicketStore: ForwardingTicketStore {
    /// The error it throws.
    public struct InjectedFault: Error, Sendable, CustomStringConvertible {
        public var apply: Int
        public var key: String
        public var description: String { "injected store failure on apply #\(apply) (\(key))" }
    }

    /// The store it wraps.
    public let base: any TicketStore
    private let failOn: Set<Int>
    private let count = Mutex(0)

    /// The error a failing post-apply hook throws.
    public struct InjectedHookFault: Error, Sendable, CustomStringConvertible {
        public var hook: PostApplyHook
        public var description: String { "injected failure of the hook \(hook.rawValue)" }
    }

    private let hookFailures: Mutex<Int>

    /// Fails the applies whose 1-based ordinals are in `failOn`, and the first `failingHooks`
    /// post-apply hook runs.
    public init(wrapping base: any TicketStore, failOn: Set<Int>, failingHooks: Int = 0) {
        self.base = base
        self.failOn = failOn
        self.hookFailures = Mutex(failingHooks)
    }

    /// How many applies were attempted.
    public var attempts: Int { count.withLock { $0 } }

    public func apply(_ file: ChangeFile, rows: RowBatches) async throws -> ApplyCounts {
        let n = count.withLock { $0 += 1; return $0 }
        guard failOn.contains(n) else { return try await base.apply(file, rows: rows) }
        for try await _ in rows {}
        throw InjectedFault(apply: n, key: file.key)
    }

    public func runHook(_ hook: PostApplyHook, for dataset: Dataset) async throws {
        let fail = hookFailures.withLock { left in
            guard left > 0 else { return false }
            left -= 1
            return true
        }
        if fail { throw InjectedHookFault(hook: hook) }
        try await base.runHook(hook, for: dataset)
    }
}
