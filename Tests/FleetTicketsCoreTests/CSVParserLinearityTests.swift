import FleetTicketsCore
import Foundation
import Testing

/// The decoder is linear whatever the input holds (docs/contract.md §3): a field made only of doubled
/// quotes decodes in about the time of a plain field of the same size. Measured as a ratio of
/// two decodes in one run, so a slow or busy machine moves both sides alike.
@Suite struct CSVParserLinearityTests {
    /// One file: a header and one record whose second field is `body`, fed in 256 KiB chunks as
    /// the engine reads files. Returns the seconds taken and the field's decoded length.
    func decode(_ body: [UInt8]) throws -> (seconds: Double, length: Int) {
        let bytes = Array("ticket_id,note\nWOT1,".utf8) + body + [0x0A]
        let start = ContinuousClock.now
        var parser = CSVParser(key: "big.csv")
        var records: [CSVParser.Record] = []
        var i = 0
        while i < bytes.count {
            try parser.feed(Array(bytes[i..<min(i + 262_144, bytes.count)]), into: &records)
            i += 262_144
        }
        try parser.finish(into: &records)
        let (s, atto) = start.duration(to: .now).components
        return (Double(s) + Double(atto) / 1e18, records.last?.fields.last?.utf8.count ?? -1)
    }

    @Test func aTwentyMegabyteFieldOfDoubledQuotesDecodesAboutAsFastAsAPlainOne() throws {
        let size = 20 << 20
        let plain = [UInt8(ascii: "\"")] + [UInt8](repeating: UInt8(ascii: "x"), count: size) + [UInt8(ascii: "\"")]
        let doubled = [UInt8(ascii: "\"")] + [UInt8](repeating: UInt8(ascii: "\""), count: size) + [UInt8(ascii: "\"")]
        _ = try decode(Array(plain.prefix(1 << 20)) + [UInt8(ascii: "\"")])  // warm up allocator and code paths
        // The best of three of each, interleaved: the other suites run in parallel, and a burst
        // of their work during one decode must not decide the ratio. (A quadratic decoder is
        // hundreds of times slower here, not three.)
        var p = try decode(plain), d = try decode(doubled)
        for _ in 0..<2 {
            let p2 = try decode(plain), d2 = try decode(doubled)
            if p2.seconds < p.seconds { p = p2 }
            if d2.seconds < d.seconds { d = d2 }
        }
        #expect(p.length == size)
        #expect(d.length == size / 2, "each doubled quote is one quote")
        let ratio = d.seconds / max(p.seconds, 1e-3)
        #expect(ratio < 3, "doubled quotes took \(d.seconds) s, a plain field \(p.seconds) s (ratio \(ratio))")
    }

    @Test func aLongUnquotedFieldAcrossManyChunksIsLinearToo() throws {
        // Before the state machine, a record straddling chunks was re-scanned from its start at
        // every chunk: quadratic in the field's size even without quotes.
        let small = try decode([UInt8](repeating: UInt8(ascii: "y"), count: 2 << 20))
        let large = try decode([UInt8](repeating: UInt8(ascii: "y"), count: 16 << 20))
        #expect(large.length == 16 << 20)
        let ratio = large.seconds / max(small.seconds, 1e-3)
        #expect(ratio < 8 * 3, "8x the bytes took \(ratio)x the time")
    }
}
