import FleetTicketsCore
import Testing

/// Parses `bytes` fed to the parser in chunks of `chunk` bytes.
private func parseInChunks(_ bytes: [UInt8], chunk: Int) throws -> [CSVParser.Record] {
        var parser = CSVParser(key: "k.csv")
        var records: [CSVParser.Record] = []
        var i = 0
        while i < bytes.count {
            try parser.feed(Array(bytes[i..<min(i + chunk, bytes.count)]), into: &records)
            i += chunk
        }
        try parser.finish(into: &records)
        return records
}

@Suite struct CSVParserTests {
    func parse(_ bytes: [UInt8], chunk: Int = 1 << 16) throws -> [CSVParser.Record] {
        try parseInChunks(bytes, chunk: chunk)
    }

    func parse(_ text: String, chunk: Int = 1 << 16) throws -> [[String]] {
        try parse(Array(text.utf8), chunk: chunk).map(\.fields)
    }

    @Test func readsQuotedCommasDoubledQuotesAndLineBreaks() throws {
        let text = "a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n"
        #expect(try parse(text) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"]])
    }

    @Test func everyChunkSizeGivesTheSameRecords() throws {
        let text = "\u{FEFF}id,name,note\r\n1,\"Otieno, J\",\"line1\r\nline2\"\r\n2,,\"\"\"q\"\"\"\r\n3,Wanjiru,end"
        let whole = try parse(text)
        #expect(whole == [["id", "name", "note"], ["1", "Otieno, J", "line1\r\nline2"], ["2", "", "\"q\""], ["3", "Wanjiru", "end"]])
        for size in [1, 2, 3, 5, 7, 13] {
            #expect(try parse(text, chunk: size) == whole, "chunk size \(size)")
        }
    }

    @Test func stripsTheByteOrderMarkOnlyAtTheStart() throws {
        #expect(try parse("\u{FEFF}ticket_id\nA\n") == [["ticket_id"], ["A"]])
        #expect(try parse("\u{FEFF}ticket_id\nA\n", chunk: 1) == [["ticket_id"], ["A"]])
    }

    @Test func lineNumbersCountPhysicalLines() throws {
        let records = try parse(Array("h1,h2\n\"a\nb\",c\n\nd,e\n".utf8))
        #expect(records.map(\.line) == [1, 2, 5])
    }

    @Test func keepsEmptyFieldsAndATrailingComma() throws {
        #expect(try parse("a,b,c\n,,\nx,y,\n") == [["a", "b", "c"], ["", "", ""], ["x", "y", ""]])
    }

    @Test func anUnclosedQuoteNamesTheLineWhereTheRecordStarts() throws {
        let error = #expect(throws: CSVDecodingError.self) { try parse("a,b\n1,2\n3,\"oops\n4,5\n") }
        #expect(error?.line == 3)
        #expect(error?.key == "k.csv")
        #expect(error?.reason.contains("never closed") == true)
    }

    @Test func textAfterAClosingQuoteIsAnError() throws {
        let error = #expect(throws: CSVDecodingError.self) { try parse("a,b\n\"x\"y,2\n") }
        #expect(error?.line == 2)
    }

    @Test func invalidUTF8IsAnErrorWithItsLine() throws {
        var bytes = Array("a,b\n1,2\n".utf8)
        bytes += [0x33, 0x2C, 0xFF, 0xFE, 0x0A]
        let error = #expect(throws: CSVDecodingError.self) { try parse(bytes) }
        #expect(error?.line == 3)
        #expect(error?.reason.contains("UTF-8") == true)
    }

    @Test func multiByteCharactersSurviveChunkSplits() throws {
        let text = "name\nNjeri Wanjikũ\n\"Ruírú, Kĩambu\"\n"
        #expect(try parse(text, chunk: 1) == [["name"], ["Njeri Wanjikũ"], ["Ruírú, Kĩambu"]])
    }
}

/// Values the database cannot store are caught while decoding, with the line.
@Suite struct CSVParserRefusalTests {
    /// Fed three bytes at a time, so every refusal is also found across chunk boundaries.
    func parse(_ bytes: [UInt8], chunk: Int = 3) throws -> [CSVParser.Record] {
        try parseInChunks(bytes, chunk: chunk)
    }

    @Test func aNULByteInAnyValueIsAnErrorWithItsLine() throws {
        for body in ["WOT1,Jane\u{0}Doe\n", "WOT1,\"Jane\u{0}Doe\"\n", "WOT\u{0}1,x\n"] {
            let error = #expect(throws: CSVDecodingError.self) { try parse(Array("a,b\nWOT0,ok\n\(body)".utf8)) }
            #expect(error?.line == 3, "\(body.debugDescription)")
            #expect(error?.reason.contains("NUL") == true)
        }
    }

    @Test func crOnlyLineEndsAndQuotedLineBreaksKeepTheirLines() throws {
        let records = try parse(Array("a,b\r1,\"x\ny\"\r2,z\r".utf8), chunk: 1)
        #expect(records.map(\.fields) == [["a", "b"], ["1", "x\ny"], ["2", "z"]])
        #expect(records.map(\.line) == [1, 2, 4])
    }

    @Test func aFileOfOnlyABOMOrNothingHasNoRecords() throws {
        #expect(try parse([0xEF, 0xBB, 0xBF]).isEmpty)
        #expect(try parse([]).isEmpty)
        #expect(try parse([0xEF, 0xBB, 0xBF] + Array("a\n".utf8), chunk: 1).map(\.fields) == [["a"]])
    }
}
