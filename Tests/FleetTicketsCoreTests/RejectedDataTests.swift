import FleetTicketsCore
import FleetTicketsTesting
import Testing

/// A store that refuses a file's data makes a data error of it (exit 3), never a dependency
/// failure: the engine's side of docs/contract.md §3's "data errors are data errors wherever they are found".
@Suite struct RejectedDataTests {
    /// Refuses one key's data the way the PostgreSQL store does, after reading every row.
    struct RefusingStore: ForwardingTicketStore {
        let base: any TicketStore
        let refused: String

        func apply(_ file: ChangeFile, rows: RowBatches) async throws -> ApplyCounts {
            guard file.key == refused else { return try await base.apply(file, rows: rows) }
            for try await _ in rows {}
            throw RejectedData(.nulCharacter, reason: "a value holds a NUL character, which the database cannot store", ticketID: "WOT\u{0}2")
        }
    }

    @Test func aRefusedFileStopsTheDrainAsADataErrorNamingKeyAndTicket() async throws {
        let bucket = InMemoryChangeSource()
        let base = InMemoryTicketStore()
        let (good, bad, after) = (Fixtures.key(.inc, hour: 9), Fixtures.key(.inc, hour: 10), Fixtures.key(.inc, hour: 11))
        for (key, id) in [(good, "WOT1"), (bad, "WOT2"), (after, "WOT3")] { bucket.put(key, text: Fixtures.csv([Fixtures.row(id)])) }
        let report = await IngestEngine(source: bucket, store: RefusingStore(base: base, refused: bad)).run(.inc, options: .init(apply: true))
        let failure = try #require(report.failure)
        #expect(failure.kind == .data)
        #expect(failure.key == bad)
        #expect(failure.message.contains(bad) && failure.message.contains("ticket WOT\\02"))
        #expect(failure.message.contains("fix the file upstream, or move it out of changes/"))
        #expect(report.files.map(\.key) == [good])
        #expect(try await base.watermark(of: .inc) == good)
        #expect(bucket.object(bad) != nil && bucket.object(after) != nil)
    }

    @Test func aLongTicketIDIsShortenedForTheMessage() {
        let id = String(repeating: "A", count: 10_000)
        #expect(RejectedData(reason: "too long", ticketID: id).ticketID == String(repeating: "A", count: 40) + "… (10000 characters)")
        #expect(RejectedData(reason: "r", ticketID: "WOT\u{1}").ticketID == "WOT\\u{1}")
    }
}
