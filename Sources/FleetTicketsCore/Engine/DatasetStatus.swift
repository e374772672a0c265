import Foundation

/// "Are we current?" for one dataset: what the store knows and what the source still holds.
public struct DatasetStatus: Sendable, Codable, Hashable {
    public var dataset: String
    /// The newest applied key.
    public var watermark: String?
    /// The export time the watermark's name carries.
    public var watermarkExportedAt: Date?
    /// The last file applied and when.
    public var lastFile: String?
    public var lastAppliedAt: Date?
    /// Files in the ledger and the rows they read.
    public var ledgerFiles = 0
    public var ledgerRowsRead = 0
    /// Tickets in the table: all, open (actionable), closed.
    public var tickets = 0
    public var open = 0
    public var closed = 0
    /// Tickets by `geo_source` (`feed`, `location`, `cluster`, `none`).
    public var geoSources: [String: Int] = [:]
    /// Is what was loaded any good: content lag, the last EAT day's rows, open tickets without
    /// a position (`DatasetQuality`); nil from a store that does not read it.
    public var quality: DatasetQuality?
    /// Keys waiting in the source after the watermark; nil when the source was not listed.
    public var pending: [String]?
    /// Keys at or before the watermark never applied; nil when the source was not listed.
    public var late: [String]?
    /// Applied keys back in the source with other bytes (`Reupload`); nil when the source was not listed.
    public var reuploaded: [Reupload]?
    /// Why the source side is missing or failed, if it is.
    public var sourceNote: String?
    /// The newest recorded run and the newest failed one (`Runs/DatasetStatus+Runs.swift`).
    public var lastRun: IngestRun?
    public var lastFailedRun: IngestRun?
    /// The data error no later good run has cleared: the dataset is stopped.
    public var stoppedBy: IngestRun?
    /// Who holds the dataset's single-writer lock now.
    public var lockHolder: LockHolder?
    /// What the health check found wrong (set by `StatusReader`; empty when healthy).
    public var problems: [HealthProblem]?
    /// The health check's verdict on this dataset alone (set with `problems`).
    public var verdict: HealthVerdict?

    public init(dataset: String) {
        self.dataset = dataset
    }

    /// Current: nothing pending, late or re-uploaded, and the source was checked.
    public var isCurrent: Bool { pending?.isEmpty == true && late?.isEmpty == true && reuploaded?.isEmpty != false }
}

/// Stores that can describe a dataset for `status`.
public protocol TicketStoreStatus: Sendable {
    /// What the store knows of the dataset (the source fields left nil).
    func status(of dataset: Dataset) async throws -> DatasetStatus
}

extension DatasetStatus {
    /// Fills `pending`, `late` and `reuploaded` from a listing of the source, using the drain's own rules.
    public mutating func inspect(_ source: any ChangeSource, dataset: Dataset, store: any TicketStore) async {
        do {
            let listing = try await source.list(prefix: dataset.changesPrefix)
            let plan = try await DrainPlan.resolve(listing, dataset: dataset, watermark: watermark, reseed: false,
                                                   includeLate: false, ledger: store)
            pending = plan.toApply.map(\.object.key)
            late = plan.late
            reuploaded = plan.reuploaded
        } catch {
            sourceNote = "could not list \(source.location): \(error)"
        }
    }
}
