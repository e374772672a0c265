/// The verdict of the health check on one dataset or on all: what `status --check` exits with
/// and what a health endpoint answers (healthy or not).
public enum HealthVerdict: String, Sendable, Codable, Hashable {
    /// No problem.
    case healthy
    /// The source could not be listed: nothing about waiting files is known.
    case unchecked
    /// Behind, stale, late or re-uploaded files, or a quality figure over its threshold.
    case unhealthy
    /// A data error stopped a dataset.
    case stopped

    /// The verdict on these problems: a stop outranks a source that could not be checked,
    /// which outranks the other problems.
    public init(problems: [HealthProblem]) {
        if problems.contains(where: { $0.kind == .stopped }) {
            self = .stopped
        } else if problems.contains(where: { $0.kind == .unchecked }) {
            self = .unchecked
        } else {
            self = problems.isEmpty ? .healthy : .unhealthy
        }
    }

    /// The exit status of `status --check`: 0 healthy, 1 unchecked (a dependency could not be
    /// read, as for any command), 3 stopped (a data error, as for `ingest`), 4 unhealthy.
    public var exitCode: Int32 {
        switch self {
        case .healthy: 0
        case .unchecked: 1
        case .stopped: 3
        case .unhealthy: 4
        }
    }
}
