/// Reading and writing the fixed-width digit fields of EAT texts (`2026-06-15T17-00-00`,
/// `2026-06-15 17:00:00`, `2026-06-15`) straight from and into bytes: these run per timestamp
/// on the ingest's hot path, where a formatter or a `String` per field would dominate.
@usableFromInline
enum FixedWidthText {
    /// The value of `count` ASCII digits at `from`; nil when any byte is not a digit.
    @inlinable
    static func digits(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ count: Int) -> Int? {
        var value = 0
        for i in from..<(from + count) {
            let digit = Int(bytes[i]) &- 48
            guard digit >= 0, digit <= 9 else { return nil }
            value = value &* 10 &+ digit
        }
        return value
    }

    /// Reads `text`'s UTF-8 bytes without copying them when the string is contiguous.
    static func withBytes<T>(_ text: some StringProtocol, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        if let done = text.utf8.withContiguousStorageIfAvailable(body) { return done }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// Appends `value` as `width` digits, zero-padded; a value that does not fit (a year past
    /// 9999 or before 1, from a `Date` far out) is written whole, as `%04d` would.
    static func append(_ value: Int, width: Int, to out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor &*= 10 }
        guard value >= 0, value < divisor &* 10 else {
            out.append(contentsOf: String(value).utf8)
            return
        }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(truncatingIfNeeded: 48 &+ rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// A string of `capacity` ASCII bytes or fewer written by `write`.
    static func string(capacity: Int, _ write: (inout [UInt8]) -> Void) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(capacity)
        write(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
