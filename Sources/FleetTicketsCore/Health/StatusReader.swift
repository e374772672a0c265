import Foundation

/// Assembles "are we current?" and "is what we loaded any good?" for datasets: what the store
/// knows (with the quality figures, their content lag measured now), the recorded runs and the
/// lock holder, what the source still holds (pending and late files, by the drain's own
/// rules), the problems and the verdict. `fleettickets status` prints its report; an embedding
/// service answers a health endpoint from it.
///
/// ```swift
/// let reader = StatusReader(store: store, runs: store, source: .listing(bucket),
///                           check: settings.healthCheck)
/// let report = try await reader.read(settings.datasets)
/// return report.verdict == .healthy ? 200 : 503
/// ```
public struct StatusReader: Sendable {
    /// Where pending and late files are listed from, or why they cannot be.
    public enum Source: Sendable {
        /// List this source.
        case listing(any ChangeSource)
        /// There is no source to list (e.g. the bucket is not configured); the reason is shown
        /// and the datasets are judged `unchecked`.
        case unavailable(reason: String)
    }

    /// The store: the watermark, the ledger, ticket counts.
    public let store: any TicketStore & TicketStoreStatus
    /// The run log: last runs, a stop, the lock holder.
    public let runs: any IngestRunLog
    /// The source to list.
    public let source: Source
    /// The judgement applied.
    public let check: HealthCheck
    /// The moment the problems are judged at.
    public let clock: WallClock

    /// A reader; nothing is read until ``read(_:)``.
    public init(store: any TicketStore & TicketStoreStatus, runs: any IngestRunLog, source: Source,
                check: HealthCheck = HealthCheck(), clock: WallClock = .system) {
        self.store = store
        self.runs = runs
        self.source = source
        self.check = check
        self.clock = clock
    }

    /// The status, problems and verdict of each dataset, in the order given. A source that
    /// cannot be listed is no error: the dataset is `unchecked` and its note says why.
    /// - Throws: `StatusReadError` when the store or the run log cannot be read.
    public func read(_ datasets: [Dataset] = SettingDefaults.datasets) async throws(StatusReadError) -> HealthReport {
        let now = clock.now
        var statuses: [DatasetStatus] = []
        for dataset in datasets {
            var status: DatasetStatus
            do {
                status = try await store.status(of: dataset)
                try await status.readRuns(from: runs, dataset: dataset)
            } catch {
                throw StatusReadError(dataset: dataset.name, underlying: error)
            }
            switch source {
            case .listing(let source): await status.inspect(source, dataset: dataset, store: store)
            case .unavailable(let reason): status.sourceNote = reason
            }
            status.quality = status.quality?.measured(at: now)
            let problems = check.problems(status, now: now)
            status.problems = problems
            status.verdict = HealthVerdict(problems: problems)
            statuses.append(status)
        }
        return HealthReport(datasets: statuses, checkedAt: now)
    }
}

/// The store or the run log could not be read for a dataset's status (a dependency failure).
public struct StatusReadError: Error, CustomStringConvertible {
    /// The dataset being read.
    public var dataset: String
    /// What the store or the run log threw.
    public var underlying: any Error

    /// An error about `dataset`.
    public init(dataset: String, underlying: any Error) {
        self.dataset = dataset
        self.underlying = underlying
    }

    /// `could not read the inc status: …`.
    public var description: String { "could not read the \(dataset) status: \(underlying)" }
}
