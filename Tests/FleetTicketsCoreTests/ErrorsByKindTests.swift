import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Testing

/// An embedding service catches the SDK's failures by kind (a `code`) and reads their facts
/// from fields, rather than parsing sentences.
@Suite struct ErrorsByKindTests {
    let bucket = InMemoryChangeSource()
    let store = InMemoryTicketStore()

    func engine(_ store: any TicketStore) -> IngestEngine { IngestEngine(source: bucket, store: store) }

    @Test func aBusyDatasetIsCaughtAsDatasetBusy() async throws {
        bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv([Fixtures.row("WOT1")]))
        let thrown = try await store.withExclusiveAccess(to: .inc) { () async -> (any Error)? in
            do {
                _ = try await engine(store).run(.inc, options: .init(apply: true)).checked()
                return nil
            } catch {
                return error
            }
        }
        let error = try #require(thrown as? IngestError, "\(String(describing: thrown))")
        #expect(error.code == .datasetBusy)
        #expect(!error.code.isDataError)
        #expect(error.dataset == "inc")
        #expect(error.underlying == nil)
        #expect(error.report.busy)
        #expect(store.commits == 0)
    }

    @Test func aFileThatCannotBeDecodedIsABadFileWithItsKeyAndLine() async throws {
        let key = Fixtures.key(.inc, hour: 9)
        let good = Fixtures.csv([Fixtures.row("WOT1")])
        bucket.put(key, text: good + "WOT2,\"never closed\n")
        do {
            _ = try await engine(store).run(.inc, options: .init(apply: true)).checked()
            Issue.record("a file with an unclosed quote drained")
        } catch let error as IngestError where error.code == .badFile {
            #expect(error.code.isDataError)
            #expect(error.key == key)
            #expect(error.line == 3)
            let decoding = try #require(error.underlying as? CSVDecodingError)
            #expect(decoding.code == .unclosedQuote)
            #expect(decoding.key == key)
            #expect(decoding.line == 3)
            #expect(error.report.failure?.kind == .data)
        }
    }

    @Test func theParserAndTheCleanerNameTheirFaultsByCode() throws {
        var parser = CSVParser(key: "k.csv")
        var records: [CSVParser.Record] = []
        let afterQuote = #expect(throws: CSVDecodingError.self) {
            try parser.feed(Array("a,b\n\"x\"y,2\n".utf8), into: &records)
            try parser.finish(into: &records)
        }
        #expect(afterQuote?.code == .textAfterQuote)
        #expect(afterQuote?.line == 2)

        let header = #expect(throws: CSVDecodingError.self) { try RowCleaner(header: ["id", "status"], key: "f.csv") }
        #expect(header?.code == .badHeader)
        #expect(header?.column == "ticket_id")

        let cleaner = try RowCleaner(header: ["ticket_id", "status"], key: "f.csv")
        let short = #expect(throws: CSVDecodingError.self) { try cleaner.clean(CSVParser.Record(fields: ["A", "B", "C"], line: 7)) }
        #expect(short?.code == .fieldCount)
        #expect(short?.line == 7)
    }

    @Test func aRefusedRowIsRefusedDataWithItsTicket() async throws {
        let key = Fixtures.key(.inc, hour: 9)
        bucket.put(key, text: Fixtures.csv([Fixtures.row("WOT1")]))
        let refusing = RejectedDataTests.RefusingStore(base: store, refused: key)
        do {
            _ = try await engine(refusing).run(.inc, options: .init(apply: true)).checked()
            Issue.record("a refused file drained")
        } catch let error as IngestError where error.code == .refusedData {
            #expect(error.key == key)
            #expect(error.ticketID == "WOT\\02")
            let refused = try #require(error.underlying as? RejectedData)
            #expect(refused.code == .nulCharacter)
        }
    }

    @Test func aFailingStoreIsADependencyFailureCarryingTheStoresError() async throws {
        let key = Fixtures.key(.inc, hour: 9)
        bucket.put(key, text: Fixtures.csv([Fixtures.row("WOT1")]))
        let failing = FailingTicketStore(wrapping: store, failOn: [1])
        let error = await #expect(throws: IngestError.self) {
            _ = try await engine(failing).run(.inc, options: .init(apply: true)).checked()
        }
        #expect(error?.code == .dependency)
        #expect(error?.key == key)
        #expect(error?.underlying is FailingTicketStore.InjectedFault)
    }

    @Test func aDrainedRunIsReturnedAndTheCauseStaysOutOfTheJSON() async throws {
        bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv([Fixtures.row("WOT1")]))
        let report = try await engine(store).run(.inc, options: .init(apply: true)).checked()
        #expect(report.files.count == 1)

        let failure = IngestFailure(kind: .data, key: "k", line: 2, message: "m",
                                    cause: IngestFailure.Cause(CSVDecodingError(.nulByte, key: "k", line: 2, reason: "r")))
        let json = String(decoding: try JSONEncoder().encode(failure), as: UTF8.self)
        #expect(!json.contains("cause"))
        let decoded = try JSONDecoder().decode(IngestFailure.self, from: Data(json.utf8))
        #expect(decoded == failure, "equality is that of the facts")
        #expect(decoded.code == .badFile)
    }

    @Test func geocoderErrorsAreCaughtByCodeWithTheirFacts() {
        let error = GeocoderError.unauthorized(provider: "locationiq", variable: "GEOCODER_API_KEY")
        #expect(error.code == .unauthorized)
        #expect(error.variable == "GEOCODER_API_KEY")
        #expect(error == GeocoderError(code: .unauthorized, provider: "locationiq", variable: "GEOCODER_API_KEY"))
        #expect(GeocoderError.budgetSpent(provider: "x").code != .quotaExhausted)
    }
}
