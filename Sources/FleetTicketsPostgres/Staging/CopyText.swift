/// Byte-level writers for COPY text format, for rows encoded straight into a `CopyWriter`'s
/// buffer (no intermediate `String` per field): backslash, tab, newline and carriage return
/// are escaped, `\N` is NULL.
enum CopyText {
    static func appendNull(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "N"))
    }

    /// Appends text escaped for COPY; false (nothing appended) when it holds a NUL byte,
    /// which PostgreSQL text cannot store.
    static func append(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        var clean = true
        for b in bytes where b <= 0x0D || b == 0x5C {
            if b == 0 { return false }
            if b == 0x09 || b == 0x0A || b == 0x0D || b == 0x5C { clean = false }
        }
        if clean {
            out.append(contentsOf: bytes)
            return true
        }
        for b in bytes {
            switch b {
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            default: out.append(b)
            }
        }
        return true
    }

    /// A string escaped for COPY; false when it holds a NUL byte.
    static func append(_ text: String, to out: inout [UInt8]) -> Bool {
        if let done = text.utf8.withContiguousStorageIfAvailable({ append($0, to: &out) }) { return done }
        return Array(text.utf8).withUnsafeBufferPointer { append($0, to: &out) }
    }

    /// A JSON string literal escaped as jsonb's output writes it (`\"`, `\\`, `\b`, `\f`,
    /// `\n`, `\r`, `\t`, other control characters as lowercase `\u00xx`), escaped again
    /// for COPY: every backslash the JSON escaping writes is doubled. False (with partial bytes
    /// the caller discards) for text holding a NUL, which jsonb refuses (\u0000).
    static func appendJSONString(_ text: String, to out: inout [UInt8]) -> Bool {
        out.append(UInt8(ascii: "\""))
        let write = { (bytes: UnsafeBufferPointer<UInt8>, out: inout [UInt8]) -> Bool in
            var plain = true
            for b in bytes where b < 0x20 || b == 0x22 || b == 0x5C {
                if b == 0 { return false }
                plain = false
            }
            if plain {
                out.append(contentsOf: bytes)
                return true
            }
            for b in bytes {
                switch b {
                case 0x22: out.append(contentsOf: [0x5C, 0x5C, 0x22])                       // \"
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C, 0x5C, 0x5C])                 // \\
                case 0x08: out.append(contentsOf: [0x5C, 0x5C, UInt8(ascii: "b")])          // \b
                case 0x0C: out.append(contentsOf: [0x5C, 0x5C, UInt8(ascii: "f")])          // \f
                case 0x0A: out.append(contentsOf: [0x5C, 0x5C, UInt8(ascii: "n")])          // \n
                case 0x0D: out.append(contentsOf: [0x5C, 0x5C, UInt8(ascii: "r")])          // \r
                case 0x09: out.append(contentsOf: [0x5C, 0x5C, UInt8(ascii: "t")])          // \t
                case _ where b < 0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [0x5C, 0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                            hex[Int(b >> 4)], hex[Int(b & 0xF)]])
                default: out.append(b)
                }
            }
            return true
        }
        let written = text.utf8.withContiguousStorageIfAvailable({ write($0, &out) })
            ?? Array(text.utf8).withUnsafeBufferPointer { write($0, &out) }
        out.append(UInt8(ascii: "\""))
        return written
    }

    /// A zero-padded non-negative number, at least `width` digits.
    static func appendDigits(_ value: Int, _ width: Int, to out: inout [UInt8]) {
        if width == 2, value >= 0, value < 100 {
            // A timestamp's month, day, hour, minute and second: five per value.
            out.append(UInt8(48 + value / 10))
            out.append(UInt8(48 + value % 10))
            return
        }
        var count = 1, power = 10
        while power <= value, count < 19 {
            count += 1
            power = power &* 10
        }
        let n = max(count, width)
        let start = out.count
        out.append(contentsOf: repeatElement(UInt8(48), count: n))
        var v = value, i = start + n - 1
        repeat {
            out[i] = UInt8(48 + v % 10)
            v /= 10
            i -= 1
        } while v > 0
    }

    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        appendDigits(abs(value), 1, to: &out)
    }

    /// The fields of one row these writers encoded (no newline), as statement parameters:
    /// `\N` is nil, escapes undone. The inverse of the writers, so a row staged by INSERT holds
    /// exactly what its COPY would have.
    static func fields(of line: [UInt8]) -> [String?] {
        var fields: [String?] = []
        var field: [UInt8] = []
        var i = 0
        var escaped = false  // the field so far is exactly "\N"
        while i <= line.count {
            let b = i < line.count ? line[i] : 0x09
            i += 1
            if b == 0x09 {
                fields.append(escaped && field.isEmpty ? nil : String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                escaped = false
            } else if b == 0x5C, i < line.count {
                let next = line[i]
                i += 1
                switch next {
                case UInt8(ascii: "t"): field.append(0x09)
                case UInt8(ascii: "n"): field.append(0x0A)
                case UInt8(ascii: "r"): field.append(0x0D)
                case UInt8(ascii: "N") where field.isEmpty: escaped = true
                default: field.append(next)
                }
            } else {
                field.append(b)
            }
        }
        return fields
    }
}
