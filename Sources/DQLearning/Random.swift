import Foundation

/// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014): a small, fast, seedable generator. Every
/// random choice dq makes (initialisation, dropout, shuffling, folds) draws from one of these,
/// seeded from `--seed`, so a run is reproducible.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    package private(set) var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= Self.gamma
        return Self.mix(state)
    }

    private static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15

    @inline(__always)
    private static func mix(_ state: UInt64) -> UInt64 {
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next `count` values as `count` calls of `next()` give them, to be drawn in any order
    /// or in parallel: the i-th (0-based) is `value(i)`; the generator moves past all of them.
    /// Each value depends only on the state and its position, so a dropout mask drawn on every
    /// core is still the one the sequential draw gives.
    package mutating func take(_ count: Int) -> Ahead {
        let ahead = Ahead(state: state)
        state &+= UInt64(count) &* Self.gamma
        return ahead
    }

    /// Values ahead of a generator's state (`take`).
    package struct Ahead: Sendable {
        let state: UInt64

        @inline(__always)
        package func value(_ i: Int) -> UInt64 { SplitMix64.mix(state &+ UInt64(i + 1) &* SplitMix64.gamma) }

        /// `nextFloat()`'s value at position i.
        @inline(__always)
        package func float(_ i: Int) -> Float { Float(value(i) >> 40) * 0x1p-24 }
    }

    /// Uniform in [0, 1) with 24 random bits.
    package mutating func nextFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Uniform in [0, 1) with 53 random bits.
    package mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Moves past `count` calls of `nextGaussian()` without computing them: two draws each,
    /// as they take unless a first draw is exactly 0 (probability 2⁻⁵³ per call), which
    /// `nextGaussian` draws again.
    package mutating func skipGaussians(_ count: Int) {
        state &+= 2 &* UInt64(count) &* Self.gamma
    }

    /// A standard normal deviate (Box–Muller).
    package mutating func nextGaussian() -> Float {
        var u = nextDouble()
        while u <= 0 { u = nextDouble() }
        let v = nextDouble()
        return Float((-2 * log(u)).squareRoot() * cos(2 * Double.pi * v))
    }
}


extension Array {
    /// Moves a uniform random choice of `count` elements, in random order, to the front
    /// (the first `count` steps of Fisher–Yates); the rest stay behind them in some order.
    package mutating func shufflePrefix(_ count: Int, using rng: inout SplitMix64) {
        for i in 0..<count { swapAt(i, i + Int(rng.next() % UInt64(self.count - i))) }
    }
}
