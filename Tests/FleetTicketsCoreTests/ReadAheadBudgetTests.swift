import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Synchronization
import Testing

/// The run's `ReadAheadBudget` bounds what the engine and the store hold ahead of the file
/// and batch in hand, with a source that counts the files and bytes it has handed out and
/// not yet had back.
@Suite struct ReadAheadBudgetTests {
    /// Serves an in-memory stream and records how many files (and bytes) are open at once: a
    /// file is open from `read` until its byte stream is let go.
    final class CountingSource: ChangeSource {
        let inner: InMemoryChangeSource
        private let state = Mutex((files: 0, bytes: 0, maxFiles: 0, maxBytes: 0))
        var peak: (files: Int, bytes: Int) { state.withLock { ($0.maxFiles, $0.maxBytes) } }
        var open: Int { state.withLock { $0.files } }

        init(_ inner: InMemoryChangeSource) { self.inner = inner }

        func list(prefix: String) async throws -> [SourceObject] { try await inner.list(prefix: prefix) }
        func move(_ key: String, to destination: String) async throws { try await inner.move(key, to: destination) }
        var location: String { inner.location }

        func read(_ key: String) async throws -> ByteChunks {
            let bytes = try await inner.readAll(key)
            state.withLock { s in
                s.files += 1
                s.bytes += bytes.count
                s.maxFiles = max(s.maxFiles, s.files)
                s.maxBytes = max(s.maxBytes, s.bytes)
            }
            return ByteChunks.serving(bytes, chunkSize: 4_096) { [self] in
                self.state.withLock { s in
                    s.files -= 1
                    s.bytes -= bytes.count
                }
            }
        }
    }

    static func stream(files: Int, rows: Int) -> InMemoryChangeSource {
        let source = InMemoryChangeSource()
        for file in 0..<files {
            let batch = (0..<rows).map { Fixtures.row(String(format: "RB%02d%04d", file, $0)) }
            source.put(Fixtures.key(.inc, hour: 1 + file), text: Fixtures.csv(batch))
        }
        return source
    }

    func drain(_ budget: ReadAheadBudget) async throws -> (peak: (files: Int, bytes: Int), open: Int, fileBytes: Int) {
        let inner = Self.stream(files: 8, rows: 300)
        let fileBytes = try await inner.readAll(Fixtures.key(.inc, hour: 1)).count
        let source = CountingSource(inner)
        let store = InMemoryTicketStore()
        let report = await IngestEngine(source: source, store: store)
            .run(.inc, options: IngestOptions(apply: true, batchSize: 50, readAhead: budget))
        #expect(report.failure == nil)
        #expect(report.files.count == 8 && store.tickets(of: .inc).count == 8 * 300, "the budget changes what is held, not what is applied")
        return (source.peak, source.open, fileBytes)
    }

    @Test func withNoFilesAheadOneFileIsOpenAtATime() async throws {
        let (peak, open, fileBytes) = try await drain(ReadAheadBudget(filesAhead: 0))
        #expect(peak.files == 1)
        #expect(peak.bytes <= fileBytes + 64, "one file's bytes in flight")
        #expect(open == 0, "every file let go by the end of the run")
    }

    @Test func theDefaultOpensOneFileAheadOfTheOneApplied() async throws {
        let (peak, open, _) = try await drain(.default)
        #expect(peak.files == 2)
        #expect(open == 0)
    }

    /// Lines of a CSV handed out one chunk each, counted.
    final class Lines: Sendable {
        private let state: Mutex<(lines: ArraySlice<[UInt8]>, pulled: Int)>
        var pulled: Int { state.withLock { $0.pulled } }

        init(_ csv: String) {
            state = Mutex((csv.split(separator: "\n").map { Array(($0 + "\n").utf8) }[...], 0))
        }

        func next() -> [UInt8]? {
            state.withLock { s in
                guard let line = s.lines.popFirst() else { return nil }
                s.pulled += 1
                return line
            }
        }
    }

    /// With no batch ahead, a store writing batch `i` has had at most its rows decoded (and
    /// the line that shows the batch is full); with one, the decoder runs a batch further.
    @Test(arguments: [0, 1])
    func batchesDecodedAheadOfTheStoreAreWithinTheBudget(batchesAhead: Int) async throws {
        let lines = Lines(Fixtures.csv((0..<100).map { Fixtures.row(String(format: "BA%04d", $0)) }))
        let rows = RowBatches(csv: ByteChunks(unfolding: { lines.next() }), key: "BA.csv", batchSize: 10, tally: FileTally(), batchesAhead: batchesAhead)
        var index = 0, sawAhead = false
        try await rows.forEachWithLookAhead { batch in
            #expect(batch.count == 10)
            try await Task.sleep(for: .milliseconds(20))  // time for a decode ahead, if one runs
            let pulled = lines.pulled
            #expect(pulled <= 1 + (index + 1 + batchesAhead) * 10 + 1, "batch \(index): \(pulled) lines read")
            if pulled > 1 + (index + 1) * 10 + 1 { sawAhead = true }
            index += 1
        }
        #expect(index == 10)
        #expect(sawAhead == (batchesAhead > 0))
    }
}
