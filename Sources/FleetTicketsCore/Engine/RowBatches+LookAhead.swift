import Synchronization

extension RowBatches {
    /// Calls `body` with each batch in order while the next batch is being decoded, so a store
    /// that sends a batch to its database overlaps that wait with the CSV decoding of the next
    /// one (pulling one batch at a time left the database idle during every decode: a
    /// quarter of a full drain's wall time).
    ///
    /// One batch ahead, never more: memory stays at two batches whatever the file's size; none
    /// when the run's budget says so (`batchesAhead` 0), and then this is plain iteration.
    /// Errors from decoding and from `body` surface unchanged; when `body` throws, the decode
    /// in flight is cancelled and awaited before this returns, so nothing reads the file after.
    /// Like iterating, call it once per value.
    package func forEachWithLookAhead(_ body: ([TicketRow]) async throws -> Void) async throws {
        guard batchesAhead > 0 else {
            for try await batch in self { try await body(batch) }
            return
        }
        let iterator = SequentialIterator(makeAsyncIterator())
        var pending = Task { try await iterator.next() }
        do {
            while let batch = try await pending.value {
                // The decodes run in tasks of their own: the caller's cancellation is checked here.
                try Task.checkCancellation()
                pending = Task { try await iterator.next() }
                try await body(batch)
            }
        } catch {
            pending.cancel()
            _ = try? await pending.value
            throw error
        }
    }
}

/// The iterator handed from one decoding task to the next. `@unchecked Sendable` because
/// `forEachWithLookAhead` (and `FirstBatch`) starts a `next()` only after the previous one
/// has finished (it awaits its value first), so no two tasks ever touch the iterator at once.
/// That rule is checked, not assumed: a second `next()` while one runs stops the process. The flag's
/// acquire/release ordering also hands the iterator's state from one task to the next.
final class SequentialIterator: @unchecked Sendable {
    private var iterator: RowBatches.Iterator
    private let busy = Atomic<Bool>(false)

    init(_ iterator: RowBatches.Iterator) { self.iterator = iterator }

    func next() async throws -> [TicketRow]? {
        let (exchanged, _) = busy.compareExchange(expected: false, desired: true, ordering: .acquiring)
        precondition(exchanged, "RowBatches: two decodes of one file at once")
        defer { busy.store(false, ordering: .releasing) }
        return try await iterator.next()
    }
}
