import Dispatch

/// Eight-lane Float32 versions of exp and erf, and row-parallel loops, for the element-wise
/// layers (GELU, softmax, LayerNorm) that would otherwise dominate inference time.
enum VectorMath {
    typealias V = SIMD8<Float>

    /// eˣ by Cody–Waite range reduction x = n·ln2 + r and a degree-6 polynomial for eʳ on
    /// |r| ≤ ln2/2 (the Cephes `expf` coefficients); relative error about 1e-7. Inputs are
    /// clamped to [−87.3, 88.7], so results stay finite and normal. n is rounded, and 2ⁿ built,
    /// with the 1.5·2²³ trick: adding it leaves n in the low mantissa bits.
    @inline(__always)
    static func exp(_ x: V) -> V {
        // `replacing(with:where:)` inlines to blends; the generic pointwiseMin/Max were calls.
        var clamped = x.replacing(with: -87.3, where: x .< -87.3)
        clamped.replace(with: 88.7, where: clamped .> 88.7)
        let shifted = clamped * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        var r = clamped - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        var p = V(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let y = p * (r * r) + r + 1
        let bits = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return y * unsafeBitCast(bits, to: V.self)
    }

    /// erf(x) by Abramowitz & Stegun 7.1.26: 1 − (a₁t + a₂t² + a₃t³ + a₄t⁴ + a₅t⁵)·e^(−x²),
    /// t = 1/(1 + p|x|), odd in x; absolute error ≤ 1.5e-7 in exact arithmetic, ≤ 5e-7 in Float32.
    @inline(__always)
    static func erf(_ x: V) -> V {
        erf(x, expOfMinusSquare: exp(-(x * x)))
    }

    /// `erf(x)` given e^(−x²), for a caller that needs that exponential too (GELU's gradient).
    @inline(__always)
    static func erf(_ x: V, expOfMinusSquare: V) -> V {
        let a = x.replacing(with: -x, where: x .< 0)
        let t = 1 / (1 + 0.327_591_1 * a)
        var poly = V(repeating: 1.061_405_429)
        poly = poly * t - 1.453_152_027
        poly = poly * t + 1.421_413_741
        poly = poly * t - 0.284_496_736
        poly = poly * t + 0.254_829_592
        let y = 1 - poly * t * expOfMinusSquare
        return y.replacing(with: -y, where: x .< 0)
    }

    /// Applies `body` to the eight-lane chunks of `count` values from `input` into `output`,
    /// the tail padded with zeros.
    @inline(__always)
    static func map(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int, _ body: (V) -> V) {
        var i = 0
        let inRaw = UnsafeRawPointer(input), outRaw = UnsafeMutableRawPointer(output)
        while i + 8 <= count {
            outRaw.storeBytes(of: body(inRaw.loadUnaligned(fromByteOffset: 4 * i, as: V.self)), toByteOffset: 4 * i, as: V.self)
            i += 8
        }
        if i < count {
            var tail = V()
            for j in 0..<(count - i) { tail[j] = input[i + j] }
            let y = body(tail)
            for j in 0..<(count - i) { output[i + j] = y[j] }
        }
    }

    /// `map` over two inputs of `count` values each.
    @inline(__always)
    static func map(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int,
                    _ body: (V, V) -> V) {
        var i = 0
        let xRaw = UnsafeRawPointer(x), yRaw = UnsafeRawPointer(y), outRaw = UnsafeMutableRawPointer(output)
        while i + 8 <= count {
            let value = body(xRaw.loadUnaligned(fromByteOffset: 4 * i, as: V.self), yRaw.loadUnaligned(fromByteOffset: 4 * i, as: V.self))
            outRaw.storeBytes(of: value, toByteOffset: 4 * i, as: V.self)
            i += 8
        }
        if i < count {
            var xTail = V(), yTail = V()
            for j in 0..<(count - i) { (xTail[j], yTail[j]) = (x[i + j], y[i + j]) }
            let value = body(xTail, yTail)
            for j in 0..<(count - i) { output[i + j] = value[j] }
        }
    }

    /// The largest of `count` (≥ 1) values, eight lanes at a time.
    @inline(__always)
    static func maximum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var acc = V(repeating: -.infinity)
        var i = 0
        let raw = UnsafeRawPointer(x)
        while i + 8 <= count {
            let v = raw.loadUnaligned(fromByteOffset: 4 * i, as: V.self)
            acc.replace(with: v, where: v .> acc)
            i += 8
        }
        var largest = acc.max()
        while i < count {
            largest = max(largest, x[i])
            i += 1
        }
        return largest
    }

    /// Σ values, with eight partial sums.
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var acc = V()
        var i = 0
        let raw = UnsafeRawPointer(x)
        while i + 8 <= count {
            acc += raw.loadUnaligned(fromByteOffset: 4 * i, as: V.self)
            i += 8
        }
        var total = acc.sum()
        while i < count {
            total += x[i]
            i += 1
        }
        return total
    }
}

extension ParallelFor {
    /// Splits `count` rows of `width` values between the cores when there are enough of them,
    /// calling `body` with each contiguous range.
    static func rows(_ count: Int, width: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let workers = count * width >= 32_768 ? min(Threading.cores, count) : 1
        guard workers > 1 else {
            body(0..<count)
            return
        }
        ForkJoin.perform(shares: workers, of: count) { _, range in
            if !range.isEmpty { body(range) }
        }
    }
}
