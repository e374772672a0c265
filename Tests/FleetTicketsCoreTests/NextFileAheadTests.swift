import FleetTicketsCore
import FleetTicketsTesting
import Synchronization
import Testing

/// The engine opens each file and decodes its first batch while the store applies the one
/// before, and a file the run does not reach is never applied nor archived.
@Suite struct NextFileAheadTests {
    /// A bucket that notes each key as it is opened.
    final class NotingSource: ChangeSource {
        let base = InMemoryChangeSource()
        let opened = Mutex<[String]>([])
        var location: String { base.location }
        func list(prefix: String) async throws -> [SourceObject] { try await base.list(prefix: prefix) }
        func read(_ key: String) async throws -> ByteChunks {
            opened.withLock { $0.append(key) }
            return try await base.read(key)
        }
        func move(_ key: String, to destination: String) async throws { try await base.move(key, to: destination) }
    }

    /// Applies through a memory store; applying `waitingIn`, it first waits (up to 5 s) for the
    /// source to have opened `forKey`, and notes whether it had.
    final class WaitingStore: ForwardingTicketStore {
        let base: any TicketStore
        let source: NotingSource
        let waitingIn: String
        let forKey: String
        let sawItOpened = Mutex<Bool?>(nil)

        init(base: InMemoryTicketStore, source: NotingSource, waitingIn: String, forKey: String) {
            (self.base, self.source, self.waitingIn, self.forKey) = (base, source, waitingIn, forKey)
        }

        func apply(_ file: ChangeFile, rows: RowBatches) async throws -> ApplyCounts {
            if file.key == waitingIn {
                var seen = false
                for _ in 0..<500 where !seen {
                    seen = source.opened.withLock { $0.contains(forKey) }
                    if !seen { try await Task.sleep(for: .milliseconds(10)) }
                }
                sawItOpened.withLock { $0 = seen }
            }
            return try await base.apply(file, rows: rows)
        }
    }

    @Test func theNextFileIsOpenedWhileTheStoreAppliesTheCurrentOne() async throws {
        let source = NotingSource()
        let keys = (9...11).map { Fixtures.key(.inc, hour: $0) }
        for (i, key) in keys.enumerated() {
            source.base.put(key, text: Fixtures.csv((0..<5).map { Fixtures.row("WOT\(i)\($0)") }))
        }
        let base = InMemoryTicketStore()
        let store = WaitingStore(base: base, source: source, waitingIn: keys[0], forKey: keys[1])
        // Batches of 2 rows: the file ahead is decoded one batch, the rest when its turn comes.
        let report = await IngestEngine(source: source, store: store).run(.inc, options: .init(apply: true, batchSize: 2))
        #expect(report.failure == nil)
        #expect(store.sawItOpened.withLock { $0 } == true, "the second file was opened while the first was applied")
        #expect(report.files.map(\.key) == keys)
        #expect(report.files.map(\.counts.inserted) == [5, 5, 5])
        #expect(report.files.map(\.rowsRead) == [5, 5, 5])
        #expect(source.opened.withLock { $0 } == keys, "each file opened once, in order")
        #expect(try await base.watermark(of: .inc) == keys[2])
    }

    @Test func aFileAfterAFailureIsOpenedAheadButNeitherAppliedNorArchived() async throws {
        let source = NotingSource()
        let keys = (9...11).map { Fixtures.key(.inc, hour: $0) }
        source.base.put(keys[0], text: Fixtures.csv([Fixtures.row("WOT1")]))
        source.base.put(keys[1], text: "ticket_id,status\nWOT2,\"open\n")  // an unterminated quote
        source.base.put(keys[2], text: Fixtures.csv([Fixtures.row("WOT3")]))
        let base = InMemoryTicketStore()
        let report = await IngestEngine(source: source, store: base).run(.inc, options: .init(apply: true))
        #expect(report.failure?.key == keys[1])
        #expect(report.files.map(\.key) == [keys[0]])
        #expect(try await base.watermark(of: .inc) == keys[0])
        #expect(source.base.object(keys[1]) != nil && source.base.object(keys[2]) != nil, "both left in changes/")
        #expect(try await base.appliedKeys(of: .inc, among: keys) == [keys[0]])
    }
}
