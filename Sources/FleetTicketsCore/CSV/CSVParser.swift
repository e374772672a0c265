/// An incremental RFC 4180 parser: feed it chunks of bytes, collect whole records.
///
/// Handles a UTF-8 byte-order mark, LF / CRLF (and bare CR) record ends, quoted fields holding
/// commas, doubled quotes and line breaks, and a final record without a line end. Blank lines
/// are skipped. A record may straddle chunks: its bytes are carried over and parsed whole
/// once its end arrives, so memory is one chunk plus one record.
///
/// Fields are validated as UTF-8; anything else is a `CSVDecodingError` naming the line.
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

    private let key: String
    private var carry: [UInt8] = []
    private var line = 1
    private var sawFirstBytes = false
    private var expectedFields = 8

    /// A parser for the file named `key` (used in errors).
    public init(key: String) {
        self.key = key
    }

    /// Parses the complete records in `chunk` (plus any carried-over bytes) into `records`.
    public mutating func feed(_ chunk: [UInt8], into records: inout [Record]) throws {
        var bytes = chunk[...]
        if !sawFirstBytes {
            if carry.count + chunk.count < 3 && !chunk.isEmpty {
                carry.append(contentsOf: chunk)  // too short to tell whether a BOM starts the file
                return
            }
            sawFirstBytes = true
            if !carry.isEmpty {
                carry.append(contentsOf: chunk)
                bytes = carry[...]
                carry = []
            }
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        }
        try parseBuffered(bytes, final: false, into: &records)
    }

    /// Parses whatever is left once the stream has ended.
    public mutating func finish(into records: inout [Record]) throws {
        if !sawFirstBytes {
            sawFirstBytes = true
            if carry.starts(with: [0xEF, 0xBB, 0xBF]) { carry.removeFirst(3) }
        }
        let rest = carry
        carry = []
        try parseBuffered(rest[...], final: true, into: &records)
    }

    private mutating func parseBuffered(_ bytes: ArraySlice<UInt8>, final: Bool, into records: inout [Record]) throws {
        if carry.isEmpty {
            let consumed = try bytes.withUnsafeBufferPointer { try parse($0, final: final, into: &records) }
            carry = Array(bytes.dropFirst(consumed))
        } else {
            var joined = carry
            joined.append(contentsOf: bytes)
            let consumed = try joined.withUnsafeBufferPointer { try parse($0, final: final, into: &records) }
            carry = Array(joined[consumed...])
        }
    }

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    /// Parses whole records from `p`; returns how many bytes they used. Without `final`, stops
    /// before a record whose end is not in `p` yet.
    private mutating func parse(_ p: UnsafeBufferPointer<UInt8>, final: Bool, into records: inout [Record]) throws -> Int {
        let n = p.count
        var pos = 0
        while pos < n {
            var fields: [String] = []
            fields.reserveCapacity(expectedFields)
            var i = pos
            var linesInRecord = 1
            fieldLoop: while true {
                if i >= n {
                    guard final else { return pos }
                    fields.append("")  // the file ended right after a comma
                    break fieldLoop
                }
                if p[i] == Self.quote {
                    var j = i + 1
                    var segment = j
                    var unescaped: [UInt8]? = nil
                    while true {
                        guard j < n else {
                            guard final else { return pos }
                            throw error(at: line, "a quoted field is never closed (a \" is missing before the end of the file)")
                        }
                        let c = p[j]
                        if c == Self.quote {
                            if j + 1 < n, p[j + 1] == Self.quote {
                                unescaped = (unescaped ?? []) + UnsafeBufferPointer(rebasing: p[segment...j])
                                j += 2
                                segment = j
                                continue
                            }
                            if j + 1 >= n && !final { return pos }
                            break
                        }
                        if c == Self.lf { linesInRecord += 1 }
                        j += 1
                    }
                    if var u = unescaped {
                        u.append(contentsOf: UnsafeBufferPointer(rebasing: p[segment..<j]))
                        fields.append(try text(u[...], line: line))
                    } else {
                        fields.append(try text(UnsafeBufferPointer(rebasing: p[segment..<j]), line: line))
                    }
                    i = j + 1
                    if i >= n { break fieldLoop }  // final: the file ends after the closing quote
                    switch p[i] {
                    case Self.comma:
                        i += 1
                        continue fieldLoop
                    case Self.lf:
                        i += 1
                        break fieldLoop
                    case Self.cr:
                        if i + 1 < n { i += p[i + 1] == Self.lf ? 2 : 1 } else if final { i += 1 } else { return pos }
                        break fieldLoop
                    default:
                        throw error(at: line + linesInRecord - 1, "unexpected text after a closing quote (a field that starts with \" must end with \" right before the comma or line end)")
                    }
                } else {
                    var j = i
                    while j < n {
                        let c = p[j]
                        if c == Self.comma || c == Self.lf || c == Self.cr { break }
                        j += 1
                    }
                    if j >= n && !final { return pos }
                    fields.append(try text(UnsafeBufferPointer(rebasing: p[i..<j]), line: line))
                    if j >= n { i = j; break fieldLoop }
                    switch p[j] {
                    case Self.comma:
                        i = j + 1
                        continue fieldLoop
                    case Self.lf:
                        i = j + 1
                    default:  // CR
                        if j + 1 < n { i = p[j + 1] == Self.lf ? j + 2 : j + 1 } else if final { i = j + 1 } else { return pos }
                    }
                    break fieldLoop
                }
            }
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(Record(fields: fields, line: line))
                expectedFields = fields.count
            }
            line += linesInRecord
            pos = i
        }
        return pos
    }

    private func text(_ bytes: some Collection<UInt8>, line: Int) throws -> String {
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw error(at: line, "the text is not valid UTF-8 (re-export the file as UTF-8)")
        }
        return s
    }

    private func error(at line: Int, _ reason: String) -> CSVDecodingError {
        CSVDecodingError(key: key, line: line, reason: reason)
    }
}
