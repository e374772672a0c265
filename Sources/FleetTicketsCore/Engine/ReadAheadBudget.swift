/// How far a drain reads ahead of the file it is applying, and how much of what it read it
/// keeps: the one budget every read-ahead layer answers to (`IngestOptions.readAhead`).
///
/// Reading ahead overlaps the source's latency and the CSV decoding with the database's work;
/// what it costs is memory. The layers and the part of the budget each spends:
/// - the engine opens the next `filesAhead > 0` file while the current one is applied and
///   decodes its first batch (`RowBatches.decodingFirstBatch`);
/// - a store writing a batch has the next one decoded meanwhile when `batchesAhead > 0`
///   (`RowBatches.forEachWithLookAhead`); a batch is `IngestOptions.batchSize` rows;
/// - a source that can fetch ahead (a bucket) downloads up to `filesAhead` planned files whole
///   beyond those it has handed over, holding at most `bytesAhead` bytes of files from their
///   download until their reader lets them go (a file that does not fit is streamed when its
///   turn comes);
/// - a bucket keeps files of at most `heldFileBytes` it read, `heldBytes` in all, until they are
///   archived, to archive them by writing their bytes instead of a server-side copy.
///
/// Memory held ahead is therefore at most `bytesAhead + heldBytes` bytes of file plus two
/// decoded batches, whatever the stream. `ReadAheadBudget.default` is what every run uses unless
/// told otherwise; `none` reads nothing ahead and keeps nothing.
public struct ReadAheadBudget: Sendable, Hashable {
    /// Files read before their turn: 0 opens each file only when it is applied.
    public var filesAhead: Int
    /// Bytes of files downloaded ahead of their turn, in total, counted until each file's
    /// reader is done with it.
    public var bytesAhead: Int
    /// Batches decoded ahead of the one the store is writing (0 or 1; more count as 1).
    public var batchesAhead: Int
    /// Bytes of files read and kept until they are archived, in total.
    public var heldBytes: Int
    /// The largest file kept until it is archived.
    public var heldFileBytes: Int

    /// A budget; negative values count as 0. The defaults are `ReadAheadBudget.default`'s.
    public init(filesAhead: Int = 2, bytesAhead: Int = 16 << 20, batchesAhead: Int = 1,
                heldBytes: Int = 8 << 20, heldFileBytes: Int = 1 << 20) {
        self.filesAhead = max(0, filesAhead)
        self.bytesAhead = max(0, bytesAhead)
        self.batchesAhead = max(0, batchesAhead)
        self.heldBytes = max(0, heldBytes)
        self.heldFileBytes = max(0, heldFileBytes)
    }

    /// Two files ahead, 16 MiB of them; one batch ahead; 8 MiB of files of up to 1 MiB kept
    /// for the archive.
    public static let `default` = ReadAheadBudget()

    /// Nothing read ahead, nothing kept: the least memory, every wait in line.
    public static let none = ReadAheadBudget(filesAhead: 0, bytesAhead: 0, batchesAhead: 0, heldBytes: 0, heldFileBytes: 0)
}
