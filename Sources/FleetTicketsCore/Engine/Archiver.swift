import Logging

/// Moves applied files to `processed/` behind the drain: a move starts only once its file has
/// committed, and runs while the next file is read and applied; at most `limit` are in flight.
///
/// A move is two requests on a bucket (copy, then delete) — as long as applying a small file —
/// so doing them one after the other halved the drain rate. A move that fails, or that a
/// crash interrupts, leaves the file in `changes/` where the ledger knows it: the next run
/// moves it without applying it again.
struct Archiver {
    let source: any ChangeSource
    let dataset: Dataset
    let limit: Int
    let logger: Logger
    private var inFlight: [(key: String, move: Task<(any Error)?, Never>)] = []
    /// Keys moved.
    private(set) var archived: Set<String> = []
    /// Moves that failed.
    private(set) var failures: [ArchiveFailure] = []

    init(source: any ChangeSource, dataset: Dataset, limit: Int, logger: Logger) {
        self.source = source
        self.dataset = dataset
        self.limit = max(1, limit)
        self.logger = logger
    }

    /// Starts moving a committed file; waits for the oldest move when `limit` are running.
    mutating func start(_ key: String) async {
        let source = self.source, destination = dataset.processedKey(for: key)
        inFlight.append((key, Task {
            do {
                try await source.move(key, to: destination)
                return nil
            } catch {
                return error
            }
        }))
        if inFlight.count >= limit { await finishOldest() }
    }

    /// Waits for every move started.
    mutating func finishAll() async {
        while !inFlight.isEmpty { await finishOldest() }
    }

    private mutating func finishOldest() async {
        let (key, move) = inFlight.removeFirst()
        if let error = await move.value {
            logger.warning("could not archive an applied file; the next run retries the move", metadata: ["key": "\(key)", "error": "\(error)"])
            failures.append(ArchiveFailure(key: key, message: "\(error)"))
        } else {
            archived.insert(key)
        }
    }
}
