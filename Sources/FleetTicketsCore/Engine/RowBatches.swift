import Synchronization

/// A file's cleaned rows as a stream of batches, decoded as the store pulls them.
///
/// Pull-driven: nothing is read from the source until the store asks for the next batch, so
/// at most one chunk and one batch are in memory whatever the file's size. Errors — a
/// `CSVDecodingError` or the source's own read error — surface from `next()`; a store must
/// rethrow them unchanged so the engine can tell a bad file from a failed dependency.
///
/// Iterate it once.
public struct RowBatches: AsyncSequence, Sendable {
    public typealias Element = [TicketRow]

    /// What has been read and dropped so far; complete once iteration has ended.
    package let tally: FileTally
    /// Batches a store may have decoded ahead of the one it writes (`forEachWithLookAhead`):
    /// 0 or 1, from the run's `ReadAheadBudget.batchesAhead`.
    package let batchesAhead: Int

    private enum Origin: Sendable {
        case csv(key: String, bytes: ByteChunks, batchSize: Int)
        case rows([[TicketRow]])
        case started(FirstBatch)
    }
    private let origin: Origin

    /// Rows decoded and cleaned from a CSV byte stream.
    public init(csv bytes: ByteChunks, key: String, batchSize: Int = 2_000) {
        self.init(csv: bytes, key: key, batchSize: batchSize, tally: FileTally())
    }

    /// Rows decoded and cleaned from a CSV byte stream, counted into `tally` as they are read;
    /// `batchesAhead` as the run's budget allows (`ReadAheadBudget.batchesAhead`).
    package init(csv bytes: ByteChunks, key: String, batchSize: Int, tally: FileTally,
                 batchesAhead: Int = ReadAheadBudget.default.batchesAhead) {
        self.origin = .csv(key: key, bytes: bytes, batchSize: Swift.max(1, batchSize))
        self.tally = tally
        self.batchesAhead = Swift.min(1, Swift.max(0, batchesAhead))
    }

    /// Rows already cleaned (fixtures, embedders feeding rows from elsewhere).
    public init(batches: [[TicketRow]]) {
        self.origin = .rows(batches)
        let tally = FileTally()
        let count = batches.reduce(0) { $0 + $1.count }
        tally.update {
            $0.rowsRead = count
            $0.rowsKept = count
        }
        self.tally = tally
        self.batchesAhead = 0
    }

    private init(origin: Origin, tally: FileTally, batchesAhead: Int) {
        self.origin = origin
        self.tally = tally
        self.batchesAhead = batchesAhead
    }

    public func makeAsyncIterator() -> Iterator {
        switch origin {
        case let .csv(key, bytes, batchSize):
            Iterator(mode: .csv(CSVState(key: key, bytes: bytes.makeAsyncIterator(), batchSize: batchSize, tally: tally)))
        case let .rows(batches):
            Iterator(mode: .rows(batches[...]))
        case let .started(first):
            Iterator(mode: .started(first))
        }
    }

    /// The same rows, the first batch already being decoded in a task of its own: the engine
    /// starts the next file this way while the store applies the current one, so the store
    /// finds that file's first batch ready instead of waiting for its read and decode (a
    /// delta's whole file, most of what a small file costs our side). Only that one batch is
    /// decoded ahead; the rest as the store pulls. Iterate the result once; `abandon()` it
    /// if it will not be.
    package func decodingFirstBatch() -> RowBatches {
        guard case .csv = origin else { return self }
        return RowBatches(origin: .started(FirstBatch(makeAsyncIterator())), tally: tally, batchesAhead: batchesAhead)
    }

    /// Stops a decode `decodingFirstBatch` started and waits for it: nothing reads the file after.
    package func abandon() async {
        if case let .started(first) = origin { await first.abandon() }
    }

    public struct Iterator: AsyncIteratorProtocol {
        fileprivate enum Mode {
            case csv(CSVState)
            case rows(ArraySlice<[TicketRow]>)
            case started(FirstBatch)
        }
        fileprivate var mode: Mode

        public mutating func next() async throws -> [TicketRow]? {
            // A cancelled run abandons its file at the next batch: the store rolls it back.
            try Task.checkCancellation()
            switch mode {
            case var .rows(rest):
                let batch = rest.popFirst()
                mode = .rows(rest)
                return batch
            case var .csv(state):
                let batch = try await state.nextBatch()
                mode = .csv(state)
                return batch
            case let .started(first):
                return try await first.next()
            }
        }
    }
}

/// A file's decoding with its first batch started ahead (`RowBatches.decodingFirstBatch`):
/// that batch comes from the task, the later ones from the same iterator, never two at once
/// (`SequentialIterator` checks it).
private final class FirstBatch: Sendable {
    private let iterator: SequentialIterator
    private let first: Task<[TicketRow]?, any Error>
    private let taken = Atomic<Bool>(false)

    init(_ iterator: RowBatches.Iterator) {
        let sequential = SequentialIterator(iterator)
        self.iterator = sequential
        self.first = Task { try await sequential.next() }
    }

    func next() async throws -> [TicketRow]? {
        if taken.exchange(true, ordering: .acquiringAndReleasing) { return try await iterator.next() }
        return try await first.value
    }

    func abandon() async {
        first.cancel()
        _ = try? await first.value
    }
}

/// Decoding state for one CSV file: parser, cleaner (once the header is read), counts.
private struct CSVState {
    let key: String
    var bytes: ByteChunks.AsyncIterator
    let batchSize: Int
    let tally: FileTally
    var parser: CSVParser
    var cleaner: RowCleaner?
    var records: [CSVParser.Record] = []
    var cursor = 0  // records before it are done; the array is emptied once all are
    var ended = false
    var counts = FileTally.Snapshot()

    init(key: String, bytes: ByteChunks.AsyncIterator, batchSize: Int, tally: FileTally) {
        self.key = key
        self.bytes = bytes
        self.batchSize = batchSize
        self.tally = tally
        self.parser = CSVParser(key: key)
    }

    mutating func nextBatch() async throws -> [TicketRow]? {
        var batch: [TicketRow] = []
        batch.reserveCapacity(batchSize)
        while batch.count < batchSize {
            if cursor == records.count {
                records.removeAll(keepingCapacity: true)
                cursor = 0
                if ended { break }
                if let chunk = try await bytes.next() {
                    counts.bytesRead += Int64(chunk.count)
                    try parser.feed(chunk, into: &records)
                } else {
                    // A cancelled task sees a stream end without an error: never take that for
                    // the end of the file, or a truncated file would be committed.
                    try Task.checkCancellation()
                    try parser.finish(into: &records)
                    ended = true
                    if cleaner == nil && records.isEmpty {
                        throw CSVDecodingError(.emptyFile, key: key, line: 0, reason: "the file is empty (no header row); it may be a partial upload — re-export it or move it out of changes/")
                    }
                }
            }
            try clean(into: &batch)
        }
        publish()
        return batch.isEmpty && ended ? nil : batch
    }

    /// Cleans pending records into `batch`, leaving the rest for the next batch.
    private mutating func clean(into batch: inout [TicketRow]) throws {
        while cursor < records.count && batch.count < batchSize {
            let record = records[cursor]
            cursor += 1
            guard let cleaner else {
                let c = try RowCleaner(header: record.fields, key: key)
                self.cleaner = c
                counts.extraColumns = c.extraColumns
                counts.missingColumns = c.missingColumns
                counts.duplicateColumns = c.duplicateColumns
                continue
            }
            counts.rowsRead += 1
            switch try cleaner.clean(record) {
            case let .kept(row):
                counts.rowsKept += 1
                batch.append(row)
            case let .dropped(reason):
                counts.dropped[reason, default: 0] += 1
            }
        }
    }

    private func publish() {
        let c = counts
        tally.update { $0 = c }
    }
}
