import Foundation

extension InMemoryTicketStore: IngestRunLog {
    public func record(_ run: IngestRun) async throws {
        state.withLock { $0.runs.append(run) }
    }

    public func recentRuns(of dataset: Dataset, limit: Int) async throws -> [IngestRun] {
        state.withLock { s in
            Array(s.runs.enumerated().filter { $0.element.dataset == dataset.name }
                .sorted { ($0.element.startedAt, $0.offset) > ($1.element.startedAt, $1.offset) }
                .prefix(max(0, limit)).map(\.element))
        }
    }

    public func lastFailedRun(of dataset: Dataset) async throws -> IngestRun? {
        state.withLock { s in
            s.runs.enumerated().filter { $0.element.dataset == dataset.name && $0.element.outcome.isFailure }
                .max { ($0.element.startedAt, $0.offset) < ($1.element.startedAt, $1.offset) }?.element
        }
    }

    /// In memory the holder is always this process (there is no other session to name).
    public func lockHolder(of dataset: Dataset) async throws -> LockHolder? {
        guard locks.withLock({ $0.contains(dataset.name) }) else { return nil }
        return LockHolder(pid: Int(ProcessInfo.processInfo.processIdentifier), applicationName: "in-memory")
    }

    /// Every run recorded, oldest first (for tests).
    public var recordedRuns: [IngestRun] { state.withLock { $0.runs } }
}
