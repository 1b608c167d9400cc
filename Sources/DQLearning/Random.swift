import Foundation

/// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014): a small, fast, seedable generator. Every
/// random choice dq makes (initialisation, dropout, shuffling, folds) draws from one of these,
/// seeded from `--seed`, so a run is reproducible.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    package private(set) var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 24 random bits.
    package mutating func nextFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Uniform in [0, 1) with 53 random bits.
    package mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
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
