import FleetTicketsCore
import FleetTicketsTesting
import Synchronization
import Testing

/// The archive's batches: committed files go to the source's `move(_:)` in batches of
/// `archiveBatchSize`, only after their commits, and each file's outcome is its own.
@Suite struct ArchiveBatchTests {
    /// Records each batch handed to `move(_:)` and what the store had committed by then.
    final class BatchRecordingSource: ChangeSource {
        let base: InMemoryChangeSource
        let store: InMemoryTicketStore
        private let seen = Mutex<[(keys: [String], committed: Int)]>([])

        init(_ base: InMemoryChangeSource, store: InMemoryTicketStore) {
            self.base = base
            self.store = store
        }

        var batches: [(keys: [String], committed: Int)] { seen.withLock { $0 } }
        var location: String { base.location }
        func list(prefix: String) async throws -> [SourceObject] { try await base.list(prefix: prefix) }
        func read(_ key: String) async throws -> ByteChunks { try await base.read(key) }
        func move(_ key: String, to destination: String) async throws { try await base.move(key, to: destination) }

        func move(_ moves: [ObjectMove]) async -> [String: any Error] {
            seen.withLock { $0.append((moves.map(\.key), store.commits)) }
            return await base.move(moves)
        }
    }

    let bucket = InMemoryChangeSource()
    let store = InMemoryTicketStore()

    func putFiles(_ count: Int) -> [String] {
        (0..<count).map { index in
            let key = Fixtures.key(.inc, hour: index / 60, minute: index % 60)
            bucket.put(key, text: Fixtures.csv([Fixtures.row("WOT\(index)")]))
            return key
        }
    }

    @Test func committedFilesMoveInBatchesOfTheConfiguredSize() async throws {
        let keys = putFiles(70)
        let source = BatchRecordingSource(bucket, store: store)
        let report = await IngestEngine(source: source, store: store)
            .run(.inc, options: IngestOptions(apply: true, archiveBatchSize: 32))
        #expect(report.failure == nil)
        #expect(source.batches.map(\.keys) == [Array(keys[0..<32]), Array(keys[32..<64]), Array(keys[64...])])
        for batch in source.batches {
            let lastKey = try #require(batch.keys.last)
            #expect(batch.committed >= keys.firstIndex(of: lastKey)! + 1, "a batch moves only committed files")
        }
        #expect(report.files.allSatisfy { $0.archived })
        #expect(try await bucket.list(prefix: Dataset.inc.changesPrefix).isEmpty)
        #expect(try await bucket.list(prefix: Dataset.inc.processedPrefix).count == 70)
    }

    @Test func aFileThatDidNotMoveFailsAloneAndTheNextRunMovesIt() async throws {
        let keys = putFiles(5)
        let faulty = FaultyChangeSource(wrapping: bucket)
        faulty.fail(.move, on: keys[3], times: 1)
        let first = await IngestEngine(source: faulty, store: store)
            .run(.inc, options: IngestOptions(apply: true, archiveBatchSize: 4))
        #expect(first.failure == nil)
        #expect(first.archiveFailed.map(\.key) == [keys[3]])
        #expect(first.files.map(\.archived) == [true, true, true, false, true])
        #expect(try await bucket.list(prefix: Dataset.inc.changesPrefix).map(\.key) == [keys[3]])

        let second = await IngestEngine(source: faulty, store: store).run(.inc, options: IngestOptions(apply: true))
        #expect(second.archiveRetried == [keys[3]])
        #expect(second.archiveFailed.isEmpty && second.files.isEmpty)
        #expect(store.ledger(of: .inc)[keys[3]]?.applications == 1, "moved, never applied again")
        #expect(try await bucket.list(prefix: Dataset.inc.changesPrefix).isEmpty)
    }

    @Test func theDefaultBatchMoveMovesEachObjectAndNamesEachFailure() async throws {
        let source = InMemoryChangeSource(["a": [1], "b": [2], "c": [3]])
        let failures = await source.move([ObjectMove("a", to: "x/a"), ObjectMove("missing", to: "x/m"), ObjectMove("c", to: "x/c")])
        #expect(Array(failures.keys) == ["missing"])
        #expect(failures["missing"] as? ChangeSourceError == .notFound(key: "missing", location: "memory"))
        #expect(source.keys == ["b", "x/a", "x/c"])
    }

    @Test func aDryRunMovesNothing() async throws {
        _ = putFiles(3)
        let source = BatchRecordingSource(bucket, store: store)
        let report = await IngestEngine(source: source, store: store).run(.inc, options: IngestOptions(apply: false))
        #expect(report.files.count == 3)
        #expect(source.batches.isEmpty)
    }
}
