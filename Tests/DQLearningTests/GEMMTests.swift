import Testing
@testable import DQLearning

/// C = α·op(A)·op(B) + β·C (+ bias on every row) by the definition, in Double.
private func referenceGEMM(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: [Float], lda: Int,
                           b: [Float], ldb: Int, beta: Float, c: [Float], ldc: Int, bias: [Float]? = nil) -> [Float] {
    var out = c
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0
            for p in 0..<k {
                let x = transA ? a[p * lda + i] : a[i * lda + p]
                let y = transB ? b[j * ldb + p] : b[p * ldb + j]
                sum += Double(x) * Double(y)
            }
            out[i * ldc + j] = Float(Double(alpha) * sum + Double(beta) * Double(c[i * ldc + j]) + Double(bias?[j] ?? 0))
        }
    }
    return out
}

private func randomMatrix(_ count: Int, _ rng: inout SplitMix64) -> [Float] {
    (0..<count).map { _ in rng.nextFloat() * 2 - 1 }
}

/// The portable 6×16 kernel always; the AVX-512 6×32 kernel too where the CPU has it.
private let kernels = Threading.wideKernel ? [false, true] : [false]

@Test(arguments: [(1, 1, 1), (5, 7, 3), (6, 16, 8), (13, 33, 19), (64, 50, 300), (97, 130, 257)])
func gemmMatchesTheDefinitionForEveryTransposeAndEdgeTile(shape: (Int, Int, Int)) {
    let (m, n, k) = shape
    var rng = SplitMix64(seed: UInt64(m * 1000 + n * 10 + k))
    for (transA, slackA) in [(false, 3), (true, 3), (true, 0)] {
        for transB in [false, true] {
            // Strides wider than the matrices, to catch stride mix-ups; and transposed A packed
            // from rows with no room past the matrix (the packing reads eight values where a
            // stored row holds them).
            let lda = (transA ? m : k) + slackA, ldb = (transB ? k : n) + 2, ldc = n + 5
            let a = randomMatrix((transA ? k : m) * lda, &rng)
            let b = randomMatrix((transB ? n : k) * ldb, &rng)
            let c = randomMatrix(m * ldc, &rng)
            let bias = randomMatrix(n, &rng)
            for (alpha, beta, withBias) in [(Float(1), Float(0), false), (0.5, 1, false), (-1.5, 0.25, false),
                                            (1, 0, true), (0.5, 1, true), (-1.5, 0.25, true)] {
              for wide in kernels {
                let want = referenceGEMM(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                                         b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, bias: withBias ? bias : nil)
                var got = c
                got.withUnsafeMutableBufferPointer { cp in
                    GEMMKernel.run(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                                   beta: beta, c: cp.baseAddress!, ldc: ldc, bias: withBias ? bias : nil, wide: wide)
                }
                var worst: Float = 0
                for i in 0..<m { for j in 0..<n { worst = max(worst, abs(got[i * ldc + j] - want[i * ldc + j])) } }
                #expect(worst <= 1e-5 * Float(k + 1), "m\(m) n\(n) k\(k) tA \(transA) lda \(lda) tB \(transB) α \(alpha) β \(beta) bias \(withBias) wide \(wide): \(worst)")
                // Padding columns of C past n are never written.
                for i in 0..<m { for j in n..<ldc { #expect(got[i * ldc + j] == c[i * ldc + j]) } }
              }
            }
        }
    }
}

/// Untransposed A read where it lies gives the same bits as A packed first, with either kernel,
/// and the two kernels give the same bits where the CPU has both: every reading feeds each
/// element's fused multiply-adds in the same order.
@Test func readingAInPlaceGivesTheBitsOfPackingIt() {
    var rng = SplitMix64(seed: 21)
    for (m, n, k) in [(13, 33, 19), (97, 130, 257), (200, 40, 64)] {
        let lda = k + 3, ldb = k + 1, ldc = n + 2
        let a = randomMatrix(m * lda, &rng), b = randomMatrix(n * ldb, &rng), c = randomMatrix(m * ldc, &rng)
        for alpha in [Float(1), -0.75] {
            var results: [[Float]] = []
            for wide in kernels {
                for inPlace in [true, false] {
                    var got = c
                    got.withUnsafeMutableBufferPointer { cp in
                        GEMMKernel.run(transA: false, transB: true, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                                       beta: 0.5, c: cp.baseAddress!, ldc: ldc, wide: wide, readsAInPlace: inPlace)
                    }
                    results.append(got)
                }
            }
            for other in results.dropFirst() {
                let differing = zip(results[0], other).filter { $0 != $1 }.count
                #expect(differing == 0, "m\(m) n\(n) k\(k) α \(alpha): \(differing) values differ")
            }
        }
    }
}

@Test func gemmSplitsLargeProductsBetweenThreadsWithoutChangingTheResult() {
    var rng = SplitMix64(seed: 9)
    let m = 200, n = 150, k = 120
    let a = randomMatrix(m * k, &rng), b = randomMatrix(k * n, &rng)
    var one = [Float](repeating: 0, count: m * n), two = one, three = one
    gemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n, beta: 0, c: &one, ldc: n, threads: 1)
    gemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n, beta: 0, c: &two, ldc: n, threads: 2)
    // Wider than tall: split by columns.
    gemm(transA: true, transB: true, m: n, n: m, k: k, alpha: 1, a: b, lda: n, b: a, ldb: k, beta: 0, c: &three, ldc: m, threads: 2)
    #expect(one == two)
    for i in 0..<m { for j in 0..<n { #expect(abs(three[j * m + i] - one[i * n + j]) < 1e-4) } }
    // A bias reaches every row when the rows are split, and the right columns when the columns are.
    let bias = randomMatrix(n, &rng), rowBias = randomMatrix(m, &rng)
    gemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n, beta: 0, c: &two, ldc: n,
         bias: bias, threads: 2)
    gemm(transA: true, transB: true, m: n, n: m, k: k, alpha: 1, a: b, lda: n, b: a, ldb: k, beta: 0, c: &three, ldc: m,
         bias: rowBias, threads: 2)
    for i in 0..<m {
        for j in 0..<n {
            #expect(two[i * n + j] == one[i * n + j] + bias[j])
            #expect(abs(three[j * m + i] - (one[i * n + j] + rowBias[i])) < 1e-4)
        }
    }
}

/// Inside `Subnormals.flushed` a product that would be subnormal is zero, and a subnormal operand
/// counts as zero; outside, both are kept, and the thread's mode is restored after.
@Test func subnormalsAreFlushedOnlyInsideTheKernelsScope() {
    let tiny = Float.leastNormalMagnitude  // 1.18e-38
    let scale = Float(0.01)
    @inline(never) func product(_ x: Float, _ y: Float) -> Float { x * y }
    let before = product(tiny, scale)
    #expect(before > 0 && before.isSubnormal)
    #if arch(x86_64)
    let inside = Subnormals.flushed { product(tiny, scale) }
    #expect(inside == 0)
    let subnormalOperand = Subnormals.flushed { product(before, 1e30) }
    #expect(subnormalOperand == 0)
    // A GEMM whose true sums are subnormal (96 products of 1.2·10⁻⁴⁰) writes zeros on both
    // threads; the same sums in Double are not zero.
    let n = 96
    let a = [Float](repeating: tiny, count: n * n), b = [Float](repeating: scale, count: n * n)
    var c = [Float](repeating: 1, count: n * n)
    gemm(transA: false, transB: false, m: n, n: n, k: n, alpha: 1, a: a, lda: n, b: b, ldb: n, beta: 0, c: &c, ldc: n, threads: 2)
    #expect(c.allSatisfy { $0 == 0 })
    #expect(Double(tiny) * Double(scale) * Double(n) > 0)
    #endif
    #expect(product(tiny, scale) == before)
}
