/// A file opened, its first batch decoding, ahead of its turn (see `IngestEngine.drain`): the
/// engine's part of the run's `ReadAheadBudget` (one file when `filesAhead` > 0, one batch of
/// it). Its rows decode `batchesAhead` ahead of the store as the budget says. A failed read
/// surfaces when the file's turn comes, as it did when the file was opened then.
struct UpcomingFile: Sendable {
    let rows: Task<RowBatches, any Error>

    init(_ key: String, source: any ChangeSource, options: IngestOptions) {
        let (batchSize, batchesAhead) = (options.batchSize, options.readAhead.batchesAhead)
        rows = Task {
            RowBatches(csv: try await source.read(key), key: key, batchSize: batchSize, tally: FileTally(), batchesAhead: batchesAhead)
                .decodingFirstBatch()
        }
    }

    /// Stops the read and decode, and waits for them.
    func abandon() async {
        rows.cancel()
        if let batches = try? await rows.value { await batches.abandon() }
    }
}
