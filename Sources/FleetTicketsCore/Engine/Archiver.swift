import Logging

/// Moves applied files to `processed/` behind the drain, in batches: a file joins a batch
/// once its transaction has committed; a batch of `batchSize` files goes to the source's
/// `move(_:)` while the next files are read and applied, at most `limit` batches at once; the
/// last, shorter batch goes when the drain ends (`finishAll`).
///
/// Batches are what let a bucket delete the originals in one request (DeleteObjects) instead
/// of one per file: a move was a copy and a delete, each costing the S3 server about as much
/// as the file's GET. A move that fails, or that a crash interrupts, leaves the file in
/// `changes/` where the ledger knows it: the next run moves it without applying it again.
struct Archiver {
    let source: any ChangeSource
    let dataset: Dataset
    let limit: Int
    let batchSize: Int
    let logger: Logger
    private var waiting: [ObjectMove] = []
    private var inFlight: [(keys: [String], moves: Task<[String: any Error], Never>)] = []
    /// Keys moved.
    private(set) var archived: Set<String> = []
    /// Moves that failed.
    private(set) var failures: [ArchiveFailure] = []

    init(source: any ChangeSource, dataset: Dataset, limit: Int, batchSize: Int, logger: Logger) {
        self.source = source
        self.dataset = dataset
        self.limit = max(1, limit)
        self.batchSize = max(1, batchSize)
        self.logger = logger
    }

    /// Queues a committed file's move; sends the batch when it is full, waiting for the
    /// oldest batch when `limit` are running.
    mutating func start(_ key: String) async {
        waiting.append(ObjectMove(key, to: dataset.processedKey(for: key)))
        if waiting.count >= batchSize { await sendWaiting() }
    }

    /// Sends what is queued and waits for every batch.
    mutating func finishAll() async {
        if !waiting.isEmpty { await sendWaiting() }
        while !inFlight.isEmpty { await finishOldest() }
    }

    private mutating func sendWaiting() async {
        let (source, moves) = (self.source, waiting)
        waiting = []
        inFlight.append((moves.map(\.key), Task { await source.move(moves) }))
        if inFlight.count >= limit { await finishOldest() }
    }

    private mutating func finishOldest() async {
        let (keys, moves) = inFlight.removeFirst()
        let errors = await moves.value
        for key in keys {
            if let error = errors[key] {
                logger.warning("could not archive an applied file; the next run retries the move",
                               metadata: ["key": "\(key)", "error": "\(error)"])
                failures.append(ArchiveFailure(key: key, message: "\(error)"))
            } else {
                archived.insert(key)
            }
        }
    }
}
