import Foundation

/// What `status` shows and `status --check` judges, for every dataset asked about: the store's
/// and the run log's state, the source listing (or why there is none), the problems and the
/// verdict. `StatusReader.read` builds it.
public struct HealthReport: Sendable, Codable, Hashable {
    /// One status per dataset, in the order asked, each with its problems and verdict.
    public var datasets: [DatasetStatus]
    /// The moment the problems were judged at.
    public var checkedAt: Date

    /// A report.
    public init(datasets: [DatasetStatus], checkedAt: Date) {
        self.datasets = datasets
        self.checkedAt = checkedAt
    }

    /// Every dataset's problems, in dataset order.
    public var problems: [HealthProblem] { datasets.flatMap { $0.problems ?? [] } }

    /// The verdict over all datasets.
    public var verdict: HealthVerdict { HealthVerdict(problems: problems) }

    /// `status --check`'s exit status for the verdict.
    public var exitCode: Int32 { verdict.exitCode }
}
