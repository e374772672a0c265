/// The one number shape the database's lenient parsers accept (`tickets.to_num`, and
/// `tickets.coord` for the feed's coordinates): after trimming space, tab, CR and LF, at most
/// one leading sign, then digits with at most one point, at least one digit, and no more than
/// `maxLength` characters (100 for `to_num`, 32 for `coord`). Anything else is NULL to them.
struct PlainDecimal {
    let negative: Bool
    /// The digits before and after the point (either may be empty, not both).
    let whole: Slice<UnsafeBufferPointer<UInt8>>
    let fraction: Slice<UnsafeBufferPointer<UInt8>>
    /// The trimmed text, sign included: what the database's cast reads.
    let text: Slice<UnsafeBufferPointer<UInt8>>

    /// nil when the bytes are not a plain decimal (only ASCII can be one, so a byte count is a
    /// character count wherever it matters).
    init?(_ bytes: UnsafeBufferPointer<UInt8>, maxLength: Int) {
        var lo = bytes.startIndex, hi = bytes.endIndex
        while lo < hi, Self.isBlank(bytes[lo]) { lo += 1 }
        while hi > lo, Self.isBlank(bytes[hi - 1]) { hi -= 1 }
        guard hi - lo <= maxLength else { return nil }
        var i = lo
        let signed = i < hi && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-"))
        if signed { i += 1 }
        var point: Int?
        for j in i..<hi where !(bytes[j] >= 0x30 && bytes[j] <= 0x39) {
            guard bytes[j] == UInt8(ascii: "."), point == nil else { return nil }
            point = j
        }
        guard hi - i > (point == nil ? 0 : 1) else { return nil }  // at least one digit
        negative = signed && bytes[lo] == UInt8(ascii: "-")
        whole = bytes[i..<(point ?? hi)]
        fraction = bytes[(point.map { $0 + 1 } ?? hi)..<hi]
        text = bytes[lo..<hi]
    }

    /// Space, tab, CR, LF: what `btrim(v, E' \t\r\n')` removes.
    static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
}
