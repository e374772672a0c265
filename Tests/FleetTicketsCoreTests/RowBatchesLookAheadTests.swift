import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Synchronization
import Testing

/// `RowBatches.forEachWithLookAhead` hands one iterator from decoding task to decoding task
/// (its `@unchecked Sendable` box): every batch arrives once and in order, many files at once,
/// and nothing reads the file after the call returns, whatever the body does.
@Suite struct RowBatchesLookAheadTests {
    static let rows = (0..<3_000).map { Fixtures.row(String(format: "LA%05d", $0)) }
    static let csv = Array(Fixtures.csv(rows).utf8)

    /// Hands out the CSV in small chunks and counts them.
    final class Chunks: Sendable {
        private let state = Mutex((offset: 0, pulled: 0))
        var pulled: Int { state.withLock { $0.pulled } }

        func next() -> [UInt8]? {
            state.withLock { s in
                guard s.offset < RowBatchesLookAheadTests.csv.count else { return nil }
                let end = min(RowBatchesLookAheadTests.csv.count, s.offset + 113)
                defer { s.offset = end }
                s.pulled += 1
                return Array(RowBatchesLookAheadTests.csv[s.offset..<end])
            }
        }
    }

    static func batches(_ chunks: Chunks = Chunks(), batchSize: Int) -> RowBatches {
        RowBatches(csv: ByteChunks(unfolding: {
            await Task.yield()
            return chunks.next()
        }), key: "LA.csv", batchSize: batchSize)
    }

    /// Reads 24 files at once, file `n` through `read(n)`, and expects every row of each once
    /// and in order.
    static func expectEveryRowInOrder(read: @escaping @Sendable (Int) async throws -> [String]) async throws {
        let expected = rows.map { $0["ticket_id"] ?? "" }
        try await withThrowingTaskGroup(of: [String].self) { group in
            for file in 0..<24 { group.addTask { try await read(file) } }
            var files = 0
            for try await seen in group {
                #expect(seen == expected)
                files += 1
            }
            #expect(files == 24)
        }
    }

    @Test func everyBatchOnceAndInOrderManyFilesAtOnce() async throws {
        try await Self.expectEveryRowInOrder { file in
            var seen: [String] = []
            try await Self.batches(batchSize: 7 + file).forEachWithLookAhead { batch in
                seen += batch.map { $0.ticketID }
                if seen.count % 3 == 0 { await Task.yield() }  // a body slower or faster than the decode
            }
            return seen
        }
    }

    @Test func aFailingBodyStopsTheDecodeBeforeReturning() async throws {
        struct Stop: Error {}
        let chunks = Chunks()
        var calls = 0
        await #expect(throws: Stop.self) {
            try await Self.batches(chunks, batchSize: 50).forEachWithLookAhead { _ in
                calls += 1
                if calls == 3 { throw Stop() }
            }
        }
        #expect(calls == 3)
        let atReturn = chunks.pulled
        try await Task.sleep(for: .milliseconds(50))
        #expect(chunks.pulled == atReturn, "nothing reads the file after the call returned")
        #expect(atReturn < Self.csv.count / 113, "and the rest of the file was never read")
    }

    /// `decodingFirstBatch` shares one iterator between the task decoding the first batch and
    /// the reader of the rest (`FirstBatch`, on `@unchecked Sendable` `SequentialIterator`).
    @Test func aFirstBatchDecodedAheadThenTheRestManyFilesAtOnce() async throws {
        try await Self.expectEveryRowInOrder { file in
            let rows = Self.batches(batchSize: 5 + file).decodingFirstBatch()
            if file % 2 == 0 { await Task.yield() }  // the first batch ready, or still decoding
            var seen: [String] = []
            try await rows.forEachWithLookAhead { batch in seen += batch.map { $0.ticketID } }
            return seen
        }
    }

    @Test func anAbandonedFirstBatchReadsNothingMore() async throws {
        let chunks = Chunks()
        let rows = Self.batches(chunks, batchSize: 50).decodingFirstBatch()
        await rows.abandon()
        let atReturn = chunks.pulled
        try await Task.sleep(for: .milliseconds(50))
        #expect(chunks.pulled == atReturn, "nothing reads the file after abandon returned")
        #expect(atReturn < Self.csv.count / 113, "and the rest of the file was never read")
    }
}
