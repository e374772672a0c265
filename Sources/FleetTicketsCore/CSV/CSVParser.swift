/// An incremental RFC 4180 parser: feed it chunks of bytes, collect whole records.
///
/// Handles a UTF-8 byte-order mark, LF / CRLF (and bare CR) record ends, quoted fields holding
/// commas, doubled quotes and line breaks, and a final record without a line end. Blank lines
/// are skipped.
///
/// Linear in its input whatever the input holds: it is a state machine that looks at each
/// byte once and keeps its place across chunks (a field or record that straddles chunks is
/// continued, never re-scanned from its start), and the bytes of a field are appended to one
/// growing buffer (never copied afresh per doubled quote). Memory is one chunk plus one record.
///
/// Fields are validated as UTF-8 and may not hold a NUL byte (PostgreSQL cannot store one in
/// text or `jsonb`); anything else is a `CSVDecodingError` naming the line.
public struct CSVParser: Sendable {
    /// One record: its fields and the physical line it starts on (1-based).
    public struct Record: Sendable, Equatable {
        public var fields: [String]
        public var line: Int

        public init(fields: [String], line: Int) {
            self.fields = fields
            self.line = line
        }
    }

    /// Where the parser stands between two bytes.
    private enum State: Sendable {
        /// At the start of a field (or of a record).
        case fieldStart
        /// A record just ended with CR: an LF right after it belongs to that line end.
        case afterCR
        /// Inside an unquoted field.
        case unquoted
        /// Inside a quoted field.
        case quoted
        /// Inside a quoted field, right after a `"`: a second `"` is an escaped quote, a
        /// delimiter closes the field, anything else is an error.
        case quoteSeen
    }

    private let key: String
    private var state = State.fieldStart
    /// Bytes of the field being read when it cannot be taken straight from the chunk (it is
    /// quoted or straddles chunks).
    private var field: [UInt8] = []
    /// `field` holds doubled quotes still to be collapsed into one.
    private var escaped = false
    private var fields: [String] = []
    /// The physical line the current record starts on.
    private var line = 1
    /// Line feeds inside the current record's quoted fields.
    private var extraLines = 0
    private var started = false
    private var head: [UInt8] = []
    private var expectedFields = 8

    /// A parser for the file named `key` (used in errors).
    public init(key: String) {
        self.key = key
    }

    /// Parses the complete records in `chunk` (continuing any record begun in earlier chunks)
    /// into `records`.
    public mutating func feed(_ chunk: [UInt8], into records: inout [Record]) throws {
        if !started {
            // Too short to tell whether a BOM starts the file: wait for more.
            head.append(contentsOf: chunk)
            if head.count < 3 { return }
            started = true
            let first = head
            head = []
            let skip = first.starts(with: Self.bom) ? 3 : 0
            try first.withUnsafeBufferPointer { try parse(UnsafeBufferPointer(rebasing: $0[skip...]), into: &records) }
            return
        }
        try chunk.withUnsafeBufferPointer { try parse($0, into: &records) }
    }

    /// Parses whatever is left once the stream has ended.
    public mutating func finish(into records: inout [Record]) throws {
        if !started {
            started = true
            let first = head
            head = []
            try first.withUnsafeBufferPointer { try parse($0, into: &records) }
        }
        switch state {
        case .fieldStart:
            if !fields.isEmpty { try endField(nil); endRecord(into: &records) }  // the file ended right after a comma
        case .afterCR:
            break
        case .unquoted, .quoteSeen:
            try endField(nil)
            endRecord(into: &records)
        case .quoted:
            throw error(.unclosedQuote, at: line, "a quoted field is never closed (a \" is missing before the end of the file)")
        }
        state = .fieldStart
    }

    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    /// Runs the state machine over `p`, each byte once.
    private mutating func parse(_ p: UnsafeBufferPointer<UInt8>, into records: inout [Record]) throws {
        let n = p.count
        var i = 0
        while i < n {
            switch state {
            case .afterCR:
                state = .fieldStart
                if p[i] == Self.lf { i += 1 }
            case .fieldStart:
                if p[i] == Self.quote {
                    state = .quoted
                    i += 1
                } else {
                    state = .unquoted
                }
            case .unquoted:
                var j = i
                while j < n {
                    let c = p[j]
                    if c == Self.comma || c == Self.lf || c == Self.cr { break }
                    j += 1
                }
                if j == n {  // the field goes on in the next chunk
                    field.append(contentsOf: UnsafeBufferPointer(rebasing: p[i..<n]))
                    return
                }
                try endField(UnsafeBufferPointer(rebasing: p[i..<j]))
                try delimiter(p[j], into: &records)
                i = j + 1
            case .quoted:
                // Doubled quotes are kept as they are while scanning (one bulk copy per chunk) and
                // collapsed in one pass when the field ends: the cost per byte is the same
                // whether the field is plain text or nothing but `""`.
                var j = i
                while j < n {
                    let c = p[j]
                    if c == Self.quote {
                        guard j + 1 < n, p[j + 1] == Self.quote else { break }  // closing, or settled by `quoteSeen`
                        escaped = true
                        j += 2
                        continue
                    }
                    if c == Self.lf { extraLines += 1 }
                    j += 1
                }
                field.append(contentsOf: UnsafeBufferPointer(rebasing: p[i..<j]))
                if j == n { return }
                state = .quoteSeen
                i = j + 1
            case .quoteSeen:
                let c = p[i]
                if c == Self.quote {  // a doubled quote split by a chunk end: kept doubled, collapsed later
                    field.append(Self.quote)
                    field.append(Self.quote)
                    escaped = true
                    state = .quoted
                } else if c == Self.comma || c == Self.lf || c == Self.cr {
                    try endField(nil)
                    try delimiter(c, into: &records)
                } else {
                    throw error(.textAfterQuote, at: line + extraLines, "unexpected text after a closing quote (a field that starts with \" must end with \" right before the comma or line end)")
                }
                i += 1
            }
        }
    }

    /// Acts on the byte that ended a field: a comma starts the next field, a line end ends the record.
    private mutating func delimiter(_ c: UInt8, into records: inout [Record]) throws {
        switch c {
        case Self.comma:
            state = .fieldStart
        case Self.lf:
            endRecord(into: &records)
            state = .fieldStart
        default:  // CR
            endRecord(into: &records)
            state = .afterCR
        }
    }

    /// Completes the current field from `tail` (bytes still in the chunk) after any buffered bytes.
    private mutating func endField(_ tail: UnsafeBufferPointer<UInt8>?) throws {
        if field.isEmpty, let tail {
            fields.append(try text(tail))  // the common case: straight from the chunk, no copy
            return
        }
        if let tail { field.append(contentsOf: tail) }
        if escaped {
            collapseDoubledQuotes()
            escaped = false
        }
        let value = try field.withUnsafeBufferPointer { try text($0) }
        field.removeAll(keepingCapacity: field.capacity <= 1 << 16)
        fields.append(value)
    }

    /// Turns each `""` of a quoted field's text into `"`, in place, in one pass. Every quote in
    /// that text is half of a pair (a lone one would have closed the field), so pairs align.
    private mutating func collapseDoubledQuotes() {
        let kept = field.withUnsafeMutableBufferPointer { b -> Int in
            var write = 0, read = 0
            while read < b.count {
                let c = b[read]
                b[write] = c
                write += 1
                read += c == Self.quote ? 2 : 1
            }
            return write
        }
        field.removeLast(field.count - kept)
    }

    private mutating func endRecord(into records: inout [Record]) {
        if !(fields.count == 1 && fields[0].isEmpty) {  // a blank line
            records.append(Record(fields: fields, line: line))
            expectedFields = fields.count
        }
        line += 1 + extraLines
        extraLines = 0
        fields = []
        fields.reserveCapacity(expectedFields)
    }

    private func text(_ bytes: UnsafeBufferPointer<UInt8>) throws -> String {
        if bytes.contains(0) {
            throw error(.nulByte, at: line, "a value holds a NUL byte (0x00), which the database cannot store (re-export the file without it)")
        }
        // Most fields are ASCII, which is valid UTF-8 as it stands: decoding it directly skips
        // the generic validating initialiser (its metadata lookups were a tenth of the drain's
        // own CPU).
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw error(.invalidUTF8, at: line, "the text is not valid UTF-8 (re-export the file as UTF-8)")
        }
        return s
    }

    private func error(_ code: CSVDecodingError.Code, at line: Int, _ reason: String) -> CSVDecodingError {
        CSVDecodingError(code, key: key, line: line, reason: reason)
    }
}
