import FleetTicketsCore
import FleetTicketsTesting
import Testing

@Suite struct RowCleanerTests {
    func record(_ fields: [String], line: Int = 2) -> CSVParser.Record {
        CSVParser.Record(fields: fields, line: line)
    }

    func clean(_ row: [String: String]) throws -> RowCleaner.Outcome {
        let header = SourceColumns.all
        let cleaner = try RowCleaner(header: header, key: "f.csv")
        return try cleaner.clean(record(header.map { row[$0] ?? "" }))
    }

    @Test func dropsAlarmRowsInEverySpelling() throws {
        for spelling in ["true", "TRUE", "True", "1", "yes", "t"] {
            #expect(try clean(Fixtures.row("WOT1", extra: ["is_alarm": spelling])) == .dropped(.alarm), "\(spelling)")
        }
        for spelling in ["false", "0", "no", "", "f"] {
            guard case .kept = try clean(Fixtures.row("WOT1", extra: ["is_alarm": spelling])) else {
                Issue.record("is_alarm=\(spelling) should be kept"); continue
            }
        }
    }

    @Test func dropsTheSentinelWhateverItsCaseAndPadding() throws {
        #expect(try clean(Fixtures.row("EXPORT STOPPED at 10000 rows")) == .dropped(.sentinel))
        #expect(try clean(Fixtures.row("  export stopped")) == .dropped(.sentinel))
        #expect(try clean(Fixtures.row("   ")) == .dropped(.missingTicketID))
    }

    @Test func keepsRawAsReceivedAfterTheCaseRules() throws {
        let row = Fixtures.row(" WOT0715527 ", region: "Nairobi East", extra: ["raw_status": "Work in Progress", "owner": "Kamau, \"PK\"\nPeter", "mttr": ""])
        guard case let .kept(ticket) = try clean(row) else { Issue.record("dropped"); return }
        #expect(ticket.ticketID == "WOT0715527")
        #expect(ticket.raw["ticket_id"] == " WOT0715527 ")
        #expect(ticket.raw["region"] == "nairobi east")
        #expect(ticket.raw["raw_status"] == "WORK IN PROGRESS")
        #expect(ticket.raw["owner"] == "Kamau, \"PK\"\nPeter")
        #expect(ticket.raw["mttr"] == "")
        for dropped in SourceColumns.dropped { #expect(ticket.raw[dropped] == nil) }
        #expect(ticket.raw.keys.count == 25)
    }

    @Test func matchesHeadersByTrimmedCaseInsensitiveNameAndKeepsExtraColumns() throws {
        let header = [" Ticket_ID", "REGION ", "Raw_Status", "escalation_level", "is_alarm"]
        let cleaner = try RowCleaner(header: header, key: "f.csv")
        #expect(cleaner.extraColumns == ["escalation_level"])
        #expect(cleaner.missingColumns.contains("cluster"))
        guard case let .kept(t) = try cleaner.clean(record(["WOT9", "Coast", "closed", "L2", "false"])) else {
            Issue.record("dropped"); return
        }
        #expect(t.raw.dictionary == ["ticket_id": "WOT9", "region": "coast", "raw_status": "CLOSED", "escalation_level": "L2", "is_alarm": "false"])
    }

    @Test func aMissingTicketIDColumnIsADataError() throws {
        let error = #expect(throws: CSVDecodingError.self) { try RowCleaner(header: ["id", "status"], key: "f.csv") }
        #expect(error?.line == 1)
        #expect(error?.reason.contains("ticket_id") == true)
    }

    @Test func aRowWithTheWrongFieldCountNamesItsLine() throws {
        let cleaner = try RowCleaner(header: ["ticket_id", "cluster"], key: "f.csv")
        let error = #expect(throws: CSVDecodingError.self) { try cleaner.clean(record(["A", "B", "C"], line: 7)) }
        #expect(error?.line == 7)
        #expect(error?.reason.contains("3 fields") == true)
    }

    @Test func rawJSONEscapesControlCharactersAndQuotes() {
        let raw = RawRecord(keys: ["a", "b"], values: ["x\"y\\z", "line\nnext\u{1}"])
        #expect(raw.jsonText == #"{"a":"x\"y\\z","b":"line\nnext\u0001"}"#)
    }

    @Test func rawEqualityIgnoresKeyOrder() {
        #expect(RawRecord(keys: ["a", "b"], values: ["1", "2"]) == RawRecord(keys: ["b", "a"], values: ["2", "1"]))
        #expect(RawRecord(keys: ["a", "b"], values: ["1", "2"]) != RawRecord(keys: ["a", "b"], values: ["1", "3"]))
    }
}

/// What the store could only refuse without a line is refused by the cleaner with one.
@Suite struct RowCleanerLimitTests {
    let header = ["ticket_id", "normalized_status", "region"]

    @Test func aShortSentinelLineIsASentinelNotAFieldCountError() throws {
        let cleaner = try RowCleaner(header: header, key: "f.csv")
        #expect(try cleaner.clean(CSVParser.Record(fields: ["EXPORT STOPPED: row limit reached"], line: 9)) == .dropped(.sentinel))
        #expect(try cleaner.clean(CSVParser.Record(fields: ["  export stopped", "x"], line: 9)) == .dropped(.sentinel))
        let later = try RowCleaner(header: ["region", "ticket_id", "normalized_status"], key: "f.csv")
        #expect(try later.clean(CSVParser.Record(fields: ["EXPORT STOPPED"], line: 9)) == .dropped(.sentinel))
        #expect(throws: CSVDecodingError.self) { try cleaner.clean(CSVParser.Record(fields: ["WOT1"], line: 9)) }
    }

    @Test func aTicketIDOverTheLimitIsAnErrorWithItsLine() throws {
        let cleaner = try RowCleaner(header: header, key: "f.csv")
        let fits = String(repeating: "W", count: RowCleaner.maxTicketIDLength)
        if case .kept = try cleaner.clean(CSVParser.Record(fields: [fits, "open", "x"], line: 2)) {} else { Issue.record("a 200-character id is kept") }
        let error = #expect(throws: CSVDecodingError.self) {
            try cleaner.clean(CSVParser.Record(fields: [String(repeating: "W", count: 10_000), "open", "x"], line: 7))
        }
        #expect(error?.line == 7)
        #expect(error?.reason.contains("limit is 200") == true)
    }

    @Test func aHeaderNamingAColumnTwiceIsNamedAndKeepsTheLast() throws {
        let cleaner = try RowCleaner(header: ["ticket_id", "Region", "region ", "owner"], key: "f.csv")
        #expect(cleaner.duplicateColumns == ["region"])
        guard case let .kept(row) = try cleaner.clean(CSVParser.Record(fields: ["WOT1", "first", "LAST", "o"], line: 2)) else {
            Issue.record("kept")
            return
        }
        #expect(row.raw["region"] == "last")
    }

    @Test func rawKeysFollowEachNamesLastColumnLessTheDroppedOnes() throws {
        let header = [" Region", "ticket_id", "Department", "owner", "is_alarm", "REGION", "weird col", "is_alarm ", "owner"]
        let cleaner = try RowCleaner(header: header, key: "f.csv")
        #expect(cleaner.duplicateColumns == ["region", "owner", "is_alarm"], "in the order first met")
        #expect(cleaner.extraColumns == ["weird col"])
        #expect(cleaner.missingColumns == SourceColumns.all.filter { !["region", "ticket_id", "department", "owner", "is_alarm"].contains($0) })
        let fields = ["r1", "WOT1", "ops", "o1", "true", "R2", "w", "false", "o2"]
        guard case let .kept(row) = try cleaner.clean(CSVParser.Record(fields: fields, line: 2)) else {
            Issue.record("the last is_alarm column says false: kept")
            return
        }
        #expect(row.raw.keys == ["ticket_id", "region", "weird col", "is_alarm", "owner"])
        #expect(row.raw["region"] == "r2" && row.raw["owner"] == "o2" && row.raw["department"] == nil)
    }
}
