// The GEMM micro-kernel for CPUs with AVX-512: this target alone is compiled with AVX-512
// enabled (Package.swift), and DQLearning calls it only after checking at run time that the
// CPU has AVX-512F. Nothing else lives here, so no AVX-512 instruction can run elsewhere.
#if arch(x86_64)
/// C[0..<rows, 0..<cols] += α · A·Bpanel for one 6×32 tile: row i of A at step p is
/// `a[i·rowOffset + p·step]`, B is packed 32 values per step, C row-major with stride `ldc`.
/// Twelve 16-lane accumulators.
@inline(never)
package func dqMicroKernel6x32(kc: Int, a: UnsafePointer<Float>, rowOffset: Int, step: Int, b: UnsafePointer<Float>,
                              c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, cols: Int, alpha: Float) {
    typealias V = SIMD16<Float>
    var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
    var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()
    let braw = UnsafeRawPointer(b)
    let r0 = a, r1 = a + rowOffset, r2 = a + 2 * rowOffset, r3 = a + 3 * rowOffset, r4 = a + 4 * rowOffset, r5 = a + 5 * rowOffset
    var q = 0
    for p in 0..<kc {
        let b0 = braw.loadUnaligned(fromByteOffset: p * 128, as: V.self)
        let b1 = braw.loadUnaligned(fromByteOffset: p * 128 + 64, as: V.self)
        var s = V(repeating: r0[q])
        c00 = c00.addingProduct(s, b0); c01 = c01.addingProduct(s, b1)
        s = V(repeating: r1[q])
        c10 = c10.addingProduct(s, b0); c11 = c11.addingProduct(s, b1)
        s = V(repeating: r2[q])
        c20 = c20.addingProduct(s, b0); c21 = c21.addingProduct(s, b1)
        s = V(repeating: r3[q])
        c30 = c30.addingProduct(s, b0); c31 = c31.addingProduct(s, b1)
        s = V(repeating: r4[q])
        c40 = c40.addingProduct(s, b0); c41 = c41.addingProduct(s, b1)
        s = V(repeating: r5[q])
        c50 = c50.addingProduct(s, b0); c51 = c51.addingProduct(s, b1)
        q += step
    }
    if alpha != 1 {
        let k = V(repeating: alpha)
        c00 *= k; c01 *= k; c10 *= k; c11 *= k; c20 *= k; c21 *= k
        c30 *= k; c31 *= k; c40 *= k; c41 *= k; c50 *= k; c51 *= k
    }
    if rows == 6 && cols == 32 {
        // A full tile, the common case, adds its registers to C directly: an array of the twelve
        // accumulators was a heap allocation per tile, and a row store left as a call cost 4.6%
        // of inference, hence `@inline(__always)`.
        @inline(__always) func add(_ row: Int, _ lo: V, _ hi: V) {
            let raw = UnsafeMutableRawPointer(c + row * ldc)
            raw.storeBytes(of: raw.loadUnaligned(as: V.self) + lo, as: V.self)
            raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 64, as: V.self) + hi, toByteOffset: 64, as: V.self)
        }
        add(0, c00, c01); add(1, c10, c11); add(2, c20, c21)
        add(3, c30, c31); add(4, c40, c41); add(5, c50, c51)
        return
    }
    let tile = [c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51]  // an edge tile: rare
    for i in 0..<rows {
        let row = c + i * ldc
        for j in 0..<cols { row[j] += tile[2 * i + j / 16][j % 16] }
    }
}
#endif
