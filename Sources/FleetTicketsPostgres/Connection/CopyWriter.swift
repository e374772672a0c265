internal import CLibPQ

/// Encodes rows in COPY text format and sends them to the server in chunks.
///
/// Handed to the closure of `PostgresConnection.copyIn(_:purpose:_:)`; it cannot outlive it.
/// Each field is escaped per COPY text format — backslash, tab, newline and carriage return
/// become `\\`, `\t`, `\n`, `\r` — and nil becomes `\N` (SQL NULL), so any text round-trips.
package struct CopyWriter {
    /// Data is sent once this much is buffered: large enough to amortise the calls, small
    /// enough that memory stays flat however many rows are copied.
    package static let flushThreshold = 256 * 1024

    private let connection: PostgresConnection
    private let handle: OpaquePointer
    private let purpose: String
    private let file: String
    private let line: Int
    private var buffer: [UInt8] = []
    /// Rows appended so far (the server's count, returned by `copyIn`, is the authority).
    package private(set) var rowsAppended = 0

    init(connection: PostgresConnection, handle: OpaquePointer, purpose: String, file: String, line: Int) {
        self.connection = connection
        self.handle = handle
        self.purpose = purpose
        self.file = file
        self.line = line
        buffer.reserveCapacity(Self.flushThreshold + 4096)
    }

    /// Appends one row; the fields must match the COPY statement's columns in number and order.
    ///
    /// - Throws: `PostgresError` `.usage` if a field contains NUL (the row is then dropped whole),
    ///   or `.copy` if sending a full buffer fails.
    package mutating func appendRow(_ fields: [String?]) throws {
        let rowStart = buffer.count
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: "\t")) }
            guard let field else {
                buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
                continue
            }
            for byte in field.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case UInt8(ascii: "\t"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case UInt8(ascii: "\n"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case UInt8(ascii: "\r"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0:
                    // Drop the partial row so a caller that catches this can carry on cleanly.
                    buffer.removeSubrange(rowStart...)
                    throw PostgresError(
                        code: .usage, purpose: purpose,
                        message: "field \(index + 1) of row \(rowsAppended + 1) contains a NUL character, which PostgreSQL text cannot hold",
                        endpoint: connection.endpoint, file: file, line: line)
                default: buffer.append(byte)
                }
            }
        }
        buffer.append(UInt8(ascii: "\n"))
        rowsAppended += 1
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    /// Appends one row that `encode` writes straight into the buffer, already in COPY text
    /// format (fields escaped, tab-separated, no line end). `encode` answers false when a
    /// field holds a NUL byte; the partial row is dropped and a `.usage` error thrown.
    package mutating func appendEncodedRow(_ encode: (inout [UInt8]) -> Bool) throws {
        let rowStart = buffer.count
        guard encode(&buffer) else {
            buffer.removeSubrange(rowStart...)
            throw PostgresError(
                code: .usage, purpose: purpose,
                message: "row \(rowsAppended + 1) contains a NUL character, which PostgreSQL text cannot hold",
                endpoint: connection.endpoint, file: file, line: line)
        }
        buffer.append(UInt8(ascii: "\n"))
        rowsAppended += 1
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    /// Sends whatever is buffered. `copyIn` calls this after the closure returns.
    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try connection.putCopyData(buffer, handle: handle, purpose: purpose, file: file, line: line)
        buffer.removeAll(keepingCapacity: true)
    }
}
