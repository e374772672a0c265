import FleetTicketsCore
@testable import FleetTicketsPostgres
import Testing

/// `CopyText.fields` undoes exactly what the COPY writers do, so a row staged by INSERT holds
/// what its COPY would have. Needs no database.
struct CopyTextTests {
    @Test func fieldsReadBackWhatTheWritersWrote() {
        let values: [String?] = ["", "plain", nil, "tab\there", "new\nline", "cr\rhere", "back\\slash", "\\N", "\\", "a\\tb",
                                 "ünïcode 🚀", nil, "trailing\\", "\t", " "]
        var line: [UInt8] = []
        for (i, value) in values.enumerated() {
            if i > 0 { line.append(0x09) }
            if let value { #expect(CopyText.append(value, to: &line)) } else { CopyText.appendNull(to: &line) }
        }
        #expect(CopyText.fields(of: line) == values)
    }

    @Test func aRowOfTheStagingEncoderHasOneFieldPerColumn() {
        var line: [UInt8] = []
        var encoder = StagedRowEncoder()
        let row = TicketRow(ticketID: "WO\t1", raw: RawRecord(keys: ["ticket_id", "cluster"], values: ["WO\t1", "Kasa\\rani"]))
        #expect(encoder.encode(ordinal: 7, row: row, into: &line))
        let fields = CopyText.fields(of: line)
        #expect(fields.count == StagedRowEncoder.columns.count)
        #expect(fields[0] == "7")
        #expect(fields[1] == "WO\t1")
        #expect(fields[2] == #"{"cluster": "Kasa\\rani", "ticket_id": "WO\t1"}"#)
        #expect(fields.suffix(2) == [nil, "Kasa\\rani"], "raw_location_name, raw_cluster: the values as they are")
    }

    /// A NUL in a key or a value refuses the row (the store names its ticket), every row of
    /// the file for a key: the keys are escaped once per file.
    @Test func aNulInAKeyOrAValueRefusesTheRow() {
        var encoder = StagedRowEncoder()
        var line: [UInt8] = []
        let plain = RawRecord(keys: ["ticket_id", "cluster"], values: ["WO1", "Kasarani"])
        #expect(encoder.encode(ordinal: 1, row: TicketRow(ticketID: "WO1", raw: plain), into: &line))
        let badValue = RawRecord(keys: plain.keys, values: ["WO2", "Kasa\u{0}rani"])
        #expect(!encoder.encode(ordinal: 2, row: TicketRow(ticketID: "WO2", raw: badValue), into: &line))
        let badKey = RawRecord(keys: ["ticket_id", "clu\u{0}ster"], values: ["WO3", "Kasarani"])
        for ordinal in 3...4 {
            #expect(!encoder.encode(ordinal: ordinal, row: TicketRow(ticketID: "WO\(ordinal)", raw: badKey), into: &line))
        }
        #expect(encoder.encode(ordinal: 5, row: TicketRow(ticketID: "WO5", raw: plain), into: &line))
    }

    /// jsonb keeps an object's keys shorter first, equal lengths by their bytes, and of a key
    /// given twice the last value.
    @Test func rawKeysComeInJsonbOrder() {
        #expect(StagedRowEncoder.jsonbOrder(of: ["ticket_id", "bb", "é", "b", "ab", "a"]) == [5, 3, 4, 1, 2, 0])
        #expect(StagedRowEncoder.jsonbOrder(of: ["x", "y", "x"]) == [2, 1])
        #expect(StagedRowEncoder.jsonbOrder(of: []) == [])
    }
}
