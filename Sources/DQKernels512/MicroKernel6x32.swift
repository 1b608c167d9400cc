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
        // A full tile, the common case, adds its registers to C directly, written out: an array
        // of the twelve accumulators was a heap allocation per tile, and a local function for
        // one row was left as a call.
        var raw = UnsafeMutableRawPointer(c)
        let rowBytes = 4 * ldc
        raw.storeBytes(of: raw.loadUnaligned(as: V.self) + c00, as: V.self)
        raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 64, as: V.self) + c01, toByteOffset: 64, as: V.self)
        raw += rowBytes
        raw.storeBytes(of: raw.loadUnaligned(as: V.self) + c10, as: V.self)
        raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 64, as: V.self) + c11, toByteOffset: 64, as: V.self)
        raw += rowBytes
        raw.storeBytes(of: raw.loadUnaligned(as: V.self) + c20, as: V.self)
        raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 64, as: V.self) + c21, toByteOffset: 64, as: V.self)
        raw += rowBytes
        raw.storeBytes(of: raw.loadUnaligned(as: V.self) + c30, as: V.self)
        raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 64, as: V.self) + c31, toByteOffset: 64, as: V.self)
        raw += rowBytes
        raw.storeBytes(of: raw.loadUnaligned(as: V.self) + c40, as: V.self)
        raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 64, as: V.self) + c41, toByteOffset: 64, as: V.self)
        raw += rowBytes
        raw.storeBytes(of: raw.loadUnaligned(as: V.self) + c50, as: V.self)
        raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 64, as: V.self) + c51, toByteOffset: 64, as: V.self)
        return
    }
    let tile = [c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51]  // an edge tile: rare
    for i in 0..<rows {
        let row = c + i * ldc
        for j in 0..<cols { row[j] += tile[2 * i + j / 16][j % 16] }
    }
}
#endif
