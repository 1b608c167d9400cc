import Dispatch
import DQKernels512
import Foundation

/// General matrix multiply on row-major Float32 data:
///
///     C ← α · op(A) · op(B) + β · C (+ 1·biasᵀ),   op(A): m×k, op(B): k×n, C: m×n
///
/// `transA` means A is stored k×m (op(A) = Aᵀ), likewise `transB`; `lda`, `ldb`, `ldc` are the
/// row strides of the stored matrices. With β = 0, C need not be initialised. `bias` (n values),
/// when given, is added to every row of C; each core adds it to its own rows before multiplying,
/// while they are in its cache (a layer's y = x·Wᵀ + b).
///
/// The algorithm is the Goto/BLIS one (Goto & van de Geijn, "Anatomy of high-performance matrix
/// multiplication", ACM TOMS 2008): op(B) is packed in KC×NR panels and α·op(A) in MR×KC panels
/// so that a 6×16 micro-kernel streams both from cache, keeping its 6×16 block of C in twelve
/// 8-lane vector registers and doing one fused multiply-add per register per step. Products
/// larger than `Threading.parallelThreshold` flops are split between the cores along their
/// longer side. On CPUs with AVX-512 a 6×32 kernel of sixteen-lane registers
/// (`DQKernels512`) replaces the 6×16 one; see `Threading.wideKernel`.
package func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>? = nil,
    threads maxThreads: Int = Threading.cores
) {
    guard m > 0, n > 0 else { return }
    let flops = 2.0 * Double(m) * Double(n) * Double(k)
    let threads = flops >= Threading.parallelThreshold ? maxThreads : 1
    guard threads > 1 else {
        Subnormals.flushed {
            GEMMKernel.run(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                           a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, bias: bias)
        }
        return
    }
    let pointers = SendablePointers(a: a, b: b, c: c, bias: bias)
    let splitRows = m >= n
    let unit = splitRows ? GEMMKernel.mr : GEMMKernel.maxNR
    let length = splitRows ? m : n
    let chunk = ((length + threads - 1) / threads + unit - 1) / unit * unit
    ForkJoin.perform(iterations: threads) { t in
        let start = t * chunk
        let count = min(chunk, length - start)
        guard count > 0 else { return }
        Subnormals.flushed {
            if splitRows {
                let aPart = transA ? pointers.a + start : pointers.a + start * lda
                GEMMKernel.run(transA: transA, transB: transB, m: count, n: n, k: k, alpha: alpha,
                               a: aPart, lda: lda, b: pointers.b, ldb: ldb, beta: beta, c: pointers.c + start * ldc, ldc: ldc,
                               bias: pointers.bias)
            } else {
                let bPart = transB ? pointers.b + start * ldb : pointers.b + start
                GEMMKernel.run(transA: transA, transB: transB, m: m, n: count, k: k, alpha: alpha,
                               a: pointers.a, lda: lda, b: bPart, ldb: ldb, beta: beta, c: pointers.c + start, ldc: ldc,
                               bias: pointers.bias.map { $0 + start })
            }
        }
    }
}

/// How dq's kernels use the cores.
package enum Threading {
    /// Cores the kernels called on this thread may use: all of `available`, unless a caller
    /// has lowered it with `withCores` (BERT inference runs each part of a batch on one core).
    package static var cores: Int { limit.map { min($0, available) } ?? available }

    @TaskLocal static var limit: Int?

    /// Runs `body` with the kernels it calls on the current thread limited to `count` cores.
    static func withCores<R>(_ count: Int, _ body: () throws -> R) rethrows -> R {
        try $limit.withValue(count, operation: body)
    }

    /// The cores there are to use (at most 2 are assumed useful on the target machines; set
    /// `DQ_THREADS` to change).
    package static let available: Int = {
        if let text = ProcessInfo.processInfo.environment["DQ_THREADS"], let value = Int(text), value >= 1 { return value }
        return max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
    }()

    /// The micro-kernel GEMM uses: 6×32 with AVX-512 when the CPU has it (x86-64 Linux, read
    /// from /proc/cpuinfo), else 6×16 with AVX2/FMA (or the host's baseline vectors).
    /// `DQ_GEMM_KERNEL=avx2` forces the portable kernel.
    package static let wideKernel: Bool = {
        #if arch(x86_64) && os(Linux)
        if ProcessInfo.processInfo.environment["DQ_GEMM_KERNEL"] == "avx2" { return false }
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
        return flags.split(separator: " ").contains("avx512f")
        #else
        return false
        #endif
    }()

    /// Products of fewer flops than this stay on one thread: below it, waking a second
    /// thread costs more than it saves.
    package static let parallelThreshold = 2.0 * 96 * 96 * 96
}

struct SendablePointers: @unchecked Sendable {
    var a: UnsafePointer<Float>
    var b: UnsafePointer<Float>
    var c: UnsafeMutablePointer<Float>
    var bias: UnsafePointer<Float>?
}

enum GEMMKernel {
    static let mr = 6
    static let maxNR = 32
    static let kc = 256
    static let mc = 96
    static let nc = 2048

    static func run(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>? = nil,
        wide: Bool = Threading.wideKernel, readsAInPlace: Bool = true
    ) {
        if beta != 1 || bias != nil {
            for i in 0..<m {
                let row = c + i * ldc
                switch (beta, bias) {
                case (0, let bias?): row.update(from: bias, count: n)
                case (0, nil): row.update(repeating: 0, count: n)
                case (_, let bias?): for j in 0..<n { row[j] = row[j] * beta + bias[j] }
                case (_, nil): for j in 0..<n { row[j] *= beta }
                }
            }
        }
        guard k > 0, alpha != 0 else { return }
        let nr = wide ? 32 : 16
        let kcMax = min(kc, k)
        let ncMax = min(nc, (n + nr - 1) / nr * nr)
        let mcMax = min(mc, (m + mr - 1) / mr * mr)
        // Pack buffers from the pool: freshly allocated, the larger ones were mapped and
        // page-faulted in on every call (4% of inference).
        let bPack = BufferPool.shared.take(kcMax * ncMax)
        let aPack = BufferPool.shared.take(kcMax * mcMax)
        defer {
            BufferPool.shared.give(bPack, count: kcMax * ncMax)
            BufferPool.shared.give(aPack, count: kcMax * mcMax)
        }
        var jc = 0
        while jc < n {
            let ncCur = min(nc, n - jc)
            var pc = 0
            while pc < k {
                let kcCur = min(kc, k - pc)
                packB(transB: transB, b: b, ldb: ldb, rowStart: pc, colStart: jc, kc: kcCur, nc: ncCur, nr: nr, into: bPack)
                var ic = 0
                while ic < m {
                    let mcCur = min(mc, m - ic)
                    // Untransposed A is read in place, six rows at a time (packing it cost a
                    // quarter of the time at BERT's shapes with the wide kernel; the 6×16 kernel
                    // trains tiny-bert 7% faster and infers 11% faster reading it in place,
                    // `dq-bench bert 32 64`); transposed A and a last panel of fewer than six
                    // rows are packed. Both readings give the same bits: each element's fused
                    // multiply-adds come in the same order.
                    let direct = !transA && readsAInPlace
                    let fullRows = direct ? mcCur / mr * mr : 0
                    if fullRows < mcCur {
                        packA(transA: transA, a: a, lda: lda, rowStart: ic + fullRows, colStart: pc,
                              mc: mcCur - fullRows, kc: kcCur, into: aPack)
                    }
                    var jr = 0
                    while jr < ncCur {
                        let nrCur = min(nr, ncCur - jr)
                        var ir = 0
                        while ir < mcCur {
                            let mrCur = min(mr, mcCur - ir)
                            let cTile = c + (ic + ir) * ldc + jc + jr
                            let inPlace = ir < fullRows
                            let aTile = inPlace ? a + (ic + ir) * lda + pc : UnsafePointer(aPack + (ir - fullRows) * kcCur)
                            let rowOffset = inPlace ? lda : 1, step = inPlace ? 1 : mr
                            #if arch(x86_64)
                            if nr == 32 {
                                dqMicroKernel6x32(kc: kcCur, a: aTile, rowOffset: rowOffset, step: step, b: bPack + jr * kcCur,
                                                  c: cTile, ldc: ldc, rows: mrCur, cols: nrCur, alpha: alpha)
                                ir += mr
                                continue
                            }
                            #endif
                            microKernel(kc: kcCur, a: aTile, rowOffset: rowOffset, step: step, b: bPack + jr * kcCur,
                                        c: cTile, ldc: ldc, rows: mrCur, cols: nrCur, alpha: alpha)
                            ir += mr
                        }
                        jr += nr
                    }
                    ic += mc
                }
                pc += kc
            }
            jc += nc
        }
    }

    /// Packs op(B)[rowStart..<+kc, colStart..<+nc] into panels of `nr` columns: element (p, j)
    /// of panel q at `q·kc·nr + p·nr + j`, zero-padded past the last column.
    static func packB(transB: Bool, b: UnsafePointer<Float>, ldb: Int, rowStart: Int, colStart: Int,
                      kc: Int, nc: Int, nr: Int, into pack: UnsafeMutablePointer<Float>) {
        var jr = 0
        while jr < nc {
            let width = min(nr, nc - jr)
            let panel = pack + jr * kc
            if transB {
                // A transpose: eight stored rows × eight values at a time are read as vectors,
                // transposed in registers and written as eight vectors across the panel (element
                // by element it was 7% of inference; one row's eight values scattered as scalars,
                // 6% of MiniLM's embedding; this halves that).
                let full = kc / 8 * 8, fullColumns = width / 8 * 8
                var j = 0
                while j < fullColumns {
                    let rows = b + (colStart + jr + j) * ldb + rowStart
                    var p = 0
                    while p < full {
                        var block = SIMD8x8(rows: rows + p, stride: ldb)
                        block.transpose()
                        block.store(to: panel + p * nr + j, stride: nr)
                        p += 8
                    }
                    while p < kc {
                        for i in 0..<8 { panel[p * nr + j + i] = rows[i * ldb + p] }
                        p += 1
                    }
                    j += 8
                }
                while j < width {
                    let row = b + (colStart + jr + j) * ldb + rowStart
                    for p in 0..<kc { panel[p * nr + j] = row[p] }
                    j += 1
                }
                if width < nr {
                    for p in 0..<kc { (panel + p * nr + width).update(repeating: 0, count: nr - width) }
                }
                jr += nr
                continue
            }
            for p in 0..<kc {
                let dst = panel + p * nr
                let src = b + (rowStart + p) * ldb + colStart + jr
                if width == nr {
                    // Vector moves, not `update(from:count:)`: a memmove call per 32 values was
                    // most of the packing of untransposed B (layers' backward dx = dy·W).
                    let from = UnsafeRawPointer(src), to = UnsafeMutableRawPointer(dst)
                    for offset in stride(from: 0, to: 4 * nr, by: 32) {
                        to.storeBytes(of: from.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self), toByteOffset: offset, as: SIMD8<Float>.self)
                    }
                } else {
                    for j in 0..<width { dst[j] = src[j] }
                }
                if width < nr { (dst + width).update(repeating: 0, count: nr - width) }
            }
            jr += nr
        }
    }

    /// Packs op(A)[rowStart..<+mc, colStart..<+kc] into panels of `mr` rows: element (i, p)
    /// of panel q at `q·mr·kc + p·mr + i`, zero-padded past the last row.
    static func packA(transA: Bool, a: UnsafePointer<Float>, lda: Int, rowStart: Int, colStart: Int,
                      mc: Int, kc: Int, into pack: UnsafeMutablePointer<Float>) {
        var ir = 0
        while ir < mc {
            let height = min(mr, mc - ir)
            let panel = pack + ir * kc
            if transA {
                // Stored A is k×m: a step's six values lie side by side in one stored row. (With
                // the choice of path and the index arithmetic inside the loop, packing was a
                // tenth of fine-tuning MiniLM, through the weight gradients' dyᵀ·x.)
                var src = a + colStart * lda + rowStart + ir
                var dst = panel
                if height == mr {
                    // Eight values read and written as one vector where the stored row holds two
                    // more: the two extra land on the next step's place, which that step then
                    // writes. The last step, whose extra two would leave the panel, is scalar.
                    var p = 0
                    if rowStart + ir + 8 <= lda {
                        while p + 1 < kc {
                            UnsafeMutableRawPointer(dst).storeBytes(of: UnsafeRawPointer(src).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
                            src += lda
                            dst += mr
                            p += 1
                        }
                    }
                    while p < kc {
                        dst[0] = src[0]; dst[1] = src[1]; dst[2] = src[2]
                        dst[3] = src[3]; dst[4] = src[4]; dst[5] = src[5]
                        src += lda
                        dst += mr
                        p += 1
                    }
                } else {
                    for _ in 0..<kc {
                        for i in 0..<height { dst[i] = src[i] }
                        for i in height..<mr { dst[i] = 0 }
                        src += lda
                        dst += mr
                    }
                }
            } else {
                // Stored A is m×k: row i of the panel is read along its stored row.
                for i in 0..<mr {
                    guard i < height else {
                        for p in 0..<kc { panel[p * mr + i] = 0 }
                        continue
                    }
                    let src = a + (rowStart + ir + i) * lda + colStart
                    for p in 0..<kc { panel[p * mr + i] = src[p] }
                }
            }
            ir += mr
        }
    }

    /// C[0..<rows, 0..<cols] += α · A·Bpanel for one 6×16 tile: row i of A at step p is
    /// `a[i·rowOffset + p·step]` (a packed panel: rowOffset 1, step 6), B is packed 16 values per
    /// step. One pointer into A and one into B advance each step, with the rows' offsets held in
    /// registers. (An earlier form that read A in place through six row pointers made the
    /// compiler hoist all six broadcasts and spill accumulators out of AVX2's sixteen registers:
    /// twice as slow.)
    @inline(__always)
    static func microKernel(kc: Int, a: UnsafePointer<Float>, rowOffset: Int, step: Int, b: UnsafePointer<Float>,
                            c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, cols: Int, alpha: Float) {
        typealias V = SIMD8<Float>
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
        var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()
        var pb = UnsafeRawPointer(b)
        var pa = a
        let o1 = rowOffset, o2 = 2 &* rowOffset, o3 = 3 &* rowOffset, o4 = 4 &* rowOffset, o5 = 5 &* rowOffset
        for _ in 0..<kc {
            let b0 = pb.loadUnaligned(as: V.self)
            let b1 = pb.loadUnaligned(fromByteOffset: 32, as: V.self)
            var s = V(repeating: pa[0])
            c00 = c00.addingProduct(s, b0); c01 = c01.addingProduct(s, b1)
            s = V(repeating: pa[o1])
            c10 = c10.addingProduct(s, b0); c11 = c11.addingProduct(s, b1)
            s = V(repeating: pa[o2])
            c20 = c20.addingProduct(s, b0); c21 = c21.addingProduct(s, b1)
            s = V(repeating: pa[o3])
            c30 = c30.addingProduct(s, b0); c31 = c31.addingProduct(s, b1)
            s = V(repeating: pa[o4])
            c40 = c40.addingProduct(s, b0); c41 = c41.addingProduct(s, b1)
            s = V(repeating: pa[o5])
            c50 = c50.addingProduct(s, b0); c51 = c51.addingProduct(s, b1)
            pa += step
            pb += 64
        }
        if alpha != 1 {
            let k = V(repeating: alpha)
            c00 *= k; c01 *= k; c10 *= k; c11 *= k; c20 *= k; c21 *= k
            c30 *= k; c31 *= k; c40 *= k; c41 *= k; c50 *= k; c51 *= k
        }
        if rows == 6 && cols == 16 {
            func add(_ row: Int, _ lo: V, _ hi: V) {
                let raw = UnsafeMutableRawPointer(c + row * ldc)
                raw.storeBytes(of: raw.loadUnaligned(as: V.self) + lo, as: V.self)
                raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 32, as: V.self) + hi, toByteOffset: 32, as: V.self)
            }
            add(0, c00, c01); add(1, c10, c11); add(2, c20, c21)
            add(3, c30, c31); add(4, c40, c41); add(5, c50, c51)
            return
        }
        let tile = [c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51]
        for i in 0..<rows {
            let row = c + i * ldc
            for j in 0..<cols { row[j] += tile[2 * i + j / 8][j % 8] }
        }
    }
}

/// Eight rows of eight floats in registers, for packing transposed B.
struct SIMD8x8 {
    typealias V = SIMD8<Float>
    var r0, r1, r2, r3, r4, r5, r6, r7: V

    /// Rows `rows`, `rows + stride`, … (unaligned).
    @inline(__always)
    init(rows: UnsafePointer<Float>, stride: Int) {
        func load(_ i: Int) -> V { UnsafeRawPointer(rows + i &* stride).loadUnaligned(as: V.self) }
        (r0, r1, r2, r3) = (load(0), load(1), load(2), load(3))
        (r4, r5, r6, r7) = (load(4), load(5), load(6), load(7))
    }

    /// Row i becomes column i: three rounds of interleaving (pairs of lanes, pairs of pairs,
    /// halves), which the compiler turns into shuffles and blends.
    @inline(__always)
    mutating func transpose() {
        func pairs(_ a: V, _ b: V) -> (V, V) {
            (V(a[0], b[0], a[1], b[1], a[4], b[4], a[5], b[5]), V(a[2], b[2], a[3], b[3], a[6], b[6], a[7], b[7]))
        }
        func quads(_ a: V, _ b: V) -> (V, V) {
            (V(a[0], a[1], b[0], b[1], a[4], a[5], b[4], b[5]), V(a[2], a[3], b[2], b[3], a[6], a[7], b[6], b[7]))
        }
        func halves(_ a: V, _ b: V) -> (V, V) {
            (V(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]), V(a[4], a[5], a[6], a[7], b[4], b[5], b[6], b[7]))
        }
        let (t0, t1) = pairs(r0, r1), (t2, t3) = pairs(r2, r3), (t4, t5) = pairs(r4, r5), (t6, t7) = pairs(r6, r7)
        let (u0, u1) = quads(t0, t2), (u2, u3) = quads(t1, t3), (u4, u5) = quads(t4, t6), (u6, u7) = quads(t5, t7)
        (r0, r4) = halves(u0, u4)
        (r1, r5) = halves(u1, u5)
        (r2, r6) = halves(u2, u6)
        (r3, r7) = halves(u3, u7)
    }

    /// Row i to `to + i·stride` (unaligned).
    @inline(__always)
    func store(to: UnsafeMutablePointer<Float>, stride: Int) {
        func put(_ i: Int, _ v: V) { UnsafeMutableRawPointer(to + i &* stride).storeBytes(of: v, as: V.self) }
        put(0, r0); put(1, r1); put(2, r2); put(3, r3); put(4, r4); put(5, r5); put(6, r6); put(7, r7)
    }
}
