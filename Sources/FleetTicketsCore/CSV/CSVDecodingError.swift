/// A file that cannot be decoded: which file, which line, what kind of fault and why, in
/// plain words. Thrown by `CSVParser`, `RowCleaner` and the gazetteer loader; the ingest engine
/// reports it as a data error (`IngestError.Code.badFile`).
public struct CSVDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of fault. A struct over a private enum so new codes can be added without
    /// breaking exhaustive switches in callers: compare with `==` or `switch` with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unclosedQuote, textAfterQuote, nulByte, invalidUTF8, emptyFile, badHeader, fieldCount, badValue
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A quoted field is never closed before the end of the file.
        public static let unclosedQuote = Code(.unclosedQuote)
        /// Text follows a closing quote inside a field.
        public static let textAfterQuote = Code(.textAfterQuote)
        /// A value holds a NUL byte, which the database cannot store.
        public static let nulByte = Code(.nulByte)
        /// The bytes are not valid UTF-8.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// The file has no header row at all.
        public static let emptyFile = Code(.emptyFile)
        /// The header lacks a column the file needs (`column` names it).
        public static let badHeader = Code(.badHeader)
        /// A row has more or fewer fields than the header.
        public static let fieldCount = Code(.fieldCount)
        /// A value cannot be used (`column` names its column when known).
        public static let badValue = Code(.badValue)

        /// The code's name, e.g. "fieldCount".
        public var description: String { base.rawValue }
    }

    /// What kind of fault.
    public var code: Code
    /// The key (or path) of the file.
    public var key: String
    /// The 1-based physical line where the bad record starts (0 when not line-specific).
    public var line: Int
    /// The column concerned, when the fault is about one.
    public var column: String?
    /// What is wrong, e.g. "a quoted field is never closed".
    public var reason: String

    /// A decoding error; `code` defaults to `.badValue`.
    public init(_ code: Code = .badValue, key: String, line: Int, reason: String, column: String? = nil) {
        self.code = code
        self.key = key
        self.line = line
        self.reason = reason
        self.column = column
    }

    /// "key, line N: reason", or "key: reason" when not line-specific.
    public var description: String {
        line > 0 ? "\(key), line \(line): \(reason)" : "\(key): \(reason)"
    }
}
