/// A small, fast, seedable generator (SplitMix64): same seed, same sequence, on every platform.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1).
    package mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// A generator for one item, independent of how many items came before it.
    package static func forItem(_ item: UInt64, seed: UInt64, stream: UInt64) -> SplitMix64 {
        var mix = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        for _ in 0..<2 { _ = mix.next() }
        return SplitMix64(seed: mix.next() ^ (item &* 0x9E37_79B9_7F4A_7C15))
    }
}
