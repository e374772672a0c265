/// How a run drains a dataset.
public struct IngestOptions: Sendable, Hashable {
    /// Commit and archive. Without it the run is a dry run: it reads, validates and reports
    /// exactly what it would change, and writes nothing anywhere.
    public var apply: Bool
    /// Ignore the watermark and apply every file in `changes/` oldest→newest (bucket cutover).
    public var reseed: Bool
    /// Also apply late files: keys at or before the watermark that were never applied.
    public var includeLate: Bool
    /// Apply exactly these keys of the source, in name order, instead of draining the stream:
    /// no watermark, no archive, no late or stray detection (`--csv FILE…`).
    public var looseFiles: [String]?
    /// One key of `changes/` to apply although the ledger records it as applied (`--reapply`):
    /// the operator's answer to a re-upload. Its rows stay under the per-ticket version guard,
    /// its new fingerprint replaces the ledger's, and it is archived. The rest drains as usual.
    public var reapply: String?
    /// Rows per batch handed to the store.
    public var batchSize: Int
    /// Batches of moves to `processed/` in flight at once, behind the drain.
    public var archiveConcurrency: Int
    /// Committed files per batch of moves to `processed/` (the last batch of a run may be
    /// shorter). A bucket deletes a batch's originals in one request.
    public var archiveBatchSize: Int
    /// How far the run reads ahead of the file it applies, and what it keeps for the archive:
    /// the memory the drain holds beyond the file and batch in hand (`ReadAheadBudget`).
    public var readAhead: ReadAheadBudget

    public init(apply: Bool = false, reseed: Bool = false, includeLate: Bool = false, looseFiles: [String]? = nil,
                batchSize: Int = 2_000, archiveConcurrency: Int = 2, archiveBatchSize: Int = 32,
                readAhead: ReadAheadBudget = .default, reapply: String? = nil) {
        self.apply = apply
        self.reseed = reseed
        self.includeLate = includeLate
        self.looseFiles = looseFiles
        self.batchSize = batchSize
        self.archiveConcurrency = archiveConcurrency
        self.archiveBatchSize = archiveBatchSize
        self.readAhead = readAhead
        self.reapply = reapply
    }
}
