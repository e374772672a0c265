import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

/// Data the database refuses is a data error (docs/contract.md §3): exit 3 naming the key (and the ticket
/// when it can be found), nothing of the file committed, the watermark before it; never a
/// dependency failure that would fail the same way on every retry.
@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct DataErrorTests {
    /// 10,000 characters that do not compress, so no index can hold them.
    static let hugeTicketID: String = {
        var rng = SplitMix64(seed: 99)
        return "WOT" + String((0..<9_997).map { _ in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".randomElement(using: &rng)! })
    }()

    func row(_ id: String, owner: String = "J. Otieno") -> TicketRow {
        TicketRow(ticketID: id, raw: RawRecord(Fixtures.cleanedRaw(Fixtures.row(id, extra: ["owner": owner]))))
    }

    /// Applies rows straight to the store (past any decoder check), after one good file.
    func applyDirectly(_ rows: [TicketRow]) async throws -> (PostgresTicketStore, any Error) {
        let store = try PostgresTicketStore(url: try Integration.freshDatabase(), logger: Integration.logger)
        let good = ChangeFile(dataset: .inc, key: Fixtures.key(.inc, hour: 9), exportedAt: nil, bytes: 0)
        _ = try await store.apply(good, rows: RowBatches(batches: [[row("WOT1")]]))
        let bad = ChangeFile(dataset: .inc, key: Fixtures.key(.inc, hour: 10), exportedAt: nil, bytes: 0)
        do {
            _ = try await store.apply(bad, rows: RowBatches(batches: [[row("WOT2")], rows]))
            Issue.record("the store accepted data the database cannot hold")
            return (store, CancellationError())
        } catch {
            #expect(try await store.tickets(of: .inc).keys.sorted() == ["WOT1"], "nothing of the refused file")
            #expect(try await store.watermark(of: .inc) == Fixtures.key(.inc, hour: 9))
            #expect(try await store.appliedKeys(of: .inc, among: [bad.key]).isEmpty)
            return (store, error)
        }
    }

    @Test func aNULThatJsonbRefusesNamesTheTicket() async throws {
        let (_, error) = try await applyDirectly([row("WOT3"), row("WOT4", owner: "Jane\u{0}Doe"), row("WOT5")])
        let refused = try #require(error as? RejectedData, "\(error)")
        #expect(refused.ticketID == "WOT4")
        #expect(refused.reason.contains("NUL"))
    }

    @Test func aNULInTheTicketIDNamesIt() async throws {
        let (_, error) = try await applyDirectly([row("WOT\u{0}6")])
        let refused = try #require(error as? RejectedData, "\(error)")
        #expect(refused.ticketID == "WOT\\06")
    }

    @Test func aTicketIDTooLongForTheIndexNamesIt() async throws {
        let (_, error) = try await applyDirectly([row("WOT3"), row(Self.hugeTicketID)])
        let refused = try #require(error as? RejectedData, "\(error)")
        #expect(refused.ticketID?.hasPrefix("WOT") == true && refused.ticketID?.hasSuffix("(10000 characters)") == true)
        #expect(refused.reason.contains("too long"))
        #expect(refused.reason.contains("SQLSTATE 54"))
    }

    /// Through the engine, from files: the drain stops with a data error naming the key, what
    /// to do, and leaves the files before it applied. (A decoder check may catch these shapes
    /// first; either way it is a data error and nothing of the file is committed.)
    @Test(arguments: ["nul", "long"])
    func theDrainStopsWithADataErrorAndTheWatermarkBeforeTheFile(shape: String) async throws {
        let bucket = InMemoryChangeSource()
        let good = Fixtures.key(.inc, hour: 9), bad = Fixtures.key(.inc, hour: 10), after = Fixtures.key(.inc, hour: 11)
        bucket.put(good, text: Fixtures.csv([Fixtures.row("WOT1")]))
        let badRow = shape == "nul" ? Fixtures.row("WOT2", extra: ["owner": "Jane\u{0}Doe"]) : Fixtures.row(Self.hugeTicketID)
        bucket.put(bad, text: Fixtures.csv([Fixtures.row("WOT3"), badRow]))
        bucket.put(after, text: Fixtures.csv([Fixtures.row("WOT4")]))
        let store = try PostgresTicketStore(url: try Integration.freshDatabase(), logger: Integration.logger)
        for apply in [false, true] {
            let report = await IngestEngine(source: bucket, store: store, logger: Integration.logger).run(.inc, options: .init(apply: apply))
            let failure = try #require(report.failure)
            #expect(failure.kind == .data, "\(failure.message)")
            #expect(failure.key == bad)
            #expect(failure.message.contains(bad))
            #expect(report.files.map(\.key) == [good])
        }
        #expect(try await store.watermark(of: .inc) == good)
        #expect(try await store.tickets(of: .inc).keys.sorted() == ["WOT1"])
        #expect(bucket.object(bad) != nil && bucket.object(after) != nil, "the refused file and those after it stay in place")
    }
}
