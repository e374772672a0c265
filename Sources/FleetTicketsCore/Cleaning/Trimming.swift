import Foundation

extension String {
    /// `trimmingCharacters(in: .whitespacesAndNewlines)`, answered without Foundation when
    /// both ends are ASCII characters outside the set, which trimming leaves as they are.
    /// Almost every field is such: Foundation's trim goes through NSString and builds a new
    /// string, and three trims per row were a fifth of a large file's ingest CPU.
    package func trimmingWhitespaceAndNewlines() -> String {
        // The set is named only on Foundation's path: building a CharacterSet is not free either.
        endsAreKept(by: Self.asciiWhitespaceAndNewlines) ? self : trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `trimmingCharacters(in: .whitespaces)`, the same way.
    package func trimmingWhitespace() -> String {
        endsAreKept(by: Self.asciiWhitespace) ? self : trimmingCharacters(in: .whitespaces)
    }

    /// The ASCII members of Foundation's sets, as bit masks of bytes below 64 (all of them
    /// are; `TrimmingTests` checks every ASCII byte against Foundation): tab, line feed,
    /// vertical tab, form feed, carriage return and space; tab and space.
    static let asciiWhitespaceAndNewlines: UInt64 = 1 << 0x09 | 1 << 0x0A | 1 << 0x0B | 1 << 0x0C | 1 << 0x0D | 1 << 0x20
    static let asciiWhitespace: UInt64 = 1 << 0x09 | 1 << 0x20

    /// Whether the first and last bytes are ASCII outside `members` (so a trim keeps both);
    /// true for the empty string.
    private func endsAreKept(by members: UInt64) -> Bool {
        guard let first = utf8.first, let last = utf8.last else { return true }
        func keeps(_ b: UInt8) -> Bool { b < 0x80 && (b >= 64 || members & (1 << UInt64(b)) == 0) }
        return keeps(first) && keeps(last)
    }
}
