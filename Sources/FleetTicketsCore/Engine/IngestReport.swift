import Foundation

/// What one ingest run did (or, in a dry run, would do): per file and in total.
///
/// The CLI prints it; embedders get it as data (`Codable`, for `--json`).
public struct IngestReport: Sendable, Codable, Hashable {
    public enum Mode: String, Sendable, Codable { case dryRun = "dry-run", apply }

    public var dataset: String
    public var mode: Mode
    /// Where the files came from (bucket, folder or loose files), without credentials.
    public var source: String
    public var reseed: Bool
    public var startedAt: Date
    public var seconds: Double = 0
    /// Another run held the dataset: nothing was done (a clean exit).
    public var busy = false
    public var watermarkBefore: String?
    public var watermarkAfter: String?
    /// Files applied (or that would be), in order.
    public var files: [FileReport] = []
    /// Keys under `changes/` that are not change files (ignored).
    public var stray: [String] = []
    /// Keys at or before the watermark that were never applied (left in place unless `--include-late`).
    public var late: [String] = []
    /// Applied files whose earlier move to `processed/` failed and was retried now.
    public var archiveRetried: [String] = []
    /// Applied keys back in `changes/` with other bytes: neither applied nor archived, named
    /// with both fingerprints until an operator reapplies (`--reapply`) or moves them away.
    public var reuploaded: [Reupload] = []
    /// Moves to `processed/` that failed this run; the next run retries them (never re-applying).
    public var archiveFailed: [ArchiveFailure] = []
    /// Post-apply hooks run (or that would run).
    public var hooks: [String] = []
    /// Of those, the ones an earlier run owed (it failed or was stopped before they ran).
    public var pendingHooksRetried: [String] = []
    /// Entries under `changes/` named like a change file that are not a readable file inside
    /// the source (a directory, a link that leaves the root): never applied, named here.
    public var skipped: [SkippedEntry] = []
    /// Why the run stopped early, if it did.
    public var failure: IngestFailure?
    /// A stop was requested (SIGTERM): the files after the last one applied were left for the next run.
    public var stopped = false

    public init(dataset: String, mode: Mode, source: String, reseed: Bool, startedAt: Date) {
        self.dataset = dataset
        self.mode = mode
        self.source = source
        self.reseed = reseed
        self.startedAt = startedAt
    }

    /// Nothing to apply, nothing late or re-uploaded, nothing failed.
    public var isNoOp: Bool {
        !busy && files.isEmpty && late.isEmpty && reuploaded.isEmpty && archiveRetried.isEmpty && archiveFailed.isEmpty && failure == nil
            && hooks.isEmpty && skipped.isEmpty
    }

    public var rowsRead: Int { files.reduce(0) { $0 + $1.rowsRead } }
    public var counts: ApplyCounts { files.reduce(ApplyCounts()) { $0 + $1.counts } }
    public var dropped: [DropReason: Int] {
        files.reduce(into: [:]) { acc, f in for (r, n) in f.dropped { acc[r, default: 0] += n } }
    }
}

/// One file's part of a run.
public struct FileReport: Sendable, Codable, Hashable {
    public var key: String
    public var bytes: Int64
    /// The file was at or before the watermark and applied on request (`--include-late`).
    public var late = false
    /// The file had been applied and was applied again on request (`--reapply`).
    public var reapplied = false
    public var rowsRead = 0
    /// Rows dropped, by reason (including rows superseded by a later row for the same ticket).
    public var dropped: [DropReason: Int] = [:]
    public var counts = ApplyCounts()
    /// Unknown columns kept in `raw`.
    public var extraColumns: [String] = []
    /// Export columns the file lacked.
    public var missingColumns: [String] = []
    /// Column names its header held more than once; the last of each was kept.
    public var duplicateColumns: [String] = []
    public var seconds: Double = 0
    /// Moved to `processed/` after its commit.
    public var archived = false

    public init(key: String, bytes: Int64) {
        self.key = key
        self.bytes = bytes
    }
}

/// A listed entry that is not applied because it is not a readable change file.
public struct SkippedEntry: Sendable, Codable, Hashable {
    /// The entry's key.
    public var key: String
    /// Why, in plain words: "a directory, not a file", "a link to a file outside the folder".
    public var reason: String

    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }
}

/// A move to `processed/` that failed after the file's commit.
public struct ArchiveFailure: Sendable, Codable, Hashable {
    public var key: String
    public var message: String
}

/// Why a run stopped.
public struct IngestFailure: Sendable, Codable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// A file could not be decoded (exit status 3).
        case data
        /// The database, the bucket or another dependency failed (exit status 1).
        case dependency
    }
    public var kind: Kind
    /// The file being worked on, when there was one.
    public var key: String?
    /// The line in that file, for data errors.
    public var line: Int?
    /// One plain sentence: what failed, where, what to do.
    public var message: String
    /// The error behind it, in memory only (not encoded); `IngestReport.error` hands it on.
    public var cause: Cause? = nil

    enum CodingKeys: String, CodingKey { case kind, key, line, message }

    /// A failure; `cause` is the error behind it, when there is one.
    public init(kind: Kind, key: String?, line: Int?, message: String, cause: Cause? = nil) {
        self.kind = kind
        self.key = key
        self.line = line
        self.message = message
        self.cause = cause
    }

    public var description: String { message }

    /// Equal when the facts are: the in-memory `cause` is not compared.
    public static func == (lhs: IngestFailure, rhs: IngestFailure) -> Bool {
        (lhs.kind, lhs.key, lhs.line, lhs.message) == (rhs.kind, rhs.key, rhs.line, rhs.message)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(key)
        hasher.combine(line)
        hasher.combine(message)
    }
}
