/// A file that cannot be decoded: which file, which line, and why, in plain words.
public struct CSVDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The key (or path) of the file.
    public var key: String
    /// The 1-based physical line where the bad record starts (0 when not line-specific).
    public var line: Int
    /// What is wrong, e.g. "a quoted field is never closed".
    public var reason: String

    public init(key: String, line: Int, reason: String) {
        self.key = key
        self.line = line
        self.reason = reason
    }

    public var description: String {
        line > 0 ? "\(key), line \(line): \(reason)" : "\(key): \(reason)"
    }
}
