/// Why an ingest run did not drain its dataset, for callers that want to `catch` rather than
/// read `IngestReport.failure`: `try await engine.run(.inc, options: o).checked()`.
///
/// Catch it by `code` and read the facts from its fields: the dataset, the file's key, the line,
/// the refused ticket, and the error that caused it (`underlying`: a `CSVDecodingError`, a
/// `RejectedData`, or the adapter's own error such as `PostgresError` or `S3Error`). The report
/// of the run, with everything committed before the failure, travels along in `report`.
public struct IngestError: Error, Sendable, CustomStringConvertible {
    /// Why the run stopped. A struct over a private enum so new codes can be added without
    /// breaking exhaustive switches in callers: compare with `==` or `switch` with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable { case badFile, refusedData, dependency, datasetBusy }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A file cannot be decoded (`underlying` is a `CSVDecodingError`; `line` says where).
        /// A data error: the same file fails the same way until it is fixed or moved aside.
        public static let badFile = Code(.badFile)
        /// The store refused a file's data (`underlying` is a `RejectedData`). A data error.
        public static let refusedData = Code(.refusedData)
        /// The database, the source or another dependency failed; rerunning may succeed.
        public static let dependency = Code(.dependency)
        /// Another run holds the dataset's lock: nothing was done. Not a failure of the data
        /// or of a dependency; the next run drains it.
        public static let datasetBusy = Code(.datasetBusy)

        /// The code's name, e.g. "refusedData".
        public var description: String { base.rawValue }

        /// True for the codes the same input will always repeat (`badFile`, `refusedData`).
        public var isDataError: Bool { self == .badFile || self == .refusedData }
    }

    /// Why the run stopped.
    public var code: Code
    /// The dataset of the run.
    public var dataset: String
    /// The change file being worked on, when there was one.
    public var key: String?
    /// The line of that file, for data errors that know it.
    public var line: Int?
    /// The ticket whose row the store refused, when it could tell.
    public var ticketID: String?
    /// The error that caused it, when there was one (none for `datasetBusy`).
    public var underlying: (any Error)?
    /// The run's report, with everything committed before the failure.
    public var report: IngestReport

    /// The engine's sentence for the failure, or "dataset X is busy".
    public var description: String {
        if code == .datasetBusy { return "The \(dataset) dataset is busy: another run holds it; nothing was done." }
        return report.failure?.message ?? "The \(dataset) run failed."
    }
}

extension IngestReport {
    /// The run's failure as an error: `datasetBusy` when another run held the dataset, the
    /// failure's code otherwise; nil when the run drained what it found.
    public var error: IngestError? {
        if busy {
            return IngestError(code: .datasetBusy, dataset: dataset, key: nil, line: nil, ticketID: nil,
                               underlying: nil, report: self)
        }
        guard let failure else { return nil }
        return IngestError(code: failure.code, dataset: dataset, key: failure.key, line: failure.line,
                           ticketID: (failure.cause?.error as? RejectedData)?.ticketID,
                           underlying: failure.cause?.error, report: self)
    }

    /// The report itself when the run drained what it found (also when nothing was new);
    /// throws `IngestError` when the dataset was busy or the run stopped on a failure.
    public func checked() throws -> IngestReport {
        if let error { throw error }
        return self
    }
}

extension IngestFailure {
    /// Why the run stopped, from the error that caused it (or from `kind` when there is none).
    public var code: IngestError.Code {
        switch cause?.error {
        case is CSVDecodingError: .badFile
        case is RejectedData: .refusedData
        default: kind == .data ? .badFile : .dependency
        }
    }

    /// The error behind a failure, kept in memory only: it is neither encoded nor compared, so
    /// a report's JSON and equality stay those of its facts.
    public struct Cause: Sendable {
        /// The error.
        public let error: any Error

        /// Keeps `error` as the cause of a failure.
        public init(_ error: any Error) { self.error = error }
    }
}
