import Dispatch

/// The curvature pairs (sᵢ, yᵢ) of L-BFGS and the product of their inverse-Hessian
/// approximation with a vector, in the compact form of Byrd, Nocedal & Schnabel ("Representations
/// of quasi-Newton matrices and their use in limited memory methods", Math. Prog. 63, 1994, §4):
///
///     H·g = γg + S·w − γY·u,   u = R⁻¹(Sᵀg),   w = R⁻ᵀ((D + γYᵀY)·u − γ·Yᵀg)
///
/// with S = [s₀ … s_{m−1}], Y likewise (oldest first), R the upper triangle of SᵀY, D its
/// diagonal and γ = sᵀy/yᵀy of the newest pair. It equals the two-loop recursion, but needs two
/// passes over the stored vectors instead of four (plus one per new pair to update SᵀY and
/// YᵀY), each pass blocked so a block of g or d stays in cache while every stored vector
/// streams past once, and split between the cores. For large models L-BFGS is bound by this
/// memory traffic, not by arithmetic.
final class CompactLBFGSHistory {
    let size: Int
    let memory: Int
    /// The pairs are stored in Float32: the passes over them are bound by memory traffic, which
    /// this halves. Their inner products are accumulated in Double, and SᵀY, YᵀY are computed
    /// from the stored (rounded) vectors, so H is the exact compact matrix of those pairs.
    private var s: [UnsafeMutablePointer<Float>] = []
    private var y: [UnsafeMutablePointer<Float>] = []
    /// sy[i][j] = sᵢ·yⱼ for i ≤ j; yy[i][j] = yᵢ·yⱼ.
    private var sy: [[Double]] = []
    private var yy: [[Double]] = []
    /// Sᵀg and Yᵀg from the last `direction(gradient: g)`, for the pairs stored then.
    private var lastProducts: (sg: [Double], yg: [Double])?
    /// Sᵀg and Yᵀg for the next gradient, computed by `add` for the pairs stored after it.
    private var pendingProducts: (sg: [Double], yg: [Double])?
    /// Buffers of the last dropped pair, for the next one.
    private var spare: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)?

    init(size: Int, memory: Int) {
        self.size = size
        self.memory = memory
    }

    deinit {
        for v in s + y { v.deallocate() }
        if let spare {
            spare.0.deallocate()
            spare.1.deallocate()
        }
    }

    var count: Int { s.count }

    func removeAll() {
        for v in s + y { v.deallocate() }
        s = []; y = []; sy = []; yy = []
        lastProducts = nil
        pendingProducts = nil
    }

    /// Adds the pair sNew = xNew − x, yNew = gNew − g (computed here), dropping the oldest when
    /// full. A pair whose sᵀy is not clearly positive is skipped, which keeps H positive definite.
    ///
    /// When `g` is the gradient last passed to `direction`, the products the update needs come
    /// from one pass over the stored pairs, Sᵀg_new and Yᵀg_new, by sᵢᵀy_new = sᵢᵀg_new − sᵢᵀg
    /// (likewise for yᵢ), and `direction(gNew, afterAdd: true)` reuses them: one pass per
    /// iteration instead of two (the bookkeeping of L-BFGS-B; Byrd, Lu, Nocedal & Zhu 1995, §4).
    /// `lastProducts` is cleared here, so an `add` not preceded by `direction` computes sᵢᵀy_new
    /// directly.
    func add(x: UnsafePointer<Double>, xNew: UnsafePointer<Double>, g: UnsafePointer<Double>, gNew: UnsafePointer<Double>) {
        // Reuse buffers rather than allocate 2 × 4 bytes × size anew every iteration (page faults
        // worth a tenth of the fit): a skipped pair's, or, when full, the oldest pair's, which
        // the products below do not read; so the history never holds more than `memory` pairs.
        let full = s.count == memory
        let overwritesOldest = full && spare == nil
        let recycled = spare ?? (overwritesOldest ? (s[0], y[0])
                                                  : (UnsafeMutablePointer<Float>.allocate(capacity: size), UnsafeMutablePointer<Float>.allocate(capacity: size)))
        spare = nil
        let (sNew, yNew) = recycled
        let keep = s.count == memory ? Array(1..<s.count) : Array(0..<s.count)
        let last = lastProducts.flatMap { $0.sg.count == s.count ? $0 : nil }
        typealias V = Blocked.Vector
        var pairs: [(V, V)] = keep.map { (.float(s[$0]), .double(gNew)) }
        pairs += keep.map { (.float(y[$0]), .double(gNew)) }
        if last == nil {
            // No products with the old gradient (after a restart): take sᵢᵀy_new directly.
            pairs += keep.map { (.float(s[$0]), .float(yNew)) } + keep.map { (.float(y[$0]), .float(yNew)) }
        }
        let s0 = V.float(sNew), y0 = V.float(yNew)
        let newPairs: [(V, V)] = [(s0, y0), (y0, y0), (s0, s0), (s0, .double(gNew)), (y0, .double(gNew))]
        // sNew and yNew are written block by block just before the products read them, so
        // they come from cache rather than from a pass of their own.
        let products = Blocked.dots(pairs + newPairs, count: size) { block in
            for i in block {
                sNew[i] = Float(xNew[i] - x[i])
                yNew[i] = Float(gNew[i] - g[i])
            }
        }
        let k = keep.count
        let sgNew = Array(products[0..<k]), ygNew = Array(products[k..<(2 * k)])
        let syNew: [Double], yyNew: [Double]
        if let last {
            syNew = keep.enumerated().map { sgNew[$0.offset] - last.sg[$0.element] }
            yyNew = keep.enumerated().map { ygNew[$0.offset] - last.yg[$0.element] }
        } else {
            syNew = Array(products[(2 * k)..<(3 * k)])
            yyNew = Array(products[(3 * k)..<(4 * k)])
        }
        let tail = products.count - 5
        let sy0 = products[tail], yy0 = products[tail + 1], ss0 = products[tail + 2]
        lastProducts = nil
        guard sy0 > 1e-12 * (ss0 * yy0).squareRoot() else {
            // The oldest pair's buffers now hold the skipped pair: that pair is gone.
            if overwritesOldest { dropOldest() }
            spare = recycled
            pendingProducts = nil
            return
        }
        if full {
            let dropped = dropOldest()
            if !overwritesOldest { spare = dropped }
        }
        for i in 0..<k {
            sy[i].append(syNew[i])
            yy[i].append(yyNew[i])
        }
        sy.append([Double](repeating: 0, count: k) + [sy0])
        yy.append(yyNew + [yy0])
        s.append(sNew)
        y.append(yNew)
        pendingProducts = (sgNew + [products[tail + 3]], ygNew + [products[tail + 4]])
    }

    /// Removes the oldest pair from the history, returning its buffers.
    @discardableResult
    private func dropOldest() -> (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) {
        sy = sy.dropFirst().map { Array($0.dropFirst()) }
        yy = yy.dropFirst().map { Array($0.dropFirst()) }
        return (s.removeFirst(), y.removeFirst())
    }

    /// d = −H·g (or −g scaled to unit length with no pairs yet), and returns the slope gᵀd,
    /// taken in the same pass. With `afterAdd`, g must be the `gNew` of the last `add`, whose
    /// products with the stored pairs are then reused.
    @discardableResult
    func direction(gradient g: UnsafePointer<Double>, into d: UnsafeMutablePointer<Double>, afterAdd: Bool = false) -> Double {
        let m = s.count
        guard m > 0 else {
            let norm = Blocked.dots([(.double(g), .double(g))], count: size)[0].squareRoot()
            return Blocked.combine(into: d, terms: [(-1 / max(norm, 1e-300), .double(g))], count: size, dotWith: g)
        }
        let gamma = sy[m - 1][m - 1] / yy[m - 1][m - 1]
        let sg: [Double], yg: [Double]
        if afterAdd, let pending = pendingProducts, pending.sg.count == m {
            (sg, yg) = pending
        } else {
            let products = Blocked.dots(s.map { (.float($0), .double(g)) } + y.map { (.float($0), .double(g)) }, count: size)
            (sg, yg) = (Array(products[0..<m]), Array(products[m...]))
        }
        pendingProducts = nil
        lastProducts = (sg, yg)
        // u = R⁻¹·Sᵀg (back substitution, R upper triangular).
        var u = [Double](repeating: 0, count: m)
        for i in stride(from: m - 1, through: 0, by: -1) {
            var v = sg[i]
            for j in (i + 1)..<m { v -= sy[i][j] * u[j] }
            u[i] = v / sy[i][i]
        }
        // w = R⁻ᵀ·((D + γYᵀY)·u − γ·Yᵀg) (forward substitution with Rᵀ).
        var rhs = [Double](repeating: 0, count: m)
        for i in 0..<m {
            var v = sy[i][i] * u[i] - gamma * yg[i]
            for j in 0..<m { v += gamma * (i <= j ? yy[i][j] : yy[j][i]) * u[j] }
            rhs[i] = v
        }
        var w = [Double](repeating: 0, count: m)
        for i in 0..<m {
            var v = rhs[i]
            for j in 0..<i { v -= sy[j][i] * w[j] }
            w[i] = v / sy[i][i]
        }
        let terms: [(Double, Blocked.Vector)] = [(-gamma, .double(g))] + (0..<m).map { (-w[$0], .float(s[$0])) }
            + (0..<m).map { (gamma * u[$0], .float(y[$0])) }
        return Blocked.combine(into: d, terms: terms, count: size, dotWith: g)
    }
}

/// Vector passes in cache-sized blocks, split between the cores for long vectors.
enum Blocked {
    static let block = 4096

    /// The threads a pass over `n` values uses: every core for long vectors, else one.
    static func workers(_ n: Int) -> Int { n >= 1 << 16 ? Threading.cores : 1 }

    /// Calls `body(worker, range)` for each worker's contiguous share of 0..<n, in parallel.
    static func run(_ n: Int, _ body: (_ worker: Int, _ range: Range<Int>) -> Void) {
        ForkJoin.perform(shares: workers(n), of: n, body)
    }

    /// `run` for bodies that need only their range (empty shares are skipped).
    static func run(_ n: Int, _ body: (Range<Int>) -> Void) {
        run(n) { (_: Int, range: Range<Int>) in if !range.isEmpty { body(range) } }
    }

    /// A vector of Doubles or of Floats (the stored L-BFGS pairs).
    enum Vector {
        case double(UnsafePointer<Double>)
        case float(UnsafePointer<Float>)

        static func float(_ p: UnsafeMutablePointer<Float>) -> Vector { .float(UnsafePointer(p)) }
    }

    /// aᵢ·bᵢ for every pair, accumulated in Double, each vector read once per block. `prepare`,
    /// when given, is called on each block before its products (to write vectors they read).
    static func dots(_ pairs: [(Vector, Vector)], count n: Int, prepare: ((Range<Int>) -> Void)? = nil) -> [Double] {
        let workers = workers(n)
        let partial = UnsafeMutablePointer<Double>.allocate(capacity: workers * pairs.count)
        defer { partial.deallocate() }
        partial.initialize(repeating: 0, count: workers * pairs.count)
        let box = UncheckedSendable((pairs, partial))
        run(n) { (w: Int, range: Range<Int>) in
            let (pairs, partial) = box.value
            var start = range.lowerBound
            let end = range.upperBound
            while start < end {
                let stop = min(end, start + block)
                prepare?(start..<stop)
                for (p, (a, b)) in pairs.enumerated() {
                    let sum: Double
                    switch (a, b) {
                    case let (.float(a), .double(b)): sum = dot(a, b, start, stop)
                    case let (.float(a), .float(b)): sum = dot(a, b, start, stop)
                    case let (.double(a), .double(b)): sum = dot(a, b, start, stop)
                    case let (.double(a), .float(b)): sum = dot(b, a, start, stop)
                    }
                    partial[w * pairs.count + p] += sum
                }
                start = stop
            }
        }
        return (0..<pairs.count).map { p in (0..<workers).reduce(0) { $0 + partial[$1 * pairs.count + p] } }
    }

    /// out = x + t·d.
    static func step(from x: UnsafePointer<Double>, by t: Double, along d: UnsafePointer<Double>,
                     into out: UnsafeMutablePointer<Double>, count n: Int) {
        let box = UncheckedSendable((x, d, out))
        run(n) { range in
            let (x, d, out) = box.value
            for i in range { out[i] = x[i] + t * d[i] }
        }
    }

    /// maxᵢ |vᵢ| (NaN when some vᵢ is not finite, so that no tolerance test passes on it) and,
    /// in the same pass, v·w (0 without w): a new gradient's norm and its slope along the
    /// search direction.
    static func largestMagnitude(_ v: UnsafePointer<Double>, dotWith w: UnsafePointer<Double>? = nil,
                                 count n: Int) -> (largest: Double, dot: Double) {
        let workers = workers(n)
        let parts = UnsafeMutablePointer<Double>.allocate(capacity: 2 * workers)
        defer { parts.deallocate() }
        parts.initialize(repeating: 0, count: 2 * workers)
        let box = UncheckedSendable((v, w, parts))
        run(n) { (worker: Int, range: Range<Int>) in
            let (v, w, parts) = box.value
            var largest = SIMD4<Double>(), finite = SIMD4<Double>()
            var m = 0.0, check = 0.0
            // Block by block, so that the block of v the dot has read is still in cache for the max.
            var start = range.lowerBound
            while start < range.upperBound {
                let stop = min(range.upperBound, start + block)
                if let w { parts[2 * worker + 1] += dot(v, w, start, stop) }
                var i = start
                while i &+ 4 <= stop {
                    // Comparisons and masks, which inline to vector instructions (the generic
                    // `pointwiseMax` was left as a call per four values: a tenth of a bow fit).
                    let x = UnsafeRawPointer(v + i).loadUnaligned(as: SIMD4<Double>.self)
                    let magnitude = x.replacing(with: -x, where: x .< 0)
                    largest.replace(with: magnitude, where: magnitude .> largest)
                    finite += x * 0
                    i &+= 4
                }
                while i < stop {
                    m = max(m, abs(v[i]))
                    check += v[i] * 0
                    i &+= 1
                }
                start = stop
            }
            m = max(m, largest.max())
            check += finite.sum()
            parts[2 * worker] = check.isNaN ? .nan : m
        }
        let all = (0..<workers).map { parts[2 * $0] }
        return (all.contains { $0.isNaN } ? .nan : all.max()!, (0..<workers).reduce(0) { $0 + parts[2 * $1 + 1] })
    }

    /// out = Σ cᵢ·vᵢ, and returns out·w, taken from each block while it is in cache.
    static func combine(into out: UnsafeMutablePointer<Double>, terms: [(Double, Vector)], count n: Int,
                        dotWith w: UnsafePointer<Double>) -> Double {
        let workers = workers(n)
        let partial = UnsafeMutablePointer<Double>.allocate(capacity: workers)
        defer { partial.deallocate() }
        partial.initialize(repeating: 0, count: workers)
        let box = UncheckedSendable((terms, out, w, partial))
        run(n) { (worker: Int, range: Range<Int>) in
            let (terms, out, w, partial) = box.value
            var start = range.lowerBound
            while start < range.upperBound {
                let stop = min(range.upperBound, start + block)
                for i in start..<stop { out[i] = 0 }
                for (c, v) in terms {
                    switch v {
                    case .float(let p): accumulate(c, p, into: out, start, stop)
                    case .double(let p): accumulate(c, p, into: out, start, stop)
                    }
                }
                partial[worker] += dot(UnsafePointer(out), w, start, stop)
                start = stop
            }
        }
        return (0..<workers).reduce(0) { $0 + partial[$1] }
    }
    /// Σ a[i]·b[i] over start..<stop, in Double, eight lanes at a time.
    @inline(__always)
    private static func dot<A: BlockElement, B: BlockElement>(_ a: UnsafePointer<A>, _ b: UnsafePointer<B>, _ start: Int, _ stop: Int) -> Double {
        var acc0 = SIMD4<Double>(), acc1 = SIMD4<Double>()
        var i = start
        while i &+ 8 <= stop {
            let (a0, a1) = A.load8(a + i), (b0, b1) = B.load8(b + i)
            acc0 += a0 * b0
            acc1 += a1 * b1
            i &+= 8
        }
        var sum = (acc0 + acc1).sum()
        while i < stop {
            sum += a[i].double * b[i].double
            i &+= 1
        }
        return sum
    }

    /// out[i] += c·v[i] over start..<stop, eight lanes at a time.
    @inline(__always)
    private static func accumulate<V: BlockElement>(_ c: Double, _ v: UnsafePointer<V>, into out: UnsafeMutablePointer<Double>,
                                                    _ start: Int, _ stop: Int) {
        let k = SIMD4<Double>(repeating: c)
        var i = start
        while i &+ 8 <= stop {
            let (v0, v1) = V.load8(v + i)
            let raw = UnsafeMutableRawPointer(out + i)
            raw.storeBytes(of: raw.loadUnaligned(as: SIMD4<Double>.self) + k * v0, as: SIMD4<Double>.self)
            raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 32, as: SIMD4<Double>.self) + k * v1, toByteOffset: 32, as: SIMD4<Double>.self)
            i &+= 8
        }
        while i < stop {
            out[i] += c * v[i].double
            i &+= 1
        }
    }
}

/// The element types of the blocked passes: eight of them load as two SIMD4<Double>.
protocol BlockElement {
    static func load8(_ p: UnsafePointer<Self>) -> (SIMD4<Double>, SIMD4<Double>)
    var double: Double { get }
}

extension Double: BlockElement {
    @inline(__always)
    static func load8(_ p: UnsafePointer<Double>) -> (SIMD4<Double>, SIMD4<Double>) {
        let raw = UnsafeRawPointer(p)
        return (raw.loadUnaligned(as: SIMD4<Double>.self), raw.loadUnaligned(fromByteOffset: 32, as: SIMD4<Double>.self))
    }
    var double: Double { self }
}

extension Float: BlockElement {
    @inline(__always)
    static func load8(_ p: UnsafePointer<Float>) -> (SIMD4<Double>, SIMD4<Double>) {
        let raw = UnsafeRawPointer(p)
        let low = raw.loadUnaligned(as: SIMD4<Float>.self), high = raw.loadUnaligned(fromByteOffset: 16, as: SIMD4<Float>.self)
        return (SIMD4<Double>(low), SIMD4<Double>(high))
    }
    var double: Double { Double(self) }
}


struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
