import Foundation

/// One ingest run as the run log records it, so `status` can say when the dataset last ran,
/// how that ended and whether a data error stopped it: a `fleettickets ingest` from the
/// command line, or one tick of the worker that did work or failed.
///
/// Built from the run's `IngestReport` by `RunRecorder`, which the engine hands every run;
/// `status` shows the last one and the last failed one.
///
/// ```swift
/// let run = IngestRun(report, mode: .worker, finishedAt: clock.now)
/// try await runs.record(run)
/// ```
public struct IngestRun: Sendable, Codable, Hashable {
    /// Who ran it.
    public enum Mode: String, Sendable, Codable {
        /// One `fleettickets ingest` invocation.
        case cli
        /// One tick of `fleettickets run`.
        case worker
    }

    /// How it ended.
    public enum Outcome: String, Sendable, Codable {
        /// Finished (also: applied nothing but retried an archive move).
        case ok
        /// Another run held the dataset; nothing was done.
        case busy
        /// A bad file stopped the drain (exit status 3).
        case dataError = "data_error"
        /// The database, the bucket or a hook failed (exit status 1).
        case dependencyError = "dependency_error"

        /// A failure of either kind.
        public var isFailure: Bool { self == .dataError || self == .dependencyError }
    }

    /// The dataset's name (`inc`, `crq`).
    public var dataset: String
    /// When the run started and finished.
    public var startedAt: Date
    public var finishedAt: Date
    /// Who ran it: the command line or the worker.
    public var mode: Mode
    /// An `--apply` run (dry runs write nothing, so `RunRecorder` never records them).
    public var applied: Bool
    /// How it ended.
    public var outcome: Outcome
    /// Files applied, rows read and what they did to the table.
    public var filesApplied: Int
    public var rowsRead: Int
    public var counts: ApplyCounts
    /// Export time of the newest change file the run applied.
    public var newestExport: Date?
    /// The one sentence the run printed on failure.
    public var error: String?
    /// The file a failure is about.
    public var errorKey: String?
    /// The line of that file, for a data error.
    public var errorLine: Int?
    /// Applied files the run found back in `changes/` with other bytes (left in place).
    public var reuploaded: [Reupload] = []
    /// The host it ran on.
    public var host: String
    /// The process id on that host.
    public var pid: Int

    /// A run record with every field given.
    public init(dataset: String, startedAt: Date, finishedAt: Date, mode: Mode, applied: Bool, outcome: Outcome,
                filesApplied: Int = 0, rowsRead: Int = 0, counts: ApplyCounts = ApplyCounts(), newestExport: Date? = nil,
                error: String? = nil, errorKey: String? = nil, errorLine: Int? = nil,
                host: String = ProcessInfo.processInfo.hostName, pid: Int = Int(ProcessInfo.processInfo.processIdentifier)) {
        self.dataset = dataset
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.mode = mode
        self.applied = applied
        self.outcome = outcome
        self.filesApplied = filesApplied
        self.rowsRead = rowsRead
        self.counts = counts
        self.newestExport = newestExport
        self.error = error
        self.errorKey = errorKey
        self.errorLine = errorLine
        self.host = host
        self.pid = pid
    }

    /// The record of a finished run, from its report.
    public init(_ report: IngestReport, mode: Mode, finishedAt: Date) {
        let outcome: Outcome = report.busy ? .busy
            : report.failure?.kind == .data ? .dataError
            : report.failure != nil ? .dependencyError : .ok
        self.init(dataset: report.dataset, startedAt: report.startedAt, finishedAt: finishedAt, mode: mode,
                  applied: report.mode == .apply, outcome: outcome, filesApplied: report.files.count,
                  rowsRead: report.rowsRead, counts: report.counts,
                  newestExport: report.files.compactMap { ChangeKey($0.key)?.exportedAt }.max(),
                  error: report.failure?.message, errorKey: report.failure?.key, errorLine: report.failure?.line)
        reuploaded = report.reuploaded
    }

    /// Whether a run with this report is worth a record: it did work, failed, found the
    /// dataset busy or found a re-upload. A run with nothing new records nothing (the worker's idle ticks).
    public static func isWorthRecording(_ report: IngestReport) -> Bool {
        report.busy || report.failure != nil || !report.files.isEmpty || !report.archiveRetried.isEmpty
            || !report.reuploaded.isEmpty
    }
}

/// Where runs are recorded and read back: `tickets.ingest_runs` in PostgreSQL, memory in tests.
///
/// Implementations must keep every recorded run (no merging), answer newest first by
/// `startedAt`, and be safe to call from many tasks at once.
public protocol IngestRunLog: Sendable {
    /// Records a finished run.
    func record(_ run: IngestRun) async throws
    /// The newest runs of a dataset, newest first, at most `limit`.
    func recentRuns(of dataset: Dataset, limit: Int) async throws -> [IngestRun]
    /// The newest failed run (data or dependency error) of a dataset.
    func lastFailedRun(of dataset: Dataset) async throws -> IngestRun?
    /// The session holding the dataset's single-writer lock now, if any.
    func lockHolder(of dataset: Dataset) async throws -> LockHolder?
}

/// Who holds a dataset's single-writer lock.
public struct LockHolder: Sendable, Codable, Hashable {
    /// The holder's process on the database server (PostgreSQL backend pid) or, in memory, ours.
    public var pid: Int
    /// The holder's `application_name` (the worker and the CLI name themselves there).
    public var applicationName: String?
    /// The holder's client address and port, when it connected over TCP.
    public var client: String?
    /// When the holder connected (the lock itself carries no time).
    public var since: Date?

    /// A holder as the store found it.
    public init(pid: Int, applicationName: String? = nil, client: String? = nil, since: Date? = nil) {
        self.pid = pid
        self.applicationName = applicationName
        self.client = client
        self.since = since
    }
}
