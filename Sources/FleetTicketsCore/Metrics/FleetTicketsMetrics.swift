import CoreMetrics
import Foundation

/// Every metric the SDK emits, through swift-metrics' API: the names and labels are written
/// here and nowhere else, and docs/operations.md ("Metrics") lists them.
///
/// The SDK never chooses a backend: without a `factory` each value goes to
/// `MetricsSystem.factory`, which is a no-op until the embedding service bootstraps one
/// (`fleettickets run --metrics-port` bootstraps Prometheus). A test passes its own factory, so
/// its figures are never mixed with another test's.
///
/// Conventions (Prometheus'): names start with `fleettickets_`; counters end in `_total`;
/// durations and ages are in seconds and end in `_seconds`; a metric about one dataset carries
/// the `dataset` label. Every name has one label set, always the same (a Prometheus family
/// cannot mix labelled and unlabelled series).
///
/// What is counted is derived from what the engines already report (`FileReport`,
/// `IngestReport`, `GeocodeReport`, `WorkerTick`), never counted a second time, so a counter
/// always equals the sum of the reports: after a drain, `files_applied_total` is the number of
/// files in the applying reports and `rows_total` over its outcomes is their rows read. Dry
/// runs emit nothing: they change nothing an operator watches.
///
/// ```swift
/// var engine = IngestEngine(source: source, store: store)
/// engine.metrics = FleetTicketsMetrics(factory: myFactory)   // default: MetricsSystem.factory
/// ```
public struct FleetTicketsMetrics: Sendable {
    // MARK: Names

    /// Counter: change files applied (committed), by `dataset`.
    public static let filesApplied = "fleettickets_files_applied_total"
    /// Counter: rows read from applied files, by `dataset` and `outcome` (`RowOutcome`). Summed
    /// over the outcomes it is the rows read: every row is inserted, updated, unchanged, stale
    /// (refused by the per-ticket version guard) or dropped.
    public static let rows = "fleettickets_rows_total"
    /// Counter: the dropped rows of `rows` again, by `dataset` and `reason` (`DropReason`'s names).
    public static let rowsDropped = "fleettickets_rows_dropped_total"
    /// Counter: runs stopped by a failure and moves to `processed/` that failed, by `dataset` and
    /// `kind` (`FailureKind`).
    public static let failures = "fleettickets_failures_total"
    /// Timer (a histogram in Prometheus): the apply of one file, read to commit, by `dataset`.
    public static let fileApplySeconds = "fleettickets_file_apply_seconds"
    /// Histogram buckets fitted to `fileApplySeconds` (a file applies in a tenth of a second to
    /// minutes; a backend's default buckets, often ending at 10 s, would lump the slow ones
    /// together). A Prometheus backend takes them as
    /// `factory.durationHistogramBuckets[FleetTicketsMetrics.fileApplySeconds]`.
    public static let fileApplySecondsBuckets: [Duration] =
        [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600].map { .milliseconds(Int64($0 * 1000)) }
    /// Gauge: files an applying run listed and has not applied yet, by `dataset` (0 once a run
    /// drained them all; what a stop, a failure or a parked dataset left stays counted).
    public static let filesWaiting = "fleettickets_files_waiting"
    /// Gauge: the export time (Unix seconds) of the newest file applied, by `dataset`; read from
    /// the watermark, whose key names the moment the export was taken.
    public static let newestExportTimestamp = "fleettickets_newest_export_timestamp_seconds"
    /// Gauge: seconds from the newest applied export to now, by `dataset`: how old the freshest
    /// content is. Refreshed after every run and by the worker at every tick (also while it
    /// backs off or the dataset is parked); `time() - newest_export_timestamp_seconds` is the
    /// same age computed by Prometheus, which keeps growing even if the process stalls.
    public static let freshnessLagSeconds = "fleettickets_freshness_lag_seconds"
    /// Gauge: 1 while the worker keeps the dataset parked on a data error, else 0, by `dataset`.
    public static let datasetParked = "fleettickets_dataset_parked"
    /// Counter: questions to the geocoding provider, by `provider` and `outcome`
    /// (`GeocodeOutcome`).
    public static let geocoderRequests = "fleettickets_geocoder_requests_total"
    /// Timer: one question to the provider (the geocoder's own retries included), by `provider`.
    public static let geocoderRequestSeconds = "fleettickets_geocoder_request_seconds"
    /// Gauge: requests of the worker's per-tick geocode budget the last tick left unspent, by
    /// `provider` (the whole budget on a tick with nothing to geocode).
    public static let geocodeBudgetLeft = "fleettickets_geocode_budget_left"
    /// Gauge: connections a PostgreSQL pool holds open or is opening, by `pool` (the pool's name).
    public static let poolConnectionsOpen = "fleettickets_pool_connections_open"
    /// Gauge: of those, the ones lent to a call or a session, by `pool`.
    public static let poolConnectionsInUse = "fleettickets_pool_connections_in_use"
    /// Gauge: callers waiting for a connection of the pool (all are in use), by `pool`.
    public static let poolConnectionsWaiting = "fleettickets_pool_connections_waiting"

    // MARK: Labels

    /// The label names.
    public enum Label {
        /// The dataset's name (`inc`, `crq`).
        public static let dataset = "dataset"
        /// `RowOutcome` or `GeocodeOutcome`.
        public static let outcome = "outcome"
        /// `DropReason`'s raw value.
        public static let reason = "reason"
        /// `FailureKind`.
        public static let kind = "kind"
        /// The geocoding provider's name (`Geocoder.provider`).
        public static let provider = "provider"
        /// A connection pool's name (`PostgresConnectionPool.name`).
        public static let pool = "pool"
    }

    /// The values of `rows`' `outcome` label.
    public enum RowOutcome: String, Sendable, CaseIterable {
        /// A ticket the table did not have.
        case inserted
        /// A ticket whose row changed.
        case updated
        /// A ticket whose row was identical.
        case unchanged
        /// A row refused because a newer file already wrote the ticket.
        case stale
        /// A row that never reached the table (`rowsDropped` says why).
        case dropped
    }

    /// The values of `failures`' `kind` label.
    public enum FailureKind: String, Sendable, CaseIterable {
        /// A file could not be decoded or the database refused its data (the dataset stops).
        case data
        /// The database, the source or a hook failed (retried with backoff).
        case dependency
        /// A file was applied but its move to `processed/` failed (retried by the next run).
        case archive
    }

    /// The values of `geocoderRequests`' `outcome` label.
    public enum GeocodeOutcome: String, Sendable, CaseIterable {
        /// A plausible answer within the radius.
        case hit
        /// No plausible answer.
        case miss
        /// An answer further than the radius from the cluster (the wrong-city guard).
        case rejected
        /// The request failed after the geocoder's retries; asked again later.
        case failed
        /// The provider refused to go on (quota, budget or credentials): the run stopped asking.
        case refused
    }

    // MARK: Emission

    /// Where values go; nil: `MetricsSystem.factory` at the moment of emission.
    public let factory: (any MetricsFactory)?

    /// Metrics emitted to `factory`, or (nil) to whatever `MetricsSystem` is bootstrapped with.
    public init(factory: (any MetricsFactory)? = nil) {
        self.factory = factory
    }

    private var sink: any MetricsFactory { factory ?? MetricsSystem.factory }

    /// Adds `amount`; 0 only creates the series (at 0), which `increase()` needs to see a first failure.
    private func count(_ name: String, _ labels: [(String, String)], by amount: Int, creating: Bool = false) {
        guard amount > 0 || creating else { return }
        Counter(label: name, dimensions: labels, factory: sink).increment(by: amount)
    }

    private func set(_ name: String, _ labels: [(String, String)], to value: Double) {
        Gauge(label: name, dimensions: labels, factory: sink).record(value)
    }

    private func time(_ name: String, _ labels: [(String, String)], seconds: Double) {
        Timer(label: name, dimensions: labels, factory: sink).recordSeconds(max(0, seconds))
    }

    /// One file committed: the file, its rows by outcome and drop reason, its apply time.
    func applied(_ file: FileReport, dataset: Dataset) {
        let ds = (Label.dataset, dataset.name)
        count(Self.filesApplied, [ds], by: 1)
        let dropped = file.dropped.values.reduce(0, +)
        let outcomes: [(RowOutcome, Int)] = [
            (.inserted, file.counts.inserted), (.updated, file.counts.updated), (.unchanged, file.counts.unchanged),
            (.stale, file.counts.stale), (.dropped, dropped),
        ]
        for (outcome, rows) in outcomes { count(Self.rows, [ds, (Label.outcome, outcome.rawValue)], by: rows) }
        for (reason, rows) in file.dropped { count(Self.rowsDropped, [ds, (Label.reason, reason.rawValue)], by: rows) }
        time(Self.fileApplySeconds, [ds], seconds: file.seconds)
    }

    /// Files an applying run still has to apply.
    func waiting(_ files: Int, dataset: Dataset) {
        set(Self.filesWaiting, [(Label.dataset, dataset.name)], to: Double(files))
    }

    /// An applying run finished: its failure and failed moves, and the freshness its
    /// watermark gives (a run that found the dataset busy read no watermark). The dataset's
    /// failure and file counters exist from its first run on, at 0 until something happens:
    /// Prometheus' `increase()` misses the first step of a series that is born at 1.
    func finished(_ report: IngestReport, now: Date) {
        let ds = (Label.dataset, report.dataset)
        let failed: FailureKind? = report.failure.map { $0.kind == .data ? .data : .dependency }
        for kind in FailureKind.allCases {
            let n = kind == .archive ? report.archiveFailed.count : (kind == failed ? 1 : 0)
            count(Self.failures, [ds, (Label.kind, kind.rawValue)], by: n, creating: true)
        }
        count(Self.filesApplied, [ds], by: 0, creating: true)
        if let exported = Self.exportedAt(report) { freshness(report.dataset, exportedAt: exported, now: now) }
    }

    /// The export time of the newest file a report's watermark names; nil without one.
    static func exportedAt(_ report: IngestReport) -> Date? {
        report.watermarkAfter.flatMap(ChangeKey.init).map(\.exportedAt)
    }

    /// The age of a dataset's newest applied export.
    func freshness(_ dataset: String, exportedAt: Date, now: Date) {
        let ds = (Label.dataset, dataset)
        set(Self.newestExportTimestamp, [ds], to: exportedAt.timeIntervalSince1970)
        set(Self.freshnessLagSeconds, [ds], to: max(0, now.timeIntervalSince(exportedAt)))
    }

    /// The end of a worker tick: parked datasets, the geocode budget left (when the worker
    /// geocodes) and every dataset's freshness from the newest export known to it.
    func ticked(_ tick: WorkerTick, datasets: [Dataset], exported: [String: Date], now: Date,
                geocodeBudget: (provider: String, budget: Int)?) {
        for dataset in datasets {
            set(Self.datasetParked, [(Label.dataset, dataset.name)], to: tick.parked[dataset.name] == nil ? 0 : 1)
            if let at = exported[dataset.name] { freshness(dataset.name, exportedAt: at, now: now) }
        }
        if let geocodeBudget {
            let spent = tick.geocode.reduce(0) { $0 + $1.requests }
            set(Self.geocodeBudgetLeft, [(Label.provider, geocodeBudget.provider)], to: Double(max(0, geocodeBudget.budget - spent)))
        }
    }

    /// A geocode run that asked the provider: its answers by outcome (`refused` once when the
    /// provider stopped the run).
    func geocoded(_ report: GeocodeReport, refused: Bool) {
        let provider = (Label.provider, report.provider)
        let outcomes: [(GeocodeOutcome, Int)] = [
            (.hit, report.hits), (.miss, report.misses), (.rejected, report.rejected), (.failed, report.failed),
            (.refused, refused ? 1 : 0),
        ]
        for (outcome, n) in outcomes { count(Self.geocoderRequests, [provider, (Label.outcome, outcome.rawValue)], by: n) }
    }

    /// One question to the provider took `seconds`.
    func asked(provider: String, seconds: Double) {
        time(Self.geocoderRequestSeconds, [(Label.provider, provider)], seconds: seconds)
    }
}
